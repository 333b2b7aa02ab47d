"""Figure builders shared by the live app and the headless CLI exporter.

Builders take plain numpy arrays and depend on nothing else in gradsim.  Styled for slides:
white background, dark text, readable fonts, tab10 colours, legends.  Log y axes plot data
we log10-transform ourselves (non-positive / non-finite points dropped) on an axis labelled
10^k, so a diverged run never reaches pyqtgraph and overlays share the curve's coordinates.
Headless: set ``QT_QPA_PLATFORM=offscreen`` before importing Qt, then
:func:`gradsim.figures.export.ensure_qapp`, build a figure, :func:`gradsim.figures.export.export_widget`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QFont

from gradsim.core.numbers import format_value
from gradsim.core.truncation import chunk_starts
from gradsim.figures.layout import (FittedTitle, LegendKey, fit_axes_now, mark_reference, place_legend,
                                    place_line_labels)
from gradsim.figures.scale import ZERO_INDEX, colour_indices, exploded_rows

__all__ = ["HeatmapPlot", "LossPlot", "PredictionPlot", "ProfilePlot", "SeriesPlot", "SpectrumPlot"]

#: matplotlib's tab10: distinguishable under the common colour-vision deficiencies.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
FOREGROUND = "#222222"
HEATMAP_COLORMAP = "viridis"  # perceptually uniform: dark = vanished, bright = exploded
TICK_PT, LABEL_PT, TITLE_PT, LEGEND_PT = 11, 13, 15, 11

#: Above this many points a curve is drawn with a 1-px pen.  Qt strokes a wide antialiased
#: polyline through noisy data pathologically slowly (offscreen, pyqtgraph 0.14, PySide6
#: 6.11; 1-px pens take ~5 ms throughout): 1000 noisy points 0.34 s, 10k 11 s, 1M points
#: peak-downsampled 19 s.  Drawing a 2-px pen as separate segments cuts 1000 points to 0.03 s.
WIDE_PEN_MAX_POINTS = 1000
#: Clipping marks beyond this count are thinned evenly; a scatter of 1M symbols is too slow.
MAX_MARKERS = 2000
#: The rug of clipped iterations keeps at most this many marks (one per ~2 px of a wide plot).
RUG_MARKS = 800
#: A series of at most this many points shows a dot at each (ρ and σ_max measured every few steps).
SERIES_MARKERS_MAX_POINTS = 300
#: Colour of exact zeros in a heatmap (truncated BPTT, underflow): not on the colour map.
ZERO_COLOUR = (158, 158, 158)
#: Exploded rows of a heatmap are marked by this colour left of the image.
EXPLODED_COLOUR = "#d62728"


# --------------------------------------------------------------------------- helpers
def _font(points: int) -> QFont:
    font = QFont()
    font.setPointSize(points)
    return font


def _style_axis(axis: pg.AxisItem, label: str | None = None) -> None:
    axis.setPen(FOREGROUND)
    axis.setTextPen(FOREGROUND)
    axis.setStyle(tickFont=_font(TICK_PT))
    if label is not None:
        axis.setLabel(label, color=FOREGROUND, **{"font-size": f"{LABEL_PT}pt"})


def _style_plot_item(item: pg.PlotItem, x_label: str, y_label: str) -> None:
    _style_axis(item.getAxis("bottom"), x_label)
    _style_axis(item.getAxis("left"), y_label)
    # The context menu's log toggles would take log10 of data that is already logged.
    item.ctrl.logXCheck.setEnabled(False)
    item.ctrl.logYCheck.setEnabled(False)


def _set_title(item: pg.PlotItem, title: str) -> None:
    item.setTitle(title or None, color=FOREGROUND, size=f"{TITLE_PT}pt")


def _log10_finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(x, log10 y)`` restricted to the points where y is finite and positive."""
    y = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & (y > 0)
    return np.asarray(x, dtype=np.float64)[keep], np.log10(y[keep])


#: Background of a line's label: light enough that data under it stays visible.
LABEL_FILL = (255, 255, 255, 160)


def divergence_label_anchors(step: float, x: np.ndarray) -> list[tuple[float, float]]:
    """Anchors of the "diverged at step N" label: right of the line when the line is in the
    left half of the data (a divergence at step 0 would put the label off the plot), else left."""
    x = np.asarray(x, dtype=np.float64)
    mid = 0.5 * (float(np.nanmin(x)) + float(np.nanmax(x))) if x.size else step
    side = 0.0 if step <= mid else 1.0
    return [(side, 0.5), (side, 0.5)]


def _text_line(pos: float, angle: int, pen, text: str, position: float, anchors) -> pg.InfiniteLine:
    # InfLineLabel runs str.format on its text ({value}); escape braces from user labels.
    text = text.replace("{", "{{").replace("}", "}}")
    line = pg.InfiniteLine(pos=pos, angle=angle, pen=pen, label=text, labelOpts={
        "position": position, "anchors": anchors, "color": pen.color(),
        "fill": LABEL_FILL})
    line.label.setFont(_font(LEGEND_PT))
    return line


