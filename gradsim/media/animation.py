"""Animation export: the heatmap, loss and gradient profile evolving over a run, as a GIF
or an MP4 sized for slides.

One frame builder, two front ends.  :func:`history_frames` turns a run's History and newest
Snapshot into evenly spaced :class:`FrameData` (the heatmap rows so far, the loss so far,
that iteration's profile and theory bound); :class:`FrameRecorder` renders them with the same
pyqtgraph figures the app shows (:mod:`gradsim.figures.plots`) and :func:`write_frames`
streams them into an :class:`AnimationWriter`.  The app's Export → Animation calls them on
its live History; ``gradsim animate`` (:func:`gradsim.runs.media.animate_run`) trains with
the run procedure first.  Frames are rendered only when written, with every
axis range and the heatmap's colour levels fixed across the whole animation, so nothing
jumps or flickers from one frame to the next and a colour means one magnitude in every
frame: the levels given up front (a preset's, ``--levels``, the app's fixed levels), else
the range over all frames, which the colour bar shows.

Encoders are imageio's: GIF through its pillow plugin (one palette for all frames, taken from
the last, fullest frame of a recording: per-frame palettes would make the heatmap shimmer;
no dithering, which would shimmer too), MP4 through
imageio-ffmpeg (H.264, yuv420p, +faststart; the ffmpeg binary ships inside the
imageio-ffmpeg wheel).  Files are written to a temporary name in the destination folder and
renamed, so a failed export never leaves a partial file.

Rendering needs a QApplication and happens on the thread that owns it.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gradsim.config import RunConfig
from gradsim.errors import Message
from gradsim.fileio import WriteError, temp_beside, write_error, write_failure

__all__ = [
    "DEFAULT_FPS", "DEFAULT_SIZE", "MAX_FRAMES", "FORMATS",
    "FrameData", "FrameRecorder", "AnimationWriter",
    "history_frames", "write_frames", "config_summary", "qimage_to_rgb", "frame_steps", "write_animation",
]

#: Slide size (16:9, 720p).  Both dimensions must be even: H.264 in yuv420p halves them.
DEFAULT_SIZE = (1280, 720)
#: Height of the layout in logical pixels; frames of any size are this layout scaled.
LOGICAL_HEIGHT = 720
DEFAULT_FPS = 12
DEFAULT_FRAMES = 120
#: Hard bound on the frames of one animation, whatever the run's length: 150 frames at
#: 1280 x 720 are ~8 s at 12 fps, a GIF of a few MB and ~140 MB of palette indices in memory.
MAX_FRAMES = 150
FPS_RANGE = (1, 60)
MIN_SIZE, MAX_SIZE = (320, 180), (3840, 2160)
#: Seconds the last frame stays up before a GIF loops / an MP4 ends.
DEFAULT_HOLD = 1.5
FORMATS = (".gif", ".mp4")
#: Heatmap rows kept per frame: the panel is ~600 px tall, and a frame's rows are pooled
#: by max (a spike never disappears), so memory is ≤ rows x seq_len x 4 B per frame.
HEAT_ROWS = 240
#: H.264 quality: CRF 18 keeps 11-pt text and 1-px curves sharp (~0.1 MB per second of 720p).
MP4_CRF = 18


# --------------------------------------------------------------------------- frame data
@dataclass(frozen=True)
class FrameData:
    """What one animation frame shows, as plain numpy arrays.

    Parameters
    ----------
    step : int
        The iteration this frame shows (the last one trained so far).
    heat, heat_steps : np.ndarray
        Heatmap rows so far, shape (rows, T), and the iteration each row starts at.
    loss_steps, loss : np.ndarray
        The loss curve so far.
    profile : np.ndarray
        This iteration's per-step gradient magnitudes, shape (T,).
    clipped_steps : np.ndarray, optional
        Iterations where clipping fired.
    diverged_at : int, optional
        Iteration at which the run diverged, if it has by ``step``.
    bound : tuple of (np.ndarray, str), optional
        A theoretical bound over t with its legend label, drawn dashed on the profile.
    """

    step: int
    heat: np.ndarray
    heat_steps: np.ndarray
    loss_steps: np.ndarray
    loss: np.ndarray
    profile: np.ndarray
    clipped_steps: np.ndarray | None = None
    diverged_at: int | None = None
    bound: tuple[np.ndarray, str] | None = None


def _theory_bound(cfg, history, step: int, profile: np.ndarray) -> tuple[np.ndarray, str] | None:
    """The (γλ₁)^(T−1−t) bound at ``step`` from the History's σ_max, anchored at the profile's
    last value (None where the theory does not apply)."""
    from gradsim.core.theory import BOUND_LABEL, profile_curves, theory_from_spectrum

    steps, sigma = history.scalar("sigma_max")
    if cfg is None or not len(steps) or len(profile) < 2:
        return None
    i = int(np.clip(np.searchsorted(steps, step, side="right") - 1, 0, len(steps) - 1))
    try:
        theory = theory_from_spectrum(float(sigma[i]), None, cfg.activation, len(profile), cell=cfg.cell,
                                      residual=cfg.residual, norm=cfg.norm, layer=0, num_layers=cfg.num_layers)
    except ValueError:
        return None
    bound = [(label, curve) for label, curve in profile_curves(profile, theory).items()
             if label.startswith(BOUND_LABEL)]
    return (bound[0][1], bound[0][0]) if bound else None


def history_frames(history, last_snapshot, view: str = "last", max_frames: int = DEFAULT_FRAMES,
                   cfg: RunConfig | None = None, layer: int = 0) -> list[FrameData]:
    """Evenly spaced frames of a run from its History (the newest snapshot ends it).

    Frame k shows the heatmap rows up to row i_k, the loss up to that row's iteration and
    the row itself as the profile (a History row pools the iterations it covers by max).
    The last frame's profile is the newest snapshot's own (of ``layer``, whose History
    ``history`` is). With ``cfg``, layer 0 and the ``last`` view, each frame also carries
    the (γλ₁)^(T−1−t) bound of its iteration's σ_max (the History's σ_max is layer 0's W_hh).

    This is THE frame builder: ``gradsim animate`` and the app's Export → Animation both
    call it, so the same run gives the same frames.
    """
    buf = history.views[view]
    n = len(buf)
    if n == 0 or last_snapshot is None:
        return []
    data, steps = np.asarray(buf.data), np.asarray(buf.steps)
    loss_steps, loss = history.scalar("loss")
    _, clipped = history.scalar("clipped")
    loss_steps = np.array(loss_steps, dtype=np.float64)
    loss = np.array(loss, dtype=np.float64)
    clipped_steps = loss_steps[np.asarray(clipped) > 0]
    frames = []
    rows = frame_steps(n, max_frames)
    for k, i in enumerate(rows):
        last = k == len(rows) - 1
        step = int(last_snapshot.step) if last else int(steps[i + 1] - 1 if i + 1 < n else steps[i])
        profile = np.asarray(last_snapshot.views[view][layer]) if last else data[i]
        diverged = history.diverged_at if history.diverged_at is not None and history.diverged_at <= step else None
        bound = (_theory_bound(cfg, history, step, np.asarray(profile, dtype=np.float64))
                 if view == "last" and layer == 0 else None)
        frames.append(FrameData(step=step, heat=data[: i + 1], heat_steps=steps[: i + 1], loss_steps=loss_steps,
                                loss=loss, profile=profile, clipped_steps=clipped_steps, diverged_at=diverged,
                                bound=bound))
    return frames


def _pool_rows(heat: np.ndarray, steps: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``rows`` rows: consecutive groups merged by max (NaN-ignoring, as History)."""
    n = len(heat)
    if n <= rows:
        return heat.astype(np.float32, copy=True), steps.astype(np.int64, copy=True)
    group = math.ceil(n / rows)
    starts = np.arange(0, n, group)
    with np.errstate(invalid="ignore"):
        pooled = np.fmax.reduceat(heat.astype(np.float32), starts, axis=0)
    return pooled, steps[starts].astype(np.int64)


