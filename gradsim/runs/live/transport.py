"""A live training loop in a child process: the pipe, the child's entry point, and the
parent's :class:`ProcessChannel` (``spawn`` context, so a child never inherits Qt).

Batches of messages are pickled; a :class:`~gradsim.core.snapshot.Snapshot` holds
read-only mapping proxies, so it travels as a plain dict and is rebuilt frozen.

Commands go the other way through a :class:`CommandQueue`: sending never blocks the
caller (the GUI thread). The queue coalesces what a busy loop has not read yet (only
the newest config and delay, one play/pause state, the steps summed, a reset drops
what it supersedes), so it stays a handful of entries however fast keys are pressed,
and a sender thread writes it into the pipe, blocking there instead of the caller
when the child is busy in a long step or stopped.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
from dataclasses import fields
from types import MappingProxyType

import numpy as np

from gradsim.config import RunConfig
from gradsim.runs.live.loop import TrainingLoop
from gradsim.runs.live.protocol import Command, Kind, StepMsg

__all__ = ["ProcessChannel", "CommandQueue", "process_main", "decode"]

#: Commands of the run-control state (playing, paused, stepping).
_CONTROL = (Kind.PLAY, Kind.PAUSE, Kind.STEP)


class CommandQueue:
    """A thread-safe, coalescing queue of :class:`Command` (it has :class:`Inbox`'s shape).

    :meth:`put` never blocks. What waits in the queue is merged so that applying it
    has the effect of applying every command put, in order, on the loop's state
    (with fewer ConfigMsg answers):

    * ``stop`` drops everything still waiting; nothing is queued after it;
    * ``reset`` drops the waiting run control and configs (a reset stops playing,
      clears the step budget and builds from its own config) and earlier resets;
    * ``config`` and ``delay`` replace a waiting command of their kind (for a config:
      one after the last waiting reset);
    * the run control after the last reset (``play``, ``pause``, ``step``) becomes its
      shortest equivalent ``[pause] [step(n)] [play]`` (steps add up).

    So at most 6 commands wait, whatever is put, each kind's newest ``seq`` kept.
    """

    def __init__(self) -> None:
        self._items: list[Command] = []
        self._cond = threading.Condition()
        self._closed = False  # after stop (or close): put ignores, get drains then raises Empty

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def pending(self) -> list[Command]:
        """A copy of what waits (for tests and diagnostics)."""
        with self._cond:
            return list(self._items)

    def put(self, cmd: Command) -> bool:
        """Queue ``cmd`` (merged as above); False if the queue is closed (after ``stop``)."""
        with self._cond:
            if self._closed:
                return False
            self._items = _coalesce(self._items, cmd)
            if cmd.kind is Kind.STOP:
                self._closed = True
            self._cond.notify()
            return True

    def get(self, block: bool = True, timeout: float | None = None) -> Command:
        with self._cond:
            if block and not self._items and not self._closed:
                self._cond.wait_for(lambda: self._items or self._closed, timeout)
            if not self._items:
                raise queue.Empty
            return self._items.pop(0)

    def close(self) -> None:
        """Refuse further commands and wake a waiting :meth:`get`."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def _after_last_reset(items: list[Command]) -> int:
    for i in range(len(items) - 1, -1, -1):
        if items[i].kind is Kind.RESET:
            return i + 1
    return 0


def _coalesce(items: list[Command], cmd: Command) -> list[Command]:
    kind = cmd.kind
    if kind is Kind.STOP:
        return [cmd]
    if kind is Kind.DELAY:
        return [c for c in items if c.kind is not Kind.DELAY] + [cmd]
    if kind is Kind.RESET:
        return [c for c in items if c.kind is Kind.DELAY] + [cmd]
    cut = _after_last_reset(items)
    head, tail = items[:cut], items[cut:] + [cmd]
    if kind is Kind.CONFIG:
        tail = [c for c in tail[:-1] if c.kind is not Kind.CONFIG] + [cmd]
    else:
        tail = [c for c in tail if c.kind not in _CONTROL] + _control_normal_form(
            [c for c in tail if c.kind in _CONTROL])
    return head + sorted(tail, key=lambda c: c.seq)


def _control_normal_form(controls: list[Command]) -> list[Command]:
    """The shortest ``[pause] [step(n)] [play]`` with the effect of ``controls`` in order.

    On the loop: play sets playing and the limit; pause clears playing, the step budget
    and the limit; step clears playing and the limit and adds to the budget. So only the
    last pause matters, the steps after it add up, and a play counts only if it is last.
    """
    out: list[Command] = []
    pauses = [i for i, c in enumerate(controls) if c.kind is Kind.PAUSE]
    if pauses:
        out.append(controls[pauses[-1]])
        controls = controls[pauses[-1] + 1:]
    steps = [c for c in controls if c.kind is Kind.STEP]
    if steps:
        out.append(Command.step(steps[-1].seq, sum(max(1, c.steps) for c in steps)))
    if controls and controls[-1].kind is Kind.PLAY:
        out.append(controls[-1])
    return out


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
            return Command.stop()
        if not ready:
            raise queue.Empty
        try:
            return self._conn.recv()
        except (EOFError, OSError):  # the parent went away: stop
            return Command.stop()


#: Signals the child ignores: a Ctrl-C in the terminal or a closed terminal reaches the
#: whole process group, and it is the parent that decides (it stops the child itself).
_PARENT_DECIDES = tuple(getattr(signal, n) for n in ("SIGINT", "SIGHUP") if hasattr(signal, n))


class _IgnoredInChild:
    """Ignore :data:`_PARENT_DECIDES` while the child is spawned, so it starts ignoring
    them (an ignored signal stays ignored across exec, and Python then installs no
    KeyboardInterrupt handler): a Ctrl-C while it imports prints no traceback."""

    def __enter__(self):
        self._saved = {}
        if threading.current_thread() is threading.main_thread():
            for sig in _PARENT_DECIDES:
                self._saved[sig] = signal.signal(sig, signal.SIG_IGN)
        return self

    def __exit__(self, *exc):
        for sig, handler in self._saved.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        return False


def process_main(conn, cfg: RunConfig, run_id: int, torch_threads: int) -> None:
    """Entry point of the child process: run the loop, send non-empty batches."""
    for sig in _PARENT_DECIDES:
        signal.signal(sig, signal.SIG_IGN)
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
    Commands wait in a :class:`CommandQueue` that one daemon thread writes into the
    pipe, so :meth:`send` returns at once even when the child does not read (a long
    step, a stopped process).
    """

    def __init__(self, cfg: RunConfig, *, run_id: int = 0, torch_threads: int = 1) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(target=process_main, args=(child, cfg, run_id, torch_threads),
                                 name="gradsim-trainer", daemon=True)
        with _IgnoredInChild():
            self._proc.start()
        child.close()
        self._pid = self._proc.pid
        self._closed = False
        self._broken = False  # the pipe refused a write: the child is gone
        #: Set by the owner before it stops the child, so an EOF is expected.
        self.stopping = False
        self.outbox = CommandQueue()
        self._sender = threading.Thread(target=self._pump, name="gradsim-command-sender", daemon=True)
        self._sender.start()

    def _pump(self) -> None:
        """The sender thread: write queued commands into the pipe (it may block here)."""
        while True:
            try:
                cmd = self.outbox.get(True, None)
            except queue.Empty:  # closed and drained
                return
            try:
                self._conn.send(cmd)
            except (BrokenPipeError, EOFError, OSError, ValueError):  # child gone / pipe closed
                self._broken = True
                self.outbox.close()
                return

    @property
    def pid(self) -> int | None:
        return self._pid

    def is_alive(self) -> bool:
        return not self._closed and self._proc.is_alive()

    @property
    def exitcode(self) -> int | None:
        """The child's exit code once it has ended (negative: killed by that signal), else None."""
        try:
            return self._proc.exitcode
        except ValueError:  # closed
            return None

    def wait_exit(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` s for the child to end; its exit code (None: still running)."""
        try:
            self._proc.join(timeout)
        except (ValueError, AssertionError):  # closed
            pass
        return self.exitcode

    def send(self, cmd: Command) -> bool:
        """Queue a command for the child without blocking; False if the child is gone."""
        if self._closed or self._broken:
            return False
        return self.outbox.put(cmd)

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
        return join_or_end(self._proc, timeout)

    def close(self) -> None:
        """Release the pipe (after :meth:`join`)."""
        if not self._closed:
            self._closed = True
            self.outbox.close()
            self._conn.close()
            if not self._proc.is_alive():
                self._proc.close()


def join_or_end(proc, timeout: float) -> bool:
    """Wait ``timeout`` seconds for a child process to exit, then terminate it (and kill it if
    it ignores that). True if it exited by itself."""
    proc.join(timeout)
    clean = not proc.is_alive()
    if not clean:
        proc.terminate()
        _continue(proc.pid)  # a stopped child (SIGSTOP) acts on SIGTERM only once continued
        proc.join(1.0)
        if proc.is_alive():  # pragma: no cover - SIGTERM ignored
            proc.kill()
            proc.join(1.0)
    return clean


def _continue(pid: int | None) -> None:
    if pid is not None and hasattr(signal, "SIGCONT"):
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
