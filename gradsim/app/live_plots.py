"""Live versions of the figure builders in :mod:`gradsim.figures.plots`.

They inherit the builders' look (axes, fonts, log axes, legend, colour map) but keep
their plot items and update them in place, because the builders' ``set_data``
rebuilds every item (measured here: 6 ms of Python per call before painting) and the
app redraws up to 30 times a second:

* the loss is drawn from an :class:`~gradsim.app.envelope.Envelope` (min/max per
  bucket, decimated once as data arrives), as log10 values;
* the heatmap keeps a float32 log10 copy and a uint8 colour-index copy of the
  history and converts only the new rows each frame (a full conversion happens only
  when the history merges rows or the colour levels change);
* the grid is off while live: pyqtgraph repaints grid lines over the whole view on
  every change (measured: 16 ms a frame instead of 2.3 ms for one 200-point curve).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QToolTip

from gradsim.core.numbers import format_value
from gradsim.figures import plots
from gradsim.figures.layout import MAX_BAND, elide_text
from gradsim.figures.scale import exploded_rows
from gradsim.core.history import DecimatingBuffer
from gradsim.app.envelope import Envelope
from gradsim.app.presentation import release_title_width, set_title
from gradsim.app.ranges import Ranger, finite_span

__all__ = [
    "LiveLossPlot", "LiveHeatmap", "LiveProfilePlot", "LivePredictionPlot", "LiveSeriesPlot",
    "LiveSpectrumPlot", "log10_finite",
]

RED = plots.PALETTE[3]
#: Smooth curves up to this many points get a wide antialiased pen.
SMOOTH_WIDE_MAX_POINTS = 1000


def log10_finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, log10 y) where y is finite and positive."""
    y = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & (y > 0)
    return np.asarray(x, dtype=np.float64)[keep], np.log10(y[keep])


def _label_text(label) -> str:
    """A line label's text from its format (a hidden label's text item is not kept up to date)."""
    return label.format.replace("{{", "{").replace("}}", "}")


def _label_line(angle: int, color: str, position: float, anchors, style=Qt.PenStyle.SolidLine) -> pg.InfiniteLine:
    pen = pg.mkPen(color, width=2, style=style)
    line = pg.InfiniteLine(pos=0, angle=angle, pen=pen, label="", labelOpts={
        "position": position, "anchors": anchors, "color": pen.color(), "fill": plots.LABEL_FILL})
    line.label.setFont(plots._font(plots.LEGEND_PT))
    line.setVisible(False)
    return line


class _LegendRanger(Ranger):
    """A Ranger that keeps a band at the top of its view free for the legend.

    ``top_band`` is the fraction of the view's height the legend needs; every fit then
    treats the data as reaching that much higher, so the band survives later fits (and a
    fit never undoes it only for the legend to ask for it again a frame later).
    """

    top_band = 0.0

    def fit(self, x, y) -> None:
        band = min(self.top_band, MAX_BAND)
        if y is not None and band > 0 and all(map(math.isfinite, y)):
            lo, hi = y
            if hi - lo <= 0:  # one value (a reference line alone): the Ranger's unit span
                lo, hi = lo - 0.5, hi + 0.5
            span = hi - lo
            y = (lo, hi + span * (band / (1.0 - band)) / (1.0 - self.pad * 2))
        super().fit(x, y)

    def reserve_top(self, band: float, y_span: tuple[float, float] | None) -> bool:
        """Keep ``band`` of the height free at the top; False while the user has zoomed or
        panned (the range is theirs then)."""
        if not self.active:
            return False
        self.top_band = max(self.top_band, float(band))
        if y_span is not None:
            self._y = None  # refit now, with the band
            self.fit(None, y_span)
        return True

    def reset(self) -> None:
        super().reset()
        self.top_band = 0.0


