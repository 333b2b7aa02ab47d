"""What a class sees on the plots' edges: legends that fit their plot, empty axes that
show the new run's extent, labels that stay on the plot, log ticks that do not pile up."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app_configs import SMALL  # noqa: E402

LONG = {"(γλ₁)^(T−1−t) bound, γλ₁ = 8.74e+04": 10.0, "ρ^(T−1−t) (eigenvalue rate), ρ = 1.66e+04": 5.0}


def _legend_rect(plot):
    leg = plot.legend
    return leg.mapRectToParent(leg.boundingRect())


def test_profile_legend_fits_its_plot_and_shrinks_back(qtbot):
    from gradsim.app.live_plots import LiveProfilePlot

    p = LiveProfilePlot()
    qtbot.addWidget(p)
    p.resize(320, 300)
    p.show()
    QApplication.processEvents()
    prof = np.logspace(-10, 0, 50)
    p.update_data(prof, bounds={k: prof * v for k, v in LONG.items()})
    QApplication.processEvents()
    vb = p.plotItem.vb.boundingRect()
    rect = _legend_rect(p)
    assert rect.left() >= vb.left() - 1 and rect.right() <= vb.right() + 1, (rect, vb)  # inside the plot
    assert p.legend.scale() < 1.0
    p.update_data(prof, bounds={})
    QApplication.processEvents()
    (_sample, label), = p.legend.items
    # the box is as wide as its one entry again, not as the long entries that are gone
    assert p.legend.width() < label.item.boundingRect().width() + 60
    assert p.legend.scale() == pytest.approx(1.0)
    p.resize(900, 300)  # more room: full size again, whatever came before
    p.update_data(prof, bounds={k: prof * v for k, v in LONG.items()})
    QApplication.processEvents()
    assert p.legend.scale() == pytest.approx(1.0)


def test_an_empty_legend_is_hidden_and_a_hidden_one_stays_hidden(qtbot):
    from gradsim.app.live_plots import LiveSeriesPlot, LiveSpectrumPlot

    s = LiveSeriesPlot(title="t")
    qtbot.addWidget(s)
    s._fit_legend()
    assert not s.legend.isVisible()
    s._curve("a", 0, "a")
    assert s.legend.isVisible()
    e = LiveSpectrumPlot()
    qtbot.addWidget(e)
    e._fit_legend()
    assert not e.legend.isVisible()


def test_a_new_run_shows_its_own_extent_before_the_first_iteration(qtbot, make_window):
    w = make_window(**{**SMALL, "seq_len": 40})
    qtbot.waitUntil(lambda: w.session.run_info is not None, timeout=15000)
    w.session.step()
    qtbot.waitUntil(lambda: w.session.iteration >= 1, timeout=15000)
    w.session.set_config(w.session.config.replace(seq_len=3), reset=True)
    qtbot.waitUntil(lambda: w.session.run_info is not None and w.session.run_info.config.seq_len == 3,
                    timeout=15000)
    QApplication.processEvents()
    x0, x1 = w.plots.profile.plotItem.vb.viewRange()[0]
    assert x1 < 5, (x0, x1)  # 0 … 2 with margins, not 0 … 39 of the last run
    hx, hy = w.plots.heatmap.plot_item.vb.viewRange()
    assert hx[1] < 5 and hy[1] < 20, (hx, hy)
    lx = w.plots.loss.plotItem.vb.viewRange()[0]
    assert lx[1] < 20


@pytest.mark.parametrize("step, side", [(0.0, 0.0), (10.0, 0.0), (90.0, 1.0)])
def test_divergence_label_sits_on_the_side_with_room(step, side):
    from gradsim.figures.plots import divergence_label_anchors

    assert divergence_label_anchors(step, np.arange(100.0)) == [(side, 0.5), (side, 0.5)]


def test_log_axis_minor_ticks_do_not_pile_up(qapp):
    from gradsim.figures.plots import _LogAxis

    ax = _LogAxis("left")
    ax.setLogMode(True)

    def minors(lo, hi):
        levels = ax.tickValues(lo, hi, 300)
        return [round(10 ** v, 6) for spacing, vals in levels if spacing is None for v in vals]

    wide = minors(-1.0, 0.3)  # 1.3 decades: 2 and 5 between the decades, never 0.7 0.8 0.9
    assert {0.2, 0.5} <= set(wide) <= {0.1, 0.2, 0.5, 1.0, 2.0}, wide
    assert 0.3 in minors(-0.9, -0.4)  # under 0.6 of a decade: every integer multiple


def test_reference_label_goes_below_a_line_at_the_top(qtbot):
    from gradsim.app.live_plots import LiveSeriesPlot

    p = LiveSeriesPlot(title="ρ and σ_max")
    qtbot.addWidget(p)
    steps = np.arange(10.0)
    p.update_data(steps, {"σ_max": np.linspace(1.0, 1.5, 10)}, reference=4.0, reference_label="1/γ = 4")
    assert p._ref.label.anchors == [(0, 0), (0, 0)]  # 1/γ = 4 is the top of the plot: label under it
    p.update_data(steps, {"σ_max": np.linspace(1.0, 3.0, 10)}, reference=1.0, reference_label="1/γ = 1")
    assert p._ref.label.anchors == [(0, 1), (0, 1)]
