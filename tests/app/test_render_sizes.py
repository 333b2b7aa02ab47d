"""What the room sees, at every size: every plot of the live panel and every exported figure,
at 1280×720, 1920×1080 and 3840×2160, in English and Chinese, normal and presentation mode,
with no title or tick label outside its widget, no title cut inside a number, and no legend
over a plotted point.

The checks are geometric (scene coordinates after a real paint), so they are fast and need
no pixel comparison: a text item's ``sceneBoundingRect`` must lie in the widget's rectangle,
an elided title must end in "…" (never in a cut digit), and no data point (curve vertices and
points along its segments, markers) may fall inside a legend's rectangle.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QRectF  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app_configs import SMALL  # noqa: E402

SIZES = ((1280, 720), (1920, 1080), (3840, 2160))
#: The part of a normal window the plots get (controls dock, tool bar, menu and status bar).
CHROME = (300, 110)
TOL = 1.0  # pixels


# --------------------------------------------------------------------------- checks
def _views(widget) -> list[pg.GraphicsView]:
    return [widget] if isinstance(widget, pg.GraphicsView) else widget.findChildren(pg.GraphicsView)


def _plot_items(view) -> list[pg.PlotItem]:
    return [it for it in view.scene().items() if isinstance(it, pg.PlotItem) and it.isVisible()
            and not isinstance(it, pg.ColorBarItem)]


def _inside(inner: QRectF, outer: QRectF) -> bool:
    return (inner.left() >= outer.left() - TOL and inner.right() <= outer.right() + TOL
            and inner.top() >= outer.top() - TOL and inner.bottom() <= outer.bottom() + TOL)


def _axis_texts(axis: pg.AxisItem, label: bool = True) -> list[tuple[QRectF, str]]:
    """(scene rect, text) of each tick label the axis draws, and of its label (``label``)."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        _axis_spec, _ticks, texts = axis.generateDrawSpecs(painter)
        metrics = painter.fontMetrics()
        out = []
        for rect, _flags, text in texts:
            # the drawn text, not the rect pyqtgraph reserved for it (TextDontClip)
            width = metrics.horizontalAdvance(text)
            drawn = QRectF(rect)
            if width > rect.width():
                grow = width - rect.width()
                if axis.orientation == "left":
                    drawn.setLeft(rect.left() - grow)
                elif axis.orientation == "right":
                    drawn.setRight(rect.right() + grow)
                else:
                    drawn.adjust(-grow / 2, 0, grow / 2, 0)
            out.append((axis.mapRectToScene(drawn), text))
    finally:
        painter.end()
    if label and axis.label.isVisible() and axis.labelText:
        out.append((_text_rect(axis.label), axis.labelText))
    return out


def _axis_problems(name: str, what: str, axis: pg.AxisItem, box: QRectF) -> list[str]:
    """An axis's tick labels and label outside ``box``, or its label over its tick labels."""
    out = []
    ticks = _axis_texts(axis, label=False)
    if axis.style["showValues"] and not ticks:  # pyqtgraph drops labels wider than the axis
        out.append(f"{name}: {what} shows no tick label")
    for rect, text in _axis_texts(axis):
        if not _inside(rect, box):
            out.append(f"{name}: {what} text {text!r} at {rect} outside {box}")
    if axis.label.isVisible() and axis.labelText:
        label = _text_rect(axis.label).adjusted(TOL, TOL, -TOL, -TOL)
        for rect, text in ticks:
            if label.intersects(rect):
                out.append(f"{name}: {what} label {axis.labelText!r} at {label} over its tick label "
                           f"{text!r} at {rect}")
    return out


def _line_label_problems(name: str, vb: pg.ViewBox) -> list[str]:
    """The label of a horizontal line (baseline, "1/γ = 1") over plotted measurements."""
    out = []
    pts = _data_scene_points(vb)
    for line in vb.childGroup.childItems():
        label = getattr(line, "label", None)
        if (isinstance(line, pg.InfiniteLine) and line.isVisible() and line.angle % 180 == 0
                and label is not None and label.isVisible() and label.format):
            rect = _text_rect(label.textItem)
            inside = ((pts[:, 0] > rect.left()) & (pts[:, 0] < rect.right())
                      & (pts[:, 1] > rect.top()) & (pts[:, 1] < rect.bottom()))
            if inside.any():
                out.append(f"{name}: the line label {label.format!r} {rect} covers {int(inside.sum())} plotted points")
    return out


