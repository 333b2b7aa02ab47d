"""Where text goes on a plot: legends that cover no data, titles that never show a cut number.

Both the builders (:mod:`gradsim.figures.plots`) and the live plots use these:

* :func:`place_legend` puts a plot's legend in the corner of its view that covers no plotted
  point or line segment (computed from the items' data in the view's pixel coordinates); when
  every corner is taken it returns the head-room the view needs above the data so that a top
  corner becomes free (the caller owns the range and applies it);
* :class:`FittedTitle` keeps a plot title inside the width above its view: the full text when
  it fits, else the same text in a smaller font (down to 70 %), else elided with "…" at a
  word boundary, never inside a number ("ρ = 3.6·1(" cannot happen).  The full text stays in
  ``titleLabel.text``, so restyling (presentation mode) and retranslation see it whole.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

__all__ = ["CORNERS", "data_segments", "hits", "place_legend", "FittedTitle", "elide_text", "fit_axes_now",
           "keep_in_view", "place_line_labels", "LegendKey"]

#: Legend offsets of the four corners, in order of preference (pyqtgraph anchors a negative
#: offset to the right / bottom edge).
CORNERS = ((-10, 10), (10, 10), (-10, -10), (10, -10))
#: Pixels kept free around a legend.
MARGIN = 3.0
#: The most of a view's height a band above the data may take for the legend.
MAX_BAND = 0.6


def _finite_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x if x is not None else [], dtype=np.float64).ravel()
    y = np.asarray(y if y is not None else [], dtype=np.float64).ravel()
    n = min(len(x), len(y))
    return x[:n], y[:n]


def is_reference(item) -> bool:
    """A reference drawn for comparison (a theory bound, the unit circle, a baseline), not a
    measurement: a legend may cross it when no place is free of it."""
    return bool(getattr(item, "gradsim_reference", False)) or isinstance(item, pg.InfiniteLine)


def mark_reference(item):
    """Flag ``item`` as a reference curve (see :func:`is_reference`); returns it."""
    item.gradsim_reference = True
    return item


def data_segments(vb: pg.ViewBox, *, skip=(), references: bool | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Everything drawn as data in ``vb``, in ``vb``'s local pixel coordinates.

    Returns ``(points, seg_a, seg_b)``: marker centres (n, 2) and line segments from
    ``seg_a[i]`` to ``seg_b[i]``.  Curves, scatter markers and infinite lines count (with
    an infinite line's label); hidden items and ``skip`` do not.  ``references``: True only
    reference curves (:func:`is_reference`, labels excluded), False only measurements (and
    line labels), None both.
    """
    tr = vb.childTransform()
    m = np.array([[tr.m11(), tr.m12()], [tr.m21(), tr.m22()]])
    d = np.array([tr.dx(), tr.dy()])

    def to_px(x, y):
        return np.column_stack([x, y]) @ m + d

    points, seg_a, seg_b = [], [], []
    rect = vb.rect()
    for item in vb.childGroup.childItems():  # addedItems lacks the ignoreBounds ones
        if item in skip or not item.isVisible():
            continue
        if isinstance(item, pg.InfiniteLine) and references is False:
            label = getattr(item, "label", None)
            if label is not None and label.isVisible():
                r = label.mapRectToItem(vb, label.boundingRect())
                seg_a.append(np.array([[r.left(), r.top()], [r.left(), r.bottom()]]))
                seg_b.append(np.array([[r.right(), r.bottom()], [r.right(), r.top()]]))
            continue
        if references is not None and is_reference(item) != references:
            continue
        if isinstance(item, pg.InfiniteLine):
            pos = item.value()
            if item.angle % 180 == 0:  # horizontal: y = pos across the view
                a = to_px(np.array([vb.viewRange()[0][0]]), np.array([pos]))
                a = np.array([[rect.left(), a[0, 1]]])
                b = np.array([[rect.right(), a[0, 1]]])
            else:
                a = to_px(np.array([pos]), np.array([vb.viewRange()[1][0]]))
                a = np.array([[a[0, 0], rect.top()]])
                b = np.array([[a[0, 0], rect.bottom()]])
            seg_a.append(a)
            seg_b.append(b)
            label = getattr(item, "label", None)
            if references is None and label is not None and label.isVisible():
                r = label.mapRectToItem(vb, label.boundingRect())
                # the label's two diagonals: a legend over the label crosses one of them
                seg_a.append(np.array([[r.left(), r.top()], [r.left(), r.bottom()]]))
                seg_b.append(np.array([[r.right(), r.bottom()], [r.right(), r.top()]]))
            continue
        if isinstance(item, pg.PlotDataItem):
            x, y = _finite_xy(item.xData, item.yData)
            if not len(x):
                continue
            p = to_px(x, y)
            if item.opts.get("symbol") is not None:
                points.append(p[np.isfinite(p).all(axis=1)])
            if item.opts.get("pen") is not None and pg.mkPen(item.opts["pen"]).style() != Qt.PenStyle.NoPen:
                ok = np.isfinite(p).all(axis=1)
                if item.opts.get("connect") == "pairs":  # separate segments (a rug)
                    a, b = p[0:-1:2], p[1::2]
                    both = ok[0:-1:2] & ok[1::2]
                else:
                    a, b = p[:-1], p[1:]
                    both = ok[:-1] & ok[1:]
                seg_a.append(a[both])
                seg_b.append(b[both])
        elif isinstance(item, pg.ScatterPlotItem):
            x, y = _finite_xy(*item.getData())
            if len(x):
                p = to_px(x, y)
                points.append(p[np.isfinite(p).all(axis=1)])
        elif isinstance(item, pg.PlotCurveItem):
            x, y = _finite_xy(*item.getData())
            if len(x) > 1:
                p = to_px(x, y)
                ok = np.isfinite(p).all(axis=1)
                both = ok[:-1] & ok[1:]
                seg_a.append(p[:-1][both])
                seg_b.append(p[1:][both])
    empty = np.zeros((0, 2))
    return (np.vstack(points) if points else empty, np.vstack(seg_a) if seg_a else empty,
            np.vstack(seg_b) if seg_b else empty)