class _LiveMixin:
    """Pens that scale with presentation mode, curves kept by key."""

    line_scale = 1.0
    font_scale = 1.0
    _y_span = None
    #: The legend is re-placed at most ~4 times a second while data arrive.
    LEGEND_DELAY_MS = 250

    def _init_live(self, *, x_growth: float = 0.0, y_growth: float = 0.0, pad: float = 0.05) -> None:
        self.showGrid(x=False, y=False)
        release_title_width(self.plotItem)
        self._legend_timer.setInterval(self.LEGEND_DELAY_MS)
        self._items: dict[str, pg.PlotDataItem] = {}
        self._styles: dict[str, tuple[int, Qt.PenStyle]] = {}
        self.ranger = _LegendRanger(self.getViewBox(), x_growth=x_growth, y_growth=y_growth, pad=pad)
        # Live data move: the legend changes corner when data reach it (layout_legend),
        # and is a little see-through for the moment in between.
        self.legend.setBrush((255, 255, 255, 200))
        # pyqtgraph sizes the legend from its labels' laid-out widths, which stay stretched
        # after a longer entry is gone; and a legend wider than the plot spills over the
        # axis and is cut. Every resize of the legend goes through _fit_legend instead.
        self._legend_update_size = self.legend.updateSize
        self.legend.updateSize = self._fit_legend
        self.plotItem.vb.sigResized.connect(lambda _vb: self._fit_legend())
        self.plotItem.vb.sigResized.connect(lambda _vb: self._labels_back_if_resized())

    #: A legend is never shrunk below this scale (beyond it, it is cut rather than unreadable).
    MIN_LEGEND_SCALE = 0.5

    def _fit_legend(self) -> None:
        """Size the legend to its texts and scale it down to fit inside the plot: at most the
        view's width, and a height that leaves the band above the data (MAX_BAND) enough;
        a legend of many entries takes more columns when that lets it stay larger."""
        if self.__dict__.get("_fitting"):
            return  # setColumnCount below re-enters through updateSize
        self._fitting = True
        try:
            leg = self.legend
            # no empty box before the first curve; a legend left out stays out until a layout
            # finds it a free place (layout_legend), not shown again by every new entry text
            leg.setVisible(self.legend_wanted and bool(leg.items) and not self.__dict__.get("_legend_left_out")
                           and not self.legend_key.holds())
            base = self.__dict__.get("_legend_columns", 1)
            most = max(base, min(len(leg.items), 4))
            best = None
            for cols in range(base, most + 1):
                scale = self._legend_scale_with(cols)
                if best is None or scale > best[0] + 1e-3:
                    best = (scale, cols)
                if scale >= 1.0:
                    break
            scale, cols = best
            if cols != leg.columnCount:
                self._legend_scale_with(cols)
            if abs(scale - leg.scale()) > 1e-3:
                leg.setScale(scale)
            leg.setOffset(leg.opts["offset"])  # re-anchor the (scaled) box to its corner
        finally:
            self._fitting = False
        self._fitted_top = self._legend_top_offset()
        self.schedule_legend()

    def layout_legend(self) -> None:
        # the legend's size depends on where its top corner is (below the profile's badge,
        # which comes and goes and wraps): fitted again when that moved
        if getattr(self, "plotItem", None) is None:  # closed (PlotWidget.close drops it)
            return
        if self.__dict__.get("_fitted_top") != self._legend_top_offset():
            self._fit_legend()
        if self.__dict__.get("_legend_left_out") and self.legend_wanted and self.legend.items:
            # tried again out of sight: nothing is painted before the verdict, so a legend that
            # still covers the data does not blink on for a frame (it did, 4 times a second)
            self.legend.setVisible(True)
        self._legend_left_out = False
        super().layout_legend()  # legend_blocked() leaves it out again where nothing is free
        if self.legend_key.holds():
            self._legend_left_out = True

    def _legend_scale_with(self, cols: int) -> float:
        leg = self.legend
        if cols != leg.columnCount:
            leg.setColumnCount(cols)
        for _sample, label in leg.items:
            label.resize(label.minimumWidth(), label.minimumHeight())
        self._legend_update_size()
        width, height = leg.width(), leg.height()
        room = self.plotItem.vb.width() - 16
        # the band make_headroom asks for is the legend's height, its corner's offset from the
        # top (below the profile's badge: 40 px) and 8 px; it must fit in MAX_BAND, or the
        # legend covers the data (or, blocked, blinks off and on while they move)
        room_h = MAX_BAND * self.plotItem.vb.height() - self._legend_top_offset() - 10
        scale = 1.0 if width <= 0 or room <= 0 else min(1.0, room / width)
        if height > 0 and room_h > 0:
            scale = min(scale, room_h / height)
        return max(self.MIN_LEGEND_SCALE, scale)

    def _legend_top_offset(self) -> float:
        """Pixels between the view's top and a legend in a top corner (the largest of them)."""
        tops = [y for _x, y in self.legend_corners() if y > 0]
        return float(max(tops)) if tops else 0.0

    #: "top": the legend keeps its top corner and the Ranger keeps a band free above the
    #: data (live data move every frame; a legend moving to whichever corner is free at the
    #: moment chases them); "any": it moves to a free corner when its own is hit.
    LEGEND_CORNERS = "top"

    def legend_corners(self) -> tuple:
        pref = tuple(self.legend_preference)
        if self.LEGEND_CORNERS == "top":
            return ((pref[0], abs(pref[1])),)
        from gradsim.figures.layout import CORNERS

        # sticky: the current corner first, if it is still free
        current = tuple(self.legend.opts["offset"])
        current = (-10 if current[0] < 0 else 10, -10 if current[1] < 0 else 10)
        return (current, *[c for c in CORNERS if c != current])

    def legend_blocked(self) -> None:
        """No place covers no data, even with the band above them as large as allowed (a
        legend of six entries in a 110-px-high plot): the legend is left out until a later
        layout (after new data, a resize) finds it a free place; each layout tries again out
        of sight, so it never blinks on over the data. The data come first."""
        if self.ranger.active:
            self._legend_left_out = True
            self.legend.setVisible(False)

    def make_headroom(self, top: float) -> bool:
        """The legend needs room above the data: a band the Ranger keeps free."""
        vb = self.plotItem.vb
        height = vb.height()
        if height <= 0:
            return False
        need = self.legend.height() * self.legend.scale() + abs(self.legend.opts["offset"][1]) + 8.0
        return self.ranger.reserve_top(need / height, self._y_span)

    def _data_changed(self) -> None:
        self.schedule_legend()  # the live plots own their range (the Ranger)

    def _fit(self, xs: list, ys: list) -> None:
        """Keep the spans of these arrays (x and y separately) in view."""
        def span(arrays):
            spans = [sp for sp in (finite_span(a) for a in arrays if a is not None and len(a)) if sp]
            return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None

        self._y_span = span(ys)
        self.ranger.fit(span(xs), self._y_span)
        self.schedule_legend()

    def _pen_for(self, index: int, style, n_points: int, noisy: bool) -> tuple:
        """(pen, antialias) for a curve. Wide antialiased pens are pathologically slow on
        noisy curves (measured: 2048 noisy points, 2 px AA: ~100 ms a paint; 1 px AA:
        1 ms; 2 px without AA: 2 ms), so only short smooth curves get them."""
        wide = not noisy and n_points <= SMOOTH_WIDE_MAX_POINTS
        if wide:
            width, aa = 2.0 * self.line_scale, True
        elif self.line_scale > 1.0:
            width, aa = float(self.line_scale), False  # thicker for the back row, crisp, still cheap
        else:
            width, aa = 1.0, True
        return pg.mkPen(plots.PALETTE[index % len(plots.PALETTE)], width=width, style=style), aa

    def _curve(self, key: str, index: int, name: str | None, style=Qt.PenStyle.SolidLine,
               noisy: bool = False) -> pg.PlotDataItem:
        item = self._items.get(key)
        if item is None:
            pen, aa = self._pen_for(index, style, 0, noisy)
            item = pg.PlotDataItem(pen=pen, name=name, antialias=aa, connect="finite")
            self.addItem(item)
            if noisy:
                # min/max per pixel column: the same picture, a third of the points
                # (after addItem: clipToView needs the ViewBox; see plots.py)
                item.setDownsampling(auto=True, method="peak")
                item.setClipToView(True)
            self._items[key] = item
            self._styles[key] = (index, style, noisy)
            item._pen_key = None
        return item

    def _restyle(self, item: pg.PlotDataItem, key: str, n_points: int) -> None:
        index, style, noisy = self._styles[key]
        pen, aa = self._pen_for(index, style, n_points, noisy)
        pen_key = (pen.widthF(), aa)
        if pen_key != item._pen_key:
            item._pen_key = pen_key
            item.opts["antialias"] = aa
            item.curve.opts["antialias"] = aa
            item.setPen(pen)

    def _drop(self, key: str) -> None:
        item = self._items.pop(key, None)
        if item is not None:
            self.removeItem(item)
            self._styles.pop(key, None)

    def _set(self, key: str, x: np.ndarray, y: np.ndarray) -> None:
        item = self._items[key]
        self._restyle(item, key, len(x))
        item.setData(x, y)

    def reset_view(self) -> None:
        """A new run: fit the ranges afresh (and the lines' labels go back on their lines)."""
        self.ranger.reset()
        self.legend_key.hide()  # the legend tries its corners again
        for line in list(self.__dict__.get("_label_proxies", {})):
            self._label_on_line(line)

    def line_labels_blocked(self, lines: list) -> None:
        """A line's label that covers data wherever it goes along its line (the baseline's
        long text in a small plot) becomes a legend entry, drawn with the line's pen, until
        the next run or a resize: the legend finds a free corner or head-room."""
        proxies = self.__dict__.setdefault("_label_proxies", {})
        for line, proxy in list(proxies.items()):  # a hidden line, a new text (language, value)
            if not line.isVisible() or proxy.name() != _label_text(line.label):
                self._label_on_line(line)
        for line in lines:
            if line in proxies:
                continue
            label = line.label
            proxy = pg.PlotDataItem([], [], pen=line.pen, name=_label_text(label))
            proxy.gradsim_reference = True
            self.addItem(proxy)
            proxies[line] = proxy
            label.gradsim_in_legend = True
            label.setVisible(False)
            self._label_proxy_size = (self.plotItem.vb.width(), self.plotItem.vb.height())

    def _labels_back_if_resized(self) -> None:
        """Another size (not an axis a few pixels wider): the labels try their lines again."""
        size = self.__dict__.get("_label_proxy_size")
        vb = self.plotItem.vb
        if size is not None and (abs(vb.width() - size[0]) > 0.1 * size[0]
                                 or abs(vb.height() - size[1]) > 0.1 * size[1]):
            for line in list(self.__dict__.get("_label_proxies", {})):
                self._label_on_line(line)

    def _label_on_line(self, line) -> None:
        proxy = self.__dict__.get("_label_proxies", {}).pop(line, None)
        if proxy is not None:
            self.removeItem(proxy)
        line.label.gradsim_in_legend = False
        line.label.setVisible(True)

    def set_line_scale(self, scale: float) -> None:
        """Thicker lines (presentation mode)."""
        self.line_scale = scale
        for key, item in self._items.items():
            item._pen_key = None
            self._restyle(item, key, len(item.xData) if item.xData is not None else 0)


