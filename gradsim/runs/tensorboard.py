"""TensorBoard logging of gradsim's per-time-step views: the sink :class:`TensorBoardWriter`.

For gradsim's own runs (``train(cfg, steps, sinks=[TensorBoardWriter(dir)])``) and for a
user's module followed by :func:`gradsim.core.watch.watch`. Per iteration it logs

* scalars ``loss``, ``grad_norm``, ``grad_norm_after``, ``spectral_radius``, ``sigma_max``,
  ``step_seconds`` (non-finite values are left out) and, per layer k,
  ``gradsim/last_decay_log10/l{k}`` = log10(‖∂L_T/∂h_0‖ / ‖∂L_T/∂h_{T−1}‖) (how many decades
  the last step's gradient loses on its way back: negative = vanishing);
* every ``histogram_every`` iterations, histograms ``gradsim/<view>_log10/l{k}`` of
  log10 of the view over the time steps;
* every ``image_every`` iterations and at close, images ``gradsim/heatmap_<view>/l{k}``
  (the heatmap so far: rows = iterations, newest on top; columns = time steps; log colour
  scale over the image's own range, viridis) and ``gradsim/profile/l{k}`` (the newest
  profile of ``total``, ``last``, ``weight`` over t, log y).

Written with ``torch.utils.tensorboard.SummaryWriter``: PyTorch's own writer, the one its
users already log with (their runs and gradsim's land side by side), and the only
maintained writer that needs neither TensorFlow nor protobuf code of ours; tensorboard
itself ships only the reader and the server. It needs the ``tensorboard`` package:
``pip install "gradsim[tensorboard]"``.

Example
-------
>>> from gradsim.runs.tensorboard import TensorBoardWriter
>>> w = gradsim.watch(model.lstm, sinks=[TensorBoardWriter("tb/run1")])   # doctest: +SKIP
then ``tensorboard --logdir tb``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np

from gradsim.config import VIEWS
from gradsim.core.history import History
from gradsim.core.snapshot import Snapshot
from gradsim.fileio import WriteError, write_error

__all__ = ["MISSING_MESSAGE", "TensorBoardWriter", "heatmap_image", "profile_image"]

MISSING_MESSAGE = ("TensorBoard logging needs the tensorboard package: pip install \"gradsim[tensorboard]\" "
                   "(or pip install tensorboard)")



# viridis at 9 points (matplotlib's table), interpolated linearly
_VIRIDIS = np.array([
    [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
    [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]], dtype=np.float64)
_PROFILE_COLOURS = {"total": (31, 119, 180), "last": (214, 39, 40), "weight": (44, 160, 44)}


def _colourise(u: np.ndarray) -> np.ndarray:
    """u in [0, 1] (NaN: black) -> uint8 RGB."""
    x = np.clip(np.nan_to_num(u, nan=0.0), 0, 1) * (len(_VIRIDIS) - 1)
    i = np.minimum(x.astype(int), len(_VIRIDIS) - 2)
    f = (x - i)[..., None]
    rgb = _VIRIDIS[i] * (1 - f) + _VIRIDIS[i + 1] * f
    rgb[np.isnan(u)] = 0
    return rgb.round().astype(np.uint8)


def _log10(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(a)
    out[~np.isfinite(out)] = np.nan
    return out


def _widen(img: np.ndarray, min_width: int) -> np.ndarray:
    k = max(1, math.ceil(min_width / max(1, img.shape[1])))
    return np.repeat(img, k, axis=1) if k > 1 else img


def heatmap_image(data: np.ndarray, min_width: int = 256) -> np.ndarray:
    """(rows, T) view values -> (rows, W, 3) uint8, newest row on top, log colour scale."""
    lg = _log10(data)[::-1]
    fin = lg[np.isfinite(lg)]
    if fin.size:
        lo, hi = float(fin.min()), float(fin.max())
        u = (lg - lo) / (hi - lo) if hi > lo else np.where(np.isfinite(lg), 0.5, np.nan)
    else:
        u = np.full_like(lg, np.nan)
    img = _colourise(u)
    # keep a short run visible: at least 8 pixel rows
    k = max(1, math.ceil(8 / max(1, img.shape[0])))
    return _widen(np.repeat(img, k, axis=0) if k > 1 else img, min_width)


def profile_image(views: Mapping[str, np.ndarray], height: int = 160, min_width: int = 256) -> np.ndarray:
    """The newest profile of each view (1-D over t) as a line plot, log y: (height, W, 3) uint8."""
    T = len(next(iter(views.values())))
    k = max(1, math.ceil(min_width / max(1, T)))
    W = T * k
    img = np.full((height, W, 3), 255, dtype=np.uint8)
    logs = {v: _log10(a) for v, a in views.items()}
    fin = np.concatenate([a[np.isfinite(a)] for a in logs.values()])
    if not fin.size:
        return img
    lo, hi = float(fin.min()), float(fin.max())
    span = hi - lo if hi > lo else 1.0
    xs = np.arange(W) / k  # time step of each pixel column (piecewise linear between steps)
    for v, a in logs.items():
        ok = np.isfinite(a)
        if not ok.any():
            continue
        y = np.interp(xs, np.arange(T)[ok], a[ok])
        rows = np.clip(((hi - y) / span * (height - 1)).round().astype(int), 0, height - 1)
        prev = rows[0]
        for x, r in enumerate(rows):  # vertical spans join the points: an unbroken line
            a0, a1 = (prev, r) if prev <= r else (r, prev)
            img[a0 : a1 + 1, x] = _PROFILE_COLOURS.get(v, (0, 0, 0))
            prev = r
    return img


class TensorBoardWriter:
    """A sink logging scalars, per-step histograms and heatmap / profile images to TensorBoard.

    Parameters
    ----------
    logdir : str or Path
        TensorBoard log folder of this run.
    image_every, histogram_every : int
        Iterations between images / histograms (images also at close).
    rows : int
        Heatmap rows kept for the image (bounded history, merged by max when full).

    Raises
    ------
    ImportError
        With a one-line install hint when the ``tensorboard`` package is missing.
    OSError
        A :class:`~gradsim.fileio.WriteError` naming ``logdir`` when it cannot be created or
        written (here, and from logging an iteration or closing: a full disk).

    A run that fails calls :meth:`discard`: it removes what this writer created (``logdir``
    and the folders above it that it made, or only its own event files in a folder that
    was there before), never anything else.
    """

    def __init__(self, logdir: str | Path, *, image_every: int = 50, histogram_every: int = 10,
                 rows: int = 512) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise ImportError(MISSING_MESSAGE) from None
        if image_every < 1 or histogram_every < 1:
            raise ValueError(f"image_every = {image_every!r}, histogram_every = {histogram_every!r}: must be ≥ 1")
        self.logdir = Path(logdir)
        self.image_every, self.histogram_every, self.rows = image_every, histogram_every, rows
        _quiet_writer_threads()
        self._made = _outermost_missing(self.logdir)  # the folder this writer creates, if any
        before = _entries(self.logdir)
        try:
            self.writer = SummaryWriter(log_dir=str(self.logdir))
        except OSError as err:
            self._files = sorted(_entries(self.logdir) - before)
            self._remove()
            raise write_error(self.logdir, err) from None
        # the event file SummaryWriter opened (its name has the time, host and pid: a stranger's differs)
        self._files = sorted(_entries(self.logdir) - before)
        self.histories: list[History] = []
        self.last: Snapshot | None = None
        self._closed = False

    def start(self, info: Mapping[str, Any]) -> None:
        """Log the watched module's description as text (called by ``watch``)."""
        self.writer.add_text("gradsim/model", "```\n" + json.dumps(dict(info), indent=2) + "\n```", 0)

    def __call__(self, snap: Snapshot) -> None:
        """Log one iteration (OSError: a WriteError naming :attr:`logdir`)."""
        with self._naming_errors():
            self._log(snap)

    @contextlib.contextmanager
    def _naming_errors(self):
        try:
            yield
        except WriteError:
            raise
        except OSError as err:  # "[Errno 28] No space left on device" names no file: name the log
            raise write_error(self.logdir, err) from None

    def _log(self, snap: Snapshot) -> None:
        w, step = self.writer, snap.step
        for name in ("loss", "grad_norm", "grad_norm_after", "spectral_radius", "sigma_max", "step_seconds"):
            v = float(getattr(snap, name))
            if math.isfinite(v):
                w.add_scalar(name, v, step)
        layers, T = snap.views["total"].shape
        if not self.histories or self.histories[0].seq_len != T or len(self.histories) != layers:
            self.histories = [History(T, rows=self.rows, scalar_rows=2) for _ in range(layers)]
        for li, h in enumerate(self.histories):
            h.append(snap, layer=li)
            last = snap.views["last"][li]
            if T > 1 and last[0] > 0 and last[-1] > 0 and math.isfinite(last[0] / last[-1]):
                w.add_scalar(f"gradsim/last_decay_log10/l{li}", math.log10(last[0] / last[-1]), step)
        if step % self.histogram_every == 0:
            for li in range(layers):
                for v in VIEWS:
                    lg = _log10(snap.views[v][li])
                    lg = lg[np.isfinite(lg)]
                    if lg.size:
                        w.add_histogram(f"gradsim/{v}_log10/l{li}", lg, step)
        self.last = snap
        if step % self.image_every == 0:
            self._images()

    def _images(self) -> None:
        snap = self.last
        if snap is None:
            return
        for li, h in enumerate(self.histories):
            for v in VIEWS:
                data = h.views[v].data
                if len(data):
                    self.writer.add_image(f"gradsim/heatmap_{v}/l{li}", heatmap_image(data), snap.step,
                                          dataformats="HWC")
            prof = {v: snap.views[v][li] for v in VIEWS}
            self.writer.add_image(f"gradsim/profile/l{li}", profile_image(prof), snap.step, dataformats="HWC")

    def flush(self) -> None:
        """Write pending events to disk."""
        with self._naming_errors():
            self.writer.flush()

    def close(self) -> None:
        """Final images, then close the event file. Idempotent."""
        if self._closed:
            return
        self._closed = True
        with self._naming_errors():
            try:
                if self.last is not None and self.last.step % self.image_every:
                    self._images()
            finally:
                self.writer.close()

    def discard(self) -> Path | None:
        """Close without the final images and remove what this writer created: the folder it
        made (``logdir`` or the outermost new folder above it), else only the event files it
        wrote into a folder that was there before. Never raises (it runs on a failure path);
        returns the folder that is gone, or None when only files were removed."""
        self._closed = True
        with contextlib.suppress(Exception):  # a full disk may fail the last flush too
            self.writer.close()
        return self._remove()

    def _remove(self) -> Path | None:
        if self._made is not None:
            shutil.rmtree(self._made, ignore_errors=True)
            return self._made
        for name in self._files:
            with contextlib.suppress(OSError):
                (self.logdir / name).unlink()
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _quiet_writer_threads() -> None:
    """Let a failed write be reported once. tensorboard's writer thread keeps a write error
    (a full disk) for the writer to raise on its next call, in the caller's thread, and
    also lets it escape, so that Python's thread hook prints its traceback too; this hook
    leaves out that second report (OSError from that thread only) and passes on the rest."""
    if getattr(threading.excepthook, "_gradsim_writer_quiet", False):
        return
    previous = threading.excepthook

    def hook(args) -> None:
        thread = type(args.thread)
        if (thread.__name__ == "_AsyncWriterThread" and thread.__module__.startswith("tensorboard.")
                and isinstance(args.exc_value, OSError)):
            return
        previous(args)

    hook._gradsim_writer_quiet = True
    threading.excepthook = hook


def _outermost_missing(path: Path) -> Path | None:
    """The outermost of ``path`` and its parents that does not exist yet (None: ``path`` exists)."""
    path = Path(os.path.abspath(path))
    if path.exists():
        return None
    while not path.parent.exists() and path.parent != path:
        path = path.parent
    return path


def _entries(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()
