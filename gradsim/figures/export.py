"""Writing a widget to PNG, SVG or PDF, atomically; the QApplication for headless rendering.

PNG goes through pyqtgraph's own rendering of the widget; SVG and PDF through Qt's
``QSvgGenerator`` / ``QPdfWriter`` (pyqtgraph 0.14's SVG exporter fails under Qt 6.11).
A file is written under a hidden temporary name beside the target and renamed when
complete, so a failed export never leaves a half-written figure.

Exports larger than the figures' design size (:data:`DESIGN_SIZE`) are laid out at the
design size and drawn scaled up, so that a 1920 × 1080 slide gets fonts, lines and markers
1.35 × larger instead of 11-pt text lost on a wide canvas.

SVG for renderers other than Qt's (rsvg / cairo, Inkscape, browsers): SVG 1.1 with clip
paths (Qt's default SVG Tiny has none, so curves ran over the axes and the title); curves
Qt writes in data coordinates with ``vector-effect="non-scaling-stroke"`` are rewritten
in pixel coordinates (cairo ignores the vector effect and scaled a 2-px pen by the axis
scale into a band hundreds of pixels wide); markers are drawn as paths, not pixmaps
(pyqtgraph's export mode).
"""

from __future__ import annotations

import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsView, QWidget

from gradsim.errors import Message
from gradsim.fileio import WriteError, atomic_path, write_failure

__all__ = ["ExportError", "ensure_qapp", "quiet_offscreen_messages", "export_widget", "FORMATS",
           "DESIGN_SIZE", "export_scale", "bake_cosmetic_strokes"]

#: The size the figures' fonts (11-pt ticks, 15-pt titles) are designed for, in pixels.
DESIGN_SIZE = (1200, 800)


def export_scale(width: int, height: int, design: tuple[int, int] = DESIGN_SIZE) -> float:
    """How much larger than designed an export of ``width`` × ``height`` draws everything:
    1 up to the design size, then the smaller of the two ratios (the layout keeps the
    export's aspect ratio and is at least the design size both ways)."""
    return max(1.0, min(width / design[0], height / design[1]))


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
        scale = export_scale(width, height)
        widget.resize(max(1, round(width / scale)), max(1, round(height / scale)))
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


def _scenes(widget: QWidget) -> list:
    views = [widget] if isinstance(widget, QGraphicsView) else []
    views += widget.findChildren(QGraphicsView)
    return [v.scene() for v in views if v.scene() is not None]


def _export_mode(widget: QWidget, on: bool, painter: QPainter | None = None) -> None:
    """pyqtgraph's export mode on every item: scatter markers drawn one by one as paths, not
    blitted from a pixmap atlas (an SVG got one bitmap per marker, striped in Inkscape)."""
    opts = {"antialias": True, "background": QColor("white"), "painter": painter} if on else None
    for scene in _scenes(widget):
        for item in scene.items():
            if hasattr(item, "setExportMode"):
                item.setExportMode(on, opts)


def _paint(device, widget: QWidget, path: Path, width: int, height: int) -> None:
    painter = QPainter()
    if not painter.begin(device):
        raise ExportError(path, "Qt could not open the output for painting")
    try:
        _export_mode(widget, True, painter)
        _render(widget, painter, width, height)
    finally:
        _export_mode(widget, False)
        painter.end()


def _write_png(widget, tmp: str, path: Path, width: int, height: int) -> None:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    _paint(image, widget, path, width, height)
    if not image.save(tmp, "PNG"):  # QImage.save reports failure only by its return value
        raise ExportError(path, "Qt failed to write the PNG")


def _clip_every_item(widget: QWidget, on: bool) -> list:
    """Clip every scene item to its shape (for the SVG writer; returns what to undo).

    Qt 6.11's SVG 1.1 writer does not end a clip when the next item is drawn without one:
    that item then inherits the previous item's clip (the loss legend vanished under the
    baseline label's clip, the grid under the title's).  With a clip on every item, every
    item's group names its own.  An item draws inside its bounding rect, so nothing is lost.
    """
    changed = []
    flag = QGraphicsItem.GraphicsItemFlag.ItemClipsToShape
    children = QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape

    def clipped_by_ancestor(item) -> bool:
        parent = item.parentItem()
        while parent is not None:
            if parent.flags() & children:
                return True  # a view box: its rectangle clips the curves (in pixels)
            parent = parent.parentItem()
        return False

    for scene in _scenes(widget):
        for item in scene.items():
            if not item.flags() & flag and not clipped_by_ancestor(item):
                item.setFlag(flag, True)
                changed.append(item)
    return changed


