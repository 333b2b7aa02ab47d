"""Presentation mode (issue 9, item 5): plots only, the chosen plots, every label larger;
a lecture's pace restored after it; the keyboard back to the plots after a committed
value; the busy state of a slow step; a preset switch empties the plots at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QSplitter  # noqa: E402

from gradsim.app.presentation import FONT_SCALE  # noqa: E402

LECTURE = """
title = { en = "Pace", zh = "节奏" }

[[step]]
preset = "vanishing"
set = { seq_len = 12, batch_size = 4, hidden_size = 8 }
delay = 0.09
title = { en = "Slow", zh = "慢" }
text = { en = "slow", zh = "慢" }
look = { en = "the heatmap", zh = "热图" }
"""


def _settle(qtbot) -> None:
    qtbot.wait(10)
    QApplication.processEvents()


def _key_to_focus(qtbot, key) -> None:
    """A key pressed wherever the keyboard is now (as a person would)."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key)


# ------------------------------------------------------------------ plots only
def test_f11_hides_controls_and_an_empty_dock_and_gives_them_back(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)  # closing a window whose worker still imports torch would time out
    w.lecture.dock.show()  # "No lecture open", as restored from an earlier session's window state
    w.resizeDocks([w.lecture.dock], [w.width() // 5], Qt.Orientation.Horizontal)
    _settle(qtbot)
    assert w.lecture.dock.isVisible() and w.controls.isVisible() and w.actions.toolbar.isVisible()
    w.actions.presentation.trigger()  # what F11 does
    _settle(qtbot)
    assert w.presenting and w.isFullScreen()
    for hidden in (w.controls, w.actions.toolbar, w.menuBar(), w.lecture.dock, w.plots.view_box):
        assert not hidden.isVisible()
    qtbot.waitUntil(lambda: w.plots_area.width() >= 0.97 * w.width(), timeout=3000)  # the plots get the width
    w.actions.presentation.trigger()
    _settle(qtbot)
    assert not w.presenting and not w.isFullScreen()
    for shown in (w.controls, w.actions.toolbar, w.menuBar(), w.lecture.dock, w.plots.view_box):
        assert shown.isVisible()


def test_an_open_lectures_dock_stays_in_presentation(qtbot, make_window, ready, tmp_path):
    w = make_window()
    ready(qtbot, w.session)  # closing a window whose worker still imports torch would time out
    path = tmp_path / "lecture.toml"
    path.write_text(LECTURE, encoding="utf-8")
    assert w.lecture.open_lecture_file(str(path))
    w.toggle_presentation(True)
    _settle(qtbot)
    assert w.lecture.dock.isVisible() and not w.controls.isVisible()
    w.toggle_presentation(False)


def test_the_chosen_plots_are_shown_first_large_and_go_back_where_they_were(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)  # closing a window whose worker still imports torch would time out
    p = w.plots
    homes = {name: (wid.parentWidget(), wid.parentWidget().indexOf(wid)) for name, wid in p.widgets().items()}
    with pytest.raises(ValueError, match="unknown plot 'pie'.*heatmap"):
        w.set_presentation_plots(["heatmap", "pie"])
    w.set_presentation_plots(["heatmap", "loss", "profile"])
    assert w.presentation_plots == ("heatmap", "loss", "profile")
    w.toggle_presentation(True)
    _settle(qtbot)
    view = w.presentation_view
    assert view.isVisible() and not p.isVisible()
    for name in ("heatmap", "loss", "profile"):
        assert p.widgets()[name].isVisible(), name
    for name in ("predictions", "spectrum", "spectral", "grad_norms"):
        assert not p.widgets()[name].isVisible(), name
    qtbot.waitUntil(lambda: p.heatmap.width() > 1.5 * p.loss.width(), timeout=3000)  # the first one large
    x = {name: p.widgets()[name].mapTo(w, QPoint(0, 0)) for name in ("heatmap", "loss", "profile")}
    assert x["loss"].x() > x["heatmap"].x() + p.heatmap.width() - 20  # the others beside it …
    assert x["loss"].x() == x["profile"].x() and x["profile"].y() > x["loss"].y()  # … stacked
    w.set_presentation_plots(["loss"])  # a lecture step changes the choice while presenting
    _settle(qtbot)
    assert p.loss.isVisible() and not p.heatmap.isVisible()
    assert p.heatmap.parentWidget() is homes["heatmap"][0]  # given back at once
    w.toggle_presentation(False)
    _settle(qtbot)
    assert p.isVisible() and not view.isVisible()
    for name, wid in p.widgets().items():
        home, index = homes[name]
        assert wid.parentWidget() is home and home.indexOf(wid) == index and wid.isVisible(), name
    assert isinstance(homes["heatmap"][0], QSplitter)


def test_every_label_is_enlarged_the_baseline_and_1_over_gamma_too(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)
    w.session.step()
    qtbot.waitUntil(lambda: w.session.iteration >= 1, timeout=10000)
    w.plots.draw_all()
    labels = {"baseline": w.plots.loss._base.label, "1/γ": w.plots.spectral._ref.label}
    before = {k: lab.textItem.font().pointSizeF() for k, lab in labels.items()}
    assert "1/γ" in labels["1/γ"].format and "predict the mean" in labels["baseline"].format
    w.toggle_presentation(True)
    for k, lab in labels.items():
        assert lab.textItem.font().pointSizeF() == pytest.approx(before[k] * FONT_SCALE), k
    w.toggle_presentation(False)
    for k, lab in labels.items():
        assert lab.textItem.font().pointSizeF() == pytest.approx(before[k]), k


def _bar_tick_texts(heatmap) -> list[str]:
    """The colour bar's tick labels as its next paint draws them."""
    from PySide6.QtGui import QImage, QPainter

    axis = heatmap.color_bar.getAxis("right")
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]]


