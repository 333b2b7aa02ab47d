"""The Qt-free training loop (gradsim.runs.live.loop): commands, messages, both transports."""

from __future__ import annotations

import queue
import threading
import time

import numpy as np
import pytest

from gradsim.config import RunConfig
from gradsim.runs.live.loop import TrainingLoop
from gradsim.runs.live.protocol import (
    Command, ConfigMsg, ErrorMsg, Kind, RunInfo, SpectrumMsg, StateMsg, StepMsg, StoppedMsg,
)
from gradsim.runs.live.transport import CommandQueue, ProcessChannel

#: Diverges within a few steps: identity activation, orthogonal W_hh with every singular
#: value 3, a long sine: the hidden state grows like 3^t and overflows float32.
DIVERGING = dict(task="sine", seq_len=200, batch_size=4, cell="rnn", hidden_size=16, activation="identity",
                 init="orthogonal", init_gain=3.0, optimizer="sgd", lr=0.01)
#: Small and fast: a few ms per step.
SMALL = dict(task="adding", seq_len=30, batch_size=8, hidden_size=16, optimizer="adam", lr=0.01)


class Driver:
    """Runs a TrainingLoop in a plain thread and collects its messages."""

    def __init__(self, cfg: RunConfig, ready: type = RunInfo) -> None:
        self.inbox: queue.Queue = queue.Queue()
        self.msgs: list = []
        self.lock = threading.Lock()
        self.loop = TrainingLoop(cfg)
        self.desired = cfg  # the newest config sent (sync() repeats it: a no-op)
        self.seq = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.wait_for(lambda: self.of(ready))

    def _run(self) -> None:
        for batch in self.loop.run(self.inbox):
            with self.lock:
                self.msgs.extend(batch)

    def send(self, kind: str, **kw) -> None:
        """``send("step", steps=1)``: a Command of that kind (its fields by name)."""
        self.seq += 1
        if "config" in kw:
            self.desired = kw["config"]
        self.inbox.put(Command(Kind(kind), self.seq, **kw))

    def of(self, cls) -> list:
        with self.lock:
            return [m for m in self.msgs if isinstance(m, cls)]

    def wait_for(self, cond, timeout: float = 120.0) -> None:
        """Poll ``cond`` (a hang guard, not a speed claim: the bound is generous)."""
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.005)

    def sync(self) -> None:
        """Wait until the loop has handled every command sent so far and its messages up to
        then have arrived: a no-op config goes in and its answer comes back behind them."""
        self.send("config", config=self.desired)
        seq = self.seq
        self.wait_for(lambda: any(m.seq >= seq for m in self.of(ConfigMsg)))

    def settled(self) -> int:
        """Round trips proving the loop has stopped stepping; the number of steps so far."""
        self.sync()
        n = len(self.of(StepMsg))
        self.sync()
        self.sync()  # a loop still training would have sent a step between the two answers
        assert len(self.of(StepMsg)) == n, "the loop kept stepping"
        return n

    def stop(self) -> None:
        self.send("stop")
        self.thread.join(5)
        assert not self.thread.is_alive()


@pytest.fixture
def driver():
    made = []

    def make(**fields):
        d = Driver(RunConfig(**{**SMALL, **fields}))
        made.append(d)
        return d

    yield make
    for d in made:
        if d.thread.is_alive():
            d.stop()


def test_step_runs_exactly_one_iteration_and_reports_a_pause(driver):
    d = driver()
    for _ in range(3):
        d.send("step", steps=1)
    d.wait_for(lambda: len(d.of(StateMsg)) >= 1 and len(d.of(StepMsg)) >= 3)
    d.settled()
    assert [m.snapshot.step for m in d.of(StepMsg)] == [0, 1, 2]
    assert d.of(StateMsg)[-1].reason == "step" and not d.of(StateMsg)[-1].playing
    d.stop()
    assert isinstance(d.msgs[-1], StoppedMsg)


