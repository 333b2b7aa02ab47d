"""Headless runs that end in a medium: an animation (GIF/MP4) or a report (HTML/PDF).

Both train with :func:`gradsim.runs.procedure.train` and hand the result to
:mod:`gradsim.media`, exactly as the app's Export → Animation / Report do with its live run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from gradsim.config import RunConfig
from gradsim.media.animation import (
    DEFAULT_FPS, DEFAULT_FRAMES, DEFAULT_HOLD, DEFAULT_SIZE, AnimationWriter, FrameRecorder, history_frames,
    write_frames,
)
from gradsim.runs.procedure import RunResult, check_run, train

__all__ = ["animate_run", "report_run"]

#: Called as ``progress(phase, done, total)``, phase ``"train"`` then ``"render"``.
PhaseProgress = Callable[[str, int, int], None]


def animate_run(cfg: RunConfig, steps: int, out_path: str | Path, fps: int = DEFAULT_FPS,
                max_frames: int = DEFAULT_FRAMES, size: tuple[int, int] = DEFAULT_SIZE, *,
                view: str = "last", title: str = "gradsim", hold_last: float = DEFAULT_HOLD,
                levels: tuple[float, float] | None = None, progress: PhaseProgress | None = None) -> Path:
    """Train ``steps`` iterations of ``cfg`` and write the animation of the run.

    Frames are :func:`gradsim.media.animation.history_frames` of the finished run (at most
    ``max_frames``, evenly spaced), rendered with one set of axis ranges and colour levels
    (``levels``, log10 low and high, else the range over all frames).
    Raises ConfigError if the config cannot run here, OSError naming the file if it cannot
    be written (checked before training), ValueError for bad arguments.
    """
    steps = check_run(cfg, steps)  # the memory and the device, before the file is opened
    recorder = FrameRecorder(cfg, size=size, max_frames=max_frames, view=view, title=title, total_steps=steps,
                             levels=levels)
    # Opened first: an unwritable path fails before minutes of training.
    writer = AnimationWriter(out_path, fps, hold_last=hold_last)
    try:
        result = train(cfg, steps, progress=(lambda d, t: progress("train", d, t)) if progress else None)
    except BaseException:
        writer.abort()
        raise
    frames = history_frames(result.history, result.last, view, recorder.max_frames, cfg=cfg)
    each = (lambda d, t: progress("render", d, t)) if progress else None
    return write_frames(recorder, frames, writer, each)


def report_run(cfg: RunConfig, steps: int, out_path: str | Path, *, title: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> tuple[Path, RunResult]:
    """Train ``steps`` iterations of ``cfg`` and write its report (HTML or PDF by suffix).

    The path is proved writable before training. Returns the written file and the run.
    """
    from gradsim.media.report import check_writable, write_report

    out_path = Path(out_path)
    steps = check_run(cfg, steps)
    check_writable(out_path)
    result = train(cfg, steps, progress=progress)
    path = write_report(out_path, cfg, result.histories, result.last, result.summary,
                        eigenvalues=result.eigenvalues, rollout=result.rollout, title=title)
    return path, result