class _Screen:
    def __init__(self, height):
        self.height = height

    def geometry(self):
        from PySide6.QtCore import QRect

        return QRect(0, 0, self.height * 16 // 9, self.height)


class _On:
    def __init__(self, height):
        self._screen = _Screen(height)

    def screen(self):
        return self._screen


@pytest.mark.parametrize("height, want", [(720, 1.5), (1080, 1.5), (1440, 2.0), (2160, 3.0)])
def test_the_presentation_scale_grows_with_a_taller_screen_never_below_1_5(height, want):
    from gradsim.app.presentation import presentation_scale

    assert presentation_scale(_On(height)) == pytest.approx(want)


def test_on_a_screen_twice_1080p_every_label_and_line_is_twice_as_large(qtbot, make_window, ready, monkeypatch):
    """A 4K panel without system scaling (here: the offscreen screen, with the reference
    height set to half of it): text at 3×, not the 1.5× that read as half size there."""
    from gradsim.app import presentation
    from gradsim.figures.plots import TICK_PT

    w = make_window()
    ready(qtbot, w.session)
    w.session.step()
    qtbot.waitUntil(lambda: w.session.iteration >= 1, timeout=10000)
    w.plots.draw_all()
    monkeypatch.setattr(presentation, "REFERENCE_HEIGHT", w.screen().geometry().height() / 2)
    label = w.plots.loss._base.label
    before = label.textItem.font().pointSizeF()
    w.toggle_presentation(True)
    assert label.textItem.font().pointSizeF() == pytest.approx(before * 2 * FONT_SCALE)
    assert w.plots.loss.getAxis("bottom").style["tickFont"].pointSizeF() == pytest.approx(TICK_PT * 2 * FONT_SCALE)
    assert w.plots.loss.line_scale == pytest.approx(2 * presentation.LINE_SCALE)
    assert len(_bar_tick_texts(w.plots.heatmap)) >= 3  # "-5", "-10" … (fixed 45 px: only "0" was left)
    # every tick of the bar has its label, those at both ends too (at 3x they were dropped:
    # half a label reached more than pyqtgraph's 15 px past the bar's end)
    axis = w.plots.heatmap.color_bar.getAxis("right")
    lo, hi = sorted(axis.range)
    _spacing, major = axis.tickValues(lo, hi, axis.height())[0]  # the labelled level
    ticks = sorted(float(v) for v in major if lo - 1e-9 <= v <= hi + 1e-9)
    assert ticks[0] == pytest.approx(lo) and ticks[-1] == pytest.approx(hi)  # the levels' ends are ticks here
    assert sorted(float(t.replace("−", "-")) for t in _bar_tick_texts(w.plots.heatmap)) == pytest.approx(ticks)
    # the eigenvalues' dots grow with the lines (8 px stayed specks on the 4K panel)
    points = w.plots.spectrum._points
    assert points.opts["size"] == pytest.approx(8.0 * (2 * presentation.LINE_SCALE) ** 0.5)
    # and the legend's samples with its text: 20 px beside 11-pt names, 3× beside 3× names
    samples = [sample for sample, _label in w.plots.loss.legend.items]
    assert samples and all(s.boundingRect().width() == pytest.approx(20 * 2 * FONT_SCALE) for s in samples)
    w.toggle_presentation(False)
    assert label.textItem.font().pointSizeF() == pytest.approx(before)
    assert w.plots.loss.line_scale == 1.0
    assert points.opts["size"] == pytest.approx(8.0)
    assert all(s.boundingRect().width() == pytest.approx(20) for s, _label in w.plots.loss.legend.items)


# ------------------------------------------------------------------ keyboard
def test_enter_commits_and_gives_the_keyboard_back_so_space_and_r_are_shortcuts(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)
    seed = w.controls.editors["seed"]
    seed.setFocus()
    seed.selectAll()
    qtbot.keyClicks(seed, "2000")
    qtbot.keyClick(seed, Qt.Key.Key_Return)
    assert w.session.config.seed == 2000
    assert not seed.hasFocus() and w.plots_area.hasFocus()
    with qtbot.waitSignal(w.session.runStarted, timeout=10000):
        _key_to_focus(qtbot, Qt.Key.Key_R)  # Reset, not an "r" typed into the field
    assert w.session.run_config.seed == 2000 and seed.text() == "2000"
    _key_to_focus(qtbot, Qt.Key.Key_Space)  # Play, not a space in the field
    assert w.session.state == "running" and seed.text() == "2000"
    qtbot.waitUntil(lambda: w.session.iteration >= 1, timeout=10000)
    # Escape reverts the field and leaves it; Space pauses
    lr = w.controls.editors["lr"]
    before = lr.text()
    lr.setFocus()
    qtbot.keyClicks(lr, "99")
    qtbot.keyClick(lr, Qt.Key.Key_Escape)
    assert lr.text() == before and not lr.hasFocus()
    _key_to_focus(qtbot, Qt.Key.Key_Space)
    assert w.session.state == "paused" and lr.text() == before


def test_a_refused_value_keeps_the_keyboard_to_be_corrected(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)  # closing a window whose worker still imports torch would time out
    lr = w.controls.editors["lr"]
    lr.setFocus()
    lr.selectAll()
    qtbot.keyClicks(lr, "fast")
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    assert lr.property("invalid") and lr.hasFocus()


def test_choices_give_the_keyboard_back(qtbot, make_window, ready):
    w = make_window()
    ready(qtbot, w.session)  # closing a window whose worker still imports torch would time out
    box = w.controls.editors["optimizer"]
    box.setFocus()
    box.setCurrentIndex(box.findData("sgd"))
    box.activated.emit(box.currentIndex())
    assert w.session.config.optimizer == "sgd" and w.plots_area.hasFocus()


# ------------------------------------------------------------------ a lecture's pace and language
def test_a_lectures_speed_applies_while_open_and_is_not_remembered(qtbot, make_window, ready, tmp_path):
    w = make_window()
    ready(qtbot, w.session)  # closing a window whose worker still imports torch would time out
    w.actions.set_speed(0.25)
    path = tmp_path / "lecture.toml"
    path.write_text(LECTURE, encoding="utf-8")
    assert w.lecture.open_lecture_file(str(path))
    assert w.session.delay == pytest.approx(0.09, abs=0.01)  # the step's pace, while it is open
    w.close_lecture()
    assert w.session.delay == pytest.approx(0.25, abs=0.01) and not w.lecture.dock.isVisible()
    assert w.lecture.open_lecture_file(str(path))
    w.close()  # with the lecture open: the user's own speed is what is remembered
    w2 = make_window()
    ready(qtbot, w2.session)
    assert w2.session.delay == pytest.approx(0.25, abs=0.01)


def test_lang_on_the_command_line_is_for_that_launch_only(tmp_path):
    settings = tmp_path / "settings.ini"
    env = {**os.environ, "GRADSIM_SETTINGS": str(settings), "QT_QPA_PLATFORM": "offscreen"}
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "main.py"), "--lang", "zh", "--close-after", "0.3"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    assert "window" in text  # the run did save its settings …
    assert "language=zh" not in text  # … but not the one-time language