def test_play_pause_and_config_applies_at_the_next_step(driver):
    d = driver()
    d.send("play")
    d.wait_for(lambda: len(d.of(StepMsg)) >= 3)
    d.send("pause")
    n = d.settled()  # a paused loop does not step
    cfg = d.loop._first.replace(clip="norm", clip_threshold=1e-6, seq_len=20)
    d.send("config", config=cfg)
    d.send("step", steps=1)
    d.wait_for(lambda: len(d.of(StepMsg)) == n + 1)
    ack = d.of(ConfigMsg)[-1]
    assert ack.pending_reset == ("seq_len",) and ack.config.clip == "norm"
    snap = d.of(StepMsg)[-1].snapshot
    assert snap.clipped and snap.grad_norm_after == pytest.approx(1e-6, rel=1e-3)
    assert snap.views["last"].shape[1] == SMALL["seq_len"], "shape changed before reset"
    d.send("reset", config=cfg, run_id=7)
    d.wait_for(lambda: len(d.of(RunInfo)) == 2)
    assert d.of(RunInfo)[-1].run_id == 7 and d.of(RunInfo)[-1].config.seq_len == 20
    d.send("step", steps=1)
    d.wait_for(lambda: d.of(StepMsg)[-1].run_id == 7)
    assert d.of(StepMsg)[-1].snapshot.views["last"].shape[1] == 20
    d.stop()


def test_divergence_pauses_the_loop(driver):
    d = driver(**DIVERGING)
    d.send("play")
    d.wait_for(lambda: any(m.reason == "diverged" for m in d.of(StateMsg)), timeout=20)
    diverged = [m.snapshot for m in d.of(StepMsg) if m.snapshot.diverged]
    assert diverged and diverged[0].diverged_at == diverged[0].step
    d.settled()  # it stays paused
    d.stop()


def test_an_exception_in_a_step_pauses_with_a_readable_error(driver, monkeypatch):
    d = driver()

    def boom():
        raise FloatingPointError("synthetic failure")

    monkeypatch.setattr(d.loop._trainer, "step", boom)
    d.send("play")
    d.wait_for(lambda: d.of(ErrorMsg))
    err = d.of(ErrorMsg)[0]
    assert "synthetic failure" in err.message and "FloatingPointError" in err.traceback
    # structured, for the GUI to show in its language: the template, the exception's name and text
    (line,) = err.error.messages
    assert (line.template, line.args) == ("training step failed: %1: %2", ("FloatingPointError", "synthetic failure"))
    assert err.message == str(err.error) == "training step failed: FloatingPointError: synthetic failure"
    assert d.of(StateMsg)[-1].reason == "error"
    monkeypatch.undo()
    d.send("step", steps=1)  # the loop is still alive and can go on
    d.wait_for(lambda: d.of(StepMsg))
    d.stop()


def test_a_model_that_cannot_be_built_is_a_structured_error_and_play_says_so(monkeypatch):
    """An OS or torch failure while building (not a ConfigError) and the Play that follows
    (no model): each a structured line the GUI translates, the loop alive to take a fix."""
    import gradsim.core.trainer as trainer_module  # the loop imports it when it builds

    def no_memory(cfg):
        raise RuntimeError("can't allocate 33854591752 bytes")

    monkeypatch.setattr(trainer_module, "Trainer", no_memory)
    d = Driver(RunConfig(**SMALL), ready=ErrorMsg)
    (built,) = d.of(ErrorMsg)
    assert built.message == "cannot build the model: can't allocate 33854591752 bytes"
    assert built.error.messages[0].template == "cannot build the model: %1" and "RuntimeError" in built.traceback
    d.send("play")
    d.wait_for(lambda: len(d.of(ErrorMsg)) == 2)
    play = d.of(ErrorMsg)[1]
    assert play.error.messages[0].template == "no model to train: fix the configuration and press Reset"
    assert play.message == str(play.error) and d.of(StateMsg)[-1].reason == "error"
    assert not d.of(StepMsg)
    d.stop()

def test_process_channel_round_trip_keeps_snapshots_immutable():
    ch = ProcessChannel(RunConfig(**SMALL))
    got: list = []
    try:
        deadline = time.monotonic() + 180  # a hang guard under load, not a speed claim
        ch.send(Command.step(1, 2))
        while sum(isinstance(m, StepMsg) for m in got) < 2:
            assert time.monotonic() < deadline
            got += ch.receive(0.1) or []
        ch.stopping = True
        ch.send(Command.stop(2))
        while not (got and isinstance(got[-1], StoppedMsg)):
            assert time.monotonic() < deadline
            got += ch.receive(0.1) or []
    finally:
        assert ch.join(2.0), "child did not exit by itself after stop"
        ch.close()
    assert any(isinstance(m, RunInfo) for m in got) and any(isinstance(m, SpectrumMsg) for m in got)
    snap = [m for m in got if isinstance(m, StepMsg)][-1].snapshot
    assert snap.step == 1 and isinstance(snap.loss, float)
    with pytest.raises(ValueError):
        snap.views["total"][0, 0] = 1.0
    with pytest.raises(TypeError):
        snap.views["new"] = np.zeros(1)  # type: ignore[index]


