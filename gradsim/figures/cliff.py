"""The cliff as a picture: log10 E over (w, b) with gradient-descent paths on top.

:class:`CliffPlot` is a widget for the app (call :meth:`CliffPlot.set_paths` on every
animation tick: it only moves a few curves) and for export through
:func:`gradsim.figures.export.export_widget`; :func:`render_cliff_figure` writes the
demonstration of :mod:`gradsim.core.cliff` to a file in one call.

A path that leaves the view (the unclipped step thrown off the wall lands at w ≈ 30,
b ≈ 39) is drawn up to the frame, with an arrow there, and its legend entry says where
it landed, so the view keeps the wall in frame instead of zooming out to the landing point.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from gradsim.figures import export, plots
from gradsim.figures.scale import log_magnitude
from gradsim.core.cliff import DEMO, SURFACE_RANGE, T_DEFAULT, CliffDescent, error_surface

__all__ = ["CliffPlot", "PATH_STYLES", "render_cliff_figure", "demo_paths"]

#: name -> (colour, symbol): chosen to stand out on viridis and from each other.
PATH_STYLES = {
    "no clipping": ("#d62728", "o"),
    "clip by norm": ("#111111", "s"),
    "clip by value": ("#e377c2", "t"),
}
#: Default lower colour level, log10 E.
LOG10_FLOOR = -4.0
_EXTRA_COLOURS = ("#e377c2", "#17becf", "#bcbd22")


def _exit_point(inside: np.ndarray, outside: np.ndarray, rect: QRectF) -> np.ndarray:
    """Where the segment inside → outside crosses the border of ``rect``."""
    d = outside - inside
    ts = []
    for k, lo, hi in ((0, rect.left(), rect.right()), (1, rect.top(), rect.bottom())):
        if d[k] > 0:
            ts.append((hi - inside[k]) / d[k])
        elif d[k] < 0:
            ts.append((lo - inside[k]) / d[k])
    t = min([v for v in ts if v >= 0], default=0.0)
    return inside + t * d


class CliffPlot(pg.GraphicsLayoutWidget):
    """log10 E(w, b) as an image (w right, b up) with named descent paths."""

    def __init__(self, parent=None, title: str | None = None):
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setAntialiasing(True)
        self.plot_item = self.addPlot()
        self.plot_item.setDefaultPadding(0.0)
        plots._style_plot_item(self.plot_item, "w (recurrent weight)", "b (bias)")
        plots._set_title(self.plot_item, title if title is not None else
                         f"Error surface E = (σ(x<sub>{T_DEFAULT}</sub>) − 0.7)²,   "
                         f"x<sub>t</sub> = w·σ(x<sub>t−1</sub>) + b,   x<sub>0</sub> = 0.5")
        self.title_fit = plots.FittedTitle(self.plot_item)  # shrinks a title wider than the plot
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.image_item)
        self.color_bar = pg.ColorBarItem(values=(-4.0, 0.0), colorMap=plots.HEATMAP_COLORMAP,
                                         interactive=False, rounding=0.1, width=22)
        self.color_bar.setImageItem(self.image_item, insert_in=self.plot_item)
        for side in ("left", "right", "top", "bottom"):
            plots._style_axis(self.color_bar.getAxis(side))
        self.color_bar.getAxis("left").setLabel("log10 E", color=plots.FOREGROUND,
                                                **{"font-size": f"{plots.LABEL_PT}pt"})
        self.legend = self.plot_item.addLegend(offset=(-10, -10), labelTextColor=plots.FOREGROUND,
                                               labelTextSize=f"{plots.LEGEND_PT}pt",
                                               brush=(255, 255, 255, 225), pen=(150, 150, 150))
        (w0, w1), (b0, b1) = SURFACE_RANGE
        self._rect = QRectF(w0, b0, w1 - w0, b1 - b0)
        self._path_items: list = []
        self._arrows: list[tuple[pg.ArrowItem, np.ndarray]] = []
        # Arrows are drawn in pixels: their angle follows the view's aspect ratio, known
        # only once the widget is laid out (and again after every resize or zoom).
        self.plot_item.vb.sigTransformChanged.connect(self._update_arrows)

    @property
    def view_rect(self) -> QRectF:
        """The (w, b) rectangle the surface covers."""
        return QRectF(self._rect)

    def set_surface(self, W: np.ndarray, B: np.ndarray, E: np.ndarray,
                    levels: tuple[float, float] | None = None) -> None:
        """Show ``E`` from :func:`gradsim.core.cliff.error_surface` (rows = b, columns = w).

        Parameters
        ----------
        W, B, E : np.ndarray
            The grid and the error, each (n_b, n_w).
        levels : tuple of float, optional
            ``(log10 low, log10 high)``; default: the data's range, floored at
            :data:`LOG10_FLOOR` (below it lies only the thin valley of minima, and a
            range down to 10⁻¹⁰ would leave the plateaus and the wall one colour).
        """
        W, B, E = (np.asarray(a, dtype=np.float64) for a in (W, B, E))
        if levels is None:
            _, (lo, hi) = log_magnitude(E)
            levels = (max(lo, LOG10_FLOOR), hi) if hi > LOG10_FLOOR else (lo, hi)
        if not (W.shape == B.shape == E.shape) or E.ndim != 2 or min(E.shape) < 2:
            raise ValueError(f"W, B, E must be 2-D grids of one shape, got {W.shape}, {B.shape}, {E.shape}")
        image, lv = log_magnitude(E, levels)
        w0, w1, b0, b1 = W[0, 0], W[0, -1], B[0, 0], B[-1, 0]
        dw, db = (w1 - w0) / (E.shape[1] - 1), (b1 - b0) / (E.shape[0] - 1)
        # pixel centres on the grid points: the image reaches half a pixel beyond them
        self._rect = QRectF(w0 - dw / 2, b0 - db / 2, w1 - w0 + dw, b1 - b0 + db)
        self.color_bar.setLevels(lv)
        self.image_item.setImage(image, autoLevels=False, levels=lv)
        self.image_item.setRect(self._rect)
        self.plot_item.setRange(rect=self._rect, padding=0.0)
        self.plot_item.disableAutoRange()

    def set_paths(self, paths: dict[str, np.ndarray]) -> None:
        """Replace the descent paths: name -> (n, 2) array of (w, b), start first."""
        for item in self._path_items:
            self.plot_item.removeItem(item)  # also drops its legend entry
        self._path_items = []
        self._arrows = []
        rect = self._rect
        extra = iter(_EXTRA_COLOURS)
        for name, pts in paths.items():
            pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
            pts = pts[np.isfinite(pts).all(axis=1)]
            if len(pts) == 0:
                continue
            colour, symbol = PATH_STYLES.get(name, (next(extra, "#7f7f7f"), "o"))
            inside = np.array([rect.contains(float(w), float(b)) for w, b in pts])
            shown = pts
            if not inside.all():
                first_out = int(np.argmin(inside)) if inside[0] else 0
                if inside[0]:
                    shown = np.vstack([pts[:first_out], _exit_point(pts[first_out - 1], pts[first_out], rect)])
                    self._mark_exit(shown[-2], shown[-1], colour)
                else:
                    shown = pts[:0]
            label = name
            if not inside.all() and inside[0]:
                landed = pts[int(np.argmin(inside))]
                label = f"{name}: thrown to w = {landed[0]:.3g}, b = {landed[1]:.3g}"
            line = pg.PlotDataItem(shown[:, 0], shown[:, 1], pen=pg.mkPen(colour, width=2.5), name=label,
                                   symbol=symbol, symbolSize=8, symbolBrush=colour,
                                   symbolPen=pg.mkPen("#ffffff", width=1.0))
            # the first path on top: in the demo it is the unclipped one, which the others
            # follow exactly until the wall
            line.setZValue(10 + len(paths) - len(self._path_items))
            self.plot_item.addItem(line)
            self._path_items.append(line)
        if paths:
            start = next(iter(paths.values()))
            start = np.asarray(start, dtype=np.float64).reshape(-1, 2)
            if len(start):
                star = pg.ScatterPlotItem([start[0, 0]], [start[0, 1]], symbol="star", size=22,
                                          brush="#ffff33", pen=pg.mkPen("#222222", width=1.2), name="start")
                star.setZValue(20 + len(paths))
                self.plot_item.addItem(star)
                self._path_items.append(star)

    def _mark_exit(self, before: np.ndarray, at: np.ndarray, colour: str) -> None:
        d = at - before
        arrow = pg.ArrowItem(pos=(float(at[0]), float(at[1])), angle=0.0, headLen=22, tipAngle=35,
                             brush=colour, pen=pg.mkPen("#222222", width=1))
        self._arrows.append((arrow, d))
        arrow.setZValue(20 + len(self._path_items))
        self.plot_item.addItem(arrow, ignoreBounds=True)
        self._path_items.append(arrow)
        self._update_arrows()

    def _update_arrows(self, *_) -> None:
        px, py = self.plot_item.vb.viewPixelSize()
        if not (px > 0 and py > 0):
            return
        for arrow, d in self._arrows:
            # ArrowItem's angle 0 points its tip left; screen y grows downwards.
            ang = np.degrees(np.arctan2(-d[1] / py, d[0] / px)) + 180.0
            arrow.setStyle(angle=float(ang))


def demo_paths(steps: int = 30, *, clips: tuple[str, ...] = ("none", "norm")) -> dict[str, np.ndarray]:
    """Paths of the :data:`~gradsim.core.cliff.DEMO` descent, one per clipping mode."""
    names = {"none": "no clipping", "norm": "clip by norm", "value": "clip by value"}
    out = {}
    for clip in clips:
        d = CliffDescent(DEMO.w0, DEMO.b0, DEMO.lr, clip=clip, threshold=DEMO.threshold)
        d.run(steps)
        out[names[clip]] = d.path()
    return out


def render_cliff_figure(path: str | Path, *, steps: int = 30, n: int = 200,
                        clips: tuple[str, ...] = ("none", "norm"),
                        size: tuple[int, int] = (1200, 900)) -> Path:
    """Write the demonstration (surface + paths) to PNG / SVG / PDF (needs a QApplication)."""
    export.ensure_qapp()
    widget = CliffPlot()
    try:
        widget.set_surface(*error_surface(*SURFACE_RANGE, n=n))
        widget.resize(*size)
        widget.set_paths(demo_paths(steps, clips=clips))
        return export.export_widget(widget, path, *size)
    finally:
        widget.close()
        widget.deleteLater()


if __name__ == "__main__":  # pragma: no cover - manual preview
    import os
    import sys

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(render_cliff_figure(sys.argv[1] if len(sys.argv) > 1 else "cliff.png", clips=("none", "norm", "value")))