def _write_svg(widget, tmp: str, path: Path, width: int, height: int) -> None:
    # Not pyqtgraph's SVGExporter: it raises ValueError under Qt 6.11 (pyqtgraph #3485).
    # SVG 1.1, not Qt's default SVG Tiny 1.2: only 1.1 has the clip paths that keep curves
    # inside their axes outside Qt's own renderer.
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setFileName(tmp)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    # The DPI the widget laid its text out with: at Qt's default 72, an 11-pt label is
    # written 11 px high instead of 14.7 and shrinks against the 1200 x 800 view box.
    generator.setResolution(widget.logicalDpiX())
    generator.setTitle(path.stem)
    clipped = _clip_every_item(widget, True)
    try:
        _paint(generator, widget, path, width, height)
    finally:
        for item in clipped:
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsToShape, False)
    del generator  # flushes and closes the file
    with open(tmp, "rb") as fh:
        text = fh.read().decode("utf-8")
    with open(tmp, "wb") as fh:
        fh.write(bake_cosmetic_strokes(text).encode("utf-8"))


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_MATRIX = re.compile(r"^\s*matrix\(([^)]*)\)\s*$")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_COSMETIC = "non-scaling-stroke"


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _bake_points(points: str, m) -> str | None:
    nums = [float(t) for t in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", points)]
    if len(nums) % 2:
        return None
    a, b, c, d, e, f = m
    out = [f"{_fmt(a * x + c * y + e)},{_fmt(b * x + d * y + f)}" for x, y in zip(nums[0::2], nums[1::2])]
    return " ".join(out)


def _bake_path(d: str, m) -> str | None:
    a, b, c, dd, e, f = m
    out, pending = [], []
    for tok in _PATH_TOKEN.findall(d):
        if tok.isalpha():
            if tok not in "MLCZ":  # Qt writes absolute M / L / C / Z only; anything else: leave it
                return None
            if pending:
                return None
            out.append(tok)
        else:
            pending.append(float(tok))
            if len(pending) == 2:
                x, y = pending
                out.append(f"{_fmt(a * x + c * y + e)},{_fmt(b * x + dd * y + f)}")
                pending = []
    return None if pending else " ".join(out)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _bbox(g, m=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)):
    """(x0, y0, x1, y1) of the shapes under ``g`` in root coordinates, or None."""
    match = _MATRIX.match(g.get("transform", ""))
    if match is not None:
        a2, b2, c2, d2, e2, f2 = (float(v) for v in match.group(1).replace(",", " ").split())
        a, b, c, d, e, f = m
        m = (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
             a * e2 + c * f2 + e, b * e2 + d * f2 + f)
    xs, ys = [], []
    for ch in g:
        name = ch.tag.rsplit("}", 1)[-1]
        pts = []
        if name == "g":
            box = _bbox(ch, m)
            if box is not None:
                xs += [box[0], box[2]]
                ys += [box[1], box[3]]
            continue
        if name in ("polyline", "polygon", "path"):
            nums = [float(t) for t in _NUMBER.findall(ch.get("points" if name != "path" else "d", ""))]
            pts = list(zip(nums[0::2], nums[1::2]))
        elif name in ("rect", "image"):
            x, y = float(ch.get("x", 0)), float(ch.get("y", 0))
            w, h = float(ch.get("width", 0)), float(ch.get("height", 0))
            pts = [(x, y), (x + w, y + h), (x + w, y), (x, y + h)]
        elif name == "text":
            x, y = float(ch.get("x", 0) or 0), float(ch.get("y", 0) or 0)
            pts = [(x, y)]
        a, b, c, d, e, f = m
        for x, y in pts:
            xs.append(a * x + c * y + e)
            ys.append(b * x + d * y + f)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _drop_stray_clips(root) -> None:
    """Qt 6.11's SVG 1.1 writer sometimes keeps the previous item's clip for an item drawn
    unclipped (the loss plot's legend was clipped by the baseline label's rectangle and
    vanished).  A clip that lies wholly outside what it clips is such a leftover: dropped."""
    clips = {}
    for cp in root.iter(f"{{{_SVG_NS}}}clipPath"):
        box = _bbox(cp)
        if box is not None:
            clips[cp.get("id")] = box
    for g in root.iter(f"{{{_SVG_NS}}}g"):
        ref = g.get("clip-path", "")
        match = re.match(r"url\(#([^)]+)\)", ref)
        if match is None or match.group(1) not in clips:
            continue
        box = _bbox(g)
        if box is None:
            continue
        cx0, cy0, cx1, cy1 = clips[match.group(1)]
        x0, y0, x1, y1 = box
        if x1 < cx0 or x0 > cx1 or y1 < cy0 or y0 > cy1:
            del g.attrib["clip-path"]


