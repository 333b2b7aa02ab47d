"""The two ways to run :class:`gradsim.runs.live.loop.TrainingLoop` off the GUI thread.

Both hand batches of messages to the GUI thread through a superqt generator worker
(its ``yielded`` signal is queued across threads):

* :class:`ThreadBackend` runs the loop itself in the worker thread. Simple, but the
  step competes with the GUI for the GIL.
* :class:`ProcessBackend` runs the loop in a child process (``spawn``); the worker
  thread only drains the pipe. Training keeps its own interpreter and core.

``benchmarks/bench_gui.py`` measures both; :data:`DEFAULT_BACKEND` is the winner.
Either way exactly one loop exists per backend object, and :meth:`stop` ends it.

:meth:`Backend.send` never blocks the GUI thread: commands wait, coalesced, in a
:class:`~gradsim.runs.live.transport.CommandQueue` (the thread loop reads it between
steps; for the process, a sender thread writes it into the pipe), so a worker in a
30-second step or a stopped one (SIGSTOP) cannot freeze the window
(``benchmarks/bench_gui_blocking.py``). A worker that dies says how (:func:`death_message`:
SIGKILL is the OOM killer's signal).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal
from superqt.utils import create_worker

from gradsim.config import RunConfig
from gradsim.runs.live.loop import TrainingLoop
from gradsim.runs.live.protocol import Command, StoppedMsg
from gradsim.runs.live.transport import CommandQueue, ProcessChannel

__all__ = ["Backend", "ThreadBackend", "ProcessBackend", "make_backend", "DEFAULT_BACKEND", "BACKENDS"]

log = logging.getLogger(__name__)

#: Chosen by benchmarks/bench_gui.py (figures in its docstring): with the window up,
#: a thread kept 72 % of headless steps/s (the GUI holds the GIL ~30 % of the time), a
#: process 86 %, and the GUI process then needs only ~23 % of a core.
DEFAULT_BACKEND = "process"
BACKENDS = ("process", "thread")


class Backend(QObject):
    """A training loop running elsewhere: send commands, receive batches.

    Signals
    -------
    batch(list)
        Messages from the loop, on the GUI thread.
    failed(str, str)
        The backend itself broke (not a training error): message, traceback.
    """

    batch = Signal(object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done = threading.Event()
        self._worker = None

    def _start_worker(self, gen_func, *args) -> None:
        worker = create_worker(gen_func, *args, _start_thread=False, _ignore_errors=True)
        worker.yielded.connect(self.batch.emit)
        worker.errored.connect(self._on_errored)
        self._worker = worker
        worker.start()

    def _on_errored(self, exc: BaseException) -> None:
        import traceback

        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        if isinstance(exc, ConnectionError):  # the process died: the message says all there is
            log.error("training backend failed: %s", exc)
        else:
            log.error("training backend failed:\n%s", tb)
        self.failed.emit(str(exc) if isinstance(exc, ConnectionError) else f"{type(exc).__name__}: {exc}", tb)

    @property
    def alive(self) -> bool:
        """Whether the loop may still be running."""
        return not self._done.is_set()

    def send(self, cmd: Command) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def stop(self, timeout: float = 1.0) -> bool:
        """Ask the loop to stop and wait up to ``timeout`` s; True if it ended in time."""
        raise NotImplementedError  # pragma: no cover

    def _wait_worker_thread(self, deadline: float) -> bool:
        ok = self._done.wait(max(0.0, deadline - time.monotonic()))
        if ok:
            # The generator has returned; give the pool thread the moment it needs to
            # emit `finished` and leave WorkerBase.run, so no thread outlives the app.
            # (Not worker.is_running: the pool deletes a finished QRunnable, and touching
            # its wrapper afterwards can crash.)
            ms = max(1, int((deadline - time.monotonic()) * 1000) + 200)
            ok = QThreadPool.globalInstance().waitForDone(ms)
        return ok


def _run_thread_loop(loop: TrainingLoop, inbox: CommandQueue, done: threading.Event):
    try:
        for batch in loop.run(inbox):
            if batch:
                yield batch
    finally:
        done.set()


class ThreadBackend(Backend):
    """The loop in a superqt worker thread of this process (commands wait, coalesced, in a
    :class:`~gradsim.runs.live.transport.CommandQueue` that the loop reads between steps)."""

    kind = "thread"

    def __init__(self, cfg: RunConfig, run_id: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inbox = CommandQueue()
        self._start_worker(_run_thread_loop, TrainingLoop(cfg, run_id=run_id), self._inbox, self._done)

    def send(self, cmd: Command) -> None:
        if self.alive:
            self._inbox.put(cmd)

    def stop(self, timeout: float = 1.0) -> bool:
        deadline = time.monotonic() + timeout
        # Not worker.quit(): superqt would stop iterating at the next yield and never
        # resume the generator, so the loop could not finish (and say so).
        self._inbox.put(Command.stop())
        return self._wait_worker_thread(deadline)


def death_message(exitcode: int | None) -> str:
    """What the banner says when the training process ended on its own (``exitcode`` as
    :attr:`multiprocessing.Process.exitcode`: negative = killed by that signal)."""
    if exitcode == -getattr(signal, "SIGKILL", 9):
        # SIGKILL is what the kernel's OOM killer sends; nobody else here does
        return QCoreApplication.translate(
            "Backend", "the training process was killed (SIGKILL), most likely because it ran out of memory: "
                       "choose a smaller hidden size, sequence length or batch size and press Reset")
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return QCoreApplication.translate("Backend", "the training process was killed by signal %1").replace(
            "%1", name)
    if exitcode:
        return QCoreApplication.translate("Backend", "the training process ended unexpectedly (exit code %1)").replace(
            "%1", str(exitcode))
    return QCoreApplication.translate("Backend", "the training process ended unexpectedly")


def _drain(channel: ProcessChannel, done: threading.Event):
    try:
        while True:
            try:
                batch = channel.receive(0.05)
            except EOFError:
                if not done.is_set() and not channel.stopping:
                    # not RuntimeError: superqt reads that as "worker deleted" and only warns
                    raise ConnectionError(death_message(channel.wait_exit(2.0))) from None
                return
            if batch:
                yield batch
                if isinstance(batch[-1], StoppedMsg):
                    return
    finally:
        done.set()


class ProcessBackend(Backend):
    """The loop in a child process; a superqt worker thread drains its pipe."""

    kind = "process"

    def __init__(self, cfg: RunConfig, run_id: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channel = ProcessChannel(cfg, run_id=run_id)
        self._start_worker(_drain, self._channel, self._done)

    @property
    def pid(self) -> int | None:
        return self._channel.pid

    def send(self, cmd: Command) -> None:
        """Queue ``cmd`` for the child; never blocks (a sender thread writes the pipe)."""
        if self.alive and not self._channel.send(cmd):
            log.warning("training process is gone; command %s dropped", cmd.kind.value)

    def stop(self, timeout: float = 1.0) -> bool:
        deadline = time.monotonic() + timeout
        self._channel.stopping = True
        self._channel.send(Command.stop())
        # The child answers with StoppedMsg and exits at once (os._exit). A step still
        # running (a huge config) cannot be interrupted politely: then the child is
        # terminated, which closes the pipe and ends the drain thread as well.
        answered = self._done.wait(max(0.0, deadline - time.monotonic() - 0.2))
        clean = self._channel.join(max(0.05, deadline - time.monotonic() - 0.1))
        ended = self._wait_worker_thread(deadline + 0.5)
        if ended:
            self._channel.close()
        return answered and clean and ended


def make_backend(kind: str | None, cfg: RunConfig, run_id: int = 0, parent: QObject | None = None) -> Backend:
    """Start a backend of ``kind`` (``process`` / ``thread``; None = $GRADSIM_BACKEND or the default)."""
    kind = kind or os.environ.get("GRADSIM_BACKEND") or DEFAULT_BACKEND
    if kind == "thread":
        return ThreadBackend(cfg, run_id, parent)
    if kind == "process":
        return ProcessBackend(cfg, run_id, parent)
    raise ValueError(f"unknown backend {kind!r} (known: {', '.join(BACKENDS)})")