def _badge_problems(name: str, widget) -> list[str]:
    """The profile's theory badge: inside its plot widget and its view, its text not cut
    (the label as large as its text needs), elided only with "…" and the whole text in its tooltip."""
    badge = getattr(widget, "badge", None)
    if badge is None or not badge.isVisible():
        return []
    out = []
    g = badge.geometry()
    vb = widget.mapFromScene(widget.plotItem.vb.sceneBoundingRect()).boundingRect()
    if not widget.rect().contains(g):
        out.append(f"{name}: badge {g} leaves its widget {widget.rect()}")
    if g.right() > vb.right() + TOL or g.left() < vb.left() - TOL:
        out.append(f"{name}: badge {g} runs past the view {vb}")
    need = (badge.heightForWidth(g.width()) if badge.wordWrap() else badge.sizeHint().height(),
            badge.minimumSizeHint().width() if badge.wordWrap() else badge.sizeHint().width())
    if need[0] > g.height() or need[1] > g.width():
        out.append(f"{name}: badge text needs {need[1]}×{need[0]} px in a {g.width()}×{g.height()} badge")
    full = widget._badge_text
    if badge.text() != full and not (badge.text().endswith("…") and badge.toolTip().startswith(full)):
        out.append(f"{name}: badge {badge.text()!r} cut without an ellipsis or the whole text in its tooltip")
    return out


def _key_problems(name: str, view, item, box: QRectF) -> list[str]:
    """A legend left out (it covers data wherever it goes) leaves its entries in the key beside
    or under the view: every name there, inside the widget, clear of the view and the axes."""
    key = getattr(view, "legend_key", None)
    wanted = getattr(view, "legend_wanted", True)
    if key is None or not wanted:
        return []
    if item.legend.isVisible():
        return [f"{name}: the legend and its key both shown"] if key.shown else []
    if not key.shown:
        return [f"{name}: legend left out and no key: {key.names} unnamed"]
    out = []
    rect = _text_rect(key.label.item)
    text = key.label.item.toPlainText().replace("\xa0", " ")
    missing = [n for n in key.names if _plain(n) not in " ".join(text.split())]
    if missing:
        out.append(f"{name}: key {text!r} lacks {missing}")
    lines = _laid_out_lines(key.label.item)
    broken = [n for n in key.names if not any(_plain(n) in line for line in lines)
              and max(map(len, lines), default=0) > len(_plain(n))]  # a name longer than any line may wrap
    if broken:
        out.append(f"{name}: key entries {broken} broken across the lines {lines}")
    if not _inside(rect, box):
        out.append(f"{name}: key {text!r} at {rect} outside {box}")
    for what, other in (("view", item.vb), *((f"{s} axis", item.getAxis(s)) for s in ("left", "bottom"))):
        overlap = rect.intersected(other.sceneBoundingRect())
        if other.isVisible() and overlap.width() > TOL and overlap.height() > TOL:
            out.append(f"{name}: key {text!r} at {rect} over the {what} {other.sceneBoundingRect()}")
    return out


def _laid_out_lines(item) -> list[str]:
    """The text of each line a QGraphicsTextItem's document is laid out in (wrapping included)."""
    doc = item.document()
    out = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            out.append(block.text()[line.textStart():line.textStart() + line.textLength()].replace("\xa0", " ").strip())
        block = block.next()
    return out


def _text_rect(item) -> QRectF:
    """Scene rectangle of a QGraphicsTextItem's text, without the document's empty margin."""
    m = item.document().documentMargin()
    return item.mapRectToScene(item.boundingRect().adjusted(m, m, -m, -m))


