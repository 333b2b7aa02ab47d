"""Export → Animation (GIF/MP4)… and Export → Report (HTML/PDF)… from the app's run.

The animation is rendered from the session's History: evenly spaced heatmap rows each
become a frame (the rows so far, the loss so far, that row as the profile), drawn by
:class:`gradsim.animation.FrameRecorder` with the colour levels and axes fixed over the
whole animation, and streamed into :class:`gradsim.animation.AnimationWriter`. Qt
widgets render on the GUI thread only, so frames are rendered there one at a time under
a window-modal progress dialog (Cancel aborts and leaves no file). The report is
:func:`gradsim.report.write_report`, the same as ``gradsim report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

from gradsim.animation import DEFAULT_FPS, DEFAULT_SIZE, AnimationWriter, FrameData, FrameRecorder, frame_steps
from gradsim.app import dialogs

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["APP_MAX_FRAMES", "export_animation", "export_report", "history_frames"]

#: Frames of an animation exported from the app: ~5 s at 12 fps, a few seconds to render.
APP_MAX_FRAMES = 60


def _theory_bound(cfg, history, step: int, profile: np.ndarray) -> tuple[np.ndarray, str] | None:
    """The (γλ₁)^(T−1−t) bound at ``step`` from the History's σ_max, anchored at the profile's
    last value (None where the theory does not apply)."""
    from gradsim.core.theory import BOUND_LABEL, theory_from_spectrum

    steps, sigma = history.scalar("sigma_max")
    if cfg is None or not len(steps) or len(profile) < 2:
        return None
    i = int(np.clip(np.searchsorted(steps, step, side="right") - 1, 0, len(steps) - 1))
    try:
        theory = theory_from_spectrum(float(sigma[i]), None, cfg.activation, len(profile), cell=cfg.cell,
                                      residual=cfg.residual, norm=cfg.norm, layer=0, num_layers=cfg.num_layers)
    except ValueError:
        return None
    curves = theory.curves(float(profile[-1]))
    if BOUND_LABEL not in curves:
        return None
    return curves[BOUND_LABEL], f"{BOUND_LABEL}, γλ₁ = {theory.gamma_sigma:.3g}"


def history_frames(history, last_snapshot, view: str = "last", max_frames: int = APP_MAX_FRAMES,
                   cfg=None) -> list[FrameData]:
    """Evenly spaced frames of a run from its History (the newest snapshot ends it).

    Frame k shows the heatmap rows up to row i_k, the loss up to that row's iteration and
    the row itself as the profile (a History row pools the iterations it covers by max).
    The last frame's profile is the newest snapshot's own. With ``cfg`` and the ``last``
    view, each frame also carries the (γλ₁)^(T−1−t) bound of its iteration's σ_max.
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
        profile = np.asarray(last_snapshot.views[view][0]) if last else data[i]
        diverged = history.diverged_at if history.diverged_at is not None and history.diverged_at <= step else None
        bound = _theory_bound(cfg, history, step, np.asarray(profile, dtype=np.float64)) if view == "last" else None
        frames.append(FrameData(step=step, heat=data[: i + 1], heat_steps=steps[: i + 1], loss_steps=loss_steps,
                                loss=loss, profile=profile, clipped_steps=clipped_steps, diverged_at=diverged,
                                bound=bound))
    return frames


def _ask(window, title: str, default: str, filt: str) -> str | None:
    ask = getattr(window, "_ask_save", None)
    if ask is not None:
        return ask(title, default, filt)
    path, _ = QFileDialog.getSaveFileName(window, title, str(Path.home() / default), filt)
    return path or None


def _no_run(window) -> None:
    dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Nothing to export yet"),
                       QCoreApplication.translate("ExportMedia", "This run has no iterations yet: press Play (or Step) first."))