def _power_label(value: float) -> str:
    """A tick label: plain decimals when short, else m·10ᵏ (:func:`format_value`)."""
    return format_value(value, 3)


class _IterationAxis(pg.AxisItem):
    """An axis of iteration numbers: integer ticks only, never an SI prefix ("(x0.001)")."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph API)
        """pyqtgraph's levels without the fractional ones; 0, 1, 2 … on a short axis."""
        levels = [(sp, [v for v in vals if float(v).is_integer()])
                  for sp, vals in super().tickValues(minVal, maxVal, size) if sp >= 1.0]
        levels = [(sp, vals) for sp, vals in levels if vals]
        if not levels:
            lo, hi = sorted((minVal, maxVal))
            if math.isfinite(lo) and math.isfinite(hi) and hi - lo < 1e6:
                levels = [(1.0, [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1)])]
        return levels

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        return [str(int(round(v))) for v in values]


class _LogAxis(pg.AxisItem):
    """Axis whose view coordinates are log10 values when in log mode; labels read 10^k."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        # The SI prefix would rescale the labels ("loss (x0.001)") and mangle 10^k.
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        """Linear ticks: pyqtgraph's decimals, but 5·10⁴ rather than 50000 once a tick
        reaches 10⁴, so that a narrow axis with large fonts (eigenvalues of an exploding
        W_hh in presentation mode) keeps its labels instead of dropping them all."""
        if values and max(abs(float(v)) for v in values) >= 1e4:
            return [format_value(float(v) * scale, 3) for v in values]
        return super().tickStrings(values, scale, spacing)

    def logTickStrings(self, values, scale, spacing):
        """Label log-mode ticks: 0.01 ... 1000 in decimals, beyond that as powers of ten."""
        return [_power_label(10.0 ** v) for v in values]

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (pyqtgraph API)
        """Decades, then only 2 and 5 between them when the axis spans more than ~half a
        decade: pyqtgraph labels all of 2…9, which pile up near the top of each decade."""
        ticks = [(spacing, t) for spacing, t in stdTicks if spacing >= 1.0]
        if len(ticks) < 3:
            mults = (1, 2, 5) if maxVal - minVal > 0.6 else (1, 2, 3, 4, 5, 6, 7, 8, 9)
            minor = [v + math.log10(m) for v in range(math.floor(minVal), math.ceil(maxVal)) for m in mults]
            ticks.append((None, [x for x in minor if minVal < x < maxVal]))
        return ticks


class _ScaledSample(pg.ItemSample):
    """A legend entry's sample as large, relative to its text, as pyqtgraph's 20-px one is
    beside :data:`LEGEND_PT` text: at 3× text (presentation mode on a 4K panel) the fixed
    sample was a speck beside each name."""

    BASE = 20.0
    factor = 1.0

    def set_factor(self, factor: float) -> None:
        factor = max(1.0, float(factor))
        if abs(factor - self.factor) > 1e-6:
            self.prepareGeometryChange()
            self.factor = factor
            self.setFixedWidth(self.BASE * factor)
            self.setFixedHeight(self.BASE * factor)
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return QRectF(0.0, 0.0, self.BASE * self.factor, self.BASE * self.factor)

    def paint(self, p, *args) -> None:
        p.save()
        p.scale(self.factor, self.factor)
        super().paint(p, *args)
        p.restore()


class _Legend(pg.LegendItem):
    """pyqtgraph's legend with samples that grow with its text size (see :class:`_ScaledSample`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(sampleType=_ScaledSample, **kwargs)

    def sample_factor(self) -> float:
        match = re.match(r"([0-9.]+)\s*pt", str(self.opts.get("labelTextSize") or ""))
        return float(match.group(1)) / LEGEND_PT if match else 1.0

    def _fit_samples(self) -> None:
        factor = self.sample_factor()
        for sample, _label in self.items:
            if isinstance(sample, _ScaledSample):
                sample.set_factor(factor)

    def addItem(self, item, name) -> None:  # noqa: N802 (pyqtgraph API)
        super().addItem(item, name)
        self._fit_samples()
        self.updateSize()

    def setLabelTextSize(self, size) -> None:  # noqa: N802 (pyqtgraph API)
        super().setLabelTextSize(size)
        self._fit_samples()


