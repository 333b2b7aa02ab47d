"""The session's state machine and its contract with the worker (pytest-qt)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import multiprocessing  # noqa: E402

import pytest  # noqa: E402

from gradsim.config import ConfigError, RunConfig  # noqa: E402
from gradsim.content.presets import list_presets  # noqa: E402

from app_configs import DIVERGING  # noqa: E402


@pytest.mark.parametrize("backend", ["thread", "process"])
def test_play_pause_step_reset(qtbot, make_session, ready, backend):
    s = make_session(backend=backend)
    ready(qtbot, s, 30000)
    assert s.state == "idle" and s.iteration == 0
    with qtbot.waitSignal(s.stateChanged, timeout=2000):
        s.play()
    assert s.state == "running"
    qtbot.waitUntil(lambda: s.iteration >= 5, timeout=10000)
    s.pause()
    assert s.state == "paused"
    qtbot.wait(300)  # batches in flight when we paused arrive now
    frozen = s.iteration
    qtbot.wait(300)
    assert s.iteration == frozen, "training went on after pause"
    s.step()
    qtbot.waitUntil(lambda: s.iteration == frozen + 1, timeout=5000)
    qtbot.wait(200)
    assert s.iteration == frozen + 1 and s.state == "paused"
    old_run = s.run_info.run_id
    with qtbot.waitSignal(s.runStarted, timeout=10000):
        s.reset()
    assert s.state == "idle" and s.iteration == 0 and s.run_info.run_id != old_run
    assert len(s.history.views["last"]) == 0


def test_step_from_running_pauses_then_steps_once(qtbot, make_session, ready):
    s = make_session()
    ready(qtbot, s)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 3, timeout=5000)
    s.step()
    assert s.state == "paused"
    qtbot.wait(300)
    n = s.iteration
    qtbot.wait(200)
    assert s.iteration == n


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


def test_divergence_pauses_and_keeps_the_finite_history(qtbot, make_session, ready):
    s = make_session(RunConfig(**DIVERGING))
    ready(qtbot, s)
    with qtbot.waitSignal(s.divergedChanged, timeout=20000, check_params_cb=lambda step: step is not None):
        s.play()
    qtbot.waitUntil(lambda: s.state == "diverged", timeout=5000)
    at = s.history.diverged_at
    assert at is not None and s.last.diverged
    steps, loss = s.history.scalar("loss")
    assert len(steps) == at + 1 and all(map(lambda v: v == v and abs(v) != float("inf"), loss[:at]))
    qtbot.wait(200)
    n = s.iteration
    qtbot.wait(200)
    assert s.iteration == n, "diverged run did not stay paused"
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
def test_spamming_controls_never_starts_a_second_worker(qtbot, make_session, ready, backend):
    s = make_session(backend=backend)
    ready(qtbot, s, 30000)
    backend_obj = s.backend
    presets = list(list_presets().items())[:4]
    for i in range(60):
        [s.play, s.pause, s.toggle_play, s.reset, s.step][i % 5]()
        if i % 7 == 0:
            name, p = presets[i % len(presets)]
            s.load_preset(name, p.config)
        qtbot.wait(1)
    s.pause()
    assert s.backend is backend_obj
    if backend == "process":
        assert len(multiprocessing.active_children()) == 1
    qtbot.wait(500)
    settled = s.iteration
    qtbot.wait(300)
    assert s.state in ("paused", "idle", "diverged") and s.iteration == settled


def test_shutdown_is_prompt_while_training(qtbot, make_session, ready):
    import time

    s = make_session(backend="process")
    ready(qtbot, s, 30000)
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 3, timeout=10000)
    t0 = time.monotonic()
    assert s.shutdown(1.0)
    assert time.monotonic() - t0 < 1.0
    assert not multiprocessing.active_children()


def test_a_config_that_cannot_run_here_is_an_error_until_reset_fixes_it(qtbot, make_session):
    import torch

    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    s = make_session(device="cuda")
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
    with qtbot.waitSignal(s.errorOccurred, timeout=5000) as sig:
        os.kill(first.pid, signal.SIGKILL)
    assert "ended unexpectedly" in sig.args[0] and s.state == "error"
    with qtbot.waitSignal(s.runStarted, timeout=30000):
        s.reset()  # a fresh process, never two at once
    assert s.backend is not first and len(multiprocessing.active_children()) == 1
    s.play()
    qtbot.waitUntil(lambda: s.iteration >= 2, timeout=10000)
