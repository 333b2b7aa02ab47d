"""The phase diagram of a sweep: a metric over two axes, one panel per value of the others.

Builders take plain arrays (the sweep's aggregation lives in :mod:`gradsim.runs.sweep`).
Cell (ix, iy) of a panel covers x in [ix, ix+1) and y in [iy, iy+1); ticks name the axis
values. Overlays are drawn in value space mapped onto that grid (log-interpolated when the
values are all positive), so the critical line falls *between* cells where it belongs:

- the critical line γσ_max = 1 of the plain cell (Pascanu et al. 2013; Chen, Pennington &
  Schoenholz 2018): on each row, where the measured γσ_max at the start crosses 1;
- the theory's reach of the gradient, ln(1/f) / −ln(γσ_max) steps (the (γσ_max)^k bound
  falling to the fraction f), and the measured reach at the start, when y is ``seq_len``;
- markers where the source posts' claims (the shipped presets) fall on the diagram.

The legend sits in its own row under the panels, never over a cell.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from gradsim.figures import plots

__all__ = ["Claim", "Panel", "PhaseDiagram", "critical_crossings", "value_position"]

CRITICAL_COLOUR = "#d62728"
THEORY_COLOUR = "#ffffff"
MEASURED_COLOUR = "#ff7f0e"
CLAIM_COLOUR = "#e377c2"
MISSING_COLOUR = "#d9d9d9"
#: Above this many cells per panel the values are not written into the cells.
MAX_CELL_TEXT = 120


@dataclass
class Panel:
    """One facet: ``values`` (len(y) × len(x)), and per cell the mean γσ_max at the start
    (NaN where the bound does not apply: gated cells) and the mean gradient reach."""

    label: str
    values: np.ndarray
    gamma_sigma: np.ndarray | None = None
    reach: np.ndarray | None = None
    counts: np.ndarray | None = None


@dataclass
class Claim:
    """A point of the diagram a source post makes a claim about (a shipped preset)."""

    panel: int
    x: float
    y: float
    label: str
    detail: str = field(default="")


def value_position(values: Sequence[Any], v: float) -> float:
    """Where value ``v`` lies on an axis whose cells hold ``values`` (cell i spans
    [i, i+1), its value at i + 0.5): interpolated between cell centres, in log space
    when every value is positive, extrapolated half a cell beyond the ends."""
    vals = np.asarray([float(a) for a in values], dtype=np.float64)
    if vals.size == 1:
        return 0.5
    use_log = bool(np.all(vals > 0)) and v > 0
    a = np.log(vals) if use_log else vals
    t = math.log(v) if use_log else float(v)
    centres = np.arange(vals.size) + 0.5
    if a[0] > a[-1]:
        a, centres = a[::-1], centres[::-1]
    if t <= a[0]:
        return float(centres[0] + (t - a[0]) / (a[1] - a[0]) * (centres[1] - centres[0]))
    if t >= a[-1]:
        return float(centres[-1] + (t - a[-1]) / (a[-1] - a[-2]) * (centres[-1] - centres[-2]))
    return float(np.interp(t, a, centres))


def critical_crossings(gamma_sigma: np.ndarray) -> list[float | None]:
    """Per row, the x position (grid units) where γσ_max crosses 1, log-interpolated
    between the cell centres on either side; None when the row does not cross."""
    out: list[float | None] = []
    for row in np.asarray(gamma_sigma, dtype=np.float64):
        pos = None
        ok = np.isfinite(row) & (row > 0)
        idx = np.flatnonzero(ok)
        for a, b in itertools.pairwise(idx):
            la, lb = math.log(row[a]), math.log(row[b])
            if la == 0.0:
                pos = a + 0.5
                break
            if (la < 0 < lb) or (lb < 0 < la):
                pos = a + 0.5 + (b - a) * (0 - la) / (lb - la)
                break
        if pos is None and idx.size and math.isclose(row[idx[-1]], 1.0, rel_tol=1e-6):
            pos = idx[-1] + 0.5
        out.append(pos)
    return out


def _label(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


class PhaseDiagram(QWidget):
    """Panels of a sweep's metric over (x, y), one colour bar, a legend row below.

    Signals
    -------
    cellClicked(panel, ix, iy)
        A click on a cell (grid indices into the x and y values).
    """

    cellClicked = Signal(int, int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet("background: white;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setStyleSheet(f"color: {plots.FOREGROUND}; font-size: {plots.TITLE_PT}pt;")
        layout.addWidget(self.title)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("w")
        self.canvas.setAntialiasing(True)
        layout.addWidget(self.canvas, 1)
        self.canvas.scene().sigMouseClicked.connect(self._on_click)
        self.plot_items: list[pg.PlotItem] = []
        self.images: list[pg.ImageItem] = []
        self.color_bar: pg.ColorBarItem | None = None
        self.legend: pg.LegendItem | None = None
        self._shape = (0, 0)
        self._selection: QGraphicsRectItem | None = None
        self._selected_panel = -1

    # ------------------------------------------------------------ drawing
    def clear(self) -> None:
        self.canvas.clear()
        self.plot_items, self.images = [], []
        self.color_bar = self.legend = None
        self._selection = None

    def set_data(self, x_name: str, y_name: str, x_values: Sequence[Any], y_values: Sequence[Any],
                 panels: Sequence[Panel], metric_label: str, *, levels: tuple[float, float] | None = None,
                 log_colour: bool = False, claims: Sequence[Claim] = (), reach_fraction: float | None = None,
                 title: str = "") -> None:
        """Draw the diagram.

        Parameters
        ----------
        x_name, y_name : str
            The axes' field names (axis labels).
        x_values, y_values : sequence
            The axis values, in cell order.
        panels : sequence of Panel
            One per facet; ``values`` of shape (len(y_values), len(x_values)), NaN where
            no run is recorded (drawn grey).
        metric_label : str
            What the colour means (the colour bar's label).
        levels : (low, high), optional
            Fixed colour levels (in log10 units with ``log_colour``); default: the data's.
        log_colour : bool
            Colour by log10 of the values (ratios of losses).
        claims : sequence of Claim
            Markers where a source post's claim falls.
        reach_fraction : float, optional
            f of the gradient reach; with ``y_name == "seq_len"`` the theory's and the
            measured reach are drawn on the plain-cell panels.
        title : str
            The title above the panels.
        """
        self.clear()
        self.title.setText(title)
        self.title.setVisible(bool(title))
        nx, ny = len(x_values), len(y_values)
        self._shape = (nx, ny)
        stack = [np.asarray(p.values, dtype=np.float64) for p in panels]
        shown = [np.log10(np.where(s > 0, s, np.nan)) if log_colour else s for s in stack]
        finite = np.concatenate([s[np.isfinite(s)] for s in shown]) if shown else np.array([])
        if levels is None:
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            if hi - lo < 1e-9:
                lo, hi = lo - 0.5, hi + 0.5
        else:
            lo, hi = (float(v) for v in levels)
        legend_items: dict[str, Any] = {}
        for i, (panel, img) in enumerate(zip(panels, shown)):
            plot = self.canvas.addPlot(row=0, col=i)
            plot.setDefaultPadding(0.0)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.getViewBox().setMouseEnabled(False, False)
            plots._style_plot_item(plot, x_name, y_name if i == 0 else "")
            plots._set_title(plot, panel.label)
            image = pg.ImageItem(axisOrder="row-major")
            image.setImage(np.nan_to_num(img, nan=lo).astype(np.float32), autoLevels=False, levels=(lo, hi))
            image.setRect(QRectF(0, 0, nx, ny))
            plot.addItem(image)
            self._missing(plot, img)
            self._ticks(plot, x_values, y_values)
            if nx * ny <= MAX_CELL_TEXT:
                self._cell_text(plot, np.asarray(panel.values, dtype=np.float64), img, lo, hi)
            self._overlays(plot, panel, x_values, y_values, y_name, reach_fraction, legend_items)
            plot.setXRange(0, nx, padding=0)
            plot.setYRange(0, ny, padding=0)
            if i > 0:
                plot.setYLink(self.plot_items[0])
            self.plot_items.append(plot)
            self.images.append(image)
        for c in claims:
            if 0 <= c.panel < len(self.plot_items):
                self._claim(self.plot_items[c.panel], c, x_values, y_values, legend_items)
        if self.plot_items:
            label = f"log10 {metric_label}" if log_colour else metric_label
            self.color_bar = pg.ColorBarItem(values=(lo, hi), colorMap=plots.HEATMAP_COLORMAP, interactive=False,
                                             width=20)
            self.color_bar.setImageItem(self.images, insert_in=self.plot_items[-1])
            for side in ("left", "right", "top", "bottom"):
                plots._style_axis(self.color_bar.getAxis(side))
            axis = self.color_bar.getAxis("right")
            axis.setLabel(label, color=plots.FOREGROUND, **{"font-size": f"{plots.LABEL_PT}pt"})
            # room for the tick labels AND the label: the automatic width lets them overlap
            axis.setWidth(84)
        if legend_items:
            self.legend = pg.LegendItem(colCount=min(3, len(legend_items)), labelTextColor=plots.FOREGROUND,
                                        labelTextSize=f"{plots.LEGEND_PT}pt")
            self.canvas.addItem(self.legend, row=1, col=0, colspan=max(1, len(self.plot_items)))
            for name, item in legend_items.items():
                self.legend.addItem(item, name)

    def _ticks(self, plot: pg.PlotItem, xs: Sequence[Any], ys: Sequence[Any]) -> None:
        plot.getAxis("bottom").setTicks([[(i + 0.5, _label(v)) for i, v in enumerate(xs)], []])
        plot.getAxis("left").setTicks([[(i + 0.5, _label(v)) for i, v in enumerate(ys)], []])

    def _missing(self, plot: pg.PlotItem, img: np.ndarray) -> None:
        brush = QBrush(QColor(MISSING_COLOUR))
        for iy, ix in zip(*np.nonzero(~np.isfinite(img))):
            rect = QGraphicsRectItem(QRectF(float(ix), float(iy), 1.0, 1.0))
            rect.setBrush(brush)
            rect.setPen(QPen(Qt.PenStyle.NoPen))
            plot.addItem(rect)

    def _cell_text(self, plot: pg.PlotItem, values: np.ndarray, shown: np.ndarray, lo: float, hi: float) -> None:
        for iy in range(values.shape[0]):
            for ix in range(values.shape[1]):
                v = values[iy, ix]
                if not math.isfinite(v):
                    continue
                # dark text on the bright end of viridis, white on the dark end
                frac = (shown[iy, ix] - lo) / (hi - lo) if hi > lo and math.isfinite(shown[iy, ix]) else 0.0
                colour = "#111111" if frac > 0.6 else "#ffffff"
                text = pg.TextItem(f"{v:.2g}", color=colour, anchor=(0.5, 0.5))
                text.setFont(plots._font(plots.TICK_PT - 2))
                text.setPos(ix + 0.5, iy + 0.5)
                plot.addItem(text)

    def _overlays(self, plot: pg.PlotItem, panel: Panel, xs, ys, y_name: str, f: float | None,
                  legend: dict[str, Any]) -> None:
        ny = len(ys)
        gs = panel.gamma_sigma
        if gs is None or not np.isfinite(gs).any():
            return
        xs_line, ys_line = [], []
        with np.errstate(invalid="ignore", divide="ignore"):
            lg = np.log(np.where(gs > 0, gs, np.nan))
        across = np.nanmean(np.abs(np.diff(lg, axis=1))) if lg.shape[1] > 1 and np.isfinite(lg).sum() > 1 else 0
        up = np.nanmean(np.abs(np.diff(lg, axis=0))) if lg.shape[0] > 1 and np.isfinite(lg).sum() > 1 else 0
        along_x = not (np.nan_to_num(up) > np.nan_to_num(across))
        # the line crosses the axis γσ_max changes along: per row (x) or per column (y)
        for k, pos in enumerate(critical_crossings(gs if along_x else gs.T)):
            a, b = ([pos, pos], [k, k + 1]) if pos is not None else ([np.nan], [np.nan])
            xs_line += a if along_x else b
            ys_line += b if along_x else a
        if np.isfinite(xs_line).any():
            item = pg.PlotDataItem(np.array(xs_line), np.array(ys_line), connect="finite",
                                   pen=pg.mkPen(CRITICAL_COLOUR, width=3))
            plot.addItem(item)
            legend.setdefault("critical line γσ_max = 1 (plain cell)", item)
        if y_name != "seq_len" or f is None or not (0 < f < 1):
            return
        # theory: the bound (γσ)^k falls to f after ln(1/f) / −ln(γσ) steps
        col_gs = np.nanmean(np.where(np.isfinite(gs), gs, np.nan), axis=0) if np.isfinite(gs).any() else None
        if col_gs is not None:
            px, py = [], []
            for ix, g in enumerate(col_gs):
                if math.isfinite(g) and 0 < g < 1:
                    px.append(ix + 0.5)
                    py.append(value_position(ys, math.log(1 / f) / -math.log(g)))
            if px:
                px, py_arr = self._in_range(plot, px, py, [math.log(1 / f) / -math.log(g) for g in col_gs
                                                          if math.isfinite(g) and 0 < g < 1], ny, THEORY_COLOUR)
                item = pg.PlotDataItem(px, py_arr, connect="finite", pen=pg.mkPen(THEORY_COLOUR, width=2.5,
                                                                         style=Qt.PenStyle.DashLine),
                                       symbol="o", symbolSize=8, symbolBrush=THEORY_COLOUR,
                                       symbolPen=pg.mkPen("#111111", width=1))
                if len(px):
                    plot.addItem(item)
                legend.setdefault(f"theory: reach ln(1/f)/−ln(γσ_max), f = {f:g}", item)
        if panel.reach is not None and np.isfinite(panel.reach).any():
            # the reach is capped by T − 1: the longest sequence shows it uncapped
            px, py, raw = [], [], []
            for ix in range(panel.reach.shape[1]):
                col = panel.reach[:, ix]
                if np.isfinite(col).any():
                    px.append(ix + 0.5)
                    raw.append(float(np.nanmax(col)))
                    py.append(value_position(ys, max(raw[-1], 1.0)))
            px, py_arr = self._in_range(plot, px, py, raw, ny, MEASURED_COLOUR)
            item = pg.PlotDataItem(px, py_arr, connect="finite",
                                   pen=pg.mkPen(MEASURED_COLOUR, width=2.5), symbol="s", symbolSize=7,
                                   symbolBrush=MEASURED_COLOUR, symbolPen=None)
            if len(px):
                plot.addItem(item)
            legend.setdefault("measured reach at start (steps)", item)

    @staticmethod
    def _in_range(plot: pg.PlotItem, px, py, raw, ny: int, colour: str):
        """The points inside the panel; a point below or
        above the axis range is written at that edge as "↓ value" / "↑ value" instead of
        being drawn squashed onto it."""
        xs, ys = np.array(px, dtype=np.float64), np.array(py, dtype=np.float64)
        for x, y, v in zip(xs, ys, raw):
            if 0 <= y <= ny:
                continue
            below = y < 0
            # inside the panel at its edge, clear of the cell's own number at its centre:
            # the measurement left of the column's centre, the theory right of it
            left = colour == MEASURED_COLOUR
            text = pg.TextItem(f"{'↓' if below else '↑'} {v:.3g}", color="#111111", fill=pg.mkBrush(colour),
                               border=pg.mkPen("#111111"),
                               anchor=(1.0 if left else 0.0, 1.0 if below else 0.0))
            text.setFont(plots._font(plots.TICK_PT - 2))
            text.setPos(x - 0.04 if left else x + 0.04, 0.0 if below else float(ny))
            plot.addItem(text)
        keep = (ys >= 0) & (ys <= ny)
        return xs[keep], ys[keep]

    def _claim(self, plot: pg.PlotItem, c: Claim, xs, ys, legend: dict[str, Any]) -> None:
        px, py = value_position(xs, c.x), value_position(ys, c.y)
        nx, ny = len(xs), len(ys)
        if not (0 <= px <= nx and 0 <= py <= ny):
            return
        item = pg.ScatterPlotItem([px], [py], symbol="star", size=18, brush=pg.mkBrush(CLAIM_COLOUR),
                                  pen=pg.mkPen("#111111", width=1))
        plot.addItem(item)
        text = pg.TextItem(c.label, color="#111111", fill=pg.mkBrush(255, 255, 255, 200),
                           anchor=(0.0, 1.0) if px < nx / 2 else (1.0, 1.0))
        text.setFont(plots._font(plots.TICK_PT - 1))
        text.setPos(px, py)
        plot.addItem(text)
        legend.setdefault("★ a source post's claim (shipped preset)", item)

    # ------------------------------------------------------------ clicks
    def _on_click(self, event) -> None:
        pos = event.scenePos()
        for i, plot in enumerate(self.plot_items):
            vb = plot.getViewBox()
            if not vb.sceneBoundingRect().contains(pos):
                continue
            p = vb.mapSceneToView(pos)
            ix, iy = math.floor(p.x()), math.floor(p.y())
            nx, ny = self._shape
            if 0 <= ix < nx and 0 <= iy < ny:
                self.select(i, ix, iy)
                self.cellClicked.emit(i, ix, iy)
            return

    def select(self, panel: int, ix: int, iy: int) -> None:
        """Outline one cell (the one loaded as a live run)."""
        if self._selection is not None and 0 <= self._selected_panel < len(self.plot_items):
            self.plot_items[self._selected_panel].removeItem(self._selection)
        self._selection = QGraphicsRectItem(QRectF(float(ix), float(iy), 1.0, 1.0))
        self._selection.setPen(pg.mkPen("#111111", width=3))
        self._selection.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self._selection.setZValue(20)
        self.plot_items[panel].addItem(self._selection)
        self._selected_panel = panel