def test_the_baseline_label_follows_a_language_switch(qtbot, make_window, ready):
    from gradsim.app.i18n import set_language

    w = make_window()
    ready(qtbot, w.session)
    w.session.step()
    qtbot.waitUntil(lambda: w.session.iteration >= 1, timeout=10000)
    w.plots.draw_all()
    english = w.plots.loss._base.label.format
    set_language("zh")
    _settle(qtbot)
    w.plots.draw_all()
    assert w.plots.loss._base.label.format != english
    set_language("en")
    _settle(qtbot)
    w.plots.draw_all()
    assert w.plots.loss._base.label.format == english


# ------------------------------------------------------------------ slow steps and preset switches
def test_a_slow_step_shows_the_busy_state_with_its_expected_duration(qtbot, make_window, ready, monkeypatch):
    from gradsim.app import busy

    w = make_window()
    ready(qtbot, w.session)
    monkeypatch.setattr(busy, "BUSY_SECONDS", 0.0)  # every awaited step counts as slow
    w.session.step()
    w.update_status()
    assert w.busy_bar.isVisible()
    assert "first iteration takes ~" in w.state_label.text() and "estimate" in w.state_label.text()
    qtbot.waitUntil(lambda: w.session.iteration >= 1, timeout=10000)
    w.update_status()
    assert not w.busy_bar.isVisible() and "training" not in w.state_label.text()
    w.session.play()
    w.update_status()
    assert "one iteration takes ~" in w.state_label.text()  # now from the measured step
    w.session.pause()
    w.update_status()
    assert not w.busy_bar.isVisible()


def test_switching_a_preset_clears_the_old_plots_at_once(qtbot, make_window, ready):
    w = make_window()
    s = w.session
    ready(qtbot, s)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 3, timeout=10000)
    s.pause()
    w.plots.draw_all()
    assert w.plots.heatmap._rows > 0
    w.apply_preset("exploding")
    # synchronously: nothing of the old run is left, before the worker has built the new one
    assert s.iteration == 0 and s.history.count == 0
    assert w.plots.heatmap._rows == 0 and w.plots.heatmap.image_item.image is None
    qtbot.waitUntil(lambda: s.run_info.config == s.config, timeout=10000)