class _StyledPlot(pg.PlotWidget):
    """A PlotWidget with the slide style, a legend and an optionally log10-labelled y axis.

    The legend goes to the corner of the view that covers no data (see
    :func:`gradsim.figures.layout.place_legend`), re-checked after each change of data,
    range or size; when no corner is free the view gets head-room above the data.  The
    title shrinks or elides to fit (:class:`~gradsim.figures.layout.FittedTitle`).
    """

    #: Milliseconds between a change and the legend's re-placement (live plots: throttled).
    LEGEND_DELAY_MS = 0

    def __init__(self, parent=None, *, x_label: str = "", y_label: str = "", log_y: bool = False,
                 legend_offset: tuple[int, int] = (-10, 10), x_iterations: bool = False):
        axes = {"left": _LogAxis("left"), "bottom": _IterationAxis("bottom") if x_iterations else _LogAxis("bottom")}
        super().__init__(parent=parent, background="w", axisItems=axes)
        self.setAntialiasing(True)
        _style_plot_item(self.plotItem, x_label, y_label)
        self.showGrid(x=True, y=True, alpha=0.15)
        # Negative offsets anchor the legend to the right / bottom edge.
        self.legend = _Legend(offset=legend_offset, labelTextColor=FOREGROUND, labelTextSize=f"{LEGEND_PT}pt",
                              brush=(255, 255, 255, 220), pen=(150, 150, 150))
        self.plotItem.legend = self.legend  # as PlotItem.addLegend does, with the samples that scale
        self.legend.setParentItem(self.plotItem.vb)
        self.legend_preference = tuple(legend_offset)
        self.legend_key = LegendKey(self.plotItem, self.legend)
        self.title_fit = FittedTitle(self.plotItem)
        self._legend_timer = QTimer(self)
        self._legend_timer.setSingleShot(True)
        self._legend_timer.setInterval(self.LEGEND_DELAY_MS)
        self._legend_timer.timeout.connect(self.layout_legend)
        vb = self.plotItem.vb
        vb.sigResized.connect(lambda _vb: self.schedule_legend())
        vb.sigRangeChanged.connect(lambda *_a: self.schedule_legend())
        vb.sigRangeChanged.connect(lambda *_a: fit_axes_now(self.plotItem))
        self._set_log_y(log_y)

    def schedule_legend(self) -> None:
        """Re-place the legend soon (after the pending layout and range updates)."""
        if not self._legend_timer.isActive():
            self._legend_timer.start()

    def legend_obstacles(self) -> list[QRectF]:
        """Rectangles in the view's coordinates the legend must keep clear of (none here)."""
        return []

    def layout_legend(self) -> None:
        """Put the legend where it covers no data (head-room above the data if need be)."""
        if getattr(self, "plotItem", None) is None:  # closed (PlotWidget.close drops it)
            return
        vb = self.plotItem.vb
        if vb.width() <= 0 or vb.height() <= 0:
            return
        if getattr(vb, "_autoRangeNeedsUpdate", False) and any(vb.autoRangeEnabled()):
            vb.updateAutoRange()
        self.line_labels_blocked(place_line_labels(vb))  # first: the legend keeps clear of them
        if self.legend_key.holds():  # left out until a resize, other entries or new data
            self.legend.setVisible(False)
            return
        free = True
        for _ in range(3):  # a head-room change moves the data: check again
            _offset, top, free = place_legend(vb, self.legend, prefer=self.legend_preference,
                                              obstacles=self.legend_obstacles(), corners=self.legend_corners())
            if free or top is None or not self.make_headroom(top):
                break
        if not free:
            self.legend_blocked()
        self.update_legend_key()

    #: False: the plot keeps its legend hidden (its title says what the points are).
    legend_wanted = True

    def update_legend_key(self) -> None:
        """The entries under the axis while the legend is left out (it covers data wherever
        it goes), so that no curve goes unnamed; gone again once the legend has a place."""
        if self.legend_wanted and self.legend.items and not self.legend.isVisible():
            self.legend_key.show()
        else:
            self.legend_key.hide()

    def line_labels_blocked(self, lines: list) -> None:
        """These lines' labels cover data wherever they go (a figure: they stay where they
        cover the least)."""

    def legend_blocked(self) -> None:
        """No corner is free and no head-room can be made (a small figure): a figure's
        legend shrinks, and if even that covers data it is left out; data come first."""
        if self.legend.scale() > 0.7:
            self.legend.setScale(0.7)
            self.schedule_legend()
        else:
            self.legend.setVisible(False)

    def legend_corners(self) -> tuple:
        """The corners the legend may take (a figure: any; see layout.CORNERS)."""
        from gradsim.figures.layout import CORNERS

        return CORNERS

    def make_headroom(self, top: float) -> bool:
        """Raise the view's upper y to ``top``; False if the range is not ours to change."""
        lo, _hi = self.plotItem.vb.viewRange()[1]
        self.plotItem.vb.setYRange(lo, top, padding=0.0)
        return True

    def _data_changed(self) -> None:
        # a figure's range follows its new data again, then the legend finds its corner
        self.plotItem.vb.enableAutoRange()
        self.legend_key.hide()
        self.legend.setScale(1.0)
        self.legend.setVisible(True)
        self.schedule_legend()

    def _set_log_y(self, on: bool) -> None:
        # Only the axis is in log mode: it labels view value k as 10^k.  The data items
        # stay linear because we hand them log10 values ourselves (see module docstring).
        self.getAxis("left").setLogMode(bool(on))

    def _add_curve(self, x, y, index: int, name: str | None, *, style=Qt.PenStyle.SolidLine,
                   many: bool = False) -> pg.PlotDataItem:
        wide = len(x) <= WIDE_PEN_MAX_POINTS
        pen = pg.mkPen(PALETTE[index % len(PALETTE)], style=style, width=2 if wide else 1)
        item = pg.PlotDataItem(x, y, pen=pen, name=name, antialias=True, connect="finite")
        if wide:
            item.curve.setSegmentedLineMode("on")  # see WIDE_PEN_MAX_POINTS
        self.addItem(item)
        if many:
            # 'peak' keeps the min/max envelope of noisy curves; clipToView skips the
            # off-screen part when zoomed in.  1M points: ~0.02 s per paint instead of ~0.2 s.
            # Set after addItem: before it, clipToView asks the PlotWidget (not yet a
            # ViewBox) for autoRangeEnabled and raises AttributeError (pyqtgraph 0.14).
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        return item


