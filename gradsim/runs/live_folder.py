"""A run folder written *while* training goes: the sink :class:`RunFolderWriter`.

The same folder ``gradsim run --out DIR`` writes, from gradsim's own runs and from a
user's model followed by :func:`gradsim.core.watch.watch`, so that the app replays it and
follows it live. The format (a reader may rely on exactly this):

``metrics.csv``
    one row per iteration, appended and flushed as each iteration arrives (a follower may
    see a partial last line: drop a line without its newline). Columns
    :data:`gradsim.runs.folder.METRIC_COLUMNS` (``step, loss, grad_norm, grad_norm_after,
    clipped, spectral_radius, sigma_max, spectrum_step, diverged, step_seconds``), then
    ``grad_norm[<parameter>]`` per parameter (gradsim's names, e.g. ``layers.0.weight_hh``,
    or the watched module's, e.g. ``weight_hh_l0``). Floats as Python writes them, NaN as
    ``nan``. For a watched module: ``loss`` is what ``Watch.log`` received (``nan``
    without it), ``grad_norm`` the norm of the module's parameter gradients after
    backward (before any clipping by the user), ``grad_norm_after`` is ``nan`` and
    ``clipped`` 0 (the user's clipping is not seen).
``grad_steps.npz``
    float32 ``total``, ``last``, ``weight`` (rows × seq_len) of layer 0, ``total_l1`` …
    for deeper layers, int64 ``step`` (the iteration each row starts at), ``stride``
    (iterations merged per row, by max) — the bounded history, as
    :func:`gradsim.runs.folder.grad_steps_arrays` writes it. Rewritten atomically
    (temporary file + rename) every ``every_steps`` iterations or ``every_seconds``, and
    at :meth:`RunFolderWriter.close`.
``summary.json``
    rewritten atomically with grad_steps.npz: ``final_loss``, ``steps``, ``diverged_at``,
    ``history_rows``, ``history_stride``, ``versions`` (as ``gradsim run`` writes),
    ``final_spectral_radius``, ``final_sigma_max``, ``final_grad_norm``,
    ``clipped_fraction``, ``wall_seconds`` (since the writer opened), ``train_seconds``
    (sum of ``step_seconds``), ``steps_per_second``, and ``running``: true until the
    writer is closed (a follower stops following at false).
``config.toml`` (gradsim's own runs)
    the resolved config, written when the writer opens.
``model.json`` (a watched module, instead of config.toml)
    :func:`gradsim.core.watch.describe_module`: ``kind = "watched torch module"``,
    ``module``, ``cell``, ``input_size``, ``hidden_size``, ``num_layers``,
    ``batch_first``, ``bias``, ``dropout``, ``nonlinearity``, ``dtype``, ``device``,
    ``parameters``; plus ``seq_len`` once the first iteration arrived.

No figures (PNG/SVG) are written: the folder stays Qt-free; ``write_outputs`` renders them.

Example
-------
>>> from gradsim.config import RunConfig
>>> from gradsim.runs.procedure import train
>>> cfg = RunConfig(seq_len=10, hidden_size=8, batch_size=4)
>>> with RunFolderWriter("runs/live", config=cfg) as sink:     # doctest: +SKIP
...     train(cfg, steps=100, sinks=[sink])
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np

from gradsim.config import RunConfig, config_to_toml
from gradsim.core.history import History, run_summary
from gradsim.core.snapshot import Snapshot
from gradsim.fileio import atomic_write_bytes, atomic_write_text
from gradsim.runs.folder import check_writable_dir, grad_steps_arrays, metrics_row
from gradsim.versions import versions

__all__ = ["LIVE_FILES", "RunFolderWriter"]

#: Files a live run folder always holds (plus config.toml or model.json).
LIVE_FILES = ("metrics.csv", "grad_steps.npz", "summary.json")


def _json_safe(obj: Any) -> Any:
    """NaN / inf -> null, as summary.json has it."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj



