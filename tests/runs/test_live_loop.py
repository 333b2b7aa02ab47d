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
from gradsim.runs.live.transport import ProcessChannel

#: Diverges within a few steps: identity activation, orthogonal W_hh with every singular
#: value 3, a long sine: the hidden state grows like 3^t and overflows float32.
DIVERGING = dict(task="sine", seq_len=200, batch_size=4, cell="rnn", hidden_size=16, activation="identity",
                 init="orthogonal", init_gain=3.0, optimizer="sgd", lr=0.01)
#: Small and fast: a few ms per step.
SMALL = dict(task="adding", seq_len=30, batch_size=8, hidden_size=16, optimizer="adam", lr=0.01)


class Driver:
    """Runs a TrainingLoop in a plain thread and collects its messages."""

    def __init__(self, cfg: RunConfig) -> None:
        self.inbox: queue.Queue = queue.Queue()
        self.msgs: list = []
        self.lock = threading.Lock()
        self.loop = TrainingLoop(cfg)
        self.seq = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.wait_for(lambda: self.of(RunInfo))

    def _run(self) -> None:
        for batch in self.loop.run(self.inbox):
            with self.lock:
                self.msgs.extend(batch)

    def send(self, kind: str, **kw) -> None:
        """``send("step", steps=1)``: a Command of that kind (its fields by name)."""
        self.seq += 1
        self.inbox.put(Command(Kind(kind), self.seq, **kw))

    def of(self, cls) -> list:
        with self.lock:
            return [m for m in self.msgs if isinstance(m, cls)]

    def wait_for(self, cond, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.005)

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
    time.sleep(0.1)
    assert [m.snapshot.step for m in d.of(StepMsg)] == [0, 1, 2]
    assert d.of(StateMsg)[-1].reason == "step" and not d.of(StateMsg)[-1].playing
    d.stop()
    assert isinstance(d.msgs[-1], StoppedMsg)


def test_play_pause_and_config_applies_at_the_next_step(driver):
    d = driver()
    d.send("play")
    d.wait_for(lambda: len(d.of(StepMsg)) >= 3)
    d.send("pause")
    time.sleep(0.1)
    n = len(d.of(StepMsg))
    time.sleep(0.15)
    assert len(d.of(StepMsg)) == n, "paused loop kept stepping"
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
    time.sleep(0.15)
    n = len(d.of(StepMsg))
    time.sleep(0.15)
    assert len(d.of(StepMsg)) == n
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
    assert d.of(StateMsg)[-1].reason == "error"
    monkeypatch.undo()
    d.send("step", steps=1)  # the loop is still alive and can go on
    d.wait_for(lambda: d.of(StepMsg))
    d.stop()


def test_process_channel_round_trip_keeps_snapshots_immutable():
    ch = ProcessChannel(RunConfig(**SMALL))
    got: list = []
    try:
        deadline = time.monotonic() + 30
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
    time.sleep(0.15)  # nothing more may come
    assert [m.snapshot.step for m in d.of(StepMsg)] == list(range(7))
    state = d.of(StateMsg)[-1]
    assert state.reason == "until" and not state.playing
    # Play without a limit goes on; asking for an iteration already reached stays put.
    d.send("play", until=5)
    d.wait_for(lambda: sum(m.reason == "until" for m in d.of(StateMsg)) == 2)
    time.sleep(0.1)
    assert len(d.of(StepMsg)) == 7
    d.send("play")
    d.wait_for(lambda: len(d.of(StepMsg)) >= 12)
    d.send("pause")
    assert all(m.reason == "until" for m in d.of(StateMsg))


def test_pause_and_reset_forget_the_limit(driver):
    d = driver()
    d.send("play", until=100_000)
    d.wait_for(lambda: len(d.of(StepMsg)) >= 2)
    d.send("pause")
    time.sleep(0.1)
    n = len(d.of(StepMsg))
    d.send("play")  # a plain play after a pause: the old limit is gone
    d.wait_for(lambda: len(d.of(StepMsg)) >= n + 3)
    d.send("reset", config=d.loop._first, run_id=1)
    d.send("play", until=2)
    d.wait_for(lambda: any(m.reason == "until" for m in d.of(StateMsg)))
    time.sleep(0.1)
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
