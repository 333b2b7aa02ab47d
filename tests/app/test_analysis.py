"""Issue 4 in the app: theory badge and curves, A/B comparison window, the cliff window,
animation and report export (and their errors)."""

from __future__ import annotations

import os
from typing import ClassVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from app_configs import SMALL
from PySide6.QtCore import Qt

from gradsim.config import RunConfig


def _steps(qtbot, w, n: int, settled) -> None:
    """Train at least ``n`` iterations, pause, and draw once everything the loop sent has
    arrived (``settled``: round trips to the loop, no sleep) and it has stopped stepping."""
    s = w.session
    qtbot.waitUntil(lambda: s.run_info is not None, timeout=15000)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= n, timeout=15000)
    s.pause()
    settled(qtbot, s)
    w.plots.draw_all()


class _FakeBox:
    """Stands in for QMessageBox: records what an error dialog would have said."""

    from PySide6.QtWidgets import QMessageBox as _Q

    Icon, StandardButton = _Q.Icon, _Q.StandardButton
    shown: ClassVar[list] = []

    def __init__(self, _icon, title, text, *_a, **_k):
        _FakeBox.shown.append((title, text))

    def __getattr__(self, _name):
        return lambda *a, **k: None


@pytest.fixture
def fake_box(monkeypatch):
    from gradsim.app import dialogs

    _FakeBox.shown = []
    monkeypatch.setattr(dialogs, "QMessageBox", _FakeBox)
    return _FakeBox.shown


# ------------------------------------------------------------------ theory
def test_theory_badge_vanishing_with_both_curves(qtbot, make_window, settled):
    w = make_window(activation="tanh", init="orthogonal", spectral_radius=0.3, optimizer="sgd", lr=0.001)
    _steps(qtbot, w, 2, settled)
    prof = w.plots.profile
    assert prof.badge.isVisible() and "vanishing" in prof.badge.text()
    names = [k for k in prof._items if k.startswith("bound")]
    assert len(names) == 3  # (γλ₁)^(T−1−t), ρ^(T−1−t) and the fitted measured rate
    assert "measured" in prof.badge.text() and "γσ_max" in prof.badge.text()
    last = w.session.last.views["last"][0]
    x, y = prof._items["bound0"].getData()
    # anchored at the measured last value
    assert x[-1] == len(last) - 1 and y[-1] == pytest.approx(np.log10(last[-1]))


def test_theory_badge_names_the_measured_regime_first_and_is_red_only_when_it_explodes(qtbot, make_window, settled):
    # issue 9: the bound allows growth (γσ_max > 1) while every plot vanishes: no red alarm
    w = make_window(activation="tanh", init="xavier", optimizer="sgd", lr=0.001)  # σ_max ≈ 1.8, measured ×0.8
    _steps(qtbot, w, 2, settled)
    prof, panel = w.plots.profile, w.plots
    assert prof.badge.text().startswith("vanishing, measured ×") and "the bound allows growth" in prof.badge.text()
    assert prof._badge_kind == "vanishing"
    from gradsim.core.theory import measured_rate, theory_from_spectrum
    explode = measured_rate(1.5 ** (np.arange(20)[::-1] * 1.0))
    text, kind, _ = panel.badge(theory_from_spectrum(2.0, 1.5, "tanh", 20), explode)
    assert text.startswith("exploding, measured ×1.5/step") and kind == "explosion_possible"


def test_theory_badge_lstm_does_not_apply_and_draws_no_bound(qtbot, make_window, settled):
    w = make_window(cell="lstm")
    _steps(qtbot, w, 2, settled)
    prof = w.plots.profile
    assert prof.badge.isVisible() and "does not apply" in prof.badge.text()
    # no theory curve; the measured rate applies to any cell and is the only dashed line
    assert [n.split(",")[0] for n in prof._bound_names] == ["measured rate"]


# ------------------------------------------------------------------ compare
def test_compare_dialog_validates_inline(qtbot):
    from gradsim.app.compare_window import CompareDialog

    cfg = RunConfig(**SMALL)
    dlg = CompareDialog(cfg)
    qtbot.addWidget(dlg)
    for bad in ("clip=sideways", "nonsense", "seq_len=50", ""):
        dlg.edit.setText(bad)
        dlg.accept()
        assert dlg.cfg_b is None and not dlg.error.isHidden() and dlg.error.text()
    dlg.edit.setText("clip=norm, clip_threshold=0.5")
    dlg.accept()
    assert dlg.cfg_b == cfg.replace(clip="norm", clip_threshold=0.5)


