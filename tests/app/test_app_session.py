"""The session's state machine and its contract with the worker (pytest-qt)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import multiprocessing  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gradsim.config import ConfigError, RunConfig  # noqa: E402
from gradsim.content.presets import list_presets  # noqa: E402

from app_configs import DIVERGING  # noqa: E402


@pytest.mark.parametrize("backend", ["thread", "process"])
def test_play_pause_step_reset(qtbot, make_session, ready, settled, backend):
    s = make_session(backend=backend)
    ready(qtbot, s, 30000)
    assert s.state == "idle" and s.iteration == 0
    with qtbot.waitSignal(s.stateChanged, timeout=2000):
        s.play()
    assert s.state == "running"
    qtbot.waitUntil(lambda: s.iteration >= 5, timeout=10000)
    s.pause()
    assert s.state == "paused"
    frozen = settled(qtbot, s)  # batches in flight when we paused have arrived; no more come
    s.step()
    qtbot.waitUntil(lambda: s.iteration == frozen + 1, timeout=10000)
    assert settled(qtbot, s) == frozen + 1 and s.state == "paused"
    old_run = s.run_info.run_id
    with qtbot.waitSignal(s.runStarted, timeout=10000):
        s.reset()
    assert s.state == "idle" and s.iteration == 0 and s.run_info.run_id != old_run
    assert len(s.history.views["last"]) == 0


def test_step_from_running_pauses_then_steps_once(qtbot, make_session, ready, settled):
    s = make_session()
    ready(qtbot, s)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 3, timeout=10000)
    s.step()
    assert s.state == "paused"
    settled(qtbot, s)
    assert s.state == "paused"


def test_control_edit_reaches_the_trainer_at_the_next_step(qtbot, make_session, ready):
    s = make_session()
    ready(qtbot, s)
    s.step()
    qtbot.waitUntil(lambda: s.iteration == 1, timeout=5000)
    assert not s.last.clipped
    s.set_field("clip", "norm")
    s.set_field("clip_threshold", 1e-7)
    s.step()
    qtbot.waitUntil(lambda: s.iteration == 2, timeout=5000)
    assert s.last.clipped and s.last.grad_norm_after == pytest.approx(1e-7, rel=1e-3)
    assert s.run_config.clip == "norm" and s.pending_reset == ()


def test_a_shape_change_waits_for_reset(qtbot, make_session, ready):
    s = make_session()
    ready(qtbot, s)
    with qtbot.waitSignal(s.pendingChanged) as sig:
        s.set_field("seq_len", 12)
    assert sig.args[0] == ("seq_len",) and s.config.seq_len == 12
    s.step()
    qtbot.waitUntil(lambda: s.iteration == 1, timeout=5000)
    assert s.last.views["total"].shape[1] == 30, "the running model changed shape before Reset"
    with qtbot.waitSignal(s.runStarted, timeout=5000):
        s.reset()
    assert s.pending_reset == () and s.run_config.seq_len == 12
    s.step()
    qtbot.waitUntil(lambda: s.iteration == 1, timeout=5000)
    assert s.last.views["total"].shape[1] == 12


def test_an_invalid_edit_changes_nothing(make_session):
    s = make_session()
    before = s.config
    with pytest.raises(ConfigError, match="lr"):
        s.set_field("lr", 0.0)
    with pytest.raises(ConfigError, match="tbptt"):
        s.set_field("tbptt", 1000)  # > seq_len: a cross-field error
    assert s.config == before


def test_divergence_pauses_and_keeps_the_finite_history(qtbot, make_session, ready, settled):
    s = make_session(RunConfig(**DIVERGING))
    ready(qtbot, s)
    with qtbot.waitSignal(s.divergedChanged, timeout=20000, check_params_cb=lambda step: step is not None):
        s.play()
    qtbot.waitUntil(lambda: s.state == "diverged", timeout=5000)
    at = s.history.diverged_at
    assert at is not None and s.last.diverged
    steps, loss = s.history.scalar("loss")
    assert len(steps) == at + 1 and all(map(lambda v: v == v and abs(v) != float("inf"), loss[:at]))
    settled(qtbot, s)  # a diverged run stays paused
    assert s.state == "diverged"
    with qtbot.waitSignal(s.runStarted, timeout=5000):
        s.reset()
    assert s.state == "idle" and s.history.diverged_at is None


def test_a_worker_exception_pauses_with_an_error_and_reset_recovers(qtbot, make_session, ready, monkeypatch):
    from gradsim.core.trainer import Trainer

    s = make_session()
    ready(qtbot, s)
    real = Trainer.step

    def boom(self):
        raise FloatingPointError("synthetic failure in the worker")

    monkeypatch.setattr(Trainer, "step", boom)
    with qtbot.waitSignal(s.errorOccurred, timeout=5000) as sig:
        s.play()
    assert "synthetic failure" in sig.args[0] and "Traceback" in sig.args[1]
    qtbot.waitUntil(lambda: s.state == "error", timeout=2000)
    monkeypatch.setattr(Trainer, "step", real)
    s.reset()
    qtbot.waitUntil(lambda: s.state == "idle", timeout=5000)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 2, timeout=5000)


@pytest.mark.parametrize("backend", ["thread", "process"])
def test_spamming_controls_never_starts_a_second_worker(qtbot, make_session, ready, settled, backend):
    s = make_session(backend=backend)
    ready(qtbot, s, 30000)
    backend_obj = s.backend
    presets = list(list_presets().items())[:4]
    for i in range(60):
        [s.play, s.pause, s.toggle_play, s.reset, s.step][i % 5]()
        if i % 7 == 0:
            name, p = presets[i % len(presets)]
            s.load_preset(name, p.config)
        QApplication.processEvents()  # the loop's answers land between clicks, as they would
    s.pause()
    assert s.backend is backend_obj
    if backend == "process":
        assert len(multiprocessing.active_children()) == 1
    assert s.state in ("paused", "idle", "diverged")
    settled(qtbot, s)  # the loop agrees: it is not training


def test_shutdown_while_training_stops_the_process_cleanly(qtbot, make_session, ready):
    # how fast: benchmarks/bench_pause.py and bench_gui.py's close case (a clock has no place here)
    s = make_session(backend="process")
    ready(qtbot, s, 30000)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 3, timeout=10000)
    assert s.shutdown(10.0)  # True: the child answered the stop and exited by itself
    assert not multiprocessing.active_children()


def test_device_cuda_trains_where_cuda_exists_and_is_refused_elsewhere(qtbot, make_session, ready):
    import torch

    s = make_session(device="cuda")
    if torch.cuda.is_available():  # runs exactly where the refusal cannot be tested
        ready(qtbot, s, 60000)
        s.step()
        qtbot.waitUntil(lambda: s.iteration == 1, timeout=60000)
        assert s.state == "paused" and s.run_config.device == "cuda" and s.last.loss == s.last.loss
        return
    with qtbot.waitSignal(s.errorOccurred, timeout=30000) as first:
        pass
    assert "cannot build the model" in first.args[0] and "CUDA" in first.args[0].upper(), first.args[0]
    qtbot.waitUntil(lambda: s.state == "error", timeout=15000)
    with qtbot.waitSignal(s.errorOccurred, timeout=5000) as sig:
        s.play()  # nothing to train: says so, does not crash
    assert "Reset" in sig.args[0]
    qtbot.waitUntil(lambda: s.state == "error", timeout=2000)
    s.set_field("device", "cpu")
    with qtbot.waitSignal(s.runStarted, timeout=10000):
        s.reset()
    assert s.state == "idle"


def test_a_killed_training_process_is_reported_and_replaced(qtbot, make_session, ready):
    import signal

    s = make_session(backend="process")
    ready(qtbot, s, 30000)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 2, timeout=10000)
    first = s.backend
    with qtbot.waitSignal(s.errorOccurred, timeout=10000) as sig:
        os.kill(first.pid, signal.SIGKILL)  # what the kernel's OOM killer sends
    assert "out of memory" in sig.args[0] and "SIGKILL" in sig.args[0] and s.state == "error"
    with qtbot.waitSignal(s.runStarted, timeout=30000):
        s.reset()  # a fresh process, never two at once
    assert s.backend is not first and len(multiprocessing.active_children()) == 1
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 2, timeout=10000)


def test_death_messages_name_what_ended_the_training_process(qapp):
    from gradsim.app.worker import death_message

    assert "out of memory" in death_message(-9) and "SIGKILL" in death_message(-9)
    assert "SIGTERM" in death_message(-15) and "memory" not in death_message(-15)
    assert "exit code 3" in death_message(3)
    assert death_message(None) == "the training process ended unexpectedly"


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGSTOP"), reason="needs SIGSTOP")
def test_keys_pressed_at_a_stopped_worker_never_block_the_gui_and_quit_still_exits(qtbot, make_window, ready):
    """The worker stops reading (SIGSTOP: a 34-s step looks the same to the GUI). Pressing R
    2000 times (1.8 MB of commands, more than the pipe holds: the old synchronous send
    blocked at ~1330) must leave the event loop running, and Quit must still close the
    window and end the worker."""
    import signal
    import threading

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    w = make_window(backend="process")
    s = w.session
    ready(qtbot, s, 60000)
    pid = s.backend.pid
    os.kill(pid, signal.SIGSTOP)
    released = threading.Event()
    guard_fired: list = []

    def guard() -> None:  # a hang guard: if the GUI blocks on the pipe, continue the worker so the test can fail
        if not released.wait(120):
            guard_fired.append(True)
            os.kill(pid, signal.SIGCONT)

    threading.Thread(target=guard, daemon=True).start()
    try:
        for _ in range(2000):
            QTest.keyClick(w, Qt.Key.Key_R)
        ticked: list = []
        QTimer.singleShot(0, lambda: ticked.append(True))
        qtbot.waitUntil(lambda: bool(ticked), timeout=30000)  # the event loop runs
        assert not guard_fired, "the GUI thread blocked until the worker was continued"
        assert len(s.backend._channel.outbox) <= 6, "commands pile up instead of coalescing"
        runs_asked = s._next_run_id
        assert runs_asked >= 2000, "the presses did not reach the Reset action"
        # File → Quit (Ctrl+Q where the platform theme maps QKeySequence.Quit; offscreen maps nothing)
        w.actions.quit.trigger()
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=30000)
        assert s.backend is None  # shut down: the stopped worker was ended
        assert not guard_fired
        assert not multiprocessing.active_children()
    finally:
        released.set()
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
