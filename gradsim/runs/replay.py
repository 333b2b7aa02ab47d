"""Read a run folder back, also while it is still being written: numpy only, no Qt, no torch.

A run folder is what ``gradsim run --out DIR``, the app's Export → All and a watched user
model (:mod:`gradsim.runs.live_folder`) write (see :mod:`gradsim.runs.folder`):

``metrics.csv``
    one row per iteration (or per merged history row), appended as training goes;
``grad_steps.npz``
    the per-step gradient views of every layer, rewritten (atomically) every few seconds;
``summary.json``
    written at the end (or rewritten now and then by a live writer);
``config.toml``, or ``model.toml`` / ``model.json`` for a user's own model
    what was trained. Without ``config.toml`` the record says so and a viewer shows
    what it can.

:class:`RunFolderReader` turns the folder into an immutable :class:`RunRecord`;
:meth:`RunFolderReader.refresh` reads only what changed since the last call (the new,
complete lines of metrics.csv; the other files when their size, time or inode changed)
and never raises for a folder caught mid-write: a partial last line waits for its
newline, an npz that cannot be read yet keeps the previous arrays and is retried on the
next call, a missing file is a note. The GUI process imports this module, so it must
never import torch (a test checks).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tomllib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from gradsim.config import ConfigError, RunConfig, load_config

__all__ = [
    "RunRecord",
    "RunFolderReader",
    "ReplayError",
    "RUN_FILES",
    "NOTE_TEXT",
    "note_text",
    "VIEWS",
    "check_run_folder",
    "read_run",
    "task_baseline",
]

#: Files that make a folder a run folder (any one of them is enough to open it).
RUN_FILES = ("metrics.csv", "grad_steps.npz", "summary.json", "config.toml", "model.toml", "model.json")
#: The per-step gradient views of grad_steps.npz (``total_l1`` … for deeper layers).
VIEWS = ("total", "last", "weight")
#: Layers beyond this many in an npz are ignored (the config allows 4).
MAX_LAYERS = 16


class ReplayError(ValueError):
    """A path that cannot be opened as a run folder.

    ``str()`` is one English line naming the path and why; front ends that speak another
    language format :attr:`path`, :attr:`reason` (``missing``, ``not_dir``, ``not_run``,
    ``unreadable``) and :attr:`detail` themselves.
    """

    _TEXT = {
        "missing": "no such folder",
        "not_dir": "not a folder (choose the folder that holds metrics.csv)",
        "not_run": "not a run folder (no metrics.csv, grad_steps.npz, summary.json or config.toml in it)",
        "unreadable": "cannot read it: {detail}",
    }

    def __init__(self, path: str | os.PathLike[str], reason: str, detail: str = "") -> None:
        self.path, self.reason, self.detail = os.fspath(path), reason, detail
        super().__init__(f"cannot open run {self.path!r}: " + self._TEXT[reason].format(detail=detail))


#: English text of each note code of :attr:`RunRecord.notes` ({0} = the note's detail).
NOTE_TEXT = {
    "no_folder": "waiting for the folder {0}",
    "no_metrics": "no metrics.csv yet",
    "bad_rows": "metrics.csv: {0} row(s) with the wrong number of fields skipped",
    "no_npz": "no grad_steps.npz yet: no gradient heatmap",
    "npz_retry": "grad_steps.npz could not be read yet ({0}); retrying",
    "npz_bad": "grad_steps.npz is not a gradsim gradient file: {0}",
    "summary_bad": "summary.json is not a JSON object",
    "config_bad": "config.toml does not load: {0}",
    "no_config": "no config.toml: predictions and the theory bound need it",
    "model_bad": "{0}",
}


def note_text(note: tuple[str, str]) -> str:
    """One note of :attr:`RunRecord.notes` as an English line."""
    code, detail = note
    return NOTE_TEXT.get(code, code).format(detail)


def task_baseline(cfg: RunConfig | None) -> tuple[float | None, str]:
    """The loss of a model that learnt nothing, as the loss plot draws it.

    Mirrors the ``baseline`` of the task classes in :mod:`gradsim.core.tasks`, which import
    torch (the GUI process must not); a test keeps the two equal. ``csv`` depends on the
    data (the variance of the normalised target) and is not known from the config alone.
    """
    if cfg is None:
        return None, ""
    if cfg.task == "sine":
        return 0.5, "predict 0"
    if cfg.task == "adding":
        return 1.0 / 6.0, "predict the mean (MSE 1/6)"
    if cfg.task == "recall":
        return math.log(cfg.n_classes), f"chance (ln {cfg.n_classes})"
    return None, "trivial baseline"


@dataclass(frozen=True)
class RunRecord:
    """Everything read from a run folder at one moment. Arrays are read-only.

    Attributes
    ----------
    folder : Path
        The run folder.
    columns : tuple of str
        metrics.csv's header (``step``, ``loss``, …, ``grad_norm[<parameter>]``).
    metrics : Mapping[str, numpy.ndarray]
        One float64 array per column, all of length :attr:`n_rows`; an empty or
        unreadable cell is NaN.
    grad_steps : numpy.ndarray
        int64, the iteration each gradient row starts at.
    stride : int
        Iterations merged per gradient row (merged by max).
    layers : tuple of Mapping[str, numpy.ndarray]
        Per layer, ``total`` / ``last`` / ``weight`` as float32 (rows × seq_len).
    summary : Mapping or None
        summary.json, or None while it is missing.
    config : RunConfig or None
        config.toml, validated; None when the folder has none (or it does not load).
    model : Mapping
        model.toml / model.json of a user's own model (empty if absent).
    notes : tuple of (str, str)
        What is missing or could not be read: (code, detail) pairs, codes as in
        :data:`NOTE_TEXT` (:func:`note_text` writes one in English).
    version : int
        Increases whenever anything in the record changed.
    """

    folder: Path
    columns: tuple[str, ...] = ()
    metrics: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))
    grad_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    stride: int = 1
    layers: tuple[Mapping[str, np.ndarray], ...] = ()
    summary: Mapping[str, Any] | None = None
    config: RunConfig | None = None
    model: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[tuple[str, str], ...] = ()
    version: int = 0

    # ------------------------------------------------------------ derived
    @property
    def n_rows(self) -> int:
        """Rows of metrics.csv read so far."""
        return len(self.steps)

    @property
    def n_grad_rows(self) -> int:
        """Rows of grad_steps.npz."""
        return len(self.grad_steps)

    @property
    def steps(self) -> np.ndarray:
        """int64 iteration of every metrics row (the row number if there is no ``step`` column)."""
        s = self.metrics.get("step")
        if s is None:
            n = len(next(iter(self.metrics.values()))) if self.metrics else 0
            return np.arange(n, dtype=np.int64)
        return _int_steps(s)

    @property
    def num_layers(self) -> int:
        """Layers with gradient views (from the npz; else the config's, else 1)."""
        if self.layers:
            return len(self.layers)
        if self.config is not None:
            return self.config.num_layers
        n = self.model.get("num_layers")
        return int(n) if isinstance(n, int) and n > 0 else 1

    @property
    def seq_len(self) -> int | None:
        """Time steps per sequence (from the npz, else the config / model file)."""
        if self.layers:
            return int(self.layers[0]["total"].shape[1])
        if self.config is not None:
            return self.config.seq_len
        n = self.model.get("seq_len")
        return int(n) if isinstance(n, int) and n > 0 else None

    @property
    def param_names(self) -> tuple[str, ...]:
        """Parameters with a ``grad_norm[<name>]`` column."""
        return tuple(c[len("grad_norm["):-1] for c in self.columns if c.startswith("grad_norm[") and c.endswith("]"))

    @property
    def last_step(self) -> int:
        """The newest iteration in metrics.csv or grad_steps.npz (-1 if none yet)."""
        last = -1
        if self.n_rows:
            last = int(self.steps[-1])
        if self.n_grad_rows:
            last = max(last, int(self.grad_steps[-1]) + self.stride - 1)
        return last

    @property
    def first_step(self) -> int:
        """The first iteration recorded (0 if none yet)."""
        firsts = [int(a[0]) for a in (self.steps, self.grad_steps) if len(a)]
        return min(firsts) if firsts else 0

    @property
    def diverged_at(self) -> int | None:
        """The first iteration whose loss or gradient was non-finite (None if none)."""
        d = self.metrics.get("diverged")
        if d is not None and len(d):
            hit = np.flatnonzero(d > 0)
            if hit.size:
                return int(self.steps[hit[0]])
        if self.summary is not None and isinstance(self.summary.get("diverged_at"), int):
            return int(self.summary["diverged_at"])
        return None

    @property
    def complete(self) -> bool:
        """Whether summary.json is there (the writer finished, or checkpointed)."""
        return self.summary is not None

    def rows_until(self, step: int) -> int:
        """Number of metrics rows at iterations ≤ ``step``."""
        return int(np.searchsorted(self.steps, step, side="right"))

    def grad_rows_until(self, step: int) -> int:
        """Number of gradient rows that start at iterations ≤ ``step``."""
        return int(np.searchsorted(self.grad_steps, step, side="right"))

    def metric(self, name: str) -> np.ndarray | None:
        """A metrics column (None if the folder has no such column)."""
        return self.metrics.get(name)


def _int_steps(a: np.ndarray) -> np.ndarray:
    out = np.nan_to_num(a, nan=-1.0).astype(np.int64)
    out.flags.writeable = False
    return out


def _stat_key(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        low = text.strip().lower()
        if low in ("true", "yes"):
            return 1.0
        if low in ("false", "no"):
            return 0.0
        return math.nan


class _Metrics:
    """metrics.csv read incrementally: the complete lines after the last byte read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reset()

    def _reset(self) -> None:
        self.columns: tuple[str, ...] = ()
        self._offset = 0
        self._identity: tuple[int, int] | None = None
        self._buf = np.zeros((0, 0), np.float64)
        self._n = 0
        self.bad_rows = 0

    def read(self) -> bool:
        """Read new complete lines; True if anything changed (rows added or the file replaced)."""
        key = _stat_key(self.path)
        if key is None:
            changed = bool(self.columns)
            if changed:
                self._reset()
            return changed
        ino, dev, size, _mtime = key
        changed = False
        if self._identity != (ino, dev) or size < self._offset:
            # replaced (an atomic rewrite: the app's Export → All) or truncated: start over
            changed = bool(self.columns) or self._n > 0
            self._reset()
            self._identity = (ino, dev)
        if size == self._offset:
            return changed
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self._offset)
                chunk = fh.read(size - self._offset)
        except OSError:
            return changed
        end = chunk.rfind(b"\n")
        if end < 0:
            return changed  # not even one complete line yet
        chunk = chunk[: end + 1]
        self._offset += len(chunk)
        text = chunk.decode("utf-8", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
        if not self.columns:
            while rows and not any(cell.strip() for cell in rows[0]):
                rows.pop(0)
            if not rows:
                return changed
            self.columns = tuple(c.strip() for c in rows.pop(0))
            self._buf = np.full((256, len(self.columns)), np.nan)
            changed = True
        width = len(self.columns)
        parsed = []
        for row in rows:
            if not row:
                continue
            if len(row) != width:
                self.bad_rows += 1
                continue
            parsed.append([_float(c) for c in row])
        if parsed:
            new = np.asarray(parsed, dtype=np.float64)
            need = self._n + len(new)
            if need > len(self._buf):
                # a fresh buffer: records handed out earlier keep views of the old one
                grown = np.full((max(need, 2 * len(self._buf)), width), np.nan)
                grown[: self._n] = self._buf[: self._n]
                self._buf = grown
            self._buf[self._n: need] = new
            self._n = need
            changed = True
        return changed

    def arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for i, name in enumerate(self.columns):
            col = self._buf[: self._n, i]
            col = col.view()
            col.flags.writeable = False
            out[name] = col
        return out


def _read_npz(path: Path) -> tuple[np.ndarray, int, tuple[dict[str, np.ndarray], ...]]:
    """(step, stride, layers) of grad_steps.npz; raises ValueError / OSError / zipfile errors."""
    raw = path.read_bytes()  # one read: a file replaced meanwhile is still the old inode
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        names = set(z.files)
        missing = [v for v in VIEWS if v not in names]
        if missing:
            raise ValueError(f"no {', '.join(missing)} array")
        layers: list[dict[str, np.ndarray]] = []
        for li in range(MAX_LAYERS):
            suffix = "" if li == 0 else f"_l{li}"
            if not all(v + suffix in names for v in VIEWS):
                break
            arrays = {v: np.asarray(z[v + suffix], dtype=np.float32) for v in VIEWS}
            shape = arrays["total"].shape
            if len(shape) != 2 or any(a.shape != shape for a in arrays.values()):
                raise ValueError(f"layer {li + 1}: total, last and weight must be (rows, seq_len) of one shape")
            layers.append({k: _readonly(a) for k, a in arrays.items()})
        rows = layers[0]["total"].shape[0]
        if any(layer["total"].shape[0] != rows for layer in layers):
            raise ValueError("the layers have different numbers of rows")
        step = np.asarray(z["step"], dtype=np.int64).ravel() if "step" in names else np.arange(rows, dtype=np.int64)
        if len(step) != rows:
            raise ValueError(f"step has {len(step)} entries for {rows} rows")
        stride = int(np.asarray(z["stride"]).ravel()[0]) if "stride" in names else 1
    return _readonly(step), max(1, stride), tuple(layers)


class RunFolderReader:
    """Reads a run folder into :class:`RunRecord` s, incrementally.

    Parameters
    ----------
    folder : str or os.PathLike
        The run folder. It may not exist yet or still be empty (a run about to start):
        the record then has no rows and says what it is waiting for.

    Notes
    -----
    Not thread-safe: call :meth:`refresh` from one thread at a time (the app calls it on
    one worker thread). The records it returns are immutable and may go to any thread.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._metrics = _Metrics(self.folder / "metrics.csv")
        self._keys: dict[str, tuple | None] = {}
        self._npz: tuple[np.ndarray, int, tuple[dict[str, np.ndarray], ...]] | None = None
        self._npz_note: tuple[str, str] | None = None
        self._summary: Mapping[str, Any] | None = None
        self._summary_note: tuple[str, str] | None = None
        self._config: RunConfig | None = None
        self._config_note: tuple[str, str] | None = None
        self._model: Mapping[str, Any] = MappingProxyType({})
        self._model_note: tuple[str, str] | None = None
        self._record = RunRecord(self.folder)
        self._version = 0

    @property
    def record(self) -> RunRecord:
        """The newest record (as of the last :meth:`refresh`)."""
        return self._record

    def _changed(self, name: str) -> tuple[bool, Path]:
        path = self.folder / name
        key = _stat_key(path)
        if self._keys.get(name, ()) == key:
            return False, path
        self._keys[name] = key
        return True, path

    def _forget(self, name: str) -> None:
        """Read ``name`` again next time (it was caught half-written)."""
        self._keys.pop(name, None)

    def refresh(self) -> bool:
        """Read what changed since the last call; True if the record changed. Never raises
        for a folder being written (see the module's docstring)."""
        changed = self._metrics.read()
        changed |= self._read_npz()
        changed |= self._read_summary()
        changed |= self._read_config()
        if changed or self._version == 0:
            self._version += 1
            self._record = self._build()
        return changed

    # ------------------------------------------------------------ files
    def _read_npz(self) -> bool:
        fresh, path = self._changed("grad_steps.npz")
        if not fresh:
            return False
        if self._keys["grad_steps.npz"] is None:
            had = self._npz is not None
            self._npz, self._npz_note = None, None
            return had
        try:
            self._npz = _read_npz(path)
            self._npz_note = None
        except FileNotFoundError:
            self._forget("grad_steps.npz")
            return False
        except (OSError, EOFError, zipfile.BadZipFile) as err:
            # most likely caught mid-write by a writer that does not replace atomically:
            # keep the arrays we have and try again on the next refresh
            self._forget("grad_steps.npz")
            self._npz_note = ("npz_retry", type(err).__name__)
            return True
        except (ValueError, KeyError, IndexError) as err:
            self._forget("grad_steps.npz")
            self._npz_note = ("npz_bad", str(err))
            return True
        return True

    def _read_summary(self) -> bool:
        fresh, path = self._changed("summary.json")
        if not fresh:
            return False
        if self._keys["summary.json"] is None:
            had = self._summary is not None
            self._summary, self._summary_note = None, None
            return had
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self._forget("summary.json")
            return False
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            self._forget("summary.json")  # half-written: next time
            return False
        if not isinstance(data, dict):
            self._summary, self._summary_note = None, ("summary_bad", "")
            return True
        self._summary, self._summary_note = MappingProxyType(data), None
        return True

    def _read_config(self) -> bool:
        changed = False
        fresh, path = self._changed("config.toml")
        if fresh:
            changed = True
            if self._keys["config.toml"] is None:
                self._config, self._config_note = None, None
            else:
                try:
                    self._config, self._config_note = load_config(path), None
                except ConfigError as err:
                    self._config = None
                    self._config_note = ("config_bad", str(err).splitlines()[0])
        for name in ("model.toml", "model.json"):
            fresh, path = self._changed(name)
            if not fresh:
                continue
            changed = True
            if self._keys[name] is None:
                continue
            try:
                text = path.read_text(encoding="utf-8")
                data = tomllib.loads(text) if name.endswith(".toml") else json.loads(text)
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
                self._forget(name)
                self._model_note = ("model_bad", f"{name} could not be read: {err}")
                continue
            if isinstance(data, dict):
                self._model, self._model_note = MappingProxyType(data), None
            else:
                self._model_note = ("model_bad", f"{name} is not a table of fields")
        return changed

    # ------------------------------------------------------------ record
    def _build(self) -> RunRecord:
        notes: list[tuple[str, str]] = []
        if not self.folder.is_dir():
            notes.append(("no_folder", str(self.folder)))
        elif not self._metrics.columns:
            notes.append(("no_metrics", ""))
        if self._metrics.bad_rows:
            notes.append(("bad_rows", str(self._metrics.bad_rows)))
        if self._npz is None and self._npz_note is None:
            notes.append(("no_npz", ""))
        for note in (self._npz_note, self._summary_note, self._config_note, self._model_note):
            if note:
                notes.append(note)
        if self._config is None and self._config_note is None:
            notes.append(("no_config", ""))
        steps, stride, layers = self._npz if self._npz is not None else (np.zeros(0, np.int64), 1, ())
        return RunRecord(
            folder=self.folder,
            columns=self._metrics.columns,
            metrics=MappingProxyType(self._metrics.arrays()),
            grad_steps=steps,
            stride=stride,
            layers=tuple(MappingProxyType(dict(layer)) for layer in layers),
            summary=self._summary,
            config=self._config,
            model=self._model,
            notes=tuple(notes),
            version=self._version,
        )


def check_run_folder(folder: str | os.PathLike[str]) -> Path:
    """``folder`` as a Path if it is a folder holding at least one run file.

    Raises
    ------
    ReplayError
        One line naming the folder and what is wrong with it.
    """
    p = Path(folder)
    try:
        if not p.exists():
            raise ReplayError(p, "missing")
        if not p.is_dir():
            raise ReplayError(p, "not_dir")
        present = [name for name in RUN_FILES if (p / name).is_file()]
    except OSError as err:
        raise ReplayError(p, "unreadable", str(err.strerror or err)) from None
    if not present:
        raise ReplayError(p, "not_run")
    return p


def read_run(folder: str | os.PathLike[str]) -> RunRecord:
    """Read a whole run folder once (raises :class:`ReplayError` if it is not one)."""
    reader = RunFolderReader(check_run_folder(folder))
    reader.refresh()
    return reader.record