# --------------------------------------------------------------------------- figures
class LossPlot(_StyledPlot):
    """Training loss over iterations on a log10 y axis, with clipping and divergence marks."""

    def __init__(self, parent=None):
        super().__init__(parent, x_label="iteration", y_label="loss", log_y=True, x_iterations=True)
        _set_title(self.plotItem, "Training loss")
        self.rug = ClipRug(self)

    def set_data(self, steps: np.ndarray, loss: np.ndarray, clipped_steps: np.ndarray | None = None,
                 diverged_step: int | None = None, baseline: float | None = None,
                 baseline_label: str = "trivial baseline") -> None:
        """Replace the plotted loss.

        Parameters
        ----------
        steps, loss : np.ndarray
            Iteration numbers (ascending) and the loss at each; non-finite or non-positive
            losses are dropped, since a log axis cannot show them.
        clipped_steps : np.ndarray, optional
            Iterations where the gradient was clipped, marked on the curve.
        diverged_step : int, optional
            Iteration at which training diverged; drawn as a labelled red vertical line.
        baseline : float, optional
            Loss of a trivial predictor, drawn as a dashed horizontal line.
        baseline_label : str
            Text for the baseline line.
        """
        self.plotItem.clear()
        steps = np.asarray(steps, dtype=np.float64)
        loss = np.asarray(loss, dtype=np.float64)
        if steps.shape != loss.shape:
            raise ValueError(f"steps {steps.shape} and loss {loss.shape} differ in shape")
        x, y = _log10_finite(steps, loss)
        self._add_curve(x, y, 0, "loss", many=True)
        self.rug.set_steps(np.asarray(clipped_steps if clipped_steps is not None else [], dtype=np.float64)
                           if len(x) else np.zeros(0))
        if diverged_step is not None:
            pen = pg.mkPen(PALETTE[3], width=2)
            self.addItem(_text_line(float(diverged_step), 90, pen,
                                    f"diverged at step {int(diverged_step)}",
                                    0.85, divergence_label_anchors(float(diverged_step), x)))
        if baseline is not None and np.isfinite(baseline) and baseline > 0:
            pen = pg.mkPen("#555555", width=2, style=Qt.PenStyle.DashLine)
            self.addItem(_text_line(float(np.log10(baseline)), 0, pen,
                                    f"{baseline_label} ({format_value(baseline, 3)})",
                                    0.03, [(0, 1), (0, 1)]))
        self._data_changed()


def thin_marks(steps: np.ndarray, bins: int = RUG_MARKS) -> np.ndarray:
    """At most ``bins`` of ``steps`` (ascending), one per equal-width bin of their span:
    a mark per bin is all a plot can show, and it keeps isolated events."""
    steps = np.asarray(steps, dtype=np.float64)
    steps = steps[np.isfinite(steps)]
    if len(steps) <= bins:
        return steps
    lo, hi = float(steps.min()), float(steps.max())
    key = np.floor((steps - lo) / max(hi - lo, 1e-12) * (bins - 1)).astype(np.int64)
    _, first = np.unique(key, return_index=True)
    return steps[first]


