"""Export → Animation (GIF/MP4)… and Export → Report (HTML/PDF)… from the app's run.

The animation is rendered from the session's History by :func:`gradsim.media.animation.history_frames`
(the frame builder `gradsim animate` uses too): evenly spaced heatmap rows each
become a frame (the rows so far, the loss so far, that row as the profile), drawn by
:class:`gradsim.media.animation.FrameRecorder` with the colour levels and axes fixed over the
whole animation, and streamed into :class:`gradsim.media.animation.AnimationWriter`. Qt
widgets render on the GUI thread only, so frames are rendered there one at a time under
a window-modal progress dialog (Cancel aborts and leaves no file). Every frame has one
colour range: :func:`compared_levels` (the plots' fixed levels, else the preset's), else the
range of the data over the whole animation. The report is
:func:`gradsim.media.report.write_report`, the same as ``gradsim report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

from gradsim.media.animation import DEFAULT_FPS, DEFAULT_SIZE, AnimationWriter, FrameRecorder, history_frames, write_frames
from gradsim.app import dialogs

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["APP_MAX_FRAMES", "compared_levels", "export_animation", "export_report"]

#: Frames of an animation exported from the app: ~5 s at 12 fps, a few seconds to render.
APP_MAX_FRAMES = 60


def compared_levels(window) -> tuple[float, float] | None:
    """The colour levels of pictures made from ``window``'s run to be compared (the frames of
    an animation, Compare runs' two heatmaps): the plots' fixed levels (the user's, or the
    lecture step's), else the preset's ``levels``; None: the range of the data."""
    from gradsim.content.presets import preset_levels

    panel = getattr(window, "plots", None)
    fixed = panel.prefs().get("levels") if panel is not None else None
    if fixed is not None:
        return float(fixed[0]), float(fixed[1])
    return preset_levels(getattr(window.session, "preset", None))


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
        dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Export failed"), err)
        return None
    frames = history_frames(s.histories[layer], s.last, view, max_frames, cfg=s.run_config, layer=layer)
    recorder = FrameRecorder(s.run_config, size=size, max_frames=max(2, min(len(frames), 150)), view=view,
                             title=s.preset or "gradsim", total_steps=s.iteration, levels=compared_levels(window))
    progress = QProgressDialog(QCoreApplication.translate("ExportMedia", "Rendering the animation…"),
                               QCoreApplication.translate("ExportMedia", "Cancel"), 0, len(frames) + 1, window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)

    def each(done: int, total: int) -> bool:
        progress.setValue(done)
        if done == total:
            progress.setLabelText(QCoreApplication.translate("ExportMedia", "Encoding…"))
        # Keep the window painted between frames (the dialog is window-modal: no input
        # reaches the main window meanwhile).
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        out = write_frames(recorder, frames, writer, each)
    except (OSError, ValueError) as err:
        dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Export failed"), err)
        return None
    finally:
        progress.reset()
        progress.deleteLater()
        recorder.close()
    if out is None:
        if hasattr(window, "show_message"):
            window.show_message(QCoreApplication.translate("ExportMedia", "Animation export cancelled"))
        return None
    kept = frames
    if hasattr(window, "show_message"):
        window.show_message(QCoreApplication.translate("ExportMedia", "Exported {path} ({n} frames)").format(path=out, n=len(kept)))
    return out


def export_report(window: MainWindow, path: str | None = None) -> Path | None:
    """Write the report of the run (HTML or PDF by suffix); errors → a dialog naming the file."""
    from gradsim.core.history import run_summary
    from gradsim.media.report import write_report

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
    summary = run_summary(list(s.histories), s.last, steps_per_second=s.steps_per_second or None)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        out = write_report(path, cfg, list(s.histories), s.last, summary, eigenvalues=eig, rollout=rollout,
                           title=s.preset or None)
    except (OSError, ValueError) as err:
        QApplication.restoreOverrideCursor()
        dialogs.show_error(window, QCoreApplication.translate("ExportMedia", "Export failed"), err)
        return None
    QApplication.restoreOverrideCursor()
    if hasattr(window, "show_message"):
        window.show_message(QCoreApplication.translate("ExportMedia", "Exported {path}").format(path=out))
    return out
