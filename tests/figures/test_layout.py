"""Numbers written one way, legends that cover no data, markers that leave the curve
visible, exact zeros and explosions that stay visible, exports that scale for slides."""

from __future__ import annotations

import math
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gradsim.core.numbers import format_value  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.mark.parametrize("value, digits, text", [
    (36088.0, 2, "3.6·10⁴"), (1.24e4, 2, "1.2·10⁴"), (1.24e4, 3, "1.24·10⁴"), (0.167, 3, "0.167"),
    (1000.0, 2, "1000"), (1e-20, 2, "10⁻²⁰"), (-2.5e-7, 2, "−2.5·10⁻⁷"), (3e6, 2, "3·10⁶"),
    (0.0, 2, "0"), (float("nan"), 2, "—"), (None, 2, "—"), (math.inf, 2, "∞"), (12.5, 3, "12.5"),
])
def test_format_value_writes_one_form(value, digits, text):
    assert format_value(value, digits) == text
    assert "e+" not in format_value(value, digits) and "e-" not in format_value(value, digits)


def _shown(widget, w=800, h=500):
    widget.resize(w, h)
    widget.show()
    for _ in range(2):
        QApplication.processEvents()
        widget.grab()
        widget.layout_legend()
    QApplication.processEvents()
    return widget


def test_the_lone_target_dot_is_not_under_the_predictions_legend(qtbot):
    from gradsim.figures import plots

    p = plots.PredictionPlot()
    qtbot.addWidget(p)
    target = np.full(50, np.nan)
    target[-1] = 1.6  # top right, where the legend went
    p.set_data(np.full(50, 1.0), target)
    _shown(p)
    legend = p.legend.sceneBoundingRect()
    dot = p.plotItem.vb.mapViewToScene(pg_point(49.0, 1.6))
    assert not legend.contains(dot), (legend, dot)
    assert p.legend.isVisible()


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def test_a_legend_with_no_free_corner_gets_room_above_the_data(qtbot):
    from gradsim.figures import plots

    s = plots.SeriesPlot(title="t")
    qtbot.addWidget(s)
    steps = np.arange(100.0)
    # noise over the whole plot: no corner is free
    rng = np.random.default_rng(0)
    s.set_data(steps, {"a": rng.random(100), "b": rng.random(100)})
    _shown(s)
    legend = s.legend.sceneBoundingRect()
    tr = s.plotItem.vb.childGroup.sceneTransform()
    for item in s.plotItem.listDataItems():
        for x, y in zip(item.xData, item.yData):
            assert not legend.contains(tr.map(pg_point(x, y)))
    _lo, hi = s.plotItem.vb.viewRange()[1]
    assert hi > 1.2  # the range grew above the data (max < 1) to make the room


def test_clip_marks_are_a_thinned_rug_not_marks_on_the_curve(qtbot):
    from gradsim.figures import plots

    lp = plots.LossPlot()
    qtbot.addWidget(lp)
    steps = np.arange(100_000.0)
    lp.set_data(steps, np.exp(np.sin(steps / 500)), clipped_steps=steps)  # clipped at every step
    _shown(lp)
    assert lp.rug.count == 100_000
    x, y = lp.rug.item.xData, lp.rug.item.yData
    assert len(x) <= 2 * plots.RUG_MARKS  # two points per tick
    lo, hi = lp.plotItem.vb.viewRange()[1]
    assert y.max() <= lo + 0.05 * (hi - lo)  # along the bottom, under the curve
    assert all(i.opts.get("symbol") is None for i in lp.plotItem.listDataItems())
    names = [label.text for _, label in lp.legend.items]
    assert "gradient clipped (100000 steps)" in names
    assert plots.thin_marks(np.array([0.0, 1.0, 1.0e6]), bins=2).tolist() == [0.0, 1.0e6]