def _data_scene_points(vb: pg.ViewBox) -> np.ndarray:
    """Scene coordinates of every measurement plotted in ``vb``: vertices, 8 points along each
    segment of a line, marker centres; only what lies inside the view (the rest is clipped).
    Reference curves (bounds, the unit circle, baselines) are not measurements."""
    pts = []
    for item in vb.childGroup.childItems():  # addedItems lacks the ignoreBounds ones
        if not item.isVisible() or isinstance(item, (pg.InfiniteLine, pg.ImageItem)):
            continue
        if getattr(item, "gradsim_reference", False):
            continue  # a theory bound or the unit circle: a comparison, not a measurement
        if isinstance(item, pg.PlotDataItem):
            x, y = item.xData, item.yData
            line = item.opts.get("pen") is not None
            pairs = item.opts.get("connect") == "pairs"
        elif isinstance(item, pg.ScatterPlotItem):
            x, y = item.getData()
            line = pairs = False
        else:
            continue
        if x is None or not len(x):
            continue
        xy = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
        xy = xy[np.isfinite(xy).all(axis=1)]
        if line and len(xy) > 1:
            a, b = (xy[0:-1:2], xy[1::2]) if pairs else (xy[:-1], xy[1:])
            t = np.linspace(0.0, 1.0, 8)[:, None, None]
            xy = np.vstack([xy, (a + t * (b - a)).reshape(-1, 2)])
        tr = vb.childGroup.sceneTransform()
        sx = tr.m11() * xy[:, 0] + tr.m21() * xy[:, 1] + tr.dx()
        sy = tr.m12() * xy[:, 0] + tr.m22() * xy[:, 1] + tr.dy()
        pts.append(np.column_stack([sx, sy]))
    if not pts:
        return np.zeros((0, 2))
    pts = np.vstack(pts)
    view = vb.sceneBoundingRect()
    keep = ((pts[:, 0] >= view.left()) & (pts[:, 0] <= view.right())
            & (pts[:, 1] >= view.top()) & (pts[:, 1] <= view.bottom()))
    return pts[keep]


def problems(name: str, widget, legends: bool = True) -> list[str]:
    """Everything wrong with ``widget``'s text and (``legends``) legends, as readable lines."""
    out = []
    for view in _views(widget):
        if not view.isVisible():
            continue
        box = QRectF(view.mapToScene(view.viewport().rect()).boundingRect())
        for item in _plot_items(view):
            title = item.titleLabel
            if title.isVisible() and title.text:
                rect = _text_rect(title.item)
                shown = title.item.toPlainText()
                if not _inside(rect, box):
                    out.append(f"{name}: title {shown!r} at {rect} outside {box}")
                fitted = getattr(getattr(view, "title_fit", None), "shorter", ())
                if shown != _plain(title.text) and shown not in fitted:  # whole, or a shorter form
                    if not shown.endswith("…"):
                        out.append(f"{name}: title cut without an ellipsis: {shown!r}")
                    elif len(shown) > 1 and (shown[-2].isdigit() or shown[-2] in "·.⁰¹²³⁴⁵⁶⁷⁸⁹"):
                        out.append(f"{name}: title cut inside a number: {shown!r}")
            for side in ("left", "bottom", "right", "top"):
                axis = item.getAxis(side)
                if axis.isVisible():
                    out += _axis_problems(name, f"{side} axis", axis, box)
            if legends:
                out += _line_label_problems(name, item.vb)
            legend = item.legend
            if legends and legend is not None and legend.isVisible() and legend.items:
                rect = legend.sceneBoundingRect()
                pts = _data_scene_points(item.vb)
                inside = ((pts[:, 0] > rect.left()) & (pts[:, 0] < rect.right())
                          & (pts[:, 1] > rect.top()) & (pts[:, 1] < rect.bottom()))
                if inside.any():
                    out.append(f"{name}: legend {rect} covers {int(inside.sum())} plotted points")
            if legends and legend is not None and legend.items:
                out += _key_problems(name, view, item, box)
        bar = getattr(widget, "color_bar", None)
        if bar is not None:
            label = bar.getAxis("left").label
            if label.isVisible() and bar.getAxis("left").labelText:
                along = _text_rect(label).height()  # rotated: its length runs along the bar
                if along > bar.getAxis("left").height() + TOL:
                    out.append(f"{name}: colour bar label {along:.0f} px long on a "
                               f"{bar.getAxis('left').height():.0f} px bar")
            for side in ("left", "right"):
                axis = bar.getAxis(side)
                if axis.isVisible():
                    out += _axis_problems(name, "colour bar", axis, box)
    return out + _badge_problems(name, widget)


