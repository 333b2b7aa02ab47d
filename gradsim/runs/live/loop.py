"""The training loop behind the app, free of Qt: one generator that runs a Trainer,
takes commands between steps and reports through plain, picklable messages.

The same :class:`TrainingLoop` runs in a thread of the GUI process (its inbox a
``queue.Queue``) or in a child process started with the ``spawn`` context
(:class:`ProcessChannel`: commands in and messages out over one duplex pipe). The
issue measured why a process can matter: training in a thread of the GUI process
competes with the GUI for the GIL (73 % of headless steps/s), a child process keeps
100 %. ``benchmarks/bench_gui.py`` measures both.

Protocol
--------
Commands (:class:`Command`, ``kind``): ``config`` (apply the live fields of
``config``), ``play`` (``value`` > 0: pause by itself once the run has done ``value``
iterations), ``pause``, ``step`` (pause, then run exactly ``value`` more
iterations), ``reset`` (rebuild from ``config`` as run ``value``), ``delay``
(seconds between steps while playing), ``stop``.

Messages: :class:`RunInfo` after every (re)build, :class:`StepMsg` per iteration,
:class:`SpectrumMsg` and :class:`RolloutMsg` at a low rate, :class:`StateMsg` when the
loop pauses itself (single step done, divergence, error), :class:`ConfigMsg` for
every config command, :class:`ErrorMsg`, and :class:`StoppedMsg` last. Every message
carries the run id it belongs to, so a receiver can drop what was in flight before a
reset, and state messages carry the sequence number of the last command the loop had
seen, so a receiver can tell a stale "paused" from a current one.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import sys
import time
import traceback
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any, Iterator, Protocol

import numpy as np

from gradsim.config import ConfigError, RunConfig

__all__ = [
    "Command",
    "RunInfo",
    "StepMsg",
    "SpectrumMsg",
    "RolloutMsg",
    "StateMsg",
    "ConfigMsg",
    "ErrorMsg",
    "StoppedMsg",
    "TrainingLoop",
    "ProcessChannel",
    "process_main",
]

#: Seconds between two reports while training flat out: the GUI redraws at ~30 Hz,
#: so sending more often only costs wake-ups.
FLUSH_SECONDS = 1.0 / 30.0
#: Seconds between eigenvalue and roll-out computations while playing.
SPECTRUM_SECONDS = 0.5
ROLLOUT_SECONDS = 1.0
#: How long an idle loop waits for a command before yielding (keeps abort prompt).
IDLE_POLL_SECONDS = 0.05


# ---------------------------------------------------------------------- protocol
@dataclass(frozen=True)
class Command:
    """One request to the loop; ``seq`` increases with every command sent."""

    kind: str
    seq: int = 0
    config: RunConfig | None = None
    value: float = 0.0


@dataclass(frozen=True)
class RunInfo:
    """What a receiver needs to know about a freshly built run."""

    run_id: int
    seq: int
    config: RunConfig
    baseline: float | None
    baseline_label: str
    param_names: tuple[str, ...]
    num_layers: int
    gamma: float | None


@dataclass(frozen=True)
class StepMsg:
    run_id: int
    snapshot: Any  # gradsim.core.snapshot.Snapshot


@dataclass(frozen=True)
class SpectrumMsg:
    """Eigenvalues of W_hh of every layer (complex arrays), before iteration ``step``."""

    run_id: int
    step: int
    eigenvalues: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class RolloutMsg:
    """Free-running roll-out for ``sine`` (seed 002), made after iteration ``step``."""

    run_id: int
    step: int
    values: np.ndarray


@dataclass(frozen=True)
class StateMsg:
    """The loop paused itself (``reason``: ``step``, ``diverged``, ``error``, ``until``:
    the iteration count a ``play`` command asked to stop at)."""

    run_id: int
    seq: int
    playing: bool
    reason: str


@dataclass(frozen=True)
class ConfigMsg:
    """Answer to a ``config`` command: what runs now and what waits for a reset."""

    run_id: int
    seq: int
    config: RunConfig
    pending_reset: tuple[str, ...]
    error: str | None = None


@dataclass(frozen=True)
class ErrorMsg:
    run_id: int
    seq: int
    message: str
    traceback: str


@dataclass(frozen=True)
class StoppedMsg:
    run_id: int


class Inbox(Protocol):
    """What the loop reads commands from (``queue.Queue`` has this shape)."""

    def get(self, block: bool = True, timeout: float | None = None) -> Command: ...


# ---------------------------------------------------------------------- the loop
class TrainingLoop:
    """Runs one Trainer under commands; :meth:`run` is the generator to drive.

    Parameters
    ----------
    cfg : RunConfig
        The first run's config. The Trainer is built inside :meth:`run`, i.e. on the
        thread or process that drives it (never on the GUI thread).
    run_id : int
        Id of that first run.
    torch_threads : int
        Intra-op threads for torch in this thread/process. 1 on small machines: the
        GUI needs a core (measured: 2 threads were worse in every arrangement).
    flush_seconds : float
        Minimum seconds between two non-empty yields while playing flat out.
    """

    def __init__(self, cfg: RunConfig, *, run_id: int = 0, torch_threads: int = 1,
                 flush_seconds: float = FLUSH_SECONDS) -> None:
        self._first = cfg
        self._run_id = run_id
        self._threads = torch_threads
        self._flush_seconds = flush_seconds
        self._trainer = None
        self._playing = False
        self._budget = 0  # iterations still owed to "step" commands
        self._until = 0  # play pauses itself once the run has done this many iterations (0: never)
        self._delay = 0.0
        self._seq = 0
        self._stopped = False
        self._prev_diverged = False
        self._next_step_at = 0.0
        self._last_spectrum = -math.inf
        self._last_rollout = -math.inf
        self._out: list = []

    # -------------------------------------------------------------- driving
    def run(self, inbox: Inbox) -> Iterator[list]:
        """Generator: yields lists of messages (often empty) between steps.

        Yielding often lets a driver check its own abort flag; a ``stop`` command
        ends the generator after a final :class:`StoppedMsg`.
        """
        import torch

        torch.set_num_threads(self._threads)
        try:
            yield from self._serve(inbox)
        finally:
            _release_thread_buffers()

    def _serve(self, inbox: Inbox) -> Iterator[list]:
        self._build(self._first, self._run_id)
        last_flush = time.monotonic()
        yield self._take()
        while not self._stopped:
            self._read_commands(inbox, self._wait_seconds())
            if self._stopped:
                break
            if self._trainer is not None and (self._budget > 0 or
                                              (self._playing and time.monotonic() >= self._next_step_at)):
                self._one_step()
            now = time.monotonic()
            urgent = not self._playing or self._delay > 0
            if self._out and (urgent or now - last_flush >= self._flush_seconds):
                last_flush = now
                yield self._take()
            else:
                yield []
        self._trainer = None
        self._out.append(StoppedMsg(self._run_id))
        yield self._take()

    def _take(self) -> list:
        out, self._out = self._out, []
        return out

    def _wait_seconds(self) -> float:
        if self._trainer is None or not (self._playing or self._budget > 0):
            return IDLE_POLL_SECONDS
        if self._budget > 0:
            return 0.0
        return min(IDLE_POLL_SECONDS, max(0.0, self._next_step_at - time.monotonic()))

    def _read_commands(self, inbox: Inbox, wait: float) -> None:
        block = wait > 0
        while True:
            try:
                cmd = inbox.get(block, wait) if block else inbox.get(False)
            except queue.Empty:
                return
            block = False  # after the first command, take only what is already there
            self._handle(cmd)
            if self._stopped:
                return

    # -------------------------------------------------------------- commands
    def _handle(self, cmd: Command) -> None:
        self._seq = max(self._seq, cmd.seq)
        kind = cmd.kind
        if kind == "stop":
            self._stopped = True
        elif kind == "play":
            if self._trainer is None:
                self._error("no model to train: fix the configuration and press Reset", "")
                return
            self._until = max(0, int(cmd.value))
            done = self._trainer.step_count
            if self._until and done >= self._until:  # already there: stay paused, say so
                self._until = 0
                self._out.append(StateMsg(self._run_id, self._seq, False, "until"))
                return
            self._playing = True
            self._next_step_at = time.monotonic()
        elif kind == "pause":
            was_playing = self._playing
            self._playing = False
            self._budget = self._until = 0
            if was_playing and self._trainer is not None:
                self._extras(force=True)  # the paused picture shows the latest spectrum and roll-out
        elif kind == "step":
            self._playing = False
            self._until = 0
            self._budget += max(1, int(cmd.value))
        elif kind == "delay":
            self._delay = max(0.0, float(cmd.value))
            self._next_step_at = time.monotonic()
        elif kind == "config" and cmd.config is not None:
            self._apply(cmd.config)
        elif kind == "reset" and cmd.config is not None:
            self._playing = False
            self._budget = self._until = 0
            self._build(cmd.config, int(cmd.value))
        else:
            raise ValueError(f"unknown command {cmd!r}")

    def _apply(self, cfg: RunConfig) -> None:
        if self._trainer is None:
            self._out.append(ConfigMsg(self._run_id, self._seq, cfg, (), None))
            return
        try:
            pending = self._trainer.apply_config(cfg)
            self._out.append(ConfigMsg(self._run_id, self._seq, self._trainer.config, tuple(pending), None))
        except ConfigError as err:
            # e.g. a live field that is only valid with a pending shape change
            # (tbptt > the running seq_len): it waits for the reset as well.
            self._out.append(ConfigMsg(self._run_id, self._seq, self._trainer.config,
                                       tuple(self._trainer.pending_reset_fields), str(err)))

    def _build(self, cfg: RunConfig, run_id: int) -> None:
        from gradsim.core.trainer import Trainer

        try:
            if self._trainer is None:
                trainer = Trainer(cfg)
            else:
                trainer = self._trainer
                trainer.reset(cfg)
        except Exception as err:  # a config that cannot run here (cuda absent, ...)
            self._error(f"cannot build the model: {err}", traceback.format_exc())
            return
        self._trainer = trainer
        self._run_id = run_id
        self._prev_diverged = False
        task = trainer.task
        self._out.append(RunInfo(
            run_id=run_id, seq=self._seq, config=trainer.config,
            baseline=None if task.baseline is None else float(task.baseline),
            baseline_label=str(task.baseline_label),
            param_names=tuple(n for n, _ in trainer.net.named_parameters()),
            num_layers=trainer.config.num_layers, gamma=trainer.gamma(),
        ))
        self._extras(force=True)

    def _error(self, message: str, tb: str) -> None:
        self._playing = False
        self._budget = 0
        self._out.append(ErrorMsg(self._run_id, self._seq, message, tb))
        self._out.append(StateMsg(self._run_id, self._seq, False, "error"))

    # -------------------------------------------------------------- stepping
    def _one_step(self) -> None:
        stepping = self._budget > 0
        if stepping:
            self._budget -= 1
        try:
            snap = self._trainer.step()
        except Exception as err:
            self._error(f"training step failed: {type(err).__name__}: {err}", traceback.format_exc())
            return
        self._next_step_at = time.monotonic() + self._delay
        self._out.append(StepMsg(self._run_id, snap))
        newly_diverged = snap.diverged and not self._prev_diverged
        self._prev_diverged = snap.diverged
        if newly_diverged:
            self._playing = False
            self._budget = 0
            self._out.append(StateMsg(self._run_id, self._seq, False, "diverged"))
        elif stepping and self._budget == 0:
            self._out.append(StateMsg(self._run_id, self._seq, False, "step"))
        elif self._playing and self._until and snap.step + 1 >= self._until:
            self._playing = False
            self._until = 0
            self._out.append(StateMsg(self._run_id, self._seq, False, "until"))
        self._extras(force=not self._playing)

    def _extras(self, force: bool) -> None:
        """Eigenvalues and the sine roll-out: at a low rate while playing, always when paused."""
        tr = self._trainer
        now = time.monotonic()
        if force or now - self._last_spectrum >= SPECTRUM_SECONDS:
            self._last_spectrum = now
            try:
                eig = tuple(tr.eigenvalues(layer) for layer in range(tr.config.num_layers))
                self._out.append(SpectrumMsg(self._run_id, tr.step_count, eig))
            except Exception:  # non-fatal: the spectrum is an extra view
                pass
        if tr.config.task == "sine" and (force or now - self._last_rollout >= ROLLOUT_SECONDS):
            try:
                values = tr.rollout()  # None before the first step (no batch yet)
            except Exception:
                values = None
            if values is not None:
                self._last_rollout = now
                self._out.append(RolloutMsg(self._run_id, tr.step_count, values))


def _release_thread_buffers() -> None:
    """Free the BPTT work buffers this thread keeps (a ``threading.local`` of tensors)
    while the thread is still healthy. Left to the thread's own teardown, freeing them
    inside a Qt pool thread's final PyGILState_Release crashed the app on close
    (segfault in tstate_delete_common; PySide6 6.11, Python 3.11, torch 2.13)."""
    from gradsim.core.bptt import release_scratch

    release_scratch()


# ---------------------------------------------------------------------- transport
def _encode(batch: list) -> list:
    """Make a batch picklable: a Snapshot holds MappingProxyType fields."""
    out = []
    for m in batch:
        if isinstance(m, StepMsg):
            s = m.snapshot
            d = {f.name: getattr(s, f.name) for f in fields(s)}
            d["views"] = dict(s.views)
            d["param_grad_norms"] = dict(s.param_grad_norms)
            out.append(("step", m.run_id, d))
        else:
            out.append(m)
    return out


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def decode(batch: list) -> list:
    """Inverse of the child's encoding: rebuild immutable Snapshots."""
    from gradsim.core.snapshot import Snapshot

    out = []
    for m in batch:
        if isinstance(m, tuple) and m and m[0] == "step":
            _, run_id, d = m
            d["views"] = MappingProxyType({k: _frozen(v) for k, v in d["views"].items()})
            d["param_grad_norms"] = MappingProxyType(d["param_grad_norms"])
            for k in ("prediction", "target", "inputs"):
                d[k] = _frozen(d[k])
            out.append(StepMsg(run_id, Snapshot(**d)))
        else:
            out.append(m)
    return out