class ClipRug:
    """Iterations where the gradient was clipped, as a rug of thin ticks along the bottom of
    a loss plot: marks on the curve itself (one per clipped iteration) drowned it on runs
    that clip at almost every step.  The ticks stay at the bottom when the range moves."""

    #: Height of the rug, as a fraction of the view's height, and at least this many pixels.
    HEIGHT = 0.035
    MIN_PX = 8.0

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.plot = plot
        self.count = 0
        self.item = pg.PlotDataItem(pen=pg.mkPen(PALETTE[1], width=1.5), connect="pairs", antialias=False)
        self.item.setZValue(-5)  # under the loss curve
        self._x = np.zeros(0)
        self._name = ""
        plot.plotItem.vb.sigYRangeChanged.connect(lambda *_a: self._redraw())
        plot.plotItem.vb.sigResized.connect(lambda *_a: self._redraw())

    def set_steps(self, steps: np.ndarray, name: str | None = None) -> None:
        """Mark ``steps`` (all clipped iterations; thinned here), legend text ``name``
        (default "gradient clipped (N steps)")."""
        steps = np.asarray(steps, dtype=np.float64)
        self.count = len(steps)
        self._x = thin_marks(steps)
        if self.item not in self.plot.plotItem.items:  # the figures' set_data clears the plot
            self.plot.plotItem.addItem(self.item, ignoreBounds=True)
        text = name if name is not None else f"gradient clipped ({self.count} steps)"
        legend = self.plot.plotItem.legend
        if legend is not None:
            shown = any(sample.item is self.item for sample, _label in legend.items)
            if shown and (not self.count or text != self._name):
                legend.removeItem(self.item)
                shown = False
            if self.count and not shown:
                legend.addItem(self.item, text)
        self._name = text
        self._redraw()

    def _redraw(self) -> None:
        if not len(self._x):
            self.item.setData([], [])
            self.item.setVisible(False)
            return
        vb = self.plot.plotItem.vb
        lo, hi = vb.viewRange()[1]
        frac = max(self.HEIGHT, self.MIN_PX / vb.height()) if vb.height() > 0 else self.HEIGHT
        top = lo + frac * (hi - lo)
        x = np.repeat(self._x, 2)
        y = np.tile([lo, top], len(self._x))
        self.item.setData(x, y)
        self.item.setVisible(True)


class PredictionPlot(_StyledPlot):
    """Predictions against targets (and optionally a free-running roll-out) for one sample."""

    def __init__(self, parent=None):
        super().__init__(parent, x_label="time step t", y_label="value")
        self.plotItem.setTitle(None)  # a title when set_data gives one

    def set_data(self, prediction: np.ndarray, target: np.ndarray, rollout: np.ndarray | None = None,
                 inputs: np.ndarray | None = None, title: str = "") -> None:
        """Replace the plotted sample.

        Parameters
        ----------
        prediction : np.ndarray
            Model output per time step, shape (T,).
        target : np.ndarray
            Target per time step, shape (T,); NaN where a step has no target.  Finite targets
            are drawn as markers.
        rollout : np.ndarray, optional
            Free-running roll-out (each prediction fed back as the next input), shape (T',).
        inputs : np.ndarray, optional
            Input sequence, shape (T,) or (T, channels), drawn faintly for context.
        title : str
            Plot title.
        """
        self.plotItem.clear()
        _set_title(self.plotItem, title)
        if inputs is not None:
            inputs = np.asarray(inputs, dtype=np.float64)
            inputs = inputs[:, None] if inputs.ndim == 1 else inputs.reshape(len(inputs), -1)
            t = np.arange(len(inputs))
            for c in range(inputs.shape[1]):
                # One legend entry for all channels: a one-hot input would flood the legend.
                self.addItem(pg.PlotDataItem(t, inputs[:, c], pen=pg.mkPen((170, 170, 170), width=1),
                                             name="input" if c == 0 else None, connect="finite"))
        prediction = np.asarray(prediction, dtype=np.float64).ravel()
        self._add_curve(np.arange(len(prediction)), prediction, 0, "prediction")
        if rollout is not None:
            rollout = np.asarray(rollout, dtype=np.float64).ravel()
            self._add_curve(np.arange(len(rollout)), rollout, 2, "free-running roll-out",
                            style=Qt.PenStyle.DashLine)
        target = np.asarray(target, dtype=np.float64).ravel()
        has = np.isfinite(target)
        self.addItem(pg.PlotDataItem(np.flatnonzero(has), target[has], pen=None, symbol="o",
                                     symbolSize=8, symbolPen=pg.mkPen(FOREGROUND, width=1),
                                     symbolBrush=PALETTE[1], name="target"))
        self._data_changed()


def heatmap_lut() -> np.ndarray:
    """The heatmaps' 256-entry lookup table: index 0 the colour of exact zeros, 1 … 255 viridis."""
    lut = np.empty((256, 3), np.uint8)
    lut[0] = ZERO_COLOUR
    lut[1:] = pg.colormap.get(HEATMAP_COLORMAP).getLookupTable(nPts=255, alpha=False)
    return lut