class RunFolderWriter:
    """A sink that keeps a run folder up to date as training goes (format: module docstring).

    Parameters
    ----------
    out_dir : str or Path
        Created if needed; files of an earlier run in it are replaced.
    config : RunConfig, optional
        gradsim's own run: written as ``config.toml``.
    model : mapping, optional
        A description written as ``model.json`` (a watched module hands its own over
        through :meth:`start`).
    every_steps : int
        Rewrite grad_steps.npz and summary.json every this many iterations.
    every_seconds : float or None
        … and at least this often while iterations arrive (None: by steps only).
    rows : int
        Heatmap rows kept (even); beyond, neighbouring rows merge by max and ``stride`` doubles.

    Raises
    ------
    OSError
        Naming the folder or file that cannot be written.
    """

    def __init__(self, out_dir: str | Path, *, config: RunConfig | None = None, model: Mapping[str, Any] | None = None,
                 every_steps: int = 50, every_seconds: float | None = 5.0, rows: int = 4096,
                 scalar_rows: int = 1 << 18) -> None:
        if every_steps < 1:
            raise ValueError(f"every_steps = {every_steps!r}: must be an integer ≥ 1")
        if rows < 2 or rows % 2:
            raise ValueError(f"rows = {rows!r}: must be an even integer ≥ 2")
        self.out = check_writable_dir(out_dir)
        self.config = config
        self.model: dict[str, Any] | None = dict(model) if model is not None else None
        self.every_steps = every_steps
        self.every_seconds = every_seconds
        self.rows, self.scalar_rows = rows, scalar_rows
        self.histories: list[History] = []
        self.last: Snapshot | None = None
        self._t_open = time.perf_counter()
        self._t_flush = self._t_open
        self._since_flush = 0
        self._train_seconds = 0.0
        self._closed = False
        self._fields: list[str] | None = None
        self._writer: csv.DictWriter | None = None
        try:
            self._fh = open(self.out / "metrics.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115 - close()
        except OSError as err:
            raise OSError(f"cannot write {str(self.out / 'metrics.csv')!r}: {err.strerror or err}") from None
        if config is not None:
            self._put("config.toml", config_to_toml(config))
        if self.model is not None:
            self._write_model()

    # ------------------------------------------------------------------ sink protocol
    def start(self, info: Mapping[str, Any]) -> None:
        """Called by :func:`~gradsim.core.watch.watch` with the watched module's description."""
        if self.config is None and self.model is None:
            self.model = dict(info)
            self._write_model()

    def __call__(self, snap: Snapshot) -> None:
        """Append one iteration: a metrics.csv row now, the heatmap files every N steps / seconds."""
        if self._closed:
            raise RuntimeError(f"RunFolderWriter({str(self.out)!r}) is closed")
        layers, T = snap.views["total"].shape
        if not self.histories:
            self.histories = [History(T, rows=self.rows, scalar_rows=self.scalar_rows) for _ in range(layers)]
            if self.model is not None and "seq_len" not in self.model:
                self.model["seq_len"] = T
                self._write_model()
        elif (layers, T) != (len(self.histories), self.histories[0].seq_len):
            raise ValueError(f"RunFolderWriter: views of shape (layers, T) = {(layers, T)} after "
                             f"{(len(self.histories), self.histories[0].seq_len)}; a run folder's heatmap needs one "
                             "sequence length (pad the batches, or write one folder per length)")
        for li, h in enumerate(self.histories):
            h.append(snap, layer=li)
        self.last = snap
        self._train_seconds += snap.step_seconds
        row = metrics_row(snap)
        if self._writer is None:
            self._fields = list(row)
            self._writer = csv.DictWriter(self._fh, fieldnames=self._fields, restval="", extrasaction="ignore")
            self._writer.writeheader()
        self._writer.writerow(row)
        self._fh.flush()  # a follower sees every row as it comes
        self._since_flush += 1
        now = time.perf_counter()
        if self._since_flush >= self.every_steps or (
                self.every_seconds is not None and now - self._t_flush >= self.every_seconds):
            self.flush()

    def flush(self, running: bool = True) -> None:
        """Rewrite grad_steps.npz and summary.json now (atomically)."""
        self._since_flush = 0
        self._t_flush = time.perf_counter()
        if not self.histories:
            self._put("summary.json", json.dumps(_json_safe(self._summary(running)), indent=2) + "\n")
            return
        buf = io.BytesIO()
        np.savez_compressed(buf, **grad_steps_arrays(self.histories))
        self._put("grad_steps.npz", buf.getvalue())
        self._put("summary.json", json.dumps(_json_safe(self._summary(running)), indent=2) + "\n")

    def close(self) -> None:
        """Final grad_steps.npz and summary.json (``running: false``); closes metrics.csv. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self._fh.close()
        finally:
            self.flush(running=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers
    def _summary(self, running: bool) -> dict[str, Any]:
        steps = self.histories[0].count if self.histories else 0
        extra = {
            "history_rows": len(self.histories[0].views["total"]) if self.histories else 0,
            "history_stride": self.histories[0].views["total"].stride if self.histories else 1,
            "versions": versions(),
            "wall_seconds": time.perf_counter() - self._t_open,
            "train_seconds": self._train_seconds,
            "steps_per_second": steps / self._train_seconds if self._train_seconds > 0 else None,
            "fast_path": self.last.fast_path if self.last is not None else None,
            "running": running,
        }
        if not self.histories:
            return {"final_loss": None, "steps": 0, "diverged_at": None, **extra}
        return run_summary(self.histories, self.last, **extra)

    def _write_model(self) -> None:
        self._put("model.json", json.dumps(_json_safe(self.model), indent=2) + "\n")

    def _put(self, name: str, data: str | bytes) -> None:
        path = self.out / name
        try:
            if isinstance(data, str):
                atomic_write_text(path, data)
            else:
                atomic_write_bytes(path, data)
        except OSError as err:
            raise OSError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
