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


@pytest.mark.parametrize("spectrum_every", [1, 3], ids=["every-step", "every-3rd-step"])
def test_the_eigenvalue_title_and_every_other_rho_are_one_computation(qtbot, make_session, spectrum_every):
    """The eigenvalue plot's title, the profile's legend and the ρ series show the ρ of one
    computation, also right after a step (the spectrum was taken after the update, one
    update ahead of the snapshot's ρ) and between two spectrum measurements."""
    from gradsim.app.plots_panel import PlotsPanel
    from gradsim.core.numbers import format_value
    from conftest import round_trip

    # adam at a large rate on an orthogonal W_hh of gain 3: ρ moves by percents per update
    s = make_session(**{**SMALL, "init": "orthogonal", "init_gain": 3.0, "lr": 0.05, "spectrum_every": spectrum_every})
    panel = PlotsPanel(s)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    qtbot.waitUntil(lambda: s.run_info is not None, timeout=20000)
    seen = set()
    for n in range(1, 5):
        s.step()
        qtbot.waitUntil(lambda n=n: s.iteration >= n, timeout=20000)
        round_trip(qtbot, s)  # the spectrum sent after that step has arrived too
        panel.draw_all()
        snap = s.last
        rho = format_value(snap.spectral_radius, 3)
        seen.add(rho)
        assert s.eigen_step == snap.spectrum_step
        assert format_value(float(np.abs(s.eigenvalues[0]).max()), 3) == rho
        title = panel.spectrum.plotItem.titleLabel.text
        assert title.endswith(f"ρ = {rho}"), (title, rho)
        legend = [label.text for _sample, label in panel.profile.legend.items]
        assert any(f"ρ = {rho}" in text for text in legend), (legend, rho)
        y = panel.spectral._items["spectral radius ρ"].yData
        assert format_value(float(y[-1]), 3) == rho
    assert len(seen) >= 2  # ρ did move: a value one update behind would have shown


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: the tooltip is raised on a desktop
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_badge_too_long_for_its_plot_wraps_then_is_elided_never_cut(qtbot, lang):
    from gradsim.app.i18n import set_language
    from gradsim.app.live_plots import LiveProfilePlot

    if lang != "en":
        assert set_language(lang)
    text = {"en": "vanishing, measured ×0.71/step; the bound allows growth: γσ_max = 1.13·10⁵  "
                  "(curves on the 'last' view)",
            "zh": "梯度消失，实测每步 ×0.71；上界允许增长：γσ_max = 1.13·10⁵（曲线基于“last”视图）"}[lang]
    p = LiveProfilePlot()
    qtbot.addWidget(p)
    p.show()
    prof = np.logspace(-10, 0, 30)
    for size in ((900, 400), (420, 300), (230, 150)):
        p.resize(*size)
        p.update_data(prof, title="Newest profile (last)")
        p.set_badge(text, "vanishing", "the bound's detail")
        QApplication.processEvents()
        b, g = p.badge, p.badge.geometry()
        assert p.rect().contains(g), (size, g)
        view = p.mapFromScene(p.plotItem.vb.sceneBoundingRect()).boundingRect()
        assert g.right() <= view.right() + 1, (size, g, view)
        if b.wordWrap():
            assert b.heightForWidth(g.width()) <= g.height() and b.minimumSizeHint().width() <= g.width()
        else:
            assert b.sizeHint().width() <= g.width()
        if b.text() != text:
            assert b.text().endswith("…") and b.toolTip().startswith(text), (size, b.text())
        else:
            assert b.toolTip() == "the bound's detail"
    assert b.text() != text  # at 230×150 it had to be elided
    # the badge lets the mouse through to the plot, and still shows its tooltip
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    at = p.viewport().mapFrom(p, b.geometry().center())
    QApplication.sendEvent(p.viewport(), QHelpEvent(QHelpEvent.Type.ToolTip, at, p.viewport().mapToGlobal(at)))
    assert QToolTip.text().startswith(text)
    QToolTip.hideText()
    p.resize(900, 400)
    QApplication.processEvents()
    assert p.badge.text() == text and not p.badge.wordWrap()  # whole again with room


def test_rho_and_sigma_are_thinned_onto_the_same_steps():
    """Past ~2000 iterations ρ and σ_max were thinned one by one onto different steps and
    σ_max drawn over ρ's: "X and Y arrays must be the same shape" at every redraw."""
    from gradsim.app.plots_panel import MAX_SERIES_POINTS, thin_together

    n = 3 * MAX_SERIES_POINTS
    steps = np.arange(float(n))
    rng = np.random.default_rng(0)
    rho, sigma = rng.random(n), rng.random(n)
    st, r, sg = thin_together(steps, rho, sigma)
    assert len(st) == len(r) == len(sg) < n
    for values, kept in ((rho, r), (sigma, sg)):
        np.testing.assert_array_equal(kept, values[st.astype(int)])  # each value at its own step
        assert values.max() in kept and values.min() in kept  # no extreme is skipped