def _plain(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _settle(widget, rounds: int = 2) -> None:
    """Lay out, paint (pyqtgraph widens an axis for its text while painting), and place the
    legends now rather than after the live plots' 250 ms delay; twice, as after a resize."""
    plots = [w for w in [widget, *widget.findChildren(pg.PlotWidget)] if hasattr(w, "layout_legend")]
    for _ in range(rounds):
        QApplication.processEvents()
        widget.grab()
        for plot in plots:
            plot.layout_legend()
        QApplication.processEvents()
    widget.grab()
    QApplication.processEvents()


# --------------------------------------------------------------------------- live panel
#: Presentation mode's plots: the whole panel (F11), or a lecture step's choice (the first
#: large, the others in a column beside it: the narrowest plots of all).
CHOSEN = ("heatmap", "loss", "profile")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mode", ["normal", "presentation", "presentation-chosen"])
def test_live_plots_fit_at_every_size(qtbot, make_session, lang, mode):
    from gradsim.app.i18n import set_language
    from gradsim.app.plots_panel import PlotsPanel
    from gradsim.app.presentation import FONT_SCALE, PresentationView, style_plot

    # an exploding adding run that clips: big ρ in the title, a rug, the lone target dot
    s = make_session(**{**SMALL, "seq_len": 24, "init": "orthogonal", "init_gain": 3.0, "clip": "norm",
                        "clip_threshold": 0.5})
    panel = PlotsPanel(s)
    qtbot.addWidget(panel)
    if lang != "en":
        assert set_language(lang)
    s.step()
    qtbot.waitUntil(lambda: s.iteration >= 1, timeout=20000)
    for _ in range(5):
        s.step()
    qtbot.waitUntil(lambda: s.iteration >= 6 and bool(s.eigenvalues), timeout=20000)
    shown, names = panel, list(panel.widgets())
    if mode != "normal":
        # as MainWindow.toggle_presentation: the window's style sheet enlarges the widgets'
        # text (the theory badge), style_plot the plots'
        base = panel.font().pointSizeF()
        panel.setStyleSheet(f"QWidget {{ font-size: {base * FONT_SCALE:.1f}pt; }}")
        for w in panel.widgets().values():
            style_plot(w, FONT_SCALE)
    if mode == "presentation-chosen":
        shown = PresentationView()
        qtbot.addWidget(shown)
        shown.setStyleSheet(panel.styleSheet())
        shown.borrow(panel.widgets(), CHOSEN)
        names = list(CHOSEN)
    shown.show()
    failures = []
    for width, height in SIZES:
        size = (width, height) if mode != "normal" else (width - CHROME[0], height - CHROME[1])
        shown.resize(*size)
        panel.draw_all()
        # an exploding run's ρ (3.61·10⁴: the longest title, the widest ticks), as the
        # exploding preset reaches in a few steps (a run that large is too slow for a test)
        panel.spectrum.set_data(36088.0 * np.exp(2j * np.pi * np.arange(16) / 16) * np.linspace(0.2, 1, 16))
        _settle(shown)
        for name in names:
            failures += [f"{width}x{height}: {p}" for p in problems(name, panel.widgets()[name])]
    if mode == "presentation-chosen":
        shown.give_back()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_first_frame_after_new_data_gives_wider_tick_labels_their_room(qtbot, lang):
    """pyqtgraph widens an axis for its tick labels only after painting them: the frame
    right after new data (a screenshot, the next repaint) drew "1.45" under the label
    "value" in presentation mode at 1280×720. Painted once, without a layout pass between."""
    from gradsim.app.i18n import set_language
    from gradsim.app.live_plots import LivePredictionPlot, LiveSeriesPlot
    from gradsim.app.presentation import FONT_SCALE, relabel_plot, style_plot

    if lang != "en":
        assert set_language(lang)
    value = QApplication.translate("PlotsPanel", "value")
    pred, series = LivePredictionPlot(), LiveSeriesPlot(title="ρ and σ_max of W_hh", y_label=value)
    relabel_plot(pred, None, value)
    t = np.arange(24.0)
    failures = []
    for plot, narrow, wide in (
        (pred, lambda: pred.update_data(t / 8, np.r_[np.full(23, np.nan), 3.0], None, "adding"),
         lambda: pred.update_data(1.35 + 0.01 * (t % 7), np.r_[np.full(23, np.nan), 1.38], None, "adding")),
        (series, lambda: series.update_data(t, {"ρ": 1.0 + t / 12}, 1.0, "1/γ = 1"),
         lambda: series.update_data(t, {"ρ": 0.0125 + 0.0005 * t}, None)),
    ):
        qtbot.addWidget(plot)
        plot.resize(640, 190)  # the predictions plot in presentation mode at 1280×720
        plot.show()
        style_plot(plot, FONT_SCALE)
        narrow()
        _settle(plot)
        assert problems("before", plot, legends=False) == []
        wide()
        plot.grab()
        failures += problems(type(plot).__name__, plot, legends=False)
    assert not failures, "\n".join(failures)


def test_a_line_label_moves_off_the_data(qtbot):
    """The "1/γ = 1" label started at the left end of its line, over the ρ and σ_max curves
    that start there; it goes to a place along the line that covers none of them."""
    from gradsim.app.live_plots import LiveSeriesPlot

    p = LiveSeriesPlot(title="ρ and σ_max of W_hh", y_label="value")
    qtbot.addWidget(p)
    p.resize(420, 220)
    p.show()
    t = np.arange(40.0)
    for n in (39, 40):  # the label's text is set once the line is shown
        p.update_data(t[:n], {"spectral radius ρ": 1.0 + 0.2 * t[:n], "σ_max": 1.2 + 0.3 * t[:n]}, 1.0, "1/γ = 1")
        _settle(p)
    assert p._ref.label.textItem.toPlainText() == "1/γ = 1"
    assert _line_label_problems("spectral", p.plotItem.vb) == []



@pytest.mark.parametrize("height", [280, 320, 420])
def test_the_profile_legend_below_its_badge_covers_no_data(qtbot, height):
    """The csv preset's profile at 1600×1000 (a 440×270 view): a badge on top, four legend
    entries in the top corner below it, a profile rising to the right across the whole width.
    The legend was sized for a band starting 10 px below the top, not 40 px (below the
    badge): the band it needed exceeded the most the Ranger keeps free, so the legend covered
    the profile, or, blocked, blinked off and on while training. It is scaled to fit."""
    from gradsim.app.live_plots import LiveProfilePlot
    from gradsim.core.theory import measured_rate, profile_curves, theory_from_spectrum

    p = LiveProfilePlot()
    qtbot.addWidget(p)
    p.resize(470, height)
    p.show()
    prof = 0.8 ** (47.0 - np.arange(48.0)) * 10.0 ** np.linspace(-1.5, 0, 48)  # not a straight line
    theory = theory_from_spectrum(1.56, 1.05, "tanh", 48)
    for _ in range(3):  # as a live run: the same picture redrawn
        p.update_data(prof, title="Newest profile (last)", bounds=profile_curves(prof, theory, measured_rate(prof)))
        p.set_badge("vanishing, measured ×0.8/step; the bound allows growth: γσ_max = 1.56", "vanishing")
        _settle(p)
    assert len(p.legend.items) == 4
    assert p.legend.isVisible(), "the legend was left out: it should have been scaled to fit"
    assert [x for x in problems("profile", p) if "legend" in x] == []


# --------------------------------------------------------------------------- exported figures
def _figures():
    from gradsim.figures import plots

    rng = np.random.default_rng(3)
    steps = np.arange(120.0)
    loss = np.exp(rng.normal(0.2, 0.3, 120))
    lp = plots.LossPlot()
    lp.set_data(steps, loss, clipped_steps=steps[::1], baseline=1 / 6, baseline_label="predict the mean (MSE 1/6)")
    pp = plots.PredictionPlot()
    pred = 1.0 + 0.05 * rng.normal(size=50)
    target = np.full(50, np.nan)
    target[-1] = 1.6  # the adding task's single target, top right: where a legend goes first
    pp.set_data(pred, target, title="adding: running output; target at the last step")
    hp = plots.HeatmapPlot(title="‖∂L_T/∂h_t‖ (last step's loss only)")
    data = 10.0 ** rng.uniform(-20, 0, (60, 50))
    data[:, :10] = 0.0
    data[0] = 1e7
    hp.set_data(data)
    pr = plots.ProfilePlot()
    prof = np.logspace(-12, 0, 50)
    pr.set_data(prof, bounds={"(γλ₁)^(T−1−t) bound, γλ₁ = 1.3·10⁵": np.logspace(250, 0, 50),
                              "ρ^(T−1−t) (eigenvalue rate), ρ = 3.6·10⁴": np.logspace(220, 0, 50)},
                title="‖∂L_T/∂h_t‖ at iteration 299")
    sp = plots.SpectrumPlot()
    sp.set_data(36088.0 * np.exp(2j * np.pi * rng.random(40)) * rng.random(40))
    se = plots.SeriesPlot(title="ρ and σ_max of W_hh", y_label="value")
    se.set_data(steps, {"spectral radius ρ": np.linspace(3, 36088, 120), "σ_max": np.linspace(3, 127000, 120)},
                log_y=True, reference=1.0, reference_label="1/γ = 1")
    return {"loss": lp, "predictions": pp, "heatmap": hp, "profile": pr, "spectrum": sp, "spectral": se}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_exported_figures_fit_at_every_size(qtbot, size):
    from gradsim.figures import export

    failures = []
    for name, widget in _figures().items():
        qtbot.addWidget(widget)
        shown = export._prepare(widget, *size)  # what export_widget lays out before painting
        try:
            _settle(widget, rounds=2)
            failures += problems(name, widget)
            scale = export.export_scale(*size)
            assert widget.width() == pytest.approx(size[0] / scale, abs=1)
        finally:
            if shown:
                widget.hide()
    assert not failures, "\n".join(failures)


def test_a_title_too_long_for_its_plot_is_shrunk_or_elided_never_cut_in_a_number(qtbot):
    from gradsim.figures import plots
    from gradsim.figures.layout import elide_text

    p = plots.SpectrumPlot()
    qtbot.addWidget(p)
    p.resize(260, 220)
    p.show()
    p.set_data(np.array([36088.0, 1.0 + 1j, 1.0 - 1j]))
    _settle(p, rounds=1)
    shown = p.plotItem.titleLabel.item.toPlainText()
    assert "3.61·10⁴" in p.plotItem.titleLabel.text  # the full text is kept
    assert shown == _plain(p.plotItem.titleLabel.text) or shown.endswith("…")
    assert problems("spectrum", p) == []
    # the eliding rule itself: back to a word or number boundary
    assert elide_text("eig(W_hh), ρ = 3.6·10⁴", 19) == "eig(W_hh), ρ…"
    assert elide_text("ρ and σ_max of W_hh", 9) == "ρ and…"


def test_a_narrow_eigenvalue_plot_keeps_rho_in_its_title(qtbot):
    """"W_hh 的特征值, ρ…" (1280×720, 简体中文) hid the one number the title is there for:
    a title that does not fit takes its shorter form, ρ alone, before it is elided."""
    from gradsim.app.live_plots import LiveSpectrumPlot

    p = LiveSpectrumPlot()
    qtbot.addWidget(p)
    p.resize(200, 200)
    p.show()
    p.set_data(np.array([36088.0, 1.0 + 1j, 1.0 - 1j]))
    _settle(p, rounds=1)
    assert p.plotItem.titleLabel.item.toPlainText() == "ρ = 3.61·10⁴"
    assert problems("spectrum", p) == []
