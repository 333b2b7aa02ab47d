"""Hostile files given to the window: nothing blocks the GUI thread, nothing crashes, the
dialog names the file, and the config stays as it was. A config too big for this machine's
memory (from the controls, a file, a preset, a restarted worker) is refused in the banner
before the worker sees it, and nothing changes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import signal  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from gradsim.config import RunConfig  # noqa: E402


def _error_texts(w) -> list[str]:
    return [b.text() for b in w.findChildren(QMessageBox) if b.objectName() == "errorDialog" and b.isVisible()]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_open_config_of_a_named_pipe_does_not_block_the_gui(qtbot, make_window, tmp_path):
    w = make_window()
    before = w.session.config
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    done = threading.Event()
    guard_fired: list = []

    def guard() -> None:  # a reader blocked on the pipe gets EOF once a writer comes and goes
        if not done.wait(120):
            guard_fired.append(True)
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)

    threading.Thread(target=guard, daemon=True).start()
    try:
        assert not w.open_config(str(fifo))
    finally:
        done.set()
    assert not guard_fired, "File → Open blocked the GUI thread on a named pipe"
    texts = _error_texts(w)
    assert texts and "pipe.toml" in texts[-1] and "regular file" in texts[-1], texts
    assert w.session.config == before


@pytest.mark.parametrize("nesting", ["a = " + "[" * 5000 + "]" * 5000, "\n".join(f"[{'t.' * 3000}x]" for _ in (1,))])
def test_open_config_of_deeply_nested_toml_names_the_file(qtbot, make_window, tmp_path, nesting):
    w = make_window()
    before = w.session.config
    bad = tmp_path / "nested.toml"
    bad.write_text(nesting + "\n")
    assert not w.open_config(str(bad))
    texts = _error_texts(w)
    assert texts and "nested.toml" in texts[-1] and "RecursionError" not in texts[-1], texts
    assert w.session.config == before


def test_a_lecture_with_deeply_nested_arrays_is_a_dialog_not_a_crash(qtbot, make_window, tmp_path):
    w = make_window()
    assert w.lecture.lecture is None
    bad = tmp_path / "lecture.toml"
    bad.write_text("title = 'x'\nsteps = " + "[" * 5000 + "]" * 5000 + "\n")
    assert not w.lecture.open_lecture_file(str(bad))
    texts = _error_texts(w)
    assert texts and "lecture.toml" in texts[-1] and "RecursionError" not in texts[-1], texts
    assert w.isVisible() and w.lecture.lecture is None  # the window is up, no lecture half-loaded


# ------------------------------------------------------------------ a config too big for this machine
#: Bigger than the tests' SMALL config; refused below by a lowered "available memory" (small
#: enough that a product which let it through would still just train it, not swap).
BIG = {"hidden_size": 256, "seq_len": 200, "batch_size": 64}


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _available_between(monkeypatch, small, big) -> int:
    """Make this machine's available memory lie between the estimates of ``small`` and ``big``
    (the check looks it up at each call: :func:`gradsim.core.budget.available_bytes`)."""
    from gradsim.app.session import HISTORY_ROWS, SCALAR_ROWS
    from gradsim.core import budget

    lo, hi = (budget.estimate_bytes(c, HISTORY_ROWS, SCALAR_ROWS) for c in (small, big))
    assert hi > lo
    monkeypatch.setattr(budget, "available_bytes", lambda: (lo + hi) // 2)
    return (lo + hi) // 2


def _refused_and_unchanged(qtbot, w, config, run_config, iteration, settled) -> None:
    """The banner says why in one line; the config, the model and its plots are as they were;
    the worker still answers and trains."""
    from gradsim.core.budget import format_bytes

    s = w.session
    text = w.banner.text.text()
    assert w.banner.isVisible() and w.banner.kind == "refused", text
    assert "needs about" in text and "available" in text and "\n" not in text, text
    assert not w.banner.reset_button.isVisible()  # Reset would only ask for the same config again
    assert format_bytes(_available_between.last) in text
    assert s.config == config and s.run_config == run_config and s.run_info.config == run_config
    assert s.iteration == iteration and s.history.count == iteration  # the plots were not cleared
    assert s.backend.alive
    assert settled(qtbot, s) == iteration  # the worker answers, and built nothing new in between
    w.actions.step.trigger()
    qtbot.waitUntil(lambda: s.iteration == iteration + 1, timeout=15000)
    assert s.run_config == run_config


def _limit(monkeypatch, small, big) -> None:
    _available_between.last = _available_between(monkeypatch, small, big)


def test_a_too_big_config_from_the_controls_is_refused_at_reset(qtbot, make_window, ready, settled, monkeypatch):
    w = make_window()
    s = w.session
    ready(qtbot, s)
    before = s.run_config
    _limit(monkeypatch, before, before.replace(**BIG))
    for name, value in BIG.items():  # through the real controls: each waits for Reset
        _type(qtbot, w.controls.editors[name], str(value))
    wanted = before.replace(**BIG)
    assert s.config == wanted and set(s.pending_reset) == set(BIG)
    w.actions.play.trigger()  # Play trains the running model; the new shape waits for Reset
    qtbot.waitUntil(lambda: s.iteration >= 2, timeout=15000)
    assert s.run_config == before and not w.banner.isVisible()
    w.actions.play.trigger()  # pause
    n = settled(qtbot, s)
    w.actions.reset.trigger()
    # the edits stay pending (the user lowers one and presses Reset again)
    _refused_and_unchanged(qtbot, w, wanted, before, n, settled)
    assert set(s.pending_reset) == set(BIG)
    assert w.set_language("zh")  # one translated line, re-rendered on a language change (an event)
    qtbot.waitUntil(lambda: "此次运行约需" in w.banner.text.text(), timeout=5000)
    assert "needs" not in w.banner.text.text() and "Not started" not in w.banner.text.text()
    assert "\n" not in w.banner.text.text()
    assert w.set_language("en")
    qtbot.waitUntil(lambda: "needs about" in w.banner.text.text(), timeout=5000)
    _type(qtbot, w.controls.editors["batch_size"], str(before.batch_size))
    _type(qtbot, w.controls.editors["hidden_size"], str(before.hidden_size))
    with qtbot.waitSignal(s.runStarted, timeout=15000):
        w.actions.reset.trigger()  # what fits is built, and the banner goes
    assert s.run_config.seq_len == BIG["seq_len"] and not w.banner.isVisible()


def test_a_too_big_config_file_is_refused_and_the_run_goes_on(qtbot, make_window, ready, settled, monkeypatch,
                                                              tmp_path):
    from gradsim.config import save_config

    w = make_window()
    s = w.session
    ready(qtbot, s)
    before, title = s.config, w.windowTitle()
    big = tmp_path / "big.toml"
    save_config(before.replace(**BIG), big)
    _limit(monkeypatch, before, before.replace(**BIG))
    w.actions.play.trigger()
    qtbot.waitUntil(lambda: s.iteration >= 2, timeout=15000)
    assert not w.open_config(str(big))
    assert s.state == "running" and w.source is None and w.windowTitle() == title
    assert not [b for b in w.findChildren(QMessageBox) if b.isVisible()]  # the banner, not a dialog
    at = s.iteration
    qtbot.waitUntil(lambda: s.iteration > at + 2, timeout=15000)  # training went on meanwhile
    w.actions.play.trigger()
    n = settled(qtbot, s)
    _refused_and_unchanged(qtbot, w, before, before, n, settled)


def test_a_too_big_preset_is_refused_and_the_menu_shows_the_run_s_preset(qtbot, make_window, ready, settled,
                                                                        monkeypatch):
    from gradsim.app.session import HISTORY_ROWS, SCALAR_ROWS
    from gradsim.content.presets import list_presets
    from gradsim.core.budget import estimate_bytes

    tiny = RunConfig(task="adding", seq_len=8, hidden_size=4, batch_size=2)
    w = make_window(tiny)
    s = w.session
    ready(qtbot, s)
    presets = list_presets()
    name = max(presets, key=lambda n: estimate_bytes(presets[n].config, HISTORY_ROWS, SCALAR_ROWS))
    _limit(monkeypatch, tiny, presets[name].config)
    w.actions.preset_actions[name].trigger()  # Presets → name, as the menu and its key do
    assert s.preset is None and w.actions.preset_box.currentData() is None  # still "(custom)"
    assert name not in w.windowTitle()
    _refused_and_unchanged(qtbot, w, tiny, tiny, 0, settled)


def test_a_dead_worker_is_not_restarted_with_a_config_too_big(qtbot, make_window, ready, monkeypatch):
    w = make_window(backend="process")
    s = w.session
    ready(qtbot, s, 60000)
    before = s.config
    _type(qtbot, w.controls.editors["hidden_size"], str(BIG["hidden_size"]))
    _limit(monkeypatch, before, s.config)
    os.kill(s.backend.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: s.state == "error", timeout=30000)
    dead = s.backend
    w.actions.play.trigger()  # would start a new worker building the pending config
    assert s.backend is dead and s.state == "error"
    assert w.banner.kind == "refused" and "needs about" in w.banner.text.text()


def test_a_lecture_step_too_big_for_this_machine_is_refused_and_the_lecture_stays(qtbot, make_window, ready,
                                                                                   monkeypatch, tmp_path):
    """Next on a step whose config cannot fit: the banner says why, the lecture stays on its step
    (title, index, config, preset and the model on screen), and Next works once memory allows."""
    w = make_window()
    s = w.session
    ready(qtbot, s)
    big = ", ".join(f"{k} = {v}" for k, v in BIG.items())
    path = tmp_path / "lecture.toml"
    path.write_text(f"""title = {{ en = "two steps", zh = "两步" }}