def export_animation(window: MainWindow, path: str | None = None, *, fps: int = DEFAULT_FPS,
                     max_frames: int = APP_MAX_FRAMES, size: tuple[int, int] = DEFAULT_SIZE) -> Path | None:
    """Write the run so far as a GIF or MP4 (by suffix); errors → a dialog naming the file."""
    s = window.session
    panel = getattr(window, "plots", None)
    view = panel.view if panel is not None else "last"
    layer = min(panel.layer if panel is not None else 0, len(s.histories) - 1)
    if s.last is None:
        _no_run(window)
        return None
    if path is None:
        path = _ask(window, QCoreApplication.translate("ExportMedia", "Export animation"), f"{s.preset or 'gradsim'}.gif", "GIF (*.gif);;MP4 (*.mp4)")
        if not path:
            return None
    try:
        # Opened first: an unwritable path fails before any rendering.
        writer = AnimationWriter(path, fps, hold_last=1.5)
    except (OSError, ValueError) as err:
        dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Export failed"), str(err))
        return None
    # the bound is the first layer's (the History's σ_max is W_hh of layer 0)
    frames = history_frames(s.histories[layer], s.last, view, max_frames, cfg=s.run_config if layer == 0 else None)
    recorder = FrameRecorder(s.run_config, size=size, max_frames=max(2, min(len(frames), 150)), view=view,
                             title=s.preset or "gradsim", total_steps=s.iteration)
    for f in frames:
        recorder.add(f)
    kept = recorder.kept()
    progress = QProgressDialog(QCoreApplication.translate("ExportMedia", "Rendering the animation…"), QCoreApplication.translate("ExportMedia", "Cancel"), 0, len(kept) + 1, window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)
    try:
        ranges = recorder.ranges(kept)
        if writer.needs_reference:
            writer.set_reference(recorder.render(kept[-1], ranges))
        for k, f in enumerate(kept):
            if progress.wasCanceled():
                writer.abort()
                window.show_message(QCoreApplication.translate("ExportMedia", "Animation export cancelled")) if hasattr(window, "show_message") else None
                return None
            writer.append(recorder.render(f, ranges))
            progress.setValue(k + 1)
            # Keep the window painted between frames (the dialog is window-modal: no input
            # reaches the main window meanwhile).
            QApplication.processEvents()
        progress.setLabelText(QCoreApplication.translate("ExportMedia", "Encoding…"))
        out = writer.close()
    except (OSError, ValueError) as err:
        writer.abort()
        dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Export failed"), str(err))
        return None
    finally:
        progress.reset()
        progress.deleteLater()
        recorder.close()
    if hasattr(window, "show_message"):
        window.show_message(QCoreApplication.translate("ExportMedia", "Exported {path} ({n} frames)").format(path=out, n=len(kept)))
    return out


def export_report(window: MainWindow, path: str | None = None) -> Path | None:
    """Write the report of the run (HTML or PDF by suffix); errors → a dialog naming the file."""
    from gradsim.report import summary_from_history, write_report

    s = window.session
    if s.last is None:
        _no_run(window)
        return None
    if path is None:
        path = _ask(window, QCoreApplication.translate("ExportMedia", "Export report"), f"{s.preset or 'gradsim'}-report.html",
                    "HTML (*.html);;PDF (*.pdf)")
        if not path:
            return None
    cfg = s.run_config
    eig = s.eigenvalues[0] if len(s.eigenvalues) else None
    rollout = s.rollout if cfg.task == "sine" else None
    summary = summary_from_history(list(s.histories), s.last, steps_per_second=s.steps_per_second or None)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        out = write_report(path, cfg, list(s.histories), s.last, summary, eigenvalues=eig, rollout=rollout,
                           title=s.preset or None)
    except (OSError, ValueError) as err:
        QApplication.restoreOverrideCursor()
        dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Export failed"), str(err))
        return None
    QApplication.restoreOverrideCursor()
    if hasattr(window, "show_message"):
        window.show_message(QCoreApplication.translate("ExportMedia", "Exported {path}").format(path=out))
    return out
