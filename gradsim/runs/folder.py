"""The files a run writes: the same set from ``gradsim run --out DIR`` and from the
app's Export → All.

``config.toml``
    the full resolved config (loads back with ``--config``)
``metrics.csv``
    one row per iteration (CLI) or per history row (app, after a long run rows cover
    several iterations: see the ``stride`` of grad_steps.npz)
``grad_steps.npz``
    float32 arrays ``total``, ``last``, ``weight`` (rows × seq_len) of the first layer,
    ``total_l1`` … for deeper layers, ``step`` (the iteration each row starts at) and
    ``stride`` (iterations merged per row; merged by max)
``summary.json``
    final loss, steps, wall seconds, steps per second (training loop only),
    ``diverged_at``, versions of python / torch / numpy / Qt
``loss``, ``predictions``, ``heatmap``, ``profile`` (the newest per-step profile with its
bound), ``spectrum`` (eigenvalues of W_hh), ``spectral`` (ρ and σ_max over the run), each as
``.png`` and ``.svg``

:func:`run_to_folder` writes the whole folder under a temporary name beside ``out`` and
renames it into place when complete: ``out`` is the old run, whole, or the new one,
whole; a failure or Ctrl-C removes what the run created and nothing else. Everything that
can refuse the run (the config, the steps, the memory, the device, the path) is checked
before anything is created. :func:`write_outputs` (the app's Export → All) writes file
by file, ``summary.json`` last, and removes the files it created when one fails.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import numpy as np

from gradsim.config import RunConfig, config_to_toml
from gradsim.core.history import History
from gradsim.core.snapshot import Snapshot
from gradsim.errors import Reason
from gradsim.fileio import WriteError, atomic_folder, atomic_write_bytes, write_error
from gradsim.versions import versions

if TYPE_CHECKING:
    from gradsim.runs.procedure import RunResult

__all__ = [
    "METRIC_COLUMNS",
    "metrics_row",
    "MetricsWriter",
    "versions",
    "write_outputs",
    "check_writable_dir",
    "check_out_folder",
    "OUTPUT_FILES",
    "run_to_folder",
]

#: Columns every metrics.csv starts with; per-parameter gradient norms follow as
#: ``grad_norm[<parameter>]``.
METRIC_COLUMNS = [
    "step", "loss", "grad_norm", "grad_norm_after", "clipped", "spectral_radius", "sigma_max",
    "spectrum_step", "diverged", "step_seconds",
]

FIGURES = ("loss", "predictions", "heatmap", "profile", "spectrum", "spectral")  # figures.run.RUN_FIGURES
OUTPUT_FILES = (
    ["config.toml", "metrics.csv", "grad_steps.npz", "summary.json"]
    + [f"{f}.png" for f in FIGURES]
    + [f"{f}.svg" for f in FIGURES]
)


def metrics_row(snap: Snapshot) -> dict[str, Any]:
    """One metrics.csv row from a snapshot."""
    row: dict[str, Any] = {
        "step": snap.step,
        "loss": snap.loss,
        "grad_norm": snap.grad_norm,
        "grad_norm_after": snap.grad_norm_after,
        "clipped": int(snap.clipped),
        "spectral_radius": snap.spectral_radius,
        "sigma_max": snap.sigma_max,
        "spectrum_step": snap.spectrum_step,
        "diverged": int(snap.diverged),
        "step_seconds": snap.step_seconds,
    }
    for name, value in snap.param_grad_norms.items():
        row[f"grad_norm[{name}]"] = value
    return row


class MetricsWriter:
    """Streams metrics.csv rows to disk as training goes (memory stays flat).

    A failed write (a full disk) raises :class:`~gradsim.fileio.WriteError` naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            # line-buffered: a row is on disk when its step is done (a write per step, ~µs)
            self._fh = open(self.path, "w", newline="", encoding="utf-8", buffering=1)  # noqa: SIM115 - close()
        except OSError as err:
            raise write_error(self.path, err) from None
        self._writer: csv.DictWriter | None = None

    def write(self, row: Mapping[str, Any]) -> None:
        try:
            if self._writer is None:
                self._writer = csv.DictWriter(self._fh, fieldnames=list(row))
                self._writer.writeheader()
            self._writer.writerow(row)
        except OSError as err:
            raise write_error(self.path, err) from None

    def __call__(self, snap: Snapshot) -> None:
        """A run-procedure sink: one row per snapshot."""
        self.write(metrics_row(snap))

    def close(self) -> None:
        try:
            self._fh.close()  # flushes: a full disk may only show here
        except OSError as err:
            raise write_error(self.path, err) from None

    def __enter__(self) -> "MetricsWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:  # already failing: the first error is the one to report
            with contextlib.suppress(OSError):
                self._fh.close()