def _log_range(values: Iterable[np.ndarray]) -> tuple[float, float] | None:
    """(min, max) of log10 over the finite positive entries of all arrays, or None."""
    lo, hi = math.inf, -math.inf
    for v in values:
        v = np.asarray(v, dtype=np.float64)
        v = v[np.isfinite(v) & (v > 0)]
        if v.size:
            lo, hi = min(lo, float(np.log10(v.min()))), max(hi, float(np.log10(v.max())))
    if not math.isfinite(lo):
        return None
    if hi - lo < 1e-6:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _padded(r: tuple[float, float], frac: float = 0.05) -> tuple[float, float]:
    pad = (r[1] - r[0]) * frac
    return r[0] - pad, r[1] + pad


def config_summary(cfg: RunConfig) -> str:
    """One line naming the settings that shape the picture, e.g.
    ``rnn tanh · H=64 · adding, T=100 · init orthogonal, ρ=0.6 · adam lr=0.001 · no clipping``."""
    model = cfg.cell + (f" {cfg.activation}" if cfg.cell == "rnn" else "")
    if cfg.num_layers > 1:
        model += f" ×{cfg.num_layers} layers"
    extras = [s for s, on in (("residual", cfg.residual), (f"{cfg.norm} norm", cfg.norm != "none")) if on]
    init = f"init {cfg.init}"
    if cfg.spectral_radius is not None:
        init += f", ρ={cfg.spectral_radius:g}"
    if cfg.init_gain != 1.0:
        init += f", gain {cfg.init_gain:g}"
    if cfg.cell == "lstm" and cfg.forget_bias:
        init += f", forget bias {cfg.forget_bias:g}"
    clip = "no clipping" if cfg.clip == "none" else f"clip {cfg.clip} at {cfg.clip_threshold:g}"
    parts = [" ".join([model, *extras]), f"H={cfg.hidden_size}", f"{cfg.task}, T={cfg.seq_len}", init,
             f"{cfg.optimizer} lr={cfg.lr:g}", clip]
    if cfg.grad_normalize:
        parts.append("gradient normalised")
    if cfg.tbptt:
        parts.append(f"truncated BPTT k={cfg.tbptt}")
    return " · ".join(parts)


