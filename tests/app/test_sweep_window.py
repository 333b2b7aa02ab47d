"""Analysis → Sweep…: the phase diagram of a sweep folder; a click on a cell loads that
run's configuration into the main window (through File → Open config)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt

GRID = {
    "description": "window tiny",
    "steps": 2,
    "seeds": 2,
    "base": {"task": "adding", "hidden_size": 4, "batch_size": 4, "init": "orthogonal"},
    "axes": {"cell": ["rnn", "gru"], "init_gain": [0.5, 1.0, 2.0], "seq_len": [5, 8]},
    "plot": {"x": "init_gain", "y": "seq_len"},
}


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    """A finished sweep, its runs executed in this process (no pool: the window only reads)."""
    from gradsim.runs import sweep as sw

    out = tmp_path_factory.mktemp("sweep")
    grid = sw.parse_grid(GRID)
    store = sw.ResultStore(out)
    store.write_manifest(grid, complete=True)
    for spec in grid.runs():
        store.save(sw.execute_run(spec))
    store.write_table(grid)
    return out


def _click_cell(qtbot, diagram, panel: int, ix: int, iy: int) -> None:
    from PySide6.QtCore import QPointF

    vb = diagram.plot_items[panel].getViewBox()
    scene = vb.mapViewToScene(QPointF(ix + 0.5, iy + 0.5))
    pos = diagram.canvas.mapFromScene(scene)
    qtbot.mouseClick(diagram.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_window_draws_one_panel_per_cell_type(qtbot, sweep_dir):
    from gradsim.app.sweep_window import SweepWindow

    win = SweepWindow(None, sweep_dir)
    qtbot.addWidget(win)
    win.show()
    d = win.diagram
    assert [p.titleLabel.text for p in d.plot_items] and len(d.plot_items) == 2
    assert "cell = rnn" in d.plot_items[0].titleLabel.text
    assert d.images[0].image.shape == (2, 3)  # seq_len up, init_gain across
    assert d.legend is not None and any("critical line" in lab.text for _s, lab in d.legend.items)
    win.metric_box.setCurrentText("reach_start")
    assert win.phase.metric == "reach_start"
    win.x_box.setCurrentText("seq_len")
    assert "two different axes" in win.info.text()
    png = win.export_figure(str(sweep_dir / "shot.png"))
    csv = win.export_csv(str(sweep_dir / "shot.csv"))
    assert png.stat().st_size > 0 and csv.read_text().startswith("cell,")


# offscreen: windows are raised on a desktop
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints", "This plugin does not support raise")
def test_a_click_on_a_cell_loads_its_run_in_the_main_window(qtbot, make_window, sweep_dir):
    w = make_window()
    win = w.analysis.open_sweep(sweep_dir)
    qtbot.waitExposed(win)
    win.diagram.show()
    qtbot.wait(10)
    with qtbot.waitSignal(win.diagram.cellClicked, timeout=5000) as sig:
        _click_cell(qtbot, win.diagram, 1, 2, 0)  # gru, gain 2, T = 5
    assert sig.args == [1, 2, 0]
    cfg = w.session.config
    assert (cfg.cell, cfg.init_gain, cfg.seq_len, cfg.seed) == ("gru", 2.0, 5, 0)
    assert (sweep_dir / "configs").is_dir()
    assert "Loaded" in win.info.text()
    win.close()


def test_the_analysis_menu_has_the_sweep_action(qtbot, make_window):
    w = make_window()
    assert w.analysis.sweep in w.analysis.menu.actions()
    assert w.analysis.sweep.text().replace("&", "").startswith("Sweep")


def test_the_window_never_imports_torch():
    code = ("import os; os.environ['QT_QPA_PLATFORM']='offscreen'; import sys; "
            "import gradsim.app.sweep_window, gradsim.runs.sweep_plot; "
            "print('torch' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


@pytest.mark.parametrize("case", ["missing", "a file", "no manifest", "manifest fifo", "one axis"])
def test_a_folder_that_cannot_be_opened_says_why_in_chinese_and_changes_nothing(qtbot, sweep_dir, tmp_path, case):
    import json
    import re

    from PySide6.QtWidgets import QMessageBox

    from gradsim.app.i18n import set_language
    from gradsim.app.sweep_window import SweepWindow

    win = SweepWindow(None, sweep_dir)
    qtbot.addWidget(win)
    before = (win.sweep, win.phase, win.windowTitle(), win.info.text())
    bad = tmp_path / "bad"
    if case == "a file":
        bad.write_text("x")
    elif case != "missing":
        bad.mkdir()
        if case == "manifest fifo":
            os.mkfifo(bad / "sweep.json")  # no writer: the GUI thread must not wait on it
        elif case == "one axis":
            manifest = json.loads((sweep_dir / "sweep.json").read_text())
            manifest["axes"] = {"cell": manifest["axes"]["cell"]}
            (bad / "sweep.json").write_text(json.dumps(manifest))
    assert set_language("zh")
    try:
        assert win.open_folder(bad) is False
        boxes = [b for b in win.findChildren(QMessageBox) if b.objectName() == "errorDialog"]
        assert len(boxes) == 1
        text = boxes[0].text()
    finally:
        set_language("en")
    assert re.search(r"[\u4e00-\u9fff]", text) and f"'{bad}" in text, text
    shown = re.sub(r"'[^']*'|`[^`]*`|sweep\.json", "", text)  # the path, the command and the file name stay
    assert not re.search(r"\b(sweep|folder|cannot|not a|manifest|axes|regular)\b", shown), text
    assert (win.sweep, win.phase, win.windowTitle(), win.info.text()) == before  # the open sweep is kept
    boxes[0].close()