# ---------------------------------------------------------------------- loss
class LiveLossPlot(_LiveMixin, plots.LossPlot):
    """Loss (log y) with clipping marks, divergence line and the task's baseline."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._init_live(x_growth=0.25, y_growth=0.12)  # head-room for the baseline's label
        self._curve("loss", 0, "loss", noisy=True)
        self._div = _label_line(90, RED, 0.85, [(1, 0.5), (1, 0.5)])
        self._base = _label_line(0, "#555555", 0.03, [(0, 1), (0, 1)], Qt.PenStyle.DashLine)
        self.addItem(self._div, ignoreBounds=True)
        self.addItem(self._base, ignoreBounds=True)
        self._drawn = (-1, None, None)

    def update_data(self, env: Envelope, diverged_at: int | None, baseline: float | None,
                    baseline_label: str = "trivial baseline") -> None:
        """Redraw from ``env`` if anything changed."""
        key = (env.version, id(env), diverged_at, baseline, baseline_label)  # the label: a language switch
        if key == self._drawn:
            return
        self._drawn = key
        x, y = env.curve()
        self._set("loss", x, y)
        cx, _cy = env.flagged()
        # a rug along the bottom, not marks on the curve: they drowned it on runs that clip
        # at almost every step
        self.rug.set_steps(cx, name="gradient clipped")
        if diverged_at is not None:
            self._div.setPos(float(diverged_at))
            # the label on the side of the line with room (at step 0 the left side is off-plot)
            self._div.label.anchors = plots.divergence_label_anchors(float(diverged_at), x)
            self._div.label.updatePosition()
            self._div.label.setFormat(QCoreApplication.translate("LivePlots", "diverged at step %1")
                                      .replace("%1", str(int(diverged_at))))
        self._div.setVisible(diverged_at is not None)
        ok = baseline is not None and math.isfinite(baseline) and baseline > 0
        self._fit([x], [y, np.array([math.log10(baseline)]) if ok else None])
        if ok:
            self._base.setPos(math.log10(baseline))
            self._base.label.setFormat(f"{baseline_label} ({format_value(baseline, 3)})"
                                       .replace("{", "{{").replace("}", "}}"))
        self._base.setVisible(ok)


# ---------------------------------------------------------------------- heatmap
class LiveHeatmap(plots.HeatmapPlot):
    """The gradient heatmap, converting only new rows to colour indices.

    Signals
    -------
    levelsEdited(float, float)
        The user dragged the colour bar: fixed levels (log10 low, high).
    """

    levelsEdited = Signal(float, float)

    def __init__(self, parent=None, title: str = "‖δ_t‖") -> None:
        super().__init__(parent, title=title, interactive=True)
        # The colour bar shows log10 levels; the image holds uint8 indices into the colour
        # map (0 = exact zero, see plots.heatmap_lut), set up by the builder.
        self.color_bar.sigLevelsChangeFinished.connect(self._bar_dragged)
        self.ranger = Ranger(self.plot_item.getViewBox(), y_growth=0.15, pad=0.0)
        self._buf = None
        self._gen = -1
        self._rows = 0
        self._width = 0
        self._log = np.zeros((0, 0), np.float32)
        self._idx = np.zeros((0, 0), np.uint8)
        self._row_max = np.zeros(0, np.float64)
        self._has_zero = False
        self._lo = math.inf
        self._hi = -math.inf
        self._levels: tuple[float, float] | None = None
        self._setting_levels = False
        self.full_redraws = 0

    @property
    def font_scale(self) -> float:
        """Presentation mode's font scale (set by its restyling); the zero patch follows it."""
        return self.__dict__.get("_font_scale", 1.0)

    @font_scale.setter
    def font_scale(self, scale: float) -> None:
        self._font_scale = float(scale)
        self.set_zero_label(self._zero_text, plots.TICK_PT * self._font_scale)
        # after the restyling that sets this scale has sized the bar's label
        QTimer.singleShot(0, self, self.fit_bar_label)

    def _set_titles(self, title: str) -> None:
        super()._set_titles(title)
        release_title_width(self.plot_item)
        # The bar is narrow: label it with the quantity only, not the whole title.
        short = title.split(" (")[0].split(" — ")[0]
        self.color_bar.getAxis("left").setLabel(f"log10 {short}", color=plots.FOREGROUND,
                                               **{"font-size": f"{plots.LABEL_PT * self.font_scale:g}pt"})
        if self.font_scale != 1.0:
            from gradsim.app.presentation import style_plot

            style_plot(self, self.font_scale)

    def _bar_dragged(self, _bar) -> None:
        if not self._setting_levels:
            lo, hi = self.color_bar.levels()
            self.levelsEdited.emit(float(lo), float(hi))

    @property
    def data_range(self) -> tuple[float, float] | None:
        """Finite log10 min / max of the drawn data (None if none)."""
        return (self._lo, self._hi) if self._lo <= self._hi else None

    def clear_data(self) -> None:
        self._buf = None
        self._rows = 0
        self.image_item.clear()
        self.exploded_marks.setData([], [])
        self.zero_patch.setVisible(False)
        self.ranger.reset()

    def update_data(self, buf: DecimatingBuffer, *, fixed_levels: tuple[float, float] | None = None,
                    tbptt: int = 0, title: str | None = None) -> bool:
        """Show ``buf``'s rows (newest at the top); returns True if anything was redrawn."""
        if title is not None and title != self._title:
            self._set_titles(title)
        n, width = len(buf), buf.width
        self._draw_tbptt(width, int(tbptt))
        full = buf is not self._buf or buf.generation != self._gen or width != self._width or n < self._rows
        if not full and n == self._rows and self._levels_for(fixed_levels) == self._levels:
            return False
        if self._log.shape != (buf.capacity, width):
            self._log = np.zeros((buf.capacity, width), np.float32)
            self._idx = np.zeros((buf.capacity, width), np.uint8)
            self._row_max = np.full(buf.capacity, -np.inf)
        start = 0 if full else self._rows
        if full:
            self.full_redraws += 1
            self._lo, self._hi = math.inf, -math.inf
            self._has_zero = False
        new = self._log[start:n]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            np.log10(np.abs(buf.data[start:n]), out=new, dtype=np.float32)
        new[np.isnan(new)] = np.inf  # nan norms come from overflow: show as exploded
        if len(new):
            self._row_max[start:n] = new.max(axis=1)
            self._has_zero = self._has_zero or bool(np.isneginf(new).any())
        finite = new[np.isfinite(new)]
        if finite.size:
            self._lo = min(self._lo, float(finite.min()))
            self._hi = max(self._hi, float(finite.max()))
        self._buf, self._gen, self._rows, self._width = buf, buf.generation, n, width
        levels = self._levels_for(fixed_levels)
        if levels != self._levels:
            self._levels = levels
            start = 0  # new levels: re-index every row (cheap: no log10)
            self._setting_levels = True
            try:
                self.color_bar.setLevels(levels)
            finally:
                self._setting_levels = False
        self._quantise(start, n)
        if n == 0:
            self.image_item.clear()
            return True
        self.image_item.setImage(self._idx[:n], autoLevels=False, levels=(0, 255))
        y0, height = float(buf.steps[0]), float(buf.stride * n)
        self.image_item.setRect(QRectF(0.0, y0, float(width), height))
        self.zero_patch.setVisible(self._has_zero)
        left = self._mark_rows(buf.steps[:n], n, width, float(buf.stride))
        self.ranger.fit((left, float(width)), (y0, y0 + height))
        return True

    def _mark_rows(self, steps: np.ndarray, n: int, width: int, stride: float) -> float:
        rows = self._row_max[:n]
        if not exploded_rows(rows).any():
            self.exploded_marks.setData([], [])
            return 0.0
        return self.mark_exploded(steps, rows, width, stride)

    def _levels_for(self, fixed: tuple[float, float] | None) -> tuple[float, float]:
        if fixed is not None:
            return float(fixed[0]), float(fixed[1])
        if self._lo > self._hi:
            return (-1.0, 1.0)
        # Whole decades: the levels (and a full re-index) change only when the data
        # crosses a decade, not on every frame.
        lo, hi = math.floor(self._lo), math.ceil(self._hi)
        return (float(lo), float(hi if hi > lo else lo + 1))

    def _quantise(self, start: int, stop: int) -> None:
        """Colour indices as :func:`gradsim.figures.scale.colour_indices`: 1 … 255 over the
        levels, 0 for an exact zero (log10 = −inf), which has its own colour."""
        lo, hi = self._levels
        scale = 254.0 / (hi - lo)
        src = self._log[start:stop]
        tmp = np.subtract(src, lo, dtype=np.float32)
        tmp *= scale
        tmp += 1.0
        np.clip(tmp, 1.0, 255.0, out=tmp)  # +inf -> 255
        np.rint(tmp, out=tmp)
        tmp[np.isneginf(src)] = 0.0  # exact zero
        self._idx[start:stop] = tmp