#: What a run folder may hold besides OUTPUT_FILES (a comparison's folder, leftovers of an
#: interrupted write): a folder holding anything else is not replaced.
_RUN_EXTRAS = frozenset({"a", "b", "compare.png", "compare.svg", "model.json", ".gradsim-write-test"})


def check_out_folder(path: str | Path, names: Iterable[str] = OUTPUT_FILES) -> Path:
    """Before anything is created: ``path`` is absent, an empty folder or a folder of an
    earlier run (only ``names`` and gradsim's own files in it), which a new run may replace
    whole. Raises WriteError naming ``path`` otherwise (a file, a folder of other files, a
    folder this user may not write)."""
    p = Path(path)
    if str(path) == "":
        raise WriteError(p, Reason("no folder given"), "output folder")
    try:
        if not p.exists():
            return p
        if not p.is_dir():
            raise WriteError(p, Reason("not a folder"), "output folder")
        if not os.access(p, os.W_OK | os.X_OK):
            # a read-only folder says "keep": the rename would replace it all the same (its
            # parent is writable), so refuse it as writing into it would be refused
            raise write_error(p, PermissionError(errno.EACCES, os.strerror(errno.EACCES)), "output folder")
    except WriteError:
        raise
    except OSError as err:  # a name too long, a loop of links
        raise write_error(p, err, "output folder") from None
    allowed = set(names) | _RUN_EXTRAS
    try:
        foreign = sorted(e.name for e in p.iterdir() if e.name not in allowed and not e.name.startswith(".gradsim-"))
    except OSError as err:
        raise write_error(p, err, "output folder") from None
    if foreign:
        raise WriteError(p, Reason("holds files that are not a gradsim run (choose an empty or new folder)"),
                         "output folder")
    return p