class HeatmapPlot(pg.GraphicsLayoutWidget):
    """Gradient magnitude per (iteration, time step) as a log10 colour image.

    Rows are iterations, newest at the top; columns are time steps.  Column t covers
    x in [t, t+1) and the row of iteration s covers y in [s, s + stride), so boundary
    lines drawn at integer x fall exactly between columns.

    Exact zeros (truncated BPTT, underflow) are drawn in :data:`ZERO_COLOUR`, labelled
    "0" under the colour bar; rows that exploded (see :func:`exploded_rows`) are marked
    with red triangles left of the image, since one such row among hundreds is a single
    pixel high.
    """

    def __init__(self, parent=None, title: str = "‖δ_t‖", *, interactive: bool = False):
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setAntialiasing(True)
        self.plot_item = self.addPlot(axisItems={"left": _IterationAxis("left"),
                                                 "bottom": _IterationAxis("bottom")})
        self.plot_item.setDefaultPadding(0.0)
        _style_plot_item(self.plot_item, "time step t", "iteration")
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.image_item)
        # The colour bar owns the levels and shows the map; the image holds colour indices
        # (0 = exact zero) into heatmap_lut(), so the bar must not push levels onto it.
        self.color_bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=HEATMAP_COLORMAP,
                                         interactive=interactive, rounding=0.1, width=22)
        self.color_bar.setImageItem(self.image_item, insert_in=self.plot_item)
        self.color_bar.img_list = []
        try:  # nor take the image's (0, 255) index levels for its own
            self.image_item.sigLevelsChanged.disconnect(self.color_bar._levelsChangedHandler)
        except (RuntimeError, TypeError, AttributeError):
            pass
        self.image_item.setLookupTable(heatmap_lut())
        # the bar left its (0, 1) levels pending on the empty image: index levels instead
        self.image_item.setLevels((0, 255))
        for side in ("left", "right", "top", "bottom"):
            _style_axis(self.color_bar.getAxis(side))
        self.zero_patch = pg.LabelItem(justify="left")
        self.plot_item.layout.addItem(self.zero_patch, 3, 5)
        self._zero_pt = float(TICK_PT)
        self.set_zero_label("exact 0")
        self.zero_patch.setVisible(False)
        self.exploded_marks = pg.ScatterPlotItem(symbol="t2", size=11, pen=pg.mkPen("#ffffff", width=0.8),
                                                 brush=EXPLODED_COLOUR)
        self.exploded_marks.setZValue(20)
        self.plot_item.addItem(self.exploded_marks)
        self.title_fit = FittedTitle(self.plot_item)
        self.plot_item.vb.sigResized.connect(lambda _vb: self.fit_bar_label())
        self.plot_item.vb.sigRangeChanged.connect(lambda *_a: fit_axes_now(self.plot_item))
        self._tbptt_lines: list[pg.InfiniteLine] = []
        self._tbptt_key: tuple[int, int] | None = None
        self._set_titles(title)

    def fit_bar_label(self) -> None:
        """Keep the colour bar's (rotated) label within the bar's height: a long quantity
        in presentation mode ran past the bar into the "exact 0" patch.  The label shrinks
        to half its size at most."""
        axis = self.color_bar.getAxis("left")
        if not axis.labelText or axis.height() <= 0:
            return
        style = dict(axis.labelStyle)
        base = LABEL_PT * getattr(self, "font_scale", 1.0)
        size = float(str(style.get("font-size", f"{base}pt")).rstrip("pt") or base)
        length = axis.label.boundingRect().width() - 2 * axis.label.document().documentMargin()
        room = axis.height() - 6.0
        want = base if length * base / max(size, 1e-6) <= room else max(0.5 * base, size * room / max(length, 1.0))
        if abs(want - size) > 0.05:
            style["font-size"] = f"{want:.3g}pt"
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, **style)

    def set_zero_label(self, text: str, points: float | None = None) -> None:
        """The text beside the grey patch of exact zeros (another language, a larger font)."""
        if points is not None:
            self._zero_pt = float(points)
        r, g, b = ZERO_COLOUR
        self._zero_text = text
        self.zero_patch.setText(
            f"<span style='background-color: rgb({r},{g},{b})'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;"
            f"{text}", color=FOREGROUND, size=f"{self._zero_pt:g}pt")

    def _set_titles(self, title: str) -> None:
        self._title = title
        _set_title(self.plot_item, title)
        self.color_bar.getAxis("left").setLabel(
            f"log10 {title}", color=FOREGROUND, **{"font-size": f"{LABEL_PT}pt"})

    def levels(self) -> tuple[float, float]:
        """Return the current colour levels as ``(log10 low, log10 high)``."""
        lo, hi = self.color_bar.levels()
        return float(lo), float(hi)

    def set_data(self, data: np.ndarray, steps: np.ndarray | None = None, *,
                 levels: tuple[float, float] | None = None, title: str | None = None,
                 tbptt: int = 0) -> None:
        """Replace the image.

        Parameters
        ----------
        data : np.ndarray
            Gradient norms, shape (iterations, T), oldest iteration first.  May hold 0, nan
            and inf; see :func:`colour_indices` for how they are shown.
        steps : np.ndarray, optional
            Iteration number of each row (rows may be decimated); default 0, 1, 2, ...
        levels : tuple of float, optional
            Fixed ``(log10 low, log10 high)`` colour levels, e.g. the same for two pictures
            that are compared (a preset's or a lecture step's); None follows the data.
        title : str, optional
            New title; the colour bar label follows it.
        tbptt : int
            Truncation length; > 0 draws the chunk boundaries as vertical lines.
        """
        data = np.asarray(data)
        if data.ndim != 2:
            raise ValueError(f"heatmap data must be 2-D (iterations, T), got shape {data.shape}")
        n_rows, n_steps = data.shape
        if steps is None:
            steps = np.arange(n_rows, dtype=np.float64)
        steps = np.asarray(steps, dtype=np.float64)
        if steps.shape != (n_rows,):
            raise ValueError(f"steps has shape {steps.shape}, expected ({n_rows},)")
        if title is not None and title != self._title:
            self._set_titles(title)
        self._draw_tbptt(n_steps, int(tbptt))
        if data.size == 0:  # an empty image would make pyqtgraph divide by zero
            self.image_item.clear()
            self.exploded_marks.setData([], [])
            self.zero_patch.setVisible(False)
            self.plot_item.setRange(xRange=(0.0, max(n_steps, 1)), yRange=(0.0, 10.0), padding=0.0)
            return
        image, lv = colour_indices(data, levels)
        self.zero_patch.setVisible(bool(np.any(image == ZERO_INDEX)))
        image, y0, dy = _uniform_rows(image, steps)
        self.color_bar.setLevels(lv)
        self.image_item.setImage(image, autoLevels=False, levels=(0, 255))
        height = dy * len(image)
        self.image_item.setRect(QRectF(0.0, y0, float(n_steps), height))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            row_max = np.max(np.log10(np.abs(data.astype(np.float64))), axis=1)
        x_left = self.mark_exploded(steps, row_max, n_steps, dy)
        self.plot_item.setRange(xRange=(x_left, float(n_steps)), yRange=(y0, y0 + height), padding=0.0)

    def mark_exploded(self, steps: np.ndarray, row_max: np.ndarray, n_steps: int, dy: float) -> float:
        """Mark the rows that exploded left of the image; return the view's left x."""
        mask = exploded_rows(row_max)
        if not mask.any():
            self.exploded_marks.setData([], [])
            return 0.0
        ys = thin_marks(np.asarray(steps, dtype=np.float64)[mask] + dy / 2, 200)
        gap = 0.035 * max(n_steps, 1)
        self.exploded_marks.setData(np.full(len(ys), -gap / 2), ys)
        return -gap

    def _draw_tbptt(self, n_steps: int, tbptt: int) -> None:
        if (n_steps, tbptt) == self._tbptt_key:
            return
        self._tbptt_key = (n_steps, tbptt)
        for line in self._tbptt_lines:
            self.plot_item.removeItem(line)
        self._tbptt_lines = []
        if tbptt <= 0:
            return
        # Chunks are aligned to the END of the sequence, so the first chunk may be short.
        pen = pg.mkPen((255, 255, 255, 200), width=1.5, style=Qt.PenStyle.DashLine)
        for s in sorted(chunk_starts(n_steps, tbptt)):
            line = pg.InfiniteLine(pos=s, angle=90, pen=pen)
            self.plot_item.addItem(line, ignoreBounds=True)
            self._tbptt_lines.append(line)