def test_play_until_pauses_at_exactly_that_iteration(driver):
    d = driver()
    d.send("play", until=7)
    d.wait_for(lambda: any(m.reason == "until" for m in d.of(StateMsg)))
    d.settled()  # nothing more may come
    assert [m.snapshot.step for m in d.of(StepMsg)] == list(range(7))
    state = d.of(StateMsg)[-1]
    assert state.reason == "until" and not state.playing
    # Play without a limit goes on; asking for an iteration already reached stays put.
    d.send("play", until=5)
    d.wait_for(lambda: sum(m.reason == "until" for m in d.of(StateMsg)) == 2)
    assert d.settled() == 7
    d.send("play")
    d.wait_for(lambda: len(d.of(StepMsg)) >= 12)
    d.send("pause")
    assert all(m.reason == "until" for m in d.of(StateMsg))


def test_pause_and_reset_forget_the_limit(driver):
    d = driver()
    d.send("play", until=100_000)
    d.wait_for(lambda: len(d.of(StepMsg)) >= 2)
    d.send("pause")
    n = d.settled()
    d.send("play")  # a plain play after a pause: the old limit is gone
    d.wait_for(lambda: len(d.of(StepMsg)) >= n + 3)
    d.send("reset", config=d.loop._first, run_id=1)
    d.send("play", until=2)
    d.wait_for(lambda: any(m.reason == "until" for m in d.of(StateMsg)))
    d.settled()
    assert [m.snapshot.step for m in d.of(StepMsg) if m.run_id == 1] == [0, 1]


# --------------------------------------------------------------------------- typed commands
def test_commands_carry_one_meaning_per_field_and_refuse_nonsense():
    cfg = RunConfig(**SMALL)
    assert Command.play(3, until=200) == Command(Kind.PLAY, 3, until=200)
    assert Command.reset(4, cfg, run_id=9).run_id == 9 and Command.reset(4, cfg, 9).config is cfg
    assert Command.delay(5, 0.25).seconds == 0.25 and Command.step(6, 3).steps == 3
    assert Command("stop").kind is Kind.STOP  # a kind's value converts: what a pipe carries is typed again
    with pytest.raises(ValueError):
        Command("jump")
    with pytest.raises(ValueError, match="needs a config"):
        Command(Kind.RESET, 1, run_id=2)
    with pytest.raises(ValueError, match="needs a config"):
        Command(Kind.CONFIG, 1)
    for bad in (dict(until=-1), dict(steps=-2), dict(seconds=-0.1), dict(seconds=float("nan"))):
        with pytest.raises(ValueError, match="bad command"):
            Command(Kind.PLAY, 1, **bad)


# --------------------------------------------------------------------------- the command queue
def _apply_all(cmds) -> dict:
    """What a sequence of commands leaves in the loop's control state (TrainingLoop._handle's rules)."""
    st = {"playing": False, "budget": 0, "until": 0, "delay": 0.0, "config": None, "run_id": 0, "resets": 0}
    for c in cmds:
        if c.kind is Kind.PLAY:
            st.update(playing=True, until=c.until)
        elif c.kind is Kind.PAUSE:
            st.update(playing=False, budget=0, until=0)
        elif c.kind is Kind.STEP:
            st.update(playing=False, until=0, budget=st["budget"] + max(1, c.steps))
        elif c.kind is Kind.DELAY:
            st["delay"] = c.seconds
        elif c.kind is Kind.CONFIG:
            st["config"] = c.config
        elif c.kind is Kind.RESET:
            st.update(playing=False, budget=0, until=0, config=c.config, run_id=c.run_id)
            st["resets"] = 1
        elif c.kind is Kind.STOP:
            st["stopped"] = True
    return st