def check_writable_dir(path: str | Path) -> Path:
    """Create ``path`` if needed and prove it is writable; raises OSError naming it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        probe = p / ".gradsim-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise WriteError(p, err.strerror or str(err), "output folder", err.errno) from None
    return p


def _history_metrics_csv(history: History) -> str:
    buf = io.StringIO()
    names = list(history.scalars)
    w = csv.writer(buf)
    w.writerow(["step", *names])
    steps = history.scalars[names[0]].steps
    cols = [history.scalars[n].data[:, 0] for n in names]
    for i, s in enumerate(steps):
        w.writerow([int(s), *(_num(c[i]) for c in cols)])
    return buf.getvalue()


def _num(v: float) -> Any:
    v = float(v)
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


def json_safe(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj


def grad_steps_arrays(histories: list[History]) -> dict[str, np.ndarray]:
    """The arrays of grad_steps.npz from one History per layer."""
    arrays: dict[str, np.ndarray] = {}
    for li, h in enumerate(histories):
        suffix = "" if li == 0 else f"_l{li}"
        for v, buf in h.views.items():
            arrays[v + suffix] = np.ascontiguousarray(buf.data, dtype=np.float32)
    first = histories[0].views["total"]
    arrays["step"] = first.steps.copy()
    arrays["stride"] = np.array(first.stride)
    return arrays


def write_outputs(
    out_dir: str | Path,
    cfg: RunConfig,
    history: History | list[History],
    last_snapshot: Snapshot | None,
    *,
    summary_extra: Mapping[str, Any] | None = None,
    rollout: np.ndarray | None = None,
    metrics_written: bool = False,
    figures: bool = True,
    eigenvalues: np.ndarray | None = None,
) -> list[Path]:
    """Write every output file into ``out_dir`` (atomically, file by file).

    Parameters
    ----------
    history
        The run's History, or one per layer (layer 0 first).
    metrics_written
        True when the caller already streamed metrics.csv into ``out_dir``
        (the CLI does, one row per iteration); otherwise it is written from the
        history's scalar rows.
    figures
        Also render the figures (:data:`FIGURES`) as PNG and SVG (needs Qt).
    eigenvalues
        Layer 0's eigenvalues of W_hh at the end, for the spectrum figure.

    Returns
    -------
    list of Path
        The files written. Raises OSError naming the file on failure.
    """
    out = check_writable_dir(out_dir)
    histories = history if isinstance(history, list) else [history]
    written: list[Path] = []
    before = {e.name for e in out.iterdir()}
    try:
        return _write_all(out, written, cfg, histories, last_snapshot, summary_extra, rollout, metrics_written,
                          figures, eigenvalues)
    except BaseException:
        # a half-written set looks complete to a reader: take back what this call created
        # (files that were there before were replaced atomically, or are still the old ones)
        with contextlib.suppress(OSError):
            for entry in out.iterdir():
                if entry.name not in before and entry.name in OUTPUT_FILES:
                    with contextlib.suppress(OSError):
                        entry.unlink()
        raise


def _write_all(out: Path, written: list[Path], cfg: RunConfig, histories: list[History],
               last_snapshot: Snapshot | None, summary_extra: Mapping[str, Any] | None, rollout: np.ndarray | None,
               metrics_written: bool, figures: bool, eigenvalues: np.ndarray | None) -> list[Path]:
    h0 = histories[0]

    def _put(name: str, data: bytes | str) -> None:
        path = out / name
        atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    _put("config.toml", config_to_toml(cfg))
    if metrics_written:
        written.append(out / "metrics.csv")
    else:
        _put("metrics.csv", _history_metrics_csv(h0))
    buf = io.BytesIO()
    np.savez_compressed(buf, **grad_steps_arrays(histories))
    _put("grad_steps.npz", buf.getvalue())
    steps_done = h0.count
    final_loss = last_snapshot.loss if last_snapshot is not None else None
    summary = {
        "final_loss": final_loss,
        "steps": steps_done,
        "diverged_at": h0.diverged_at,
        "history_rows": len(h0.views["total"]),
        "history_stride": h0.views["total"].stride,
        "versions": versions(),
    }
    summary.update(summary_extra or {})
    if figures:
        from gradsim.figures.run import render_run_figures

        written += render_run_figures(out, cfg, h0, last_snapshot, rollout=rollout, eigenvalues=eigenvalues)
    # last: a folder with summary.json is complete
    _put("summary.json", json.dumps(json_safe(summary), indent=2) + "\n")
    return written


def run_to_folder(cfg: RunConfig, steps: int, out: str | Path, *, figures: bool = True,
                  progress: "Callable[[int, int], None] | None" = None,
                  sinks: "Iterable[Callable[[Snapshot], None]]" = (), stop_on_interrupt: bool = False
                  ) -> "RunResult":
    """Train ``cfg`` for ``steps`` iterations with :func:`gradsim.runs.procedure.train` and write
    the whole run folder into ``out`` (metrics.csv streamed as training goes); every snapshot
    also goes to ``sinks`` (e.g. a :class:`gradsim.runs.tensorboard.TensorBoardWriter`).

    Everything is checked before anything is created (:func:`gradsim.runs.procedure.check_run`,
    :func:`check_out_folder`); the folder is written under a temporary name beside ``out``
    and takes ``out``'s place only when complete (an earlier run there is replaced whole).
    With ``stop_on_interrupt``, Ctrl-C ends training after the last completed step N and the
    folder holds steps 0 … N−1 (``result.interrupted_at`` = N, also in summary.json); a Ctrl-C
    before the first step or while writing raises :class:`~gradsim.runs.procedure.Interrupted`
    and leaves ``out`` as it was. Returns the :class:`RunResult`; raises ConfigError when the
    config cannot run here, ValueError for bad ``steps`` and OSError naming the file that failed.
    """
    from gradsim.runs.procedure import Interrupted, check_run, train

    steps = check_run(cfg, steps)
    check_out_folder(out)
    result = None
    try:
        with atomic_folder(out) as tmp:
            with MetricsWriter(tmp / "metrics.csv") as metrics:
                result = train(cfg, steps, sinks=[metrics, *sinks], progress=progress,
                               stop_on_interrupt=stop_on_interrupt)
            if result.interrupted_at == 0:
                raise Interrupted(0)  # nothing to keep: the folder is not created
            write_outputs(tmp, cfg, result.histories, result.last, summary_extra=result.summary,
                          rollout=result.rollout, metrics_written=True, figures=figures,
                          eigenvalues=result.eigenvalues)
    except Interrupted:
        raise
    except KeyboardInterrupt:
        raise Interrupted(None if result is None else result.history.count) from None
    return result


def summary_from_paths(paths: Iterable[Path]) -> str:
    """A short human listing of written files (for the CLI)."""
    return "\n".join(f"  {p}" for p in paths)
