"""Writing a widget to PNG, SVG or PDF, atomically; the QApplication for headless rendering.

PNG goes through pyqtgraph's own rendering of the widget; SVG and PDF through Qt's
``QSvgGenerator`` / ``QPdfWriter`` (pyqtgraph 0.14's SVG exporter fails under Qt 6.11).
A file is written under a hidden temporary name beside the target and renamed when
complete, so a failed export never leaves a half-written figure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from gradsim.errors import Message
from gradsim.fileio import WriteError, atomic_path

__all__ = ["ExportError", "ensure_qapp", "quiet_offscreen_messages", "export_widget", "FORMATS"]


class ExportError(WriteError):
    """A figure could not be written; the message names the file and the reason."""

    def __init__(self, path: str | os.PathLike[str], reason: "str | Message") -> None:
        super().__init__(path, reason, "figure")


def ensure_qapp() -> QApplication:
    """Return the running QApplication, creating one if there is none.

    Headless callers set ``QT_QPA_PLATFORM=offscreen`` before importing Qt; this function
    does not, because the live app must stay on screen.
    """
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    elif not isinstance(app, QApplication):
        raise RuntimeError("a QCoreApplication is running; widgets need a QApplication")
    return app


#: Messages Qt's offscreen platform prints whenever a widget is shown: harmless, and
#: noise on the terminal of a headless export.
_OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",)


def quiet_offscreen_messages() -> None:
    """Drop the offscreen platform's harmless warnings (headless CLI runs only).

    Installs a Qt message handler; everything else still reaches stderr. Not for the
    app or tests (pytest-qt installs its own handler to fail tests on warnings).
    """
    from PySide6.QtCore import qInstallMessageHandler

    def _handler(mode, context, message):  # noqa: ARG001 - Qt's signature
        if message not in _OFFSCREEN_NOISE:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(_handler)




# --------------------------------------------------------------------------- export
def _prepare(widget: QWidget, width: int, height: int) -> bool:
    """Size, show and lay out a top-level widget; return True if we showed it."""
    shown_here = False
    if widget.parentWidget() is None:
        widget.resize(width, height)
        if not widget.isVisible():
            # Never flash a window on a real display; it only has to be laid out.
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            widget.show()
            shown_here = True
    # A never-shown GraphicsLayoutWidget keeps its initial layout: the colour bar is
    # squeezed into a corner (tests/test_plots.py checks this).  show() lays it out;
    # processEvents() flushes layout requests posted since, e.g. by set_data.
    QApplication.processEvents()
    return shown_here


def _render(widget: QWidget, painter: QPainter, width: int, height: int) -> None:
    # No SmoothPixmapTransform: heatmap cells must stay crisp, not blur into their neighbours.
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRect(0, 0, width, height), QColor("white"))
    # Both render paths paint through the painter, so SVG / PDF get vector curves and text.
    # An embedded widget keeps its layout and is fitted into the page, aspect kept.
    if isinstance(widget, QGraphicsView):
        widget.render(painter, QRectF(0, 0, width, height), widget.viewport().rect(),
                      Qt.AspectRatioMode.KeepAspectRatio)
        return
    scale = min(width / max(widget.width(), 1), height / max(widget.height(), 1))
    painter.translate((width - widget.width() * scale) / 2, (height - widget.height() * scale) / 2)
    painter.scale(scale, scale)
    QWidget.render(widget, painter, QPoint(0, 0))


def _paint(device, widget: QWidget, path: Path, width: int, height: int) -> None:
    painter = QPainter()
    if not painter.begin(device):
        raise ExportError(path, "Qt could not open the output for painting")
    try:
        _render(widget, painter, width, height)
    finally:
        painter.end()


def _write_png(widget, tmp: str, path: Path, width: int, height: int) -> None:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    _paint(image, widget, path, width, height)
    if not image.save(tmp, "PNG"):  # QImage.save reports failure only by its return value
        raise ExportError(path, "Qt failed to write the PNG")


def _write_svg(widget, tmp: str, path: Path, width: int, height: int) -> None:
    # Not pyqtgraph's SVGExporter: it raises ValueError under Qt 6.11 (pyqtgraph #3485).
    generator = QSvgGenerator()
    generator.setFileName(tmp)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    # The DPI the widget laid its text out with: at Qt's default 72, an 11-pt label is
    # written 11 px high instead of 14.7 and shrinks against the 1200 x 800 view box.
    generator.setResolution(widget.logicalDpiX())
    generator.setTitle(path.stem)
    _paint(generator, widget, path, width, height)


def _write_pdf(widget, tmp: str, path: Path, width: int, height: int) -> None:
    dpi = widget.logicalDpiX()
    writer = QPdfWriter(tmp)
    writer.setResolution(dpi)
    writer.setPageSize(QPageSize(QSizeF(width * 72.0 / dpi, height * 72.0 / dpi),
                                 QPageSize.Unit.Point, "figure", QPageSize.SizeMatchPolicy.ExactMatch))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    # The page is width x height device pixels at this resolution, up to rounding.
    _paint(writer, widget, path, writer.width(), writer.height())


_WRITERS = {".png": _write_png, ".svg": _write_svg, ".pdf": _write_pdf}
#: The figure formats, by suffix.
FORMATS = tuple(_WRITERS)


def export_widget(widget: QWidget, path: str | Path, width: int = 1200, height: int = 800) -> Path:
    """Render a figure to PNG, SVG or PDF, chosen by the file suffix.

    A top-level widget is resized to ``width`` x ``height``, shown off-screen if hidden and
    laid out first; an embedded widget keeps its layout and is scaled to fit.  The file is
    written to a temporary name in the same folder and renamed, so a failed export never
    leaves a partial file.

    Parameters
    ----------
    widget : QWidget
        The figure, e.g. a :class:`HeatmapPlot`.
    path : str or Path
        Destination; the suffix (.png, .svg, .pdf) selects the format.
    width, height : int
        Output size in pixels (PDF and SVG: at the screen's logical DPI).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    ExportError
        Unknown suffix, missing or unwritable folder, or Qt failing to write.
    """
    path = Path(path)
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ExportError(path, Message("unknown format %1; use %2", (repr(path.suffix), ".png, .svg or .pdf")))
    if width < 1 or height < 1:
        raise ValueError(f"export size must be positive, got {width}x{height}")
    shown_here = False
    try:
        with atomic_path(path) as tmp:
            shown_here = _prepare(widget, width, height)
            writer(widget, str(tmp), path, width, height)
            if os.path.getsize(tmp) == 0:
                raise ExportError(path, "Qt wrote an empty file")
    except WriteError as exc:
        raise ExportError(path, exc.messages[0].args[1]) from exc
    finally:
        if shown_here:
            widget.hide()
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
    return path