def bake_cosmetic_strokes(svg: str) -> str:
    """Rewrite Qt's SVG so that non-Qt renderers draw it as Qt does.

    Qt draws a cosmetic pen (pyqtgraph's curves) as a polyline in data coordinates under a
    ``matrix(...)`` of the axis scales with ``vector-effect="non-scaling-stroke"``; renderers
    that ignore the effect (cairo / rsvg, older Inkscape) scale the stroke with the axes.
    Here the matrix is applied to the points and dropped, so the stroke is in pixels
    everywhere.  Groups that also hold text or images keep their transform for those.
    """
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", _XLINK_NS)
    root = ET.fromstring(svg)
    tag = lambda name: f"{{{_SVG_NS}}}{name}"  # noqa: E731

    def visit(parent):
        children = list(parent)
        for index, g in enumerate(children):
            if g.tag != tag("g"):
                continue
            match = _MATRIX.match(g.get("transform", ""))
            if match is None:
                visit(g)
                continue
            m = [float(v) for v in match.group(1).replace(",", " ").split()]
            if len(m) != 6:
                continue
            baked, kept = [], []
            for ch in list(g):
                new = None
                if ch.get("vector-effect") == _COSMETIC:
                    if ch.tag in (tag("polyline"), tag("polygon")):
                        new = _bake_points(ch.get("points", ""), m)
                        attr = "points"
                    elif ch.tag == tag("path"):
                        new = _bake_path(ch.get("d", ""), m)
                        attr = "d"
                    elif ch.tag == tag("rect") and m[1] == 0 and m[2] == 0:  # axis-aligned
                        x, y = float(ch.get("x", 0)), float(ch.get("y", 0))
                        w, h = float(ch.get("width", 0)), float(ch.get("height", 0))
                        x0, x1 = sorted((m[0] * x + m[4], m[0] * (x + w) + m[4]))
                        y0, y1 = sorted((m[3] * y + m[5], m[3] * (y + h) + m[5]))
                        for key, value in (("x", x0), ("y", y0), ("width", x1 - x0), ("height", y1 - y0)):
                            ch.set(key, _fmt(value))
                        new, attr = ch.get("x"), "x"
                if new is None:
                    kept.append(ch)
                    continue
                ch.set(attr, new)
                del ch.attrib["vector-effect"]
                baked.append(ch)
            if not baked:
                continue
            if not kept:
                del g.attrib["transform"]
                continue
            # text / images stay under the transform; the baked shapes go to a sibling
            twin = ET.Element(g.tag, {k: v for k, v in g.attrib.items() if k != "transform"})
            twin.text, twin.tail = "\n", g.tail
            for ch in baked:
                g.remove(ch)
                twin.append(ch)
            pos = list(parent).index(g)
            parent.insert(pos + 1, twin)

    visit(root)
    _drop_stray_clips(root)
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + ET.tostring(root, encoding="unicode")


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
    except Exception as exc:
        if not isinstance(exc, WriteError):
            # a writer that read back what Qt wrote (the SVG rewrite) choked on a file cut
            # short: when writing fails here now (a full disk), that is the reason to give
            why = write_failure(path.parent)
            if why is None:
                raise
            raise ExportError(path, why) from exc
        reason = exc.messages[0].args[1]
        if str(reason).startswith("Qt "):
            # Qt says only that it failed (an empty SVG, a PNG not saved): say why, e.g. a full disk
            reason = write_failure(path.parent) or reason
        raise ExportError(path, reason) from exc
    finally:
        if shown_here:
            widget.hide()
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
    return path
