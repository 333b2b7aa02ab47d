"""Hostile files given to the window: nothing blocks the GUI thread, nothing crashes, the
dialog names the file, and the config stays as it was."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402


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