# --------------------------------------------------------------------------- the recorder
class FrameRecorder:
    """Collects frames of a run and renders them as one composite picture each.

    Frames are stored as plain data (heatmap rows pooled to :data:`HEAT_ROWS`, one profile;
    the loss curve is kept once, from the newest frame, since each frame's curve is a prefix
    of it) and rendered only by :meth:`frames` / :meth:`write`, so all frames share one set
    of axis ranges and heatmap colour levels.  Offered more than ``max_frames`` frames, it
    keeps every other one and from then on accepts every second offer (every fourth, ...),
    so the kept frames stay evenly spaced for any run length; the newest frame offered is
    always the animation's last.

    Parameters
    ----------
    cfg : RunConfig, optional
        The run, for the title line (and the truncation lines on the heatmap).
    size : (int, int)
        Frame width and height in pixels, both even.
    max_frames : int
        Frames kept, 2 to :data:`MAX_FRAMES`.
    view : {"total", "last", "weight"}
        Names the heatmap view in the titles (the data comes with each frame).
    title : str
        First words of the title line (e.g. the preset's name).
    total_steps : int, optional
        Length of the run when known up front: the loss and heatmap axes then span it from
        the first frame on.  Default: up to the last frame's iteration.
    levels : (float, float), optional
        The heatmap's colour levels (log10 low, high) for every frame.  Default: the range
        of the data over all frames.
    """

    def __init__(self, cfg: RunConfig | None = None, *, size: tuple[int, int] = DEFAULT_SIZE,
                 max_frames: int = DEFAULT_FRAMES, view: str = "last", title: str = "gradsim",
                 total_steps: int | None = None, levels: tuple[float, float] | None = None) -> None:
        from gradsim.figures.run import HEATMAP_VIEW_TITLES

        check_size(size)
        if not 2 <= int(max_frames) <= MAX_FRAMES:
            raise ValueError(f"max_frames = {max_frames}: must be an integer from 2 to {MAX_FRAMES}")
        if view not in HEATMAP_VIEW_TITLES:
            raise ValueError(f"view = {view!r}: must be one of {', '.join(HEATMAP_VIEW_TITLES)}")
        self.cfg = cfg
        self.size = (int(size[0]), int(size[1]))
        # Laid out at 720 logical pixels high and painted scaled to ``size``: fonts and lines
        # keep their proportions at any size (1080p is 720p magnified, with sharp text).
        self._logical = (round(self.size[0] * LOGICAL_HEIGHT / self.size[1]), LOGICAL_HEIGHT)
        self.max_frames = int(max_frames)
        self.view = view
        self.title = title
        self.total_steps = total_steps
        if levels is not None:
            from gradsim.figures.scale import compare_levels

            levels = compare_levels((), levels)  # checked: finite, low < high
        self.fixed_levels = levels
        self._frames: list[FrameData] = []
        self._latest: FrameData | None = None  # newest offer, kept or not
        self._offers = 0
        self._every = 1
        self._loss: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None
        self._widget = None

    # ------------------------------------------------------------ collecting
    def __len__(self) -> int:
        n = len(self._frames)
        if self._latest is not None and (not self._frames or self._latest.step != self._frames[-1].step):
            n = min(n + 1, self.max_frames)
        return n

    def add(self, frame: FrameData) -> bool:
        """Offer a frame; return whether it was kept as a frame of its own.

        The newest offer always ends the animation, kept or not.  The heatmap rows and the
        profile are copied; the loss arrays are kept as given (until a newer offer), so they
        must not change afterwards.
        """
        compact = self._compact(frame)
        self._latest = compact
        keep = self._offers % self._every == 0
        self._offers += 1
        if keep:
            self._frames.append(compact)
            if len(self._frames) > self.max_frames:
                self._frames = self._frames[::2]
                self._every *= 2
        return keep

    def _compact(self, f: FrameData) -> FrameData:
        heat, heat_steps = _pool_rows(np.asarray(f.heat), np.asarray(f.heat_steps), HEAT_ROWS)
        # The newest loss curve covers every earlier frame's: keep one, not copied again
        loss_steps = np.asarray(f.loss_steps, dtype=np.float64)
        loss = np.asarray(f.loss, dtype=np.float64)
        clipped = None if f.clipped_steps is None else np.asarray(f.clipped_steps, dtype=np.float64)
        self._loss = (loss_steps, loss, clipped)
        bound = None if f.bound is None else (np.array(f.bound[0], dtype=np.float64), str(f.bound[1]))
        return FrameData(step=int(f.step), heat=heat, heat_steps=heat_steps, loss_steps=loss_steps[:0],
                         loss=loss[:0], profile=np.array(f.profile, dtype=np.float64).ravel(),
                         clipped_steps=None, diverged_at=f.diverged_at, bound=bound)

    def kept(self) -> list[FrameData]:
        """The frames the animation will show, oldest first (compact copies, loss not filled in)."""
        frames = list(self._frames)
        latest = self._latest
        if latest is not None and (not frames or latest.step != frames[-1].step):
            if len(frames) >= self.max_frames:
                frames[-1] = latest
            else:
                frames.append(latest)
        return frames

    # ------------------------------------------------------------ fixed ranges
    def levels(self) -> tuple[float, float]:
        """The heatmap's colour levels (log10 low, high) shared by every frame: the fixed
        ones, else the range over all frames."""
        if self.fixed_levels is not None:
            return self.fixed_levels
        return _log_range(f.heat for f in self.kept()) or (-1.0, 1.0)

    def ranges(self, frames: list[FrameData], loss_curve=None) -> dict:
        """Axis ranges and colour levels shared by ``frames`` (pass them to :meth:`render`
        so that every frame of one animation has the same axes)."""
        last = frames[-1]
        total = max(self.total_steps or 0, last.step + 1)
        T = max(len(f.profile) for f in frames)
        loss_steps, loss, _ = loss_curve or self._loss
        keep = loss_steps <= last.step
        loss_r = _log_range([loss[keep]]) or (-1.0, 1.0)
        prof_r = _log_range([f.profile for f in frames] + [f.bound[0] for f in frames if f.bound is not None])
        first_row = min((float(f.heat_steps[0]) for f in frames if len(f.heat_steps)), default=0.0)
        return {"total": total, "T": T, "loss": _padded(loss_r), "profile": _padded(prof_r or (-1.0, 1.0)),
                "heat_y": (min(first_row, 0.0), float(total)), "levels": self.levels()}

    # ------------------------------------------------------------ rendering
    def _build(self):
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QColor, QFont, QPalette
        from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

        from gradsim.figures import export, plots
        from gradsim.figures.run import HEATMAP_VIEW_TITLES

        export.ensure_qapp()
        root = QWidget()
        # Never flash a window on a real display (the app records while it runs).
        root.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        pal = root.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor("white"))
        pal.setColor(QPalette.ColorRole.WindowText, QColor(plots.FOREGROUND))
        root.setPalette(pal)
        root.setAutoFillBackground(True)
        layout = QVBoxLayout(root)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        head = QLabel()
        font = QFont()
        font.setPointSize(17)
        font.setBold(True)
        head.setFont(font)
        sub = QLabel(config_summary(self.cfg) if self.cfg is not None else "")
        font = QFont()
        font.setPointSize(12)
        sub.setFont(font)
        layout.addWidget(head)
        layout.addWidget(sub)
        row = QHBoxLayout()
        row.setSpacing(6)
        heat = plots.HeatmapPlot(title=HEATMAP_VIEW_TITLES[self.view])
        heat.plot_item.getViewBox().setMouseEnabled(False, False)
        col = QVBoxLayout()
        col.setSpacing(6)
        loss = plots.LossPlot()
        profile = plots.ProfilePlot()
        col.addWidget(loss, 1)
        col.addWidget(profile, 1)
        row.addWidget(heat, 11)
        row.addLayout(col, 9)
        layout.addLayout(row, 1)
        root.resize(*self._logical)
        root.setFixedSize(*self._logical)
        self._widget = root
        self._head, self.heatmap, self.loss_plot, self.profile_plot = head, heat, loss, profile

    def render(self, frame: FrameData, ranges: dict | None = None) -> np.ndarray:
        """Render one frame to an RGB array of shape (height, width, 3), uint8.

        ``ranges`` (from the recorded frames) fixes the axes and colour levels; without it
        they follow this frame alone.
        """
        from PySide6.QtCore import QPoint, QRectF
        from PySide6.QtGui import QImage, QPainter
        from PySide6.QtWidgets import QApplication

        from gradsim.figures.run import task_baseline

        if self._widget is None:
            self._build()
        cfg = self.cfg
        if ranges is None:
            # a preview of one frame: its own loss curve and ranges, the recording untouched
            loss_curve = (np.asarray(frame.loss_steps, dtype=np.float64), np.asarray(frame.loss, dtype=np.float64),
                          None if frame.clipped_steps is None else np.asarray(frame.clipped_steps, dtype=np.float64))
            ranges = self.ranges([frame], loss_curve)
        else:
            loss_curve = self._loss
        loss_steps, loss, clipped = loss_curve
        keep = loss_steps <= frame.step
        total = ranges["total"]
        diverged = frame.diverged_at if frame.diverged_at is not None and frame.diverged_at <= frame.step else None
        status = f" — diverged at {diverged}" if diverged is not None else ""
        self._head.setText(f"{self.title} — iteration {frame.step + 1} of {total}{status}")
        if not hasattr(self, "_baseline"):
            self._baseline = task_baseline(cfg) if cfg is not None else (None, "")
        baseline, label = self._baseline
        lp = self.loss_plot
        cl = None if clipped is None else clipped[clipped <= frame.step]
        lp.set_data(loss_steps[keep], loss[keep], clipped_steps=cl, diverged_step=diverged,
                    baseline=baseline, baseline_label=label)
        lp.plotItem.setXRange(0.0, float(total), padding=0.02)
        lp.plotItem.setYRange(*ranges["loss"], padding=0.0)
        hp = self.heatmap
        T = ranges["T"]
        if len(frame.heat):
            hp.set_data(frame.heat, frame.heat_steps, levels=ranges["levels"], tbptt=cfg.tbptt if cfg else 0)
        else:
            hp.set_data(np.zeros((0, T)), np.zeros(0), tbptt=cfg.tbptt if cfg else 0)
            hp.color_bar.setLevels(ranges["levels"])
        hp.plot_item.getViewBox().setRange(QRectF(0.0, ranges["heat_y"][0], float(T),
                                                  ranges["heat_y"][1] - ranges["heat_y"][0]), padding=0.0)
        pp = self.profile_plot
        bounds = {frame.bound[1]: frame.bound[0]} if frame.bound is not None else None
        prof = np.asarray(frame.profile, dtype=np.float64)
        note = "" if np.any(np.isfinite(prof) & (prof > 0)) else " (nothing finite to draw)"
        pp.set_data(prof, bounds, title=f"Profile at iteration {frame.step + 1}: {self.view} view{note}")
        # a legend naming the only curve would just hide the curve's end
        pp.legend.setVisible(bounds is not None)
        pp.plotItem.setXRange(0.0, float(max(T - 1, 1)), padding=0.02)
        pp.plotItem.setYRange(*ranges["profile"], padding=0.0)
        w, h = self.size
        if not self._widget.isVisible():
            self._widget.show()
        # Lay out what set_data changed (titles, legends) before painting: deliver the posted
        # layout requests only.  Not processEvents(): inside the app it would run timers and
        # user input in the middle of an export.
        QApplication.sendPostedEvents()
        image = QImage(w, h, QImage.Format.Format_RGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        try:
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            painter.scale(w / self._logical[0], h / self._logical[1])
            self._widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
        return qimage_to_rgb(image)

    def frames(self) -> Iterator[np.ndarray]:
        """Render the kept frames, oldest first, with shared axes and colour levels."""
        frames = self.kept()
        if not frames:
            raise ValueError("no frames recorded")
        ranges = self.ranges(frames)
        for f in frames:
            yield self.render(f, ranges)

    def write(self, path: str | Path, fps: int = DEFAULT_FPS, *, hold_last: float = DEFAULT_HOLD,
              progress: Callable[[int, int], None] | None = None) -> Path:
        """Render every kept frame and write the animation (.gif or .mp4 by suffix).

        Raises OSError naming the file if it cannot be written (nothing is left behind),
        ValueError for an unknown suffix or bad fps.
        """
        frames = self.kept()
        if not frames:
            raise ValueError("no frames recorded")
        with AnimationWriter(path, fps, hold_last=hold_last) as writer:
            it = self.frames()
            if writer.needs_reference:
                # one palette for every GIF frame, from the fullest frame: the last
                ranges = self.ranges(frames)
                writer.set_reference(self.render(frames[-1], ranges))
            for i, image in enumerate(it):
                writer.append(image)
                if progress is not None:
                    progress(i + 1, len(frames))
        return writer.path

    def close(self) -> None:
        """Free the widgets (the recorded data stays)."""
        if self._widget is not None:
            self._widget.close()
            self._widget.deleteLater()
            self._widget = None

    def __enter__(self) -> FrameRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def qimage_to_rgb(image) -> np.ndarray:
    """Copy a QImage into a new (height, width, 3) uint8 RGB array."""
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(h, rgb.bytesPerLine())
    # Copy: the buffer belongs to ``rgb``, freed when it goes; a view would read freed memory.
    return rows[:, : w * 3].reshape(h, w, 3).copy()


def check_size(size: Sequence[int]) -> None:
    w, h = (int(v) for v in size)
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise ValueError(f"size {w}x{h}: must be from {MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    if w % 2 or h % 2:
        raise ValueError(f"size {w}x{h}: width and height must be even (H.264 video needs it)")


# --------------------------------------------------------------------------- writing
def _mp4_complete(path: str | os.PathLike[str]) -> bool:
    """Whether an MP4 file's top-level boxes are whole and include the index (``moov``)."""
    size = os.path.getsize(path)
    seen = set()
    with open(path, "rb") as fh:
        pos = 0
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(16)
            length, kind = int.from_bytes(head[:4], "big"), head[4:8]
            if length == 1 and len(head) == 16:
                length = int.from_bytes(head[8:16], "big")
            elif length == 0:
                length = size - pos
            if length < 8 or pos + length > size:
                return False
            seen.add(kind)
            pos += length
    return pos == size and b"moov" in seen


class AnimationWriter:
    """Streams RGB frames into a GIF or MP4, chosen by the suffix; atomic.

    The file appears under its name only when :meth:`close` succeeds; until then the frames
    go to a temporary file beside it, removed on failure or :meth:`abort`.  Creating the
    writer already proves the folder writable (OSError naming the file), so a caller can
    open it before a long run.

    Parameters
    ----------
    path : str or Path
        Destination, ``.gif`` or ``.mp4``.
    fps : int
        Frames per second, 1 to 60.
    hold_last : float
        Seconds the last frame stays up (GIF: a longer last frame; MP4: the last frame
        repeated, so the video has ``round(hold_last * fps)`` frames more).
    reference : np.ndarray, optional
        GIF only: the frame whose colours make the palette of every frame (default: the
        first, middle and last frame, which then are all held in memory until close).
        Pillow merges identical consecutive GIF frames into one longer frame.
    """

    def __init__(self, path: str | Path, fps: int = DEFAULT_FPS, *, hold_last: float = 0.0,
                 reference: np.ndarray | None = None) -> None:
        self.path = Path(path)
        self.format = self.path.suffix.lower()
        if self.format not in FORMATS:
            msg = Message("cannot write animation %1: %2", (repr(os.fspath(self.path)), Message(
                "unknown format %1; use %2", (repr(self.path.suffix), ".gif or .mp4"))))
            err = ValueError(str(msg))
            err.messages = (msg,)
            raise err
        if isinstance(fps, bool) or not isinstance(fps, (int, np.integer)) or not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
            raise ValueError(f"fps = {fps!r}: must be an integer from {FPS_RANGE[0]} to {FPS_RANGE[1]}")
        if not (math.isfinite(hold_last) and 0.0 <= hold_last <= 60.0):
            raise ValueError(f"hold_last = {hold_last!r}: must be from 0 to 60 seconds")
        self.fps = int(fps)
        self.hold_last = float(hold_last)
        self.count = 0
        self._size: tuple[int, int] | None = None
        self._last: np.ndarray | None = None
        self._palette = None
        self._gif_frames: list[np.ndarray] = []  # palette indices, or RGB until a palette exists
        self._ffmpeg = None
        self._closed = False
        # Hidden temporary name; MP4 keeps its suffix so that ffmpeg picks the container.
        try:
            self._tmp = temp_beside(self.path, self.format)
        except WriteError as exc:
            raise self._error(exc.messages[0].args[1]) from None
        if reference is not None:
            self.set_reference(reference)

    def _error(self, exc: "BaseException | str | Message") -> OSError:
        return write_error(self.path, exc, "animation")

    @property
    def needs_reference(self) -> bool:
        """True for a GIF whose palette is not set yet."""
        return self.format == ".gif" and self._palette is None

    def set_reference(self, *frames: np.ndarray) -> None:
        """GIF: take the palette of every frame from the colours of ``frames`` (before the
        first append); a colour found in none of them is drawn as its nearest."""
        if self.format != ".gif":
            return
        if self.count:
            raise RuntimeError("set_reference must come before the first frame")
        self._palette = _make_palette([self._check(f, size_only=True) for f in frames])

    def _check(self, frame: np.ndarray, size_only: bool = False) -> np.ndarray:
        frame = np.asarray(frame)
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"a frame must be a (height, width, 3) uint8 RGB array, got {frame.shape} {frame.dtype}")
        h, w = frame.shape[:2]
        if self.format == ".mp4" and (w % 2 or h % 2):
            raise ValueError(f"frame size {w}x{h}: MP4 (H.264, yuv420p) needs an even width and height")
        if size_only:
            return frame
        if self._size is None:
            self._size = (w, h)
        elif (w, h) != self._size:
            raise ValueError(f"frame {self.count} is {w}x{h}, the first was {self._size[0]}x{self._size[1]}")
        return frame

    def append(self, frame: np.ndarray) -> None:
        """Add one (height, width, 3) uint8 RGB frame."""
        if self._closed:
            raise RuntimeError("the writer is closed")
        frame = self._check(frame)
        try:
            if self.format == ".mp4":
                self._mp4_append(frame)
            else:
                self._gif_frames.append(frame if self._palette is None else _quantize(frame, self._palette))
        except BaseException:
            self.abort()
            raise
        self._last = frame
        self.count += 1

    def _mp4_append(self, frame: np.ndarray) -> None:
        if self._ffmpeg is None:
            import imageio.v2 as imageio

            try:
                self._ffmpeg = imageio.get_writer(
                    self._tmp, format="FFMPEG", mode="I", fps=self.fps, codec="libx264",
                    pixelformat="yuv420p", quality=None, macro_block_size=2,
                    # quiet: ffmpeg writes to the terminal itself (a full disk gave 9 lines);
                    # failures are found and said in one line here (_ffmpeg_reason, _mp4_complete)
                    ffmpeg_log_level="quiet",
                    output_params=["-crf", str(MP4_CRF), "-preset", "medium", "-tune", "animation",
                                   "-movflags", "+faststart"])
            except Exception as exc:  # noqa: BLE001 - imageio raises several kinds
                raise self._error(Message("ffmpeg could not start (%1)", (str(exc),))) from exc
        try:
            self._ffmpeg.append_data(frame)
        except OSError as exc:  # ffmpeg died, e.g. the disk filled up
            raise self._error(self._ffmpeg_reason(exc)) from None

    def _ffmpeg_reason(self, exc: BaseException) -> "str | Message":
        """One line for a dead ffmpeg: the reason a write fails here now (a full disk), else
        the last line of its message (not the pages of log imageio puts in it)."""
        why = write_failure(self._tmp.parent)
        if why is not None:
            return why
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return Message("ffmpeg stopped (%1)", (lines[0] if lines else type(exc).__name__,))

    def close(self) -> Path:
        """Finish the file and move it into place; return its path."""
        if self._closed:
            return self.path
        try:
            if self.count == 0:
                raise ValueError(f"cannot write animation {os.fspath(self.path)!r}: no frames")
            if self.format == ".mp4":
                for _ in range(round(self.hold_last * self.fps)):
                    self._ffmpeg.append_data(self._last)
                writer, self._ffmpeg = self._ffmpeg, None
                try:
                    writer.close()
                except OSError as exc:
                    raise self._error(self._ffmpeg_reason(exc)) from None
            else:
                self._write_gif()
            if os.path.getsize(self._tmp) == 0:
                raise self._error("the encoder wrote an empty file")
            if self.format == ".mp4" and not _mp4_complete(self._tmp):
                # imageio does not check ffmpeg's exit status: a trailer that could not be
                # written (a full disk) leaves a file without its index
                why = write_failure(self._tmp.parent)
                raise self._error(why if why is not None else "the encoder wrote an incomplete file")
            try:
                os.replace(self._tmp, self.path)
            except OSError as exc:
                raise self._error(exc) from None
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.path

    def _write_gif(self) -> None:
        import imageio.v3 as iio

        frames = self._gif_frames
        if self._palette is None:
            n = len(frames)
            self._palette = _make_palette([frames[0], frames[n // 2], frames[-1]])
            frames = [_quantize(f, self._palette) for f in frames]
        step_ms = 1000.0 / self.fps
        durations = [step_ms] * len(frames)
        durations[-1] += self.hold_last * 1000.0
        buf = io.BytesIO()
        # 2-D palette indices + palette=: every frame shares one palette (no shimmer).
        iio.imwrite(buf, np.stack(frames), extension=".gif", plugin="pillow", is_batch=True,
                    duration=[round(d) for d in durations], loop=0, palette=self._palette_bytes())
        self._gif_frames = []
        try:
            with open(self._tmp, "wb") as fh:
                fh.write(buf.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise self._error(exc) from None

    def _palette_bytes(self) -> bytes:
        return bytes(self._palette.getpalette()[:768])

    def abort(self) -> None:
        """Stop and remove the temporary file; the destination is left untouched."""
        self._closed = True
        self._gif_frames = []
        if self._ffmpeg is not None:
            writer, self._ffmpeg = self._ffmpeg, None
            with contextlib.suppress(Exception):
                writer.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)

    def __enter__(self) -> AnimationWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _make_palette(frames: list[np.ndarray]):
    """A 256-colour palette image (Pillow, mode P) from the colours of ``frames``."""
    from PIL import Image

    mosaic = np.concatenate(frames, axis=0) if len(frames) > 1 else frames[0]
    # Median cut splits by population: the heatmap's gradient gets most entries, the few
    # pure curve colours stay exact.  No dithering: it would shimmer from frame to frame.
    return Image.fromarray(mosaic).quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                            dither=Image.Dither.NONE)


def _quantize(frame: np.ndarray, palette) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE))


def write_animation(frames: Iterable[np.ndarray], path: str | Path, fps: int = DEFAULT_FPS, *,
                    hold_last: float = 0.0) -> Path:
    """Write RGB frames ((height, width, 3) uint8 arrays) as a GIF or MP4, by suffix.

    Raises OSError naming the file when it cannot be written (no partial file is left),
    ValueError for an unknown suffix, a bad fps or frames of different sizes.
    """
    frames = list(frames) if not isinstance(frames, list) else frames
    with AnimationWriter(path, fps, hold_last=hold_last) as writer:
        if writer.needs_reference and frames:
            picks = sorted({0, len(frames) // 2, len(frames) - 1})
            writer.set_reference(*(frames[i] for i in picks))
        for f in frames:
            writer.append(f)
    return writer.path


# --------------------------------------------------------------------------- a whole animation
def frame_steps(steps: int, max_frames: int) -> list[int]:
    """The iterations (0-based) that become frames: evenly spaced,
    at most ``max_frames``, the last one the run's last iteration."""
    n = max(1, min(int(max_frames), int(steps)))
    return sorted({math.ceil((k + 1) * steps / n) - 1 for k in range(n)})


def write_frames(recorder: FrameRecorder, frames: Sequence[FrameData], writer: AnimationWriter,
                 each: Callable[[int, int], bool] | None = None) -> Path | None:
    """Render ``frames`` through ``recorder`` (one set of axis ranges and colour levels for
    all) into ``writer`` and close it; returns the file.

    ``each(done, total)`` is called after every frame; when it returns False the writer is
    aborted (no file is left) and None is returned. Any exception aborts the writer too.
    """
    for f in frames:
        recorder.add(f)
    kept = recorder.kept()
    try:
        ranges = recorder.ranges(kept)
        with recorder:
            if writer.needs_reference:
                writer.set_reference(recorder.render(kept[-1], ranges))
            for k, f in enumerate(kept):
                writer.append(recorder.render(f, ranges))
                if each is not None and each(k + 1, len(kept)) is False:
                    writer.abort()
                    return None
        return writer.close()
    except BaseException:
        writer.abort()
        raise