def _random_commands(rng, n: int, configs) -> list:
    out = []
    for seq in range(1, n + 1):
        k = rng.choice(["play", "pause", "step", "delay", "config", "reset"])
        if k == "play":
            out.append(Command.play(seq, until=int(rng.choice([0, 0, 5]))))
        elif k == "pause":
            out.append(Command.pause(seq))
        elif k == "step":
            out.append(Command.step(seq, int(rng.integers(1, 4))))
        elif k == "delay":
            out.append(Command.delay(seq, float(rng.choice([0.0, 0.1, 0.5]))))
        elif k == "config":
            out.append(Command.apply(seq, configs[int(rng.integers(len(configs)))]))
        else:
            out.append(Command.reset(seq, configs[int(rng.integers(len(configs)))], seq))
    return out


def test_the_command_queue_coalesces_to_the_same_end_state():
    rng = np.random.default_rng(0)
    configs = [RunConfig(**SMALL), RunConfig(**{**SMALL, "lr": 0.02}), RunConfig(**{**SMALL, "seq_len": 12})]
    for _ in range(300):
        # from a loop that may already be playing, with a budget (a start state the queue cannot see)
        start = [Command.play(0)] if rng.random() < 0.5 else [Command.step(0, 2)]
        cmds = _random_commands(rng, int(rng.integers(1, 40)), configs)
        q = CommandQueue()
        for c in cmds:
            assert q.put(c)
        waiting = q.pending()
        assert len(waiting) <= 6, waiting
        got, want = _apply_all(start + waiting), _apply_all(start + cmds)
        want["resets"] = got["resets"] = min(1, want["resets"])
        assert got == want, (cmds, waiting)
        assert [c.seq for c in waiting] == sorted(c.seq for c in waiting)  # the newest seq of each kind survives
        assert max(c.seq for c in waiting) == max(c.seq for c in cmds)


def test_the_command_queue_merges_steps_and_stop_ends_it():
    q = CommandQueue()
    for seq in range(1, 101):
        q.put(Command.step(seq, 1))
    assert q.pending() == [Command.step(100, 100)]  # 100 presses of Step: 100 iterations, one command
    q.put(Command.pause(101))
    q.put(Command.play(102))
    assert q.pending() == [Command.pause(101), Command.play(102)]  # the pause clears the 100 steps' budget
    assert q.put(Command.stop(103)) and q.pending() == [Command.stop(103)]
    assert not q.put(Command.play(104)), "a command after stop was queued"
    assert q.get(False) == Command.stop(103)
    with pytest.raises(queue.Empty):
        q.get(True, 0.01)  # closed and drained: no wait


def test_the_command_queue_wakes_a_waiting_reader():
    q = CommandQueue()
    got: list = []
    reader = threading.Thread(target=lambda: got.append(q.get(True, 120)), daemon=True)
    reader.start()
    q.put(Command.pause(1))
    reader.join(120)
    assert got == [Command.pause(1)]


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGSTOP"), reason="needs SIGSTOP")
def test_sending_to_a_stopped_child_never_blocks_and_the_newest_commands_arrive():
    import os
    import signal

    ch = ProcessChannel(RunConfig(**SMALL))
    got: list = []
    try:
        while not any(isinstance(m, RunInfo) for m in got):
            got += ch.receive(0.1) or []
        os.kill(ch.pid, signal.SIGSTOP)
        cfg = RunConfig(**SMALL)
        sent = threading.Event()

        def press() -> None:  # 3000 resets ≈ 2.6 MB of pickles: ten times what a socket buffer holds
            for i in range(1, 3001):
                assert ch.send(Command.reset(i, cfg, i))
            sent.set()

        presser = threading.Thread(target=press, daemon=True)
        presser.start()
        finished = sent.wait(120)  # a hang guard: each send returns at once
        os.kill(ch.pid, signal.SIGCONT)
        assert finished, "send() blocked on a stopped child"
        assert len(ch.outbox) <= 1
        while not any(isinstance(m, RunInfo) and m.run_id == 3000 for m in got):
            got += ch.receive(0.1) or []
        runs = [m.run_id for m in got if isinstance(m, RunInfo)]
        assert len(runs) < 100, "the resets were not coalesced"
        ch.stopping = True
        ch.send(Command.stop(3001))
        while not (got and isinstance(got[-1], StoppedMsg)):
            got += ch.receive(0.1) or []
    finally:
        os.kill(ch.pid, signal.SIGCONT)
        ch.join(5.0)
        ch.close()
