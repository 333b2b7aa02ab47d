"""A live training loop in a child process: the pipe, the child's entry point, and the
parent's :class:`ProcessChannel` (``spawn`` context, so a child never inherits Qt).

Batches of messages are pickled; a :class:`~gradsim.core.snapshot.Snapshot` holds
read-only mapping proxies, so it travels as a plain dict and is rebuilt frozen.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
from dataclasses import fields
from types import MappingProxyType

import numpy as np

from gradsim.config import RunConfig
from gradsim.runs.live.loop import TrainingLoop
from gradsim.runs.live.protocol import Command, StepMsg

__all__ = ["ProcessChannel", "process_main", "decode"]


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