# ---------------------------------------------------------------------- line plots
class LiveProfilePlot(_LiveMixin, plots.ProfilePlot):
    """The current iteration's per-step profile (log y), with theory curves and a badge.

    The badge is a label over the plot's top-left corner naming the regime the theory
    predicts (or saying plainly that the bound does not apply); it is a child widget,
    so the window's presentation style sheet scales its font and exports include it.
    """

    #: Theory curves beyond the profile's span by more than this (decades) leave the view
    #: alone: an explosion-regime bound reaches 10^900 and would flatten the profile.
    BOUND_MARGIN_DECADES = 3.0
    #: The profile's shape is steady and its bounds leave through the top: any free corner.
    LEGEND_CORNERS = "any"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._init_live(pad=0.1)
        self._curve("profile", 0, "this iteration")
        self._bound_names: tuple[str, ...] = ()
        self._title_text: str | None = None
        self.badge = QLabel(self)
        self.badge.setObjectName("theoryBadge")
        self.badge.setWordWrap(False)
        self.badge.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.badge.hide()
        self._badge_kind = ""
        self._badge_text = self._badge_tip = ""
        self.viewport().installEventFilter(self)
        # the view moves and narrows when an axis widens for its tick labels (while painting)
        self.plotItem.vb.sigResized.connect(lambda _vb: self._place_badge() if self.badge.isVisible() else None)

    def set_badge(self, text: str, kind: str = "", tooltip: str = "") -> None:
        """Show ``text`` over the plot (empty: hide); ``kind`` picks the colour
        (``vanishing``, ``explosion_possible``, ``boundary``, ``not_applicable``).

        The badge never runs past the plot: a text wider than the view wraps onto up to
        :attr:`BADGE_MAX_LINES` lines, and beyond that is elided at a word or number
        (:func:`~gradsim.figures.layout.elide_text`); the tooltip then starts with the whole text."""
        if not text:
            self.badge.hide()
            self._badge_text = ""
            return
        colours = {"vanishing": "#1f4e99", "explosion_possible": "#b22222", "boundary": "#6a3d9a"}
        fg = colours.get(kind, "#444444")
        if kind != self._badge_kind:
            self._badge_kind = kind
            self.badge.setStyleSheet(f"QLabel#theoryBadge {{ color: {fg}; background: rgba(255,255,255,215); "
                                     f"border: 1px solid {fg}; border-radius: 3px; padding: 1px 4px; }}")
        self._badge_text, self._badge_tip = text, tooltip
        self.badge.show()
        self._place_badge()
        self.badge.raise_()

    #: A badge wider than its plot wraps onto at most this many lines, then is elided.
    BADGE_MAX_LINES = 3
    #: … and takes at most this part of the view's height.
    BADGE_MAX_HEIGHT = 0.45

    def _fit_badge(self, room: int, room_h: int) -> None:
        """Size the badge to its text within ``room`` × ``room_h`` pixels (see set_badge)."""
        badge, full = self.badge, self._badge_text
        badge.setWordWrap(False)
        badge.setText(full)
        hint = badge.sizeHint()
        shown = full
        if hint.width() > room:
            badge.setWordWrap(True)
            line = badge.fontMetrics().lineSpacing()
            extra = hint.height() - line  # padding and border
            limit = max(hint.height(), min(room_h, extra + self.BADGE_MAX_LINES * line))
            if badge.heightForWidth(room) > limit:
                lo, hi = 0, len(full)
                while lo < hi:  # the longest elision that fits
                    mid = (lo + hi + 1) // 2
                    badge.setText(elide_text(full, mid))
                    if badge.heightForWidth(room) <= limit and badge.minimumSizeHint().width() <= room:
                        lo = mid
                    else:
                        hi = mid - 1
                shown = elide_text(full, lo)
                badge.setText(shown)
            hint = badge.sizeHint()
            width = min(room, max(badge.minimumSizeHint().width(), hint.width()))
            hint.setWidth(width)
            hint.setHeight(badge.heightForWidth(width))
        badge.resize(hint)

    def legend_corners(self) -> tuple:
        """Any corner (sticky); the top ones below the badge, which spans most of a narrow
        plot's width."""
        corners = super().legend_corners()
        badge = self.__dict__.get("badge")
        if badge is None or not badge.isVisible():
            return corners
        below = int(badge.geometry().bottom() - self.mapFromScene(
            self.plotItem.getViewBox().sceneBoundingRect().topLeft()).y()) + 6
        return tuple((x, max(y, below)) if y > 0 else (x, y) for x, y in corners)

    def legend_obstacles(self) -> list[QRectF]:
        """The badge over the top-left corner: the legend keeps clear of it."""
        badge = self.__dict__.get("badge")
        if badge is None or not badge.isVisible():
            return []
        vb = self.plotItem.getViewBox()
        g = badge.geometry()
        tl = vb.mapFromScene(self.mapToScene(g.topLeft()))
        br = vb.mapFromScene(self.mapToScene(g.bottomRight()))
        return [QRectF(QPointF(tl), QPointF(br)).normalized()]

    def _place_badge(self) -> None:
        """The badge at the view's top-left corner, fitted to the view's width; the data
        keep below it (a band the Ranger keeps free, as for the legend)."""
        if not self.__dict__.get("_badge_text") or getattr(self, "plotItem", None) is None:
            return  # no badge, or closed (PlotWidget.close drops the plot item)
        vb = self.plotItem.getViewBox()
        r = self.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        x, y = max(0, r.x() + 6), max(0, r.y() + 4)
        right = min(r.right(), self.width() - 1) - 4
        bottom = min(r.bottom(), self.height() - 1)
        room, room_h = max(1, right - x), max(1, int(self.BADGE_MAX_HEIGHT * (bottom - y)))
        if (self._badge_text, room, room_h, self.badge.font().key()) != self.__dict__.get("_badge_fitted"):
            self._fit_badge(room, room_h)
            self._badge_fitted = (self._badge_text, room, room_h, self.badge.font().key())
        self.badge.move(x, y)
        full, tip = self._badge_text, self._badge_tip
        self.badge.setToolTip(tip if self.badge.text() == full else full + ("\n\n" + tip if tip else ""))
        height = vb.height()
        band = (self.badge.geometry().bottom() + 4 - r.y()) / height if height > 0 else 0.0
        if band > self.ranger.top_band + 1e-3:  # refit only when the band grows
            self.ranger.reserve_top(band, self._y_span)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        badge = self.__dict__.get("badge")  # None while the base class is still being built
        if badge is not None and badge.isVisible():
            self._place_badge()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        """The badge lets the mouse through to the plot (pan, zoom): its tooltip (the whole
        text when elided, the theory's detail) is shown from the view's tooltip event."""
        badge = self.__dict__.get("badge")
        if (event.type() == QEvent.Type.ToolTip and badge is not None and badge.isVisible()
                and badge.toolTip() and obj is self.viewport()):
            pos = self.viewport().mapTo(self, event.pos())
            if badge.geometry().contains(pos):
                QToolTip.showText(event.globalPos(), badge.toolTip(), badge)
                return True
        return super().eventFilter(obj, event)

    def update_data(self, profile: np.ndarray | None, bound: np.ndarray | None = None,
                    bound_name: str = "bound", title: str | None = None, *,
                    bounds: dict[str, np.ndarray] | None = None) -> None:
        """Draw ``profile`` and the named theory curves ``bounds`` (or one ``bound``), dashed."""
        if title is not None and title != self._title_text:
            self._title_text = title
            set_title(self.plotItem, title, self.font_scale)
        if profile is None:
            x, y = np.empty(0), np.empty(0)
        else:
            x, y = log10_finite(np.arange(len(profile)), profile)
        self._set("profile", x, y)
        if bounds is None:
            bounds = {bound_name: bound} if bound is not None else {}
        names = tuple(bounds)
        if names != self._bound_names:
            for i in range(len(self._bound_names)):
                self._drop(f"bound{i}")
            styles = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
            for i, name in enumerate(names):
                self._curve(f"bound{i}", 1 + i, name, styles[i % len(styles)]).gradsim_reference = True
            self._bound_names = names
        fit_y = [y]
        span = finite_span(y) if len(y) else None
        for i, b in enumerate(bounds.values()):
            bx, by = log10_finite(np.arange(len(b)), b)
            self._set(f"bound{i}", bx, by)
            if span is not None and len(by):
                lo, hi = span[0] - self.BOUND_MARGIN_DECADES, span[1] + self.BOUND_MARGIN_DECADES
                fit_y.append(np.clip(by, lo, hi))
        if profile is not None:
            self._fit([np.array([0.0, len(profile) - 1.0])], fit_y)


