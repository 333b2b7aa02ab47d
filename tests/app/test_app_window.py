"""The window: plots fill, divergence banner, exports, files, presentation mode, settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from gradsim.config import RunConfig, load_config  # noqa: E402
from gradsim.runs.folder import OUTPUT_FILES  # noqa: E402

from app_configs import DIVERGING  # noqa: E402


def _run_steps(qtbot, w, n: int, settled) -> None:
    """Train at least ``n`` iterations, pause, and draw once everything the loop sent has
    arrived (``settled``: round trips to the loop, no sleep) and it has stopped stepping."""
    s = w.session
    qtbot.waitUntil(lambda: s.run_info is not None, timeout=15000)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= n, timeout=15000)
    s.pause()
    settled(qtbot, s)
    w.plots.tick()


def _error_dialogs(w) -> list[QMessageBox]:
    return [b for b in w.findChildren(QMessageBox) if b.objectName() == "errorDialog" and b.isVisible()]


def test_plots_fill_as_training_runs(qtbot, make_window, settled):
    w = make_window()
    _run_steps(qtbot, w, 20, settled)
    p = w.plots
    n = len(w.session.history.views["last"])
    assert n >= 20
    assert p.heatmap.image_item.image is not None and p.heatmap.image_item.image.shape == (n, 30)
    x, y = p.loss._items["loss"].getData()
    assert len(x) >= 2 and np.all(np.isfinite(y))
    assert p.profile._items["profile"].getData()[0] is not None
    assert "iteration" in w.iter_label.text() and w.state_label.text() == "paused"
    # a shape change (and another view) redraws the heatmap from scratch
    full = p.heatmap.full_redraws
    p.view_box.setCurrentIndex(0)
    p.tick()
    assert p.heatmap.full_redraws == full + 1 and p.heatmap._title.startswith("‖δ_t‖")


def test_heatmap_levels_follow_data_or_stay_fixed(qtbot, make_window, settled):
    w = make_window()
    _run_steps(qtbot, w, 5, settled)
    hm = w.plots.heatmap
    lo, hi = hm.color_bar.levels()
    assert lo == int(lo) and hi == int(hi) and lo < hi  # whole decades around the data
    w.plots.set_fixed_levels((-3.0, 1.0))
    w.plots.tick()
    assert tuple(hm.color_bar.levels()) == (-3.0, 1.0)
    assert w.plots.levels_box.currentText() == "fixed"
    w.plots.set_fixed_levels(None)
    w.plots.tick()
    assert tuple(hm.color_bar.levels()) == (lo, hi)


def test_divergence_shows_the_banner_and_reset_recovers(qtbot, make_window):
    w = make_window(RunConfig(**DIVERGING))
    qtbot.waitUntil(lambda: w.session.run_info is not None, timeout=15000)
    w.session.play()
    qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=20000)
    at = w.session.history.diverged_at
    assert f"Diverged at step {at}" in w.banner.text.text()
    qtbot.waitUntil(lambda: w.state_label.text() == "diverged", timeout=2000)
    w.plots.tick()
    assert w.plots.loss._div.isVisible()
    img = w.plots.heatmap.image_item.image
    assert img is not None and img.dtype == np.uint8  # non-finite rows were drawn as colours
    with qtbot.waitSignal(w.session.runStarted, timeout=5000):
        w.banner.reset_button.click()
    assert not w.banner.isVisible() and w.session.state == "idle"


def test_a_worker_error_shows_a_banner_with_details(qtbot, make_window, monkeypatch):
    from gradsim.core.trainer import Trainer

    w = make_window()
    qtbot.waitUntil(lambda: w.session.run_info is not None, timeout=15000)
    monkeypatch.setattr(Trainer, "step", lambda self: 1 / 0)
    w.session.play()
    qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=5000)
    assert "ZeroDivisionError" in w.banner.text.text() and "Traceback" in w.banner.details
    assert w.state_label.text() == "error"


def test_export_all_writes_every_file(qtbot, make_window, settled, tmp_path):
    w = make_window(RunConfig(task="sine", seq_len=20, batch_size=4, hidden_size=8))
    _run_steps(qtbot, w, 10, settled)
    out = tmp_path / "all"
    out.mkdir()
    written = w.export_all(str(out))
    assert written is not None
    names = {p.name for p in out.iterdir()}
    assert set(OUTPUT_FILES) <= names
    assert all((out / n).stat().st_size > 0 for n in OUTPUT_FILES)
    assert load_config(out / "config.toml") == w.session.run_config
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == w.session.iteration


def test_each_figure_exports_and_bad_paths_give_a_dialog(qtbot, make_window, settled, tmp_path):
    w = make_window()
    _run_steps(qtbot, w, 5, settled)
    for name in w.plots.widgets():
        for fmt in (".png", ".svg", ".pdf"):
            assert w.export_figure(name, fmt, str(tmp_path / f"{name}{fmt}")), (name, fmt)
            assert (tmp_path / f"{name}{fmt}").stat().st_size > 0
        assert w.export_csv(name, str(tmp_path / f"{name}.csv"))
        header = (tmp_path / f"{name}.csv").read_text().splitlines()[0]
        assert header
    bad = tmp_path / "missing" / "loss.png"
    assert not w.export_figure("loss", ".png", str(bad))
    assert not w.export_csv("loss", str(tmp_path / "missing" / "loss.csv"))
    dialogs = _error_dialogs(w)
    assert len(dialogs) == 2 and str(bad) in dialogs[0].text()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert w.export_all(str(blocker / "out")) is None  # a folder that cannot be made
    assert "a-file" in _error_dialogs(w)[-1].text()


def test_open_and_save_config_files(qtbot, make_window, tmp_path):
    w = make_window()
    before = w.session.config
    broken = tmp_path / "broken.toml"
    broken.write_text("lr = 'fast'\n")
    assert not w.open_config(str(broken))
    box = _error_dialogs(w)[-1]
    assert "broken.toml" in box.text() and "lr" in box.text()
    assert w.session.config == before
    good = tmp_path / "good.toml"
    assert w.save_config(str(good))
    text = good.read_text()
    assert w.save_config(str(good.with_name("copy.toml")))
    assert not w.save_config(str(tmp_path / "nope" / "x.toml"))
    assert "nope" in _error_dialogs(w)[-1].text() and good.read_text() == text
    changed = tmp_path / "changed.toml"
    changed.write_text(text.replace("seq_len = 30", "seq_len = 12"))
    with qtbot.waitSignal(w.session.runStarted, timeout=5000):
        assert w.open_config(str(changed))
    assert w.session.run_config.seq_len == 12 and "changed.toml" in w.windowTitle()


def test_presentation_mode_scales_fonts_and_lines(qtbot, make_window):
    w = make_window()
    edit = w.controls.editors["lr"]
    size = edit.font().pointSizeF()
    w.toggle_presentation(True)
    qtbot.waitUntil(lambda: edit.font().pointSizeF() > size, timeout=2000)
    assert w.isFullScreen() and not w.menuBar().isVisible()
    assert w.plots.loss.line_scale > 1 and w.plots.heatmap.font_scale > 1
    w.toggle_presentation(False)
    qtbot.waitUntil(lambda: edit.font().pointSizeF() == size, timeout=2000)
    assert not w.isFullScreen() and w.plots.loss.line_scale == 1


def test_help_lists_the_shortcuts(qtbot, make_window):
    w = make_window()
    w.show_shortcuts()
    box = [b for b in w.findChildren(QMessageBox) if b.objectName() == "shortcutsDialog"][0]
    for key in ("Space", "S", "R", "1 – 9", "F11"):
        assert f"<b>{key}</b>" in box.text()
    assert w.actions.play.shortcut().toString() == "Space"
    assert w.actions.step.shortcut().toString() == "S"
    assert w.actions.reset.shortcut().toString() == "R"
    assert w.actions.presentation.shortcut().toString() == "F11"


def test_unhandled_gui_exceptions_show_a_dialog(qtbot, make_window, monkeypatch):
    from gradsim.app.dialogs import install_excepthook

    w = make_window()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(lambda: w)
    try:
        raise ValueError("boom in a slot")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    box = _error_dialogs(w)[-1]
    assert "boom in a slot" in box.text() and "Traceback" in box.detailedText()


def test_ui_prefs_persist_in_the_private_settings(qtbot, make_window, tmp_path):
    w = make_window()
    w.plots.view_box.setCurrentIndex(2)
    w.plots.set_fixed_levels((-5.0, 0.0))
    w.actions.set_speed(0.25)
    w.close()
    assert (tmp_path / "settings.ini").exists()
    w2 = make_window()
    assert w2.plots.view == "weight" and w2.plots._fixed_levels == (-5.0, 0.0)
    assert w2.session.delay == pytest.approx(0.25, abs=0.01)


def test_views_follow_the_runs_shape(qtbot, make_window, settled):
    """Layer selector for stacked nets, truncation lines for tbptt, the roll-out for sine."""
    w = make_window(RunConfig(task="sine", seq_len=30, batch_size=4, hidden_size=8, num_layers=2, tbptt=10))
    _run_steps(qtbot, w, 3, settled)
    p = w.plots
    assert not p.layer_box.isHidden() and p.layer_box.count() == 2
    p.layer_box.setCurrentIndex(1)
    p.tick()
    assert "layer 2" in p.heatmap._title
    assert len(p.heatmap._tbptt_lines) == 2  # chunk starts at t = 10 and 20
    qtbot.waitUntil(lambda: w.session.rollout is not None, timeout=5000)
    p.draw_sample()
    assert "rollout" in p.predictions._items
    with qtbot.waitSignal(w.session.runStarted, timeout=5000):
        w.apply_preset("vanishing")
    p.tick()
    assert p.layer_box.isHidden() and not p.heatmap._tbptt_lines


def test_app_resources_load_through_importlib_resources(qapp):
    from gradsim.app.resources import app_icon, style_sheet

    assert "QFrame#banner" in style_sheet()
    assert not app_icon().isNull()


def test_a_presets_colour_levels_apply_and_give_way_but_the_users_own_stay(qtbot, make_window, tmp_path):
    """The vanishing presets share one colour scale, the exploding ones another (their `levels`);
    a preset without levels follows the data again; levels the user fixed survive a preset switch
    and are the only ones saved."""
    from gradsim.content.presets import preset_levels

    w = make_window()
    assert preset_levels("vanishing") == (-20.0, 1.0) and preset_levels("exploding") == (-20.0, 10.0)
    assert preset_levels("truncated") is None
    w.apply_preset("exploding")
    assert w.plots.prefs()["levels"] == (-20.0, 10.0)
    w.apply_preset("vanishing")
    assert w.plots.prefs()["levels"] == (-20.0, 1.0)
    w.apply_preset("truncated")
    assert w.plots.prefs()["levels"] is None
    w.apply_preset("vanishing")
    w.save_settings()
    assert w.settings.value("plots/levels") == ""  # the preset's, not the user's
    w.plots.set_fixed_levels((-8.0, 0.0))  # the user's own
    w.apply_preset("exploding")
    assert w.plots.prefs()["levels"] == (-8.0, 0.0)
    w.save_settings()
    assert w.settings.value("plots/levels") == "-8.0,0.0"


def test_the_csv_task_says_what_it_read_and_left_out_in_both_languages(qtbot, make_window, ready, tmp_path):
    """A date and a label column hold no number: the csv task leaves them out, and the Task
    controls say so (with the rows, inputs and target), so nothing is dropped unnoticed; a
    generated task shows no such line, and the csv fields are greyed while it is chosen."""
    from gradsim.app.i18n import set_language

    rows = ["date,temp,label,wind"] + [f"2020-01-{i % 28 + 1:02d},{i % 7 * 0.5},{'ab'[i % 2]},{i % 5}"
                                        for i in range(60)]
    (tmp_path / "x.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    w = make_window(task="csv", csv_path=str(tmp_path / "x.csv"), csv_target="temp", csv_columns="",
                    seq_len=20)
    ready(qtbot, w.session)
    info = w.controls.data_info
    qtbot.waitUntil(info.isVisible, timeout=15000)
    text = info.text()
    assert "x.csv" in text and "60 rows" in text and "inputs wind" in text and "predicts temp" in text, text
    assert "left out (not numeric): date, label" in text, text
    assert w.controls.labels["csv_path"].isEnabled()
    try:
        assert set_language("zh")
        QApplication.processEvents()
        zh = info.text()
        assert "60 行" in zh and "未使用" in zh and "date, label" in zh and "rows" not in zh, zh
    finally:
        set_language("en")
        QApplication.processEvents()
    assert "left out" in info.text()  # back in English
    w.session.set_field("task", "adding")
    w.session.reset()
    qtbot.waitUntil(lambda: w.session.run_info.config.task == "adding" and not info.isVisible(), timeout=15000)
    assert not w.controls.labels["csv_path"].isEnabled()
