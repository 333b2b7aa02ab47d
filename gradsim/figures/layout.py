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
from PySide6.QtGui import QImage, QPainter

__all__ = ["CORNERS", "data_segments", "hits", "place_legend", "FittedTitle", "elide_text", "fit_axes_now",
           "keep_in_view", "place_line_labels"]

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