def _uniform_rows(image: np.ndarray, steps: np.ndarray,
                  max_rows: int = 4096) -> tuple[np.ndarray, float, float]:
    """Put rows on an evenly spaced iteration grid; return ``(image, first y, row height)``.

    An ImageItem maps rows linearly to y, but a history decimated unevenly (coarser for
    old iterations) is not linear in the iteration number.  Each grid row then shows the
    newest recorded row at or before its iteration.
    """
    if len(steps) < 2:
        return image, float(steps[0]), 1.0
    diffs = np.diff(steps)
    if np.all(diffs > 0) and np.allclose(diffs, diffs[0], rtol=1e-6):
        return image, float(steps[0]), float(diffs[0])
    if not np.all(diffs > 0):
        raise ValueError("steps must be strictly increasing")
    span = steps[-1] - steps[0]
    n = int(min(max_rows, max(len(steps), span / diffs.min()))) + 1
    grid = np.linspace(steps[0], steps[-1], n)
    rows = np.clip(np.searchsorted(steps, grid, side="right") - 1, 0, len(steps) - 1)
    return image[rows], float(steps[0]), float(span / (n - 1))


class ProfilePlot(_StyledPlot):
    """One iteration's gradient profile over time steps on a log10 y axis, with bounds."""

    def __init__(self, parent=None):
        # Bottom right: in the headline (vanishing) case the curves rise towards t = T.
        super().__init__(parent, x_label="time step t", y_label="gradient norm", log_y=True,
                         legend_offset=(-10, -10))

    def set_data(self, profile: np.ndarray, bounds: dict[str, np.ndarray] | None = None,
                 title: str = "") -> None:
        """Replace the profile.

        Parameters
        ----------
        profile : np.ndarray
            Magnitude per time step, shape (T,); zero / non-finite values are not drawn.
        bounds : dict of str to np.ndarray, optional
            Named reference curves over the same steps (e.g. the (γλ₁)^(T−t) bound), dashed.
        title : str
            Plot title.
        """
        self.plotItem.clear()
        _set_title(self.plotItem, title)
        profile = np.asarray(profile, dtype=np.float64).ravel()
        x, y = _log10_finite(np.arange(len(profile)), profile)
        self._add_curve(x, y, 0, "profile")
        for i, (name, bound) in enumerate((bounds or {}).items(), start=1):
            bound = np.asarray(bound, dtype=np.float64).ravel()
            mark_reference(self._add_curve(*_log10_finite(np.arange(len(bound)), bound), i, name,
                                           style=Qt.PenStyle.DashLine))
        self._data_changed()
        if len(y) and bounds:
            # The bounds may run many decades beyond the measurement (10^900 in the
            # explosion regime): the view follows the measurement, the bounds are clipped.
            lo, hi = float(y.min()), float(y.max())
            span = max(hi - lo, 1.0)
            ys = [np.clip(_log10_finite(np.arange(len(b)), b)[1], lo - 3.0, hi + 3.0)
                  for b in (np.asarray(v, dtype=np.float64).ravel() for v in bounds.values())]
            allv = np.concatenate([y, *ys]) if ys else y
            pad = 0.05 * span
            self.plotItem.vb.setYRange(float(allv.min()) - pad, float(allv.max()) + pad, padding=0.0)