def test_iteration_axes_have_integer_ticks_and_no_si_prefix(qapp):
    from gradsim.figures.plots import _IterationAxis

    ax = _IterationAxis("bottom")
    for lo, hi in ((0.0, 2.5), (-0.4, 0.4), (0.0, 10.0), (-500.0, 500.0), (0.0, 2e6)):
        values = [v for _spacing, vals in ax.tickValues(lo, hi, 400) for v in vals]
        assert values and all(float(v).is_integer() for v in values), (lo, hi, values)
    assert ax.autoSIPrefix is False


def test_exact_zeros_have_their_own_colour_and_exploded_rows_are_marked(qtbot):
    from gradsim.figures import plots
    from gradsim.figures.scale import ZERO_INDEX, colour_indices, exploded_rows

    idx, _lv = colour_indices(np.array([[0.0, 1e-20, 1.0, np.inf, np.nan]]), (-20.0, 0.0))
    assert idx.tolist() == [[ZERO_INDEX, 1, 255, 255, 255]]
    lut = plots.heatmap_lut()
    assert tuple(lut[ZERO_INDEX]) == plots.ZERO_COLOUR and tuple(lut[1]) != plots.ZERO_COLOUR
    rows = np.log10(np.r_[1e7, 1e6, np.full(300, 1e-4)])
    assert exploded_rows(rows).tolist()[:3] == [True, True, False]
    hp = plots.HeatmapPlot()
    qtbot.addWidget(hp)
    data = np.full((300, 20), 1e-4)
    data[:2] = 1e7  # the explosion of the `exploding` preset: the first rows only
    data[:, :3] = 0.0
    hp.set_data(data)
    xs, ys = hp.exploded_marks.getData()
    assert len(ys) >= 1 and ys.max() < 3 and xs.max() < 0  # beside the image, at those rows
    assert hp.plot_item.vb.viewRange()[0][0] < xs.min()  # in view
    assert hp.zero_patch.isVisible()
    hp.set_data(np.full((10, 20), 1e-3))
    assert not hp.zero_patch.isVisible() and len(hp.exploded_marks.getData()[0]) == 0


def test_slide_sized_exports_scale_their_fonts(qtbot, tmp_path):
    from gradsim.figures import export, plots

    assert export.export_scale(1200, 800) == 1.0
    assert export.export_scale(800, 600) == 1.0
    assert export.export_scale(1920, 1080) == pytest.approx(1.35)
    assert export.export_scale(3840, 2160) == pytest.approx(2.7)
    lp = plots.LossPlot()
    qtbot.addWidget(lp)
    lp.set_data(np.arange(50.0), np.linspace(2.0, 0.5, 50))
    small = export.export_widget(lp, tmp_path / "a.png", 1200, 800)
    big = export.export_widget(lp, tmp_path / "b.png", 2400, 1600)

    def grey(path, factor=1):
        im = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
        a = np.frombuffer(im.constBits(), np.uint8).reshape(im.height(), im.bytesPerLine())[:, : im.width()]
        a = a.astype(float)
        return a.reshape(a.shape[0] // factor, factor, a.shape[1] // factor, factor).mean(axis=(1, 3))

    # the 2400 × 1600 export is the 1200 × 800 figure drawn twice as large (text included),
    # not a wider layout with the same 11-pt text
    assert np.abs(grey(big, 2) - grey(small)).mean() < 4.0


def test_large_linear_ticks_are_compact_so_a_narrow_axis_keeps_them(qapp):
    """50000 is five digits in large fonts: a narrow eigenvalue axis in presentation mode dropped
    every label; from 10⁴ on a tick reads 5·10⁴ (one formatter), below that pyqtgraph's decimals."""
    from gradsim.figures.plots import SpectrumPlot, _LogAxis

    axis = _LogAxis("bottom")
    assert axis.tickStrings([-50000.0, 0.0, 50000.0], 1.0, 50000.0) == ["−5·10⁴", "0", "5·10⁴"]
    assert axis.tickStrings([0.0, 0.5, 1.0], 1.0, 0.5) == ["0", "0.5", "1.0"]  # pyqtgraph's own
    plot = SpectrumPlot()
    assert isinstance(plot.plotItem.getAxis("bottom"), _LogAxis)
