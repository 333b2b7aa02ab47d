"""The training loop behind the app, free of Qt: one generator that runs a Trainer,
takes commands between steps and reports through plain, picklable messages.

The same :class:`TrainingLoop` runs in a thread of the GUI process (its inbox a
``queue.Queue``) or in a child process started with the ``spawn`` context
(:class:`~gradsim.runs.live.transport.ProcessChannel`: commands in and messages out over
one duplex pipe). The
issue measured why a process can matter: training in a thread of the GUI process
competes with the GUI for the GIL (73 % of headless steps/s), a child process keeps
100 %. ``benchmarks/bench_gui.py`` measures both.

The commands and messages are :mod:`gradsim.runs.live.protocol`; the child process and
its pipe are :mod:`gradsim.runs.live.transport`.
"""

from __future__ import annotations

import math
import queue
import time
import traceback
from typing import Iterator

from gradsim.config import ConfigError, RunConfig
from gradsim.errors import Message
from gradsim.runs.live.protocol import (
    Command, ConfigMsg, ErrorMsg, Inbox, Kind, RolloutMsg, RunInfo, SpectrumMsg, StateMsg, StepMsg, StoppedMsg,
)

__all__ = ["TrainingLoop", "FLUSH_SECONDS"]

#: Seconds between two reports while training flat out: the GUI redraws at ~30 Hz,
#: so sending more often only costs wake-ups.
FLUSH_SECONDS = 1.0 / 30.0
#: Seconds between eigenvalue and roll-out computations while playing.
SPECTRUM_SECONDS = 0.5
ROLLOUT_SECONDS = 1.0
#: How long an idle loop waits for a command before yielding (keeps abort prompt).
IDLE_POLL_SECONDS = 0.05


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
        if kind is Kind.STOP:
            self._stopped = True
        elif kind is Kind.PLAY:
            if self._trainer is None:
                error = ConfigError(Message("no model to train: fix the configuration and press Reset"))
                self._error(str(error), "", error)
                return
            self._until = cmd.until
            done = self._trainer.step_count
            if self._until and done >= self._until:  # already there: stay paused, say so
                self._until = 0
                self._out.append(StateMsg(self._run_id, self._seq, False, "until"))
                return
            self._playing = True
            self._next_step_at = time.monotonic()
        elif kind is Kind.PAUSE:
            was_playing = self._playing
            self._playing = False
            self._budget = self._until = 0
            if was_playing and self._trainer is not None:
                self._extras(force=True)  # the paused picture shows the latest spectrum and roll-out
        elif kind is Kind.STEP:
            self._playing = False
            self._until = 0
            self._budget += max(1, cmd.steps)
        elif kind is Kind.DELAY:
            self._delay = cmd.seconds
            self._next_step_at = time.monotonic()
        elif kind is Kind.CONFIG:
            self._apply(cmd.config)
        elif kind is Kind.RESET:
            self._playing = False
            self._budget = self._until = 0
            self._build(cmd.config, cmd.run_id)
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
                                       tuple(self._trainer.pending_reset_fields), err))

    def _build(self, cfg: RunConfig, run_id: int) -> None:
        from gradsim.core.trainer import Trainer

        try:
            if self._trainer is None:
                trainer = Trainer(cfg)
            else:
                trainer = self._trainer
                trainer.reset(cfg)
        except Exception as err:  # a config that cannot run here (cuda absent, a bad csv file, ...)
            # structured, so that the GUI shows it in its language (an OS or torch reason as it is)
            error = ConfigError(Message("cannot build the model: %1", (err if isinstance(err, ConfigError) else str(err),)))
            self._error(str(error), traceback.format_exc(), error)
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
            num_layers=trainer.config.num_layers, gamma=trainer.gamma(), data=task.describe_data(),
        ))
        self._extras(force=True)

    def _error(self, message: str, tb: str, error: ConfigError | None = None) -> None:
        self._playing = False
        self._budget = 0
        self._out.append(ErrorMsg(self._run_id, self._seq, message, tb, error))
        self._out.append(StateMsg(self._run_id, self._seq, False, "error"))

    # -------------------------------------------------------------- stepping
    def _one_step(self) -> None:
        stepping = self._budget > 0
        if stepping:
            self._budget -= 1
        try:
            snap = self._trainer.step()
        except Exception as err:
            error = ConfigError(Message("training step failed: %1: %2", (type(err).__name__, str(err))))
            self._error(str(error), traceback.format_exc(), error)
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
                # layer 0: the eigenvalues the snapshots' ρ was taken from (one computation for
                # the plot's title, the profile's legend and the ρ series); deeper layers: now
                step, first = tr.measured_eigenvalues()
                eig = (first, *(tr.eigenvalues(layer) for layer in range(1, tr.config.num_layers)))
                self._out.append(SpectrumMsg(self._run_id, step, eig))
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