# --------------------------------------------------------------------------- the legend's key
NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "readout W", "readout b")


def _noisy_norms(n: int = 200, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Six per-parameter norms that fill the whole view, as the exploding preset's do."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n, dtype=np.float64)
    return steps, {name: 10.0 ** (rng.uniform(-12, 2, n)) for name in NAMES}


def _settle(plot, rounds: int = 3) -> None:
    for _ in range(rounds):
        QApplication.processEvents()
        plot.grab()
        plot.layout_legend()
    QApplication.processEvents()


def _key_state(plot) -> tuple:
    vb = plot.plotItem.vb
    return (plot.legend.isVisible(), plot.legend_key.shown, plot.legend_key.cell, plot.legend_key.html,
            round(vb.width()), round(vb.height()))


def test_a_legend_that_covers_data_everywhere_leaves_its_names_in_a_key_outside_the_view(qtbot):
    from PySide6.QtCore import Qt

    from gradsim.app.live_plots import LiveSeriesPlot
    from gradsim.app.presentation import FONT_SCALE, style_plot
    from gradsim.figures import plots

    p = LiveSeriesPlot(title="Gradient norms", y_label="‖∂L/∂θ‖", log_y=True, legend_columns=2, noisy=True)
    qtbot.addWidget(p)
    style_plot(p, FONT_SCALE)
    p.resize(424, 190)  # the gradient norms in presentation mode at 1280×720
    p.show()
    steps, series = _noisy_norms()
    p.update_data(steps, series)
    _settle(p)
    key = p.legend_key
    assert not p.legend.isVisible() and key.shown
    assert key.names == list(NAMES)
    text = " ".join(key.label.item.toPlainText().replace("\xa0", " ").split())
    assert all(name in text for name in NAMES), text
    # each name behind its own curve's colour and style (a line with dots: "━●━")
    for i, name in enumerate(NAMES):
        colour = plots.PALETTE[i % len(plots.PALETTE)]
        assert f"<span style='color: {colour}'>━●━</span>&nbsp;{name}" in key.html, name
    # outside the view: it shrank the view rather than covering it
    rect = key.label.sceneBoundingRect()
    overlap = rect.intersected(p.plotItem.vb.sceneBoundingRect())
    assert overlap.width() <= 1.0 or overlap.height() <= 1.0, (rect, p.plotItem.vb.sceneBoundingRect())
    assert p.rect().contains(p.mapFromScene(rect).boundingRect())
    # and it holds: placements after it do not bring the legend back over the data (which the
    # larger view without the key would make it do), four times a second
    state = _key_state(p)
    for _ in range(6):
        p.update_data(steps, series)
        _settle(p, rounds=1)
        assert _key_state(p) == state
    # data that would leave a corner free do not bring the legend back either: only a resize,
    # other entries or their font, or a new run end the key's hold
    low = {name: np.full_like(steps, 1e-12) for name in NAMES}
    p.update_data(steps, low)
    _settle(p)
    assert not p.legend.isVisible() and key.shown and key.holds()
    p.update_data(steps, series)
    _settle(p)
    # a larger plot has room for the legend: the key goes
    p.resize(1400, 900)
    _settle(p)
    assert p.legend.isVisible() and not key.shown and key.html == ""
    p.resize(424, 190)
    _settle(p)
    assert not p.legend.isVisible() and key.shown
    # a new run tries the legend again (and here leaves it out again, in a key)
    p.reset_view()
    assert not key.shown and not key.holds()
    p.update_data(steps, series)
    _settle(p)
    assert not p.legend.isVisible() and key.shown and key.holds()
    # other entries end the hold: the key follows them
    fewer = dict(list(series.items())[:5])
    p.update_data(steps, fewer)
    _settle(p)
    assert key.names == list(NAMES[:5]) and "readout b" not in key.html
    # a dashed line's entry reads as dashed; a dot alone as a dot
    dashed = p.plot([0.0, 1.0], [0.0, 1.0], pen=pg_pen(Qt.PenStyle.DashLine), name="dashed")
    dot = p.plot([0.5], [0.5], pen=None, symbol="o", symbolBrush="#d62728", name="dot")
    from gradsim.figures.layout import _entry_glyph

    assert _entry_glyph(dashed) == ("#123456", "╍╍")
    assert _entry_glyph(dot) == ("#d62728", "●")


def pg_pen(style):
    import pyqtgraph as pg

    return pg.mkPen("#123456", width=2, style=style)