[[step]]
preset = "vanishing"
set = {{ seq_len = 12, batch_size = 4, hidden_size = 8 }}
title = {{ en = "small", zh = "小" }}
text = {{ en = "fits", zh = "放得下" }}
look = {{ en = "the heatmap", zh = "热图" }}
[[step]]
preset = "exploding"
set = {{ {big} }}
title = {{ en = "big", zh = "大" }}
text = {{ en = "does not fit", zh = "放不下" }}
look = {{ en = "the loss", zh = "损失" }}
""", encoding="utf-8")
    ctl = w.lecture
    assert ctl.open_lecture_file(str(path))
    first = ctl.lecture.step(0).config()
    qtbot.waitUntil(lambda: s.run_config == first, timeout=15000)
    _limit(monkeypatch, first, ctl.lecture.step(1).config())
    preset, title = s.preset, ctl.panel.step_title.text()
    ctl.next_action.trigger()
    assert w.banner.isVisible() and w.banner.kind == "refused", w.banner.text.text()
    assert ctl.index == 0 and ctl.panel.step_title.text() == title and s.preset == preset
    assert s.config == first and s.run_config == first
    monkeypatch.setattr("gradsim.core.budget.available_bytes", lambda: 1 << 50)
    ctl.next_action.trigger()
    assert ctl.index == 1 and s.config == ctl.lecture.step(1).config()