class SpectrumPlot(_StyledPlot):
    """Eigenvalues of W_hh in the complex plane with the unit circle, equal aspect."""

    def __init__(self, parent=None):
        super().__init__(parent, x_label="Re λ", y_label="Im λ")
        self.setAspectLocked(True)

    def set_data(self, eigenvalues: np.ndarray) -> None:
        """Replace the eigenvalues.

        Parameters
        ----------
        eigenvalues : np.ndarray
            Complex eigenvalues; non-finite ones are dropped.
        """
        self.plotItem.clear()
        ev = np.asarray(eigenvalues, dtype=np.complex128).ravel()
        ev = ev[np.isfinite(ev)]
        radius = float(np.abs(ev).max()) if ev.size else float("nan")
        _set_title(self.plotItem, f"Eigenvalues of W_hh (spectral radius ρ = {format_value(radius, 3)})")
        theta = np.linspace(0.0, 2.0 * np.pi, 361)
        mark_reference(self._add_curve(np.cos(theta), np.sin(theta), 7, "unit circle", style=Qt.PenStyle.DashLine))
        self.addItem(pg.PlotDataItem(ev.real, ev.imag, pen=None, symbol="o", symbolSize=8,
                                     symbolPen=pg.mkPen(FOREGROUND, width=0.5),
                                     symbolBrush=PALETTE[0], name="eigenvalue"))
        self._data_changed()


class SeriesPlot(_StyledPlot):
    """Several named series over iterations (e.g. spectral radius and σ_max, grad norms)."""

    def __init__(self, parent=None, *, title: str = "", y_label: str = ""):
        super().__init__(parent, x_label="iteration", y_label=y_label, x_iterations=True)
        _set_title(self.plotItem, title)

    def set_data(self, steps: np.ndarray, series: dict[str, np.ndarray], log_y: bool = False,
                 reference: float | None = None, *, reference_label: str | None = None) -> None:
        """Replace the curves.

        Parameters
        ----------
        steps : np.ndarray
            Iteration numbers, shape (N,).
        series : dict of str to np.ndarray
            Curve name to values, each of shape (N,).
        log_y : bool
            Log10 y axis; non-positive values are then dropped.
        reference : float, optional
            Value drawn as a dashed horizontal line (e.g. 1 for the spectral radius).
        reference_label : str, optional
            Text on the reference line; default the value itself.
        """
        self.plotItem.clear()
        self._set_log_y(log_y)
        steps = np.asarray(steps, dtype=np.float64)
        for i, (name, values) in enumerate(series.items()):
            values = np.asarray(values, dtype=np.float64)
            if values.shape != steps.shape:
                raise ValueError(f"series {name!r} has shape {values.shape}, steps {steps.shape}")
            x, y = _log10_finite(steps, values) if log_y else (steps, values)
            item = self._add_curve(x, y, i, name, many=True)
            if len(x) <= SERIES_MARKERS_MAX_POINTS:  # sparse: show every measured point
                item.setSymbol("o")
                item.setSymbolSize(4)
                item.setSymbolPen(None)
                item.setSymbolBrush(PALETTE[i % len(PALETTE)])
        if reference is not None and (not log_y or reference > 0):
            pen = pg.mkPen("#555555", width=1.5, style=Qt.PenStyle.DashLine)
            pos = float(np.log10(reference)) if log_y else float(reference)
            self.addItem(_text_line(pos, 0, pen, reference_label or format_value(reference, 3),
                                    0.02, [(0, 1), (0, 1)]))
        self._data_changed()