class LivePredictionPlot(_LiveMixin, plots.PredictionPlot):
    """One sample's prediction and target; the free-running roll-out for sine."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._init_live(pad=0.1)
        self._curve("prediction", 0, "prediction")
        self._target = pg.PlotDataItem(pen=None, symbol="o", symbolSize=8,
                                       symbolPen=pg.mkPen(plots.FOREGROUND, width=1),
                                       symbolBrush=plots.PALETTE[1], name="target")
        self.addItem(self._target)
        self._title = None

    def update_data(self, prediction: np.ndarray, target: np.ndarray, rollout: np.ndarray | None,
                    title: str) -> None:
        if title != self._title:
            self._title = title
            set_title(self.plotItem, title, self.font_scale)
        p = np.asarray(prediction, dtype=np.float64).ravel()
        self._set("prediction", np.arange(len(p), dtype=np.float64), p)
        t = np.asarray(target, dtype=np.float64).ravel()
        has = np.isfinite(t)
        self._target.setData(np.flatnonzero(has).astype(np.float64), t[has])
        r = None
        if rollout is None:
            self._drop("rollout")
        else:
            self._curve("rollout", 2, "free-running roll-out", Qt.PenStyle.DashLine)
            r = np.asarray(rollout, dtype=np.float64).ravel()
            self._set("rollout", np.arange(len(r), dtype=np.float64), r)
        self._fit([np.array([0.0, max(len(p), len(t), 1) - 1.0])], [p, t, r])


class LiveSeriesPlot(_LiveMixin, plots.SeriesPlot):
    """Named series over iterations, updated in place (curves keyed by name)."""

    def __init__(self, parent=None, *, title: str = "", y_label: str = "", log_y: bool = False,
                 legend_columns: int = 1, noisy: bool = False) -> None:
        super().__init__(parent, title=title, y_label=y_label)
        self._init_live(x_growth=0.25, pad=0.08)
        self._noisy = noisy
        self._legend_columns = legend_columns
        self.legend.setColumnCount(legend_columns)
        self._log_y = log_y
        self._set_log_y(log_y)
        self._ref = _label_line(0, "#555555", 0.02, [(0, 1), (0, 1)], Qt.PenStyle.DashLine)
        self.addItem(self._ref, ignoreBounds=True)

    def update_data(self, steps: np.ndarray, series: dict[str, np.ndarray],
                    reference: float | None = None, reference_label: str | None = None) -> None:
        for key in [k for k in self._items if k not in series]:
            self._drop(key)
        xs, ys = [], []
        for i, (name, values) in enumerate(series.items()):
            self._curve(name, i, name, noisy=self._noisy)
            if self._log_y:
                x, y = log10_finite(steps, values)
            else:
                x, y = np.asarray(steps, dtype=np.float64), np.asarray(values, dtype=np.float64)
            self._set(name, x, y)
            self._dots(self._items[name], i, len(x))
            xs.append(x)
            ys.append(y)
        ok = reference is not None and (not self._log_y or reference > 0)
        ref_y = (math.log10(reference) if self._log_y else reference) if ok else None
        spans = [sp for sp in (finite_span(y) for y in ys if len(y)) if sp]
        if ys and ok:
            ys.append(np.array([ref_y]))
        self._fit(xs, ys)
        if ok:
            self._ref.setPos(ref_y)
            # the label above the line, or below it when the line is the top of the plot
            # (1/γ = 4 over a σ_max of 1.5 was cut at the top edge)
            top = not spans or ref_y >= max(hi for _, hi in spans)
            label = self._ref.label
            # along the line and above / below: where layout_legend found it free of the
            # data (place_line_labels); here only the top case, at once
            x = label.anchors[0][0]
            if top:
                label.anchors = [(x, 0), (x, 0)]
            elif not getattr(label, "gradsim_placed", False):
                label.anchors = [(x, 1), (x, 1)]
            label.updatePosition()
            text = reference_label or f"{reference:g}"
            self._ref.label.setFormat(text.replace("{", "{{").replace("}", "}}"))
        self._ref.setVisible(ok)


    def _dots(self, item: pg.PlotDataItem, index: int, n: int) -> None:
        """A dot at every point of a sparse series: each measurement is seen (ρ and σ_max
        were measured every few steps; a line alone looked flat between them)."""
        want = 0 < n <= plots.SERIES_MARKERS_MAX_POINTS
        if want == (item.opts.get("symbol") is not None):
            return
        if want:
            item.setSymbol("o")
            item.setSymbolSize(4 * self.line_scale ** 0.5)
            item.setSymbolPen(None)
            item.setSymbolBrush(plots.PALETTE[index % len(plots.PALETTE)])
        else:
            item.setSymbol(None)


class LiveSpectrumPlot(_LiveMixin, plots.SpectrumPlot):
    """Eigenvalues of W_hh with the unit circle, updated in place (the builder rebuilds
    every item: ~35 ms a call measured here)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._init_live(pad=0.08)
        theta = np.linspace(0.0, 2.0 * np.pi, 361)
        self._curve("circle", 7, None, Qt.PenStyle.DashLine).gradsim_reference = True
        self._set("circle", np.cos(theta), np.sin(theta))
        self._points = pg.ScatterPlotItem(size=self.POINT_SIZE, pen=pg.mkPen(plots.FOREGROUND, width=0.5),
                                          brush=pg.mkBrush(plots.PALETTE[0]))
        self.addItem(self._points)
        # The title says what the points are; a legend would hide some of them.
        self.legend_wanted = False
        self.legend.setVisible(False)
        set_title(self.plotItem, "eig(W_hh)", self.font_scale)
        self._fit([np.array([-1.0, 1.0])], [np.array([-1.0, 1.0])])  # the unit circle before any data

    #: The eigenvalues' marker diameter in pixels at line scale 1.
    POINT_SIZE = 8.0

    def set_line_scale(self, scale: float) -> None:
        """Thicker lines and, with them, larger eigenvalue markers (on a 4K panel in
        presentation mode 8-px dots were specks): the diameter grows as √scale, as the
        gradient norms' dots do."""
        super().set_line_scale(scale)
        self._points.setSize(self.POINT_SIZE * scale ** 0.5)
        self._points.setPen(pg.mkPen(plots.FOREGROUND, width=0.5 * scale ** 0.5))

    def set_data(self, eigenvalues: np.ndarray, layer: int | None = None) -> None:
        ev = np.asarray(eigenvalues, dtype=np.complex128).ravel()
        ev = ev[np.isfinite(ev)]
        self._points.setData(ev.real, ev.imag)
        rho = float(np.abs(ev).max()) if ev.size else float("nan")
        # compact ρ (1.7·10⁴, not 1.66e+04): a narrow plot cuts a long title at the right
        value = format_value(rho, 3)  # as the profile legend writes ρ
        if layer is None:
            title = QCoreApplication.translate("LivePlots", "eig(W_hh), ρ = %1").replace("%1", value)
        else:
            title = (QCoreApplication.translate("LivePlots", "eig(W_hh) (layer %1), ρ = %2")
                     .replace("%2", value).replace("%1", str(layer + 1)))
        self.title_fit.shorter = (f"ρ = {value}",)  # a narrow plot keeps the number, not the words
        set_title(self.plotItem, title, self.font_scale)
        r = max(1.0, rho if math.isfinite(rho) else 1.0)
        self._fit([np.array([-r, r])], [np.array([-r, r])])