class _PipeInbox:
    """``Inbox`` over the child's end of the pipe."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def get(self, block: bool = True, timeout: float | None = None) -> Command:
        try:
            ready = self._conn.poll(timeout if block else 0)
        except (EOFError, OSError):
            return Command("stop")
        if not ready:
            raise queue.Empty
        try:
            return self._conn.recv()
        except (EOFError, OSError):  # the parent went away: stop
            return Command("stop")


def process_main(conn, cfg: RunConfig, run_id: int, torch_threads: int) -> None:
    """Entry point of the child process: run the loop, send non-empty batches."""
    loop = TrainingLoop(cfg, run_id=run_id, torch_threads=torch_threads)
    try:
        for batch in loop.run(_PipeInbox(conn)):
            if batch:
                conn.send(_encode(batch))
    except (BrokenPipeError, EOFError, OSError, KeyboardInterrupt):
        pass  # the parent is gone or stopping us: nothing to report to
    finally:
        conn.close()
    # Skip the interpreter's teardown (torch's takes ~0.4 s here): everything worth
    # keeping has been sent, and the app should close within a second.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class ProcessChannel:
    """Parent side of a training loop in a child process (``spawn`` context).

    One duplex pipe carries commands in and batches of messages out; a pipe (not a
    ``multiprocessing.Queue``) needs no feeder threads or named semaphores, and a full
    pipe makes the child wait rather than pile up memory when the GUI falls behind.
    """

    def __init__(self, cfg: RunConfig, *, run_id: int = 0, torch_threads: int = 1) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(target=process_main, args=(child, cfg, run_id, torch_threads),
                                 name="gradsim-trainer", daemon=True)
        self._proc.start()
        child.close()
        self._pid = self._proc.pid
        self._closed = False
        #: Set by the owner before it stops the child, so an EOF is expected.
        self.stopping = False

    @property
    def pid(self) -> int | None:
        return self._pid

    def is_alive(self) -> bool:
        return not self._closed and self._proc.is_alive()

    def send(self, cmd: Command) -> bool:
        """Send a command; False if the child is gone."""
        if self._closed:
            return False
        try:
            self._conn.send(cmd)
            return True
        except (BrokenPipeError, EOFError, OSError):
            return False

    def receive(self, timeout: float) -> list | None:
        """One decoded batch, or None if nothing came within ``timeout`` seconds.

        Raises EOFError once the child has closed its end (exited).
        """
        if self._closed:
            raise EOFError
        try:
            if not self._conn.poll(timeout):
                return None
            return decode(self._conn.recv())
        except OSError:
            raise EOFError from None

    def join(self, timeout: float) -> bool:
        """Wait for the child to exit; terminate it after ``timeout``. True if it exited by itself."""
        self._proc.join(timeout)
        clean = not self._proc.is_alive()
        if not clean:
            self._proc.terminate()
            self._proc.join(1.0)
            if self._proc.is_alive():  # pragma: no cover - SIGTERM ignored
                self._proc.kill()
                self._proc.join(1.0)
        return clean

    def close(self) -> None:
        """Release the pipe (after :meth:`join`)."""
        if not self._closed:
            self._closed = True
            self._conn.close()
            if not self._proc.is_alive():
                self._proc.close()