def test_compare_window_trains_in_lockstep_with_shared_levels(qtbot):
    from gradsim.app.compare_window import CompareWindow

    cfg = RunConfig(**SMALL)
    win = CompareWindow(cfg, cfg.replace(clip="norm", clip_threshold=0.01), steps=25, backend="thread")
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.stopped, timeout=20000):
        pass
    assert win.step_counts == (25, 25)
    assert win.last[0].step == win.last[1].step == 24
    win.redraw()
    a, b = (tuple(h.color_bar.levels()) for h in win.figure.heatmaps)
    assert a == b == tuple(win.levels)
    assert "A: clip=none" in win.labels[0] and "B: clip=norm" in win.labels[1]
    win.close()


def test_compare_window_levels_fixed_up_front(qtbot):
    from gradsim.app.compare_window import CompareWindow

    cfg = RunConfig(**SMALL)
    win = CompareWindow(cfg, cfg.replace(cell="lstm"), steps=6, backend="thread", levels=(-9.0, 1.0))
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.stopped, timeout=20000):
        pass
    win.redraw()
    assert win.levels == (-9.0, 1.0)
    assert all(tuple(h.color_bar.levels()) == pytest.approx((-9.0, 1.0)) for h in win.figure.heatmaps)
    assert "log10 -9.0 … 1.0" in win.figure.title.text()
    win.close()


def test_compare_window_levels_only_grow_and_stay_shared(qtbot):
    """Without levels given up front the range covers both runs in whole decades and never
    follows one redraw's data back: a colour keeps its meaning while the runs train."""
    from gradsim.app.compare_window import CompareWindow

    cfg = RunConfig(**SMALL)
    win = CompareWindow(cfg, cfg.replace(clip="norm"), steps=6, backend="thread")
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.stopped, timeout=20000):
        pass
    win.redraw()
    first = win.levels
    assert first is not None and first == (float(int(first[0])), float(int(first[1])))  # whole decades
    buf = win.histories[0].views["last"]
    n = len(buf)
    buf._data[:n] *= 1e-7  # run A's gradients fall by seven decades
    win._dirty = True
    win.redraw()
    grown = win.levels
    assert grown[0] <= first[0] - 6 and grown[1] == first[1]
    buf._data[:n] *= 1e7  # and come back: the range does not narrow again
    win._dirty = True
    win.redraw()
    assert win.levels == grown
    a, b = (tuple(h.color_bar.levels()) for h in win.figure.heatmaps)
    assert a == pytest.approx(grown) == b
    win.close()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints", "This plugin does not support raise")  # offscreen: windows are raised on a desktop
def test_compare_from_the_menu_takes_the_plots_fixed_levels_else_the_presets(qtbot, make_window, monkeypatch):
    from gradsim.content.presets import preset_levels

    monkeypatch.setenv("GRADSIM_BACKEND", "thread")
    w = make_window()
    w.plots.set_fixed_levels((-8.0, 2.0))
    cw = w.analysis.open_compare(w.session.config.replace(clip="norm"), steps=2)
    assert cw.fixed_levels == (-8.0, 2.0)
    cw.close()
    w.plots.set_fixed_levels(None)
    monkeypatch.setattr(w.session, "preset", "lstm-long")
    cw = w.analysis.open_compare(w.session.config.replace(clip="norm"), steps=2)
    assert cw.fixed_levels == preset_levels("lstm-long") is not None
    cw.close()


def test_compare_window_close_mid_run_stops_worker(qtbot):
    from gradsim.app.compare_window import CompareWindow

    cfg = RunConfig(**SMALL)
    win = CompareWindow(cfg, cfg.replace(cell="lstm"), steps=100_000, backend="thread")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.step_counts[0] >= 3, timeout=15000)
    win.toggle_play()
    assert win.paused
    win.close()  # while paused: must still stop (the conftest fails a dangling worker)
    assert not win.running


