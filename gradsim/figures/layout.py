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

__all__ = ["CORNERS", "data_segments", "hits", "place_legend", "FittedTitle", "elide_text"]

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
        label = item.titleLabel
        self._set_text = label.setText
        label.setText = self._on_set_text
        self.shown = label.text  # what is drawn (elided or whole)
        item.vb.sigResized.connect(lambda _vb: self.fit())
        item.titleLabel.setMinimumWidth(0)

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
            if width > room and plain:
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