def hits(rect: QRectF, points: np.ndarray, seg_a: np.ndarray, seg_b: np.ndarray,
         margin: float = MARGIN) -> int:
    """How many points lie in ``rect`` (grown by ``margin``) plus how many segments cross it."""
    lo_x, lo_y = rect.left() - margin, rect.top() - margin
    hi_x, hi_y = rect.right() + margin, rect.bottom() + margin
    n = 0
    if len(points):
        px, py = points[:, 0], points[:, 1]
        n += int(np.count_nonzero((px >= lo_x) & (px <= hi_x) & (py >= lo_y) & (py <= hi_y)))
    if len(seg_a):
        # Liang–Barsky: the parameter interval of the segment inside the rectangle
        x0, y0 = seg_a[:, 0], seg_a[:, 1]
        dx, dy = seg_b[:, 0] - x0, seg_b[:, 1] - y0
        t0 = np.zeros(len(x0))
        t1 = np.ones(len(x0))
        reject = np.zeros(len(x0), bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            for p, q in ((-dx, x0 - lo_x), (dx, hi_x - x0), (-dy, y0 - lo_y), (dy, hi_y - y0)):
                r = q / p
                neg, pos = p < 0, p > 0
                t0 = np.where(neg, np.maximum(t0, r), t0)
                t1 = np.where(pos, np.minimum(t1, r), t1)
                reject |= (p == 0) & (q < 0)
        n += int(np.count_nonzero(~reject & (t0 <= t1)))
    return n


def _corner_rect(vb_rect: QRectF, w: float, h: float, offset) -> QRectF:
    ox, oy = offset
    x = vb_rect.right() + ox - w if ox < 0 else vb_rect.left() + ox
    y = vb_rect.bottom() + oy - h if oy < 0 else vb_rect.top() + oy
    return QRectF(x, y, w, h)


def place_legend(vb: pg.ViewBox, legend: pg.LegendItem, *, prefer=None, obstacles=(),
                 skip=(), corners=CORNERS) -> tuple[tuple[int, int], float | None, bool]:
    """Move ``legend`` to the corner of ``vb`` that covers no data; return ``(offset, top, free)``.

    ``free`` says whether the chosen corner covers nothing.
    ``top`` is None when a corner is free; otherwise the legend goes to the top corner with
    the fewest hits and ``top`` is the view y (upper end) that would leave the data below
    it: the caller sets its range to it (it owns the range) and calls this again.
    ``obstacles`` are extra rectangles in ``vb``'s coordinates (a badge) to keep clear.
    ``corners`` limits the candidates (a live plot keeps one top corner and makes room
    there, instead of chasing data that move every frame).
    """
    if not legend.isVisible() or not legend.items:
        return legend.opts["offset"], None, True
    w = legend.width() * legend.scale()
    h = legend.height() * legend.scale()
    area = vb.rect()
    # measurements must stay clear; reference curves (a bound leaving through the top) only
    # decide between places that cover no measurement
    points, seg_a, seg_b = data_segments(vb, skip=(legend, *skip), references=False)
    refs = data_segments(vb, skip=(legend, *skip), references=True)
    order = [tuple(c) for c in corners]
    if prefer is not None and tuple(prefer) in order:
        order.remove(tuple(prefer))
        order.insert(0, tuple(prefer))
    scores = []
    for off in order:
        rect = _corner_rect(area, w, h, off)
        blocked = sum(1 for ob in obstacles if ob.intersects(rect))
        scores.append((hits(rect, points, seg_a, seg_b) + blocked) * 1_000_000 + hits(rect, *refs))
    best = int(np.argmin(scores))
    top = None
    if scores[best] >= 1_000_000:
        # No free corner: a top corner, with head-room above the data's highest point.
        tops = [i for i, off in enumerate(order) if off[1] > 0]
        if not tops:
            if tuple(legend.opts["offset"]) != order[best]:
                legend.setOffset(order[best])
            return order[best], None, False
        best = min(tops, key=lambda i: scores[i])
        xy = np.vstack([points, seg_a, seg_b])
        inside = ((xy[:, 0] >= area.left()) & (xy[:, 0] <= area.right())
                  & (xy[:, 1] >= area.top()) & (xy[:, 1] <= area.bottom()))
        ys = xy[inside, 1]
        need = h + abs(order[best][1]) + 2 * MARGIN  # pixels from the top kept free
        height = area.height()
        if len(ys) and need <= MAX_BAND * height:  # a band at most this part of the height
            (y_lo, y_hi) = vb.viewRange()[1]
            # highest data point in view y (pixels grow downwards)
            y_data = y_hi - (float(ys.min()) - area.top()) / height * (y_hi - y_lo)
            # new upper end u: (u - y_data) / (u - y_lo) * height = need
            frac = need / height
            u = (y_data - frac * y_lo) / (1.0 - frac)
            if u > y_hi:
                top = float(u)
    offset = order[best]
    if tuple(legend.opts["offset"]) != tuple(offset):
        legend.setOffset(offset)
    return offset, top, scores[best] < 1_000_000


def place_line_labels(vb: pg.ViewBox, positions=(0.02, 0.5, 0.98)) -> list[pg.InfiniteLine]:
    """Move the label of each horizontal line in ``vb`` (a baseline, "1/γ = 1") to where it
    covers no measurement: left, middle or right along the line, above or below it, inside
    the view; where every place covers some, the one that covers the fewest.  A label over
    the data hid the loss and the ρ curves at the start of a run.

    Returns the lines whose label covers data wherever it goes (the caller may show the text
    elsewhere: the live plots put it in the legend).  A label hidden for that reason
    (``gradsim_in_legend``) is still placed and counted.
    """
    area = vb.rect()
    blocked = []
    for line in [it for it in vb.childGroup.childItems() if isinstance(it, pg.InfiniteLine)]:
        label = getattr(line, "label", None)
        if (not line.isVisible() or label is None or line.angle % 180 != 0
                or not (label.isVisible() or getattr(label, "gradsim_in_legend", False))):
            continue
        points, seg_a, seg_b = data_segments(vb, skip=(line,), references=False)
        current = (label.orthoPos, [tuple(a) for a in label.anchors])
        best = None
        for rank, (pos, above) in enumerate((p, a) for a in (True, False) for p in positions):
            x = 0.0 if pos < 0.34 else 1.0 if pos > 0.66 else 0.5
            anchors = [(x, 1.0), (x, 1.0)] if above else [(x, 0.0), (x, 0.0)]
            label.orthoPos, label.anchors = pos, anchors
            label.updatePosition()
            rect = label.mapRectToItem(vb, label.boundingRect())
            outside = not area.contains(rect)
            score = (outside, hits(rect, points, seg_a, seg_b), (pos, anchors) != current, rank)
            if best is None or score < best[0]:
                best = (score, pos, anchors)
        score, pos, anchors = best
        label.orthoPos, label.anchors = pos, anchors
        label.gradsim_placed = True
        label.updatePosition()
        if score[0] or score[1]:
            blocked.append(line)
    return blocked


# --------------------------------------------------------------------------- axes
def keep_in_view(item: pg.GraphicsWidget) -> None:
    """Size the view's central item (a PlotItem) to the view again.

    The view sets that geometry only when it is resized, and Qt grows a widget to a larger
    minimum at once but never shrinks it back: a long title or wide tick labels met for a
    moment (before :class:`FittedTitle` released their width) left the plot wider than its
    widget, its right side cut (the eigenvalue title "ρ = 3.32·1", the axis's "50000")."""
    for view in item.scene().views() if item.scene() is not None else ():
        rect = getattr(view, "range", None)
        if getattr(view, "centralWidget", None) is item and rect is not None and item.geometry() != rect:
            item.setGeometry(rect)  # clamped by the minimum size, which is all it can be


def fit_axes_now(item: pg.PlotItem, sides=("left", "bottom")) -> None:
    """Give ``item``'s axes the room their current tick labels need, before the next paint.

    pyqtgraph measures the tick labels while painting and widens the axis afterwards, in a
    layout pass after that paint: the first frame after a range change (or a larger tick
    font) drew the wider labels into the old width, under the axis label ("value" over
    "1.5" in presentation mode, in every screenshot taken right after new data).  Here
    the labels are measured as the paint will, and the layout is applied at once.
    """
    axes = [item.getAxis(side) for side in sides if side in item.axes]
    axes = [ax for ax in axes if ax.isVisible() and ax.style["showValues"] and ax.width() > 0 and ax.height() > 0]
    if not axes:
        return
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        for ax in axes:
            if ax.style["tickFont"] is not None:
                painter.setFont(ax.style["tickFont"])
            ax.generateDrawSpecs(painter)  # updates the axis's text room (_updateMaxTextSize)
    finally:
        painter.end()
    item.layout.activate()
    keep_in_view(item)


# --------------------------------------------------------------------------- titles
_NUMBER_CHAR = re.compile(r"[0-9.,·⁰¹²³⁴⁵⁶⁷⁸⁹⁻−eE+\-]")


def elide_text(text: str, keep: int) -> str:
    """``text`` cut to ``keep`` characters plus "…", never inside a number or a word."""
    if keep >= len(text):
        return text
    cut = max(0, keep)
    # back to the start of a number or word that the cut would split
    def inner(c: str) -> bool:  # part of a word or a number
        return c.isalnum() or c == "_" or bool(_NUMBER_CHAR.match(c))

    if cut < len(text) and inner(text[cut]):
        while cut > 0 and inner(text[cut - 1]):
            cut -= 1
    head = text[:cut].rstrip(" =:,;(—-")
    return head + "…" if head else "…"


class FittedTitle:
    """Keeps one plot's title inside the width above its view (see the module docstring).

    Installed on a PlotItem: wraps its title label's ``setText`` and follows the view's
    resizes.  ``min_scale`` is the smallest font scale tried before eliding.
    """

    MIN_SCALE = 0.7

    def __init__(self, item: pg.PlotItem) -> None:
        self.item = item
        #: Shorter forms of the title (the number alone: "ρ = 3.61·10⁴"), tried in order
        #: before eliding: an elided "eig(W_hh), ρ…" hid the number the title is there for.
        self.shorter: tuple[str, ...] = ()
        label = item.titleLabel
        self._set_text = label.setText
        label.setText = self._on_set_text
        self.shown = label.text  # what is drawn (elided or whole)
        item.vb.sigResized.connect(lambda _vb: self.fit())
        item.titleLabel.setMinimumWidth(0)
        # the plot grown beyond its widget by a title met for a moment: back to the widget
        item.geometryChanged.connect(lambda: keep_in_view(item))

    def _on_set_text(self, text, **args) -> None:
        self._set_text(text, **args)
        self.fit()

    def room(self) -> float:
        return max(0.0, self.item.vb.width() - 4.0)

    def fit(self) -> None:
        label = self.item.titleLabel
        text = label.text or ""
        label.setMinimumWidth(0)
        hints = getattr(label, "_sizeHint", None)
        if isinstance(hints, dict):  # a long title must not widen the plot beyond its widget
            for which, (w, h) in list(hints.items()):
                if w > 0:
                    hints[which] = (0, h)
        label.updateGeometry()
        room = self.room()
        if not text or room <= 0 or not label.isVisible():
            self.shown = text
            return
        size = str(label.opts.get("size", "15pt"))
        match = re.match(r"([0-9.]+)\s*pt", size)
        points = float(match.group(1)) if match else 15.0
        plain = "<" not in text and "&" not in text  # rich text (<sub>) is shrunk, never cut
        width = self._width(text, points)
        shown, pts = text, points
        if width > room:
            scale = max(self.MIN_SCALE, room / width * 0.98)
            pts = points * scale
            width = self._width(text, pts)
            fitting = [t for t in self.shorter if self._width(t, pts) <= room]
            if width > room and fitting:
                shown = fitting[0]
            elif width > room and plain:
                lo, hi = 0, len(text)
                while lo < hi:  # the longest elision that fits
                    mid = (lo + hi + 1) // 2
                    if self._width(elide_text(text, mid), pts) <= room:
                        lo = mid
                    else:
                        hi = mid - 1
                shown = elide_text(text, lo)
        self._show(shown, pts)
        self.shown = shown

    def _html(self, text: str, points: float) -> str:
        opts = self.item.titleLabel.opts
        color = pg.mkColor(opts.get("color") or pg.getConfigOption("foreground"))
        body = text if "<" in text or "&" in text else html.escape(text, quote=False)
        return (f"<span style='color: {color.name(color.NameFormat.HexArgb)}; "
                f"font-size: {points:.3g}pt'>{body}</span>")

    def _width(self, text: str, points: float) -> float:
        item = self.item.titleLabel.item
        item.setHtml(self._html(text, points))
        return item.boundingRect().width()

    def _show(self, text: str, points: float) -> None:
        label = self.item.titleLabel
        label.item.setHtml(self._html(text, points))
        label.resizeEvent(None)  # re-centre the text item in the label
        label.setMinimumWidth(0)


def _entry_glyph(item) -> tuple[str, str]:
    """``(colour, glyph)`` of one legend entry's item: a line "━━", a dashed line "╍╍", a
    marker "●", or a line through a marker; the colour is the pen's (or the marker's brush)."""
    opts = getattr(item, "opts", {}) or {}
    pen = opts.get("pen") if isinstance(opts, dict) else None
    if pen is None and hasattr(item, "pen"):
        pen = item.pen
    pen = pg.mkPen(pen) if pen is not None else pg.mkPen(None)
    symbol = opts.get("symbol") if isinstance(opts, dict) else None
    if isinstance(item, pg.ScatterPlotItem):
        symbol = item.opts.get("symbol", "o")
    has_line = pen.style() != Qt.PenStyle.NoPen
    if has_line:
        color = pen.color()
    else:
        brush = opts.get("symbolBrush", opts.get("brush")) if isinstance(opts, dict) else None
        color = pg.mkBrush(brush if brush is not None else "k").color()
    dashed = has_line and pen.style() != Qt.PenStyle.SolidLine
    line = "╍╍" if dashed else "━━"
    glyph = (line[0] + "●" + line[1]) if (has_line and symbol is not None) else ("●" if symbol is not None else line)
    return color.name(), glyph


class _KeyLabel(pg.LabelItem):
    """The key's text: its size hints are what :class:`LegendKey` reserves (``reserve``), never
    its text's width (pyqtgraph's LabelItem takes that as its minimum, which would keep a
    shrinking plot wide); ``indent`` pixels are kept free left of the text."""

    reserve = (0.0, 0.0)
    indent = 0.0

    def updateMin(self) -> None:  # noqa: N802 (pyqtgraph API)
        w, h = self.reserve if self.isVisible() else (0.0, 0.0)
        self.setMinimumWidth(w)
        self.setMinimumHeight(h)
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (w, h),
            Qt.SizeHint.PreferredSize: (w, h),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        if self.indent:
            self.item.moveBy(self.indent, 0.0)


class LegendKey:
    """A plot's legend entries as text outside its view: under the bottom axis, or in a column
    right of the view, whichever leaves the view more room.

    Shown only where the legend covers data wherever it goes and is left out (a legend of six
    entries over noisy curves in a 130-px-high plot): the names stay on screen, each behind a
    glyph in its curve's colour and line style, and nothing covers the data. The owner calls
    :meth:`show` or :meth:`hide` after each placement of the legend; the text follows the
    legend's entries and font size, and wraps to the room it has. Under the axis, the entries
    run on as lines of text; beside the view, one under another, in at most
    :data:`SIDE_SHARE` of the plot's width. Beside is taken where its column is no taller than
    the view and leaves the view more area than the lines under the axis do; under the axis,
    the view must keep :data:`MIN_VIEW` of its height (a left axis label runs along it).

    Once shown it *holds* (:meth:`holds`) until the plot is resized, the entries or their font
    change, or the owner hides it (a new run): the key takes room from the view, and a legend
    that fits the smaller view may cover the data again in the larger one, so trying again at
    every placement would put the legend and the key in turn, four times a second.
    """

    #: Grid cells in the PlotItem's layout (pyqtgraph's rows 0–3 and columns 0–2 are its own).
    BELOW, BESIDE = (4, 0, 1, 3), (2, 3, 1, 1)
    #: The most of the plot's width a column beside the view may take.
    SIDE_SHARE = 0.4
    #: The least of its height the view keeps under a key below it.
    MIN_VIEW = 0.55
    #: Pixels between the view and a key beside it.
    GAP = 8.0
    #: Font scales tried, largest first (the legend's own smallest is 0.5).
    SCALES = (1.0, 0.85, 0.7, 0.6, 0.5)

    def __init__(self, item: pg.PlotItem, legend: pg.LegendItem) -> None:
        self.item = item
        self.legend = legend
        self.label = _KeyLabel("", parent=item, justify="left")
        self.cell = self.BELOW
        item.layout.addItem(self.label, *self.cell)
        self.html = ""
        self._held: tuple | None = None
        self._room = (0.0, 0.0)  # the label's width and height in its cell now
        self._set_shown(False)
        item.vb.sigResized.connect(lambda _vb: self._rewrap())

    @property
    def shown(self) -> bool:
        return self.label.isVisible()

    @property
    def names(self) -> list[str]:
        """The entries' texts, in the legend's order."""
        return [label.text for _sample, label in self.legend.items]

    def _signature(self) -> tuple:
        size = self.item.size()
        return (round(size.width()), round(size.height()), tuple(self.names),
                self.legend.opts.get("labelTextSize"))

    def holds(self) -> bool:
        """Shown, and the plot's size, the entries and their font are as they were then."""
        return self.shown and self._held == self._signature()

    def _set_shown(self, on: bool) -> None:
        self.label.setVisible(on)
        if not on:
            self.label.reserve, self.label.indent = (0.0, 0.0), 0.0
            self.label.setMaximumHeight(0)
            self.label.setMaximumWidth(0)
            self.label.updateMin()
            self._room = (0.0, 0.0)

    def _html(self, joiner: str, scale: float, width: float | None = None) -> str:
        """The entries at ``scale`` times the legend's font, joined by ``joiner``; with a
        ``width``, packed into lines of at most that many pixels, a line broken only between
        entries (Qt breaks between two Chinese characters, a space kept or not), unless one
        entry alone is wider."""
        size = str(self.legend.opts.get("labelTextSize") or "9pt")
        match = re.match(r"([0-9.]+)\s*pt", size)
        points = (float(match.group(1)) if match else 9.0) * scale
        color = pg.mkColor(self.legend.opts.get("labelTextColor") or pg.getConfigOption("foreground")).name()
        entries = []
        for sample, label in self.legend.items:
            c, glyph = _entry_glyph(sample.item)
            entries.append(self._entry(c, glyph, html.escape(label.text, quote=False)))
        if width is None:
            return self._wrap(joiner.join(entries), color, points)
        lines: list[list[str]] = []
        for entry in entries:
            trial = joiner.join([*lines[-1], entry]) if lines else entry
            if lines and self._measure(self._wrap(trial, color, points), None)[0] <= width - 2.0:
                lines[-1].append(entry)
            else:
                lines.append([entry])
        return self._wrap("<br>".join(joiner.join(line) for line in lines), color, points)

    @staticmethod
    def _entry(color: str, glyph: str, text: str) -> str:
        return f"<span style='color: {color}'>{glyph}</span>&nbsp;{text}"

    @staticmethod
    def _wrap(body: str, color: str, points: float) -> str:
        return f"<span style='color: {color}; font-size: {points:.3g}pt'>{body}</span>"

    def _measure(self, text: str, width: float | None) -> tuple[float, float]:
        item = self.label.item
        item.setTextWidth(-1 if width is None else max(1.0, width))
        item.setHtml(text)
        rect = item.boundingRect()
        return rect.width(), rect.height()

    def _least_view(self, free_w: float, free_h: float) -> tuple[float, float]:
        """The smallest view a key may leave: :data:`MIN_VIEW` of its size, its axis label's
        length along it, and room for three tick labels (fewer look like a cut axis; in a
        55-px-high view three log ticks overlapped)."""
        need = []
        for side, share in (("bottom", free_w), ("left", free_h)):
            axis = self.item.getAxis(side)
            font = axis.style.get("tickFont") or axis.font()
            line = QFontMetricsF(font).height()
            label = axis.label.boundingRect().width() if axis.label.isVisible() and axis.labelText else 0.0
            ticks = 3 * (line if side == "left" else QFontMetricsF(font).horizontalAdvance("0000"))
            need.append(max(self.MIN_VIEW * share, label + 4.0, ticks))
        return need[0], need[1]

    def show(self) -> None:
        """Show the legend's entries here (again, if they or the room changed)."""
        if not self.legend.items:
            self.hide()
            return
        vb = self.item.vb
        # the view's size without this key (it holds the room it has taken now)
        free_w = vb.width() + (self._room[0] + self.GAP if self.cell == self.BESIDE else 0.0)
        free_h = vb.height() + (self._room[1] if self.cell == self.BELOW else 0.0)
        min_w, min_h = self._least_view(free_w, free_h)
        choice = None  # (fits, how much of the least view is left, area, placement)
        for scale in self.SCALES:  # the largest font at which one of the two places is room enough
            below_text = self._html("&nbsp;&nbsp; ", scale, width=free_w)
            below = self._measure(below_text, free_w)
            side_w = self.SIDE_SHARE * self.item.width()
            side_text = self._html("<br>", scale)
            side_w = min(self._measure(side_text, None)[0], side_w)
            side = self._measure(side_text, side_w)
            view_w = free_w - side[0] - self.GAP
            options = (
                (min(view_w / min_w, free_h / max(side[1], 1.0)), view_w * free_h,
                 (self.BESIDE, side_text, side, side_w)),
                ((free_h - below[1]) / min_h, free_w * (free_h - below[1]), (self.BELOW, below_text, below, free_w)),
            )
            for left, area, placement in options:
                candidate = (left >= 1.0, area if left >= 1.0 else left, placement)
                if choice is None or candidate[:2] > choice[:2]:
                    choice = candidate
            if choice[0]:
                break
        cell, text, (w, h), wrap = choice[2]
        self._measure(text, wrap)
        if cell != self.cell:
            self.item.layout.removeItem(self.label)
            self.item.layout.addItem(self.label, *cell)
            self.cell = cell
        self.html = text
        self.label.setVisible(True)
        if cell == self.BESIDE:
            self.label.reserve, self.label.indent = (w + self.GAP, 0.0), self.GAP
            self.label.setMaximumWidth(w + self.GAP)
            self.label.setMaximumHeight(free_h)
        else:
            self.label.reserve, self.label.indent = (0.0, h), 0.0
            self.label.setMaximumWidth(free_w)
            self.label.setMaximumHeight(h)
        self._room = (w, h)
        self.label.resizeEvent(None)
        self._held = self._signature()

    def _rewrap(self) -> None:
        """The view resized: the text wraps to its new room; whether it holds is unchanged (a
        resize of the plot ends the hold, however it has been laid out since)."""
        if self.shown:
            held = self._held
            self.show()
            self._held = held

    def hide(self) -> None:
        self._held = None
        if self.shown:
            self._set_shown(False)
            self.html = ""