def test_compare_window_trains_in_a_child_process_and_pauses(qtbot, monkeypatch):
    """The default backend: A and B train in a child process (on a thread of the GUI
    process they ran at ~3 % of `gradsim compare`'s speed); pause holds it, close stops it."""
    import os

    from gradsim.app import busy
    from gradsim.app.compare_window import CompareWindow

    monkeypatch.delenv("GRADSIM_BACKEND", raising=False)
    monkeypatch.setattr(busy, "BUSY_SECONDS", 0.0)  # the start-up counts as a slow first step
    cfg = RunConfig(**SMALL)
    win = CompareWindow(cfg, cfg.replace(clip="norm"), steps=100_000)
    qtbot.addWidget(win)
    win.show()
    assert win.backend == "process" and win._channel.pid not in (None, os.getpid())
    win.redraw()
    assert "first iteration takes ~" in win.status.text()
    qtbot.waitUntil(lambda: win.step_counts[0] >= 3, timeout=90000)  # a spawn imports torch: slow on a busy machine
    assert win.step_counts[0] == win.step_counts[1]
    qtbot.mouseClick(win.play_button, Qt.MouseButton.LeftButton)
    assert win.paused and "paused" in win.status.text()
    win.close()
    assert not win.running and win._channel is None


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints", "This plugin does not support raise")  # offscreen: windows are raised on a desktop
def test_analysis_menu_opens_windows_and_main_close_stops_them(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("GRADSIM_BACKEND", "thread")  # no process start-up: this test is about the menu
    w = make_window()
    titles = [a.text() for a in w.menuBar().actions()]
    assert "&Analysis" in titles
    cfg_b = w.session.config.replace(clip="norm")
    cw = w.analysis.open_compare(cfg_b, steps=100_000)
    cl = w.analysis.open_cliff()
    assert cw is not None and cl is not None
    w.toggle_presentation(True)
    assert cl._font_scale > 1 and cw._font_scale > 1
    w.toggle_presentation(False)
    qtbot.waitUntil(lambda: cw.step_counts[0] >= 2, timeout=15000)
    w.close()
    assert not cw.running


# ------------------------------------------------------------------ cliff
def test_cliff_unclipped_leaves_frame_clipped_stays_bounded(qtbot):
    from gradsim.app.cliff_window import CliffWindow
    from gradsim.core.cliff import DEMO

    win = CliffWindow(surface_n=60)
    qtbot.addWidget(win)
    win.checks["value"].setChecked(True)
    for _ in range(DEMO.wall_step + 1):
        win.step()
    rect = win.plot.view_rect
    plain, norm = win.descents["none"], win.descents["norm"]
    assert not rect.contains(plain.w, plain.b)
    assert max(s.step_length for s in norm.steps) <= DEMO.threshold * DEMO.lr + 1e-12
    assert rect.contains(norm.w, norm.b)
    assert "left the frame" in win.status.text()
    # bad input: shown inline, nothing changes
    before = len(plain.steps)
    win.lr_edit.setText("fast")
    assert not win.apply_settings() and not win.error.isHidden()
    assert win.descents["none"] is plain and len(plain.steps) == before
    win.lr_edit.setText("0.3")
    assert win.apply_settings()
    win.toggle_play(True)
    qtbot.waitUntil(lambda: len(win.descents["norm"].steps) >= 2, timeout=5000)
    win.toggle_play(False)
    win.reset()
    assert all(not d.steps for d in win.descents.values())
    win.close()


def test_cliff_play_button_plays_and_pauses(qtbot):
    """The real button, clicked: clicked(checked=False) once switched Play off at once."""
    from gradsim.app.cliff_window import CliffWindow

    win = CliffWindow(surface_n=40)
    qtbot.addWidget(win)
    win.show()
    qtbot.mouseClick(win.play_button, Qt.MouseButton.LeftButton)
    assert win.playing and win.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: len(win.descents["norm"].steps) >= 3, timeout=5000)
    qtbot.mouseClick(win.play_button, Qt.MouseButton.LeftButton)
    assert not win.playing and win.play_button.text() == "Play"
    n = len(win.descents["norm"].steps)
    qtbot.mouseClick(win.step_button, Qt.MouseButton.LeftButton)
    assert len(win.descents["norm"].steps) == n + 1
    win.close()


# ------------------------------------------------------------------ media exports
def test_animation_and_report_export(qtbot, make_window, settled, tmp_path):
    import imageio.v3 as iio

    from gradsim.app.export_media import export_animation, export_report

    w = make_window()
    _steps(qtbot, w, 12, settled)
    gif = export_animation(w, str(tmp_path / "run.gif"), max_frames=4, size=(320, 180))
    assert gif is not None and gif.exists()
    assert iio.improps(gif, index=None).shape[0] > 1
    html = export_report(w, str(tmp_path / "run.html"))
    assert html is not None and "data:image/png" in html.read_text(encoding="utf-8")


def test_unwritable_exports_show_dialog_and_leave_no_file(qtbot, make_window, settled, tmp_path, fake_box):
    from gradsim.app.cliff_window import CliffWindow
    from gradsim.app.export_media import export_animation, export_report

    w = make_window()
    _steps(qtbot, w, 3, settled)
    missing = tmp_path / "no" / "such" / "dir"
    for path, fn in ((missing / "a.gif", export_animation), (missing / "r.html", export_report)):
        assert fn(w, str(path)) is None
        assert not path.exists()
        assert fake_box and str(path) in fake_box[-1][1]
    cliff = CliffWindow(surface_n=40)
    qtbot.addWidget(cliff)
    assert cliff.export_figure(str(missing / "cliff.png")) is None
    assert str(missing / "cliff.png") in fake_box[-1][1]
    assert not list(tmp_path.rglob("*.png"))
    cliff.close()
