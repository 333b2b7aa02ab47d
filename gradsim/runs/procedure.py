"""THE headless run procedure: train a config for N steps into a history and sinks.

Every front end that trains without the live app calls :func:`train` (one run) or
:func:`train_lockstep` (two runs on the same batches): ``gradsim run``, ``compare``,
``animate``, ``report``, the app's exports, the sweep and the public API
(``gradsim.train``). What differs between them is what they do with each step's
:class:`~gradsim.core.snapshot.Snapshot`, and that is a *sink*: any callable
``sink(snapshot)`` (a metrics.csv writer, a frame recorder, a TensorBoard writer).

Example
-------
>>> from gradsim.runs.procedure import train
>>> from gradsim.config import RunConfig
>>> result = train(RunConfig(seq_len=10, hidden_size=8, batch_size=4), steps=3)
>>> result.summary["steps"], result.histories[0].views["last"].data.shape
(3, (3, 10))
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradsim.config import RunConfig
from gradsim.core.history import History, run_summary
from gradsim.core.snapshot import Snapshot
from gradsim.fileio import deferred_interrupt

__all__ = ["RunResult", "Sink", "train", "train_lockstep", "new_histories", "history_rows", "check_steps",
           "check_run", "run_summary", "MAX_STEPS", "Interrupted"]

#: A sink receives every step's Snapshot, in order.
Sink = Callable[[Snapshot], None]
#: Called as ``progress(done, total)`` after every step.
Progress = Callable[[int, int], None]

#: Runs up to this many steps keep one heatmap row per iteration; longer runs merge rows.
MAX_HISTORY_ROWS = 4096
#: The longest run: 10 million iterations (days of training at these sizes; metrics.csv
#: alone would hold ~2 GB). A larger count is a typo, refused before anything starts.
MAX_STEPS = 10_000_000


def check_steps(steps: Any) -> int:
    """``steps`` as an int from 1 to :data:`MAX_STEPS`; raises ValueError naming the value otherwise."""
    if (isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1
            or steps > MAX_STEPS):
        raise ValueError(f"steps = {steps!r}: must be an integer from 1 to {MAX_STEPS}")
    return int(steps)


def check_run(cfg: RunConfig, steps: Any, runs: int = 1) -> int:
    """Everything that can refuse a run, checked before anything is created or trained:
    ``steps`` (ValueError), the memory the run needs against what this machine has and
    the device (:class:`~gradsim.config.ConfigError`). Returns ``steps`` as an int."""
    from gradsim.core.budget import check_memory
    from gradsim.core.trainer import resolve_device

    steps = check_steps(steps)
    resolve_device(cfg.device)
    check_memory(cfg, history_rows(steps), _scalar_rows(steps), runs=runs)
    return steps


def history_rows(steps: int) -> int:
    """Heatmap rows for a run of ``steps`` iterations: one per iteration up to 4096 (an even
    count, which the bounded history needs), then rows merge."""
    return max(2, min(steps + steps % 2, MAX_HISTORY_ROWS))


def _scalar_rows(steps: int) -> int:
    return max(2, steps + steps % 2)


def new_histories(cfg: RunConfig, steps: int) -> list[History]:
    """One empty :class:`History` per layer, sized for a run of ``steps`` iterations."""
    return [History(cfg.seq_len, rows=history_rows(steps), scalar_rows=_scalar_rows(steps))
            for _ in range(cfg.num_layers)]


@dataclass
class RunResult:
    """What one headless run leaves: its histories (one per layer), newest snapshot and summary.

    ``eigenvalues`` are layer 0's W_hh's as the last spectrum measurement saw them (their
    largest |λ| is the last snapshot's ρ); ``rollout`` (the sine task's free-running
    prediction, else None) is taken from the final weights. ``interrupted_at`` is the
    number of steps done when Ctrl-C stopped a run started with ``stop_on_interrupt``
    (None for a run that went to the end).
    """

    config: RunConfig
    histories: list[History]
    last: Snapshot | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    eigenvalues: np.ndarray | None = None
    rollout: np.ndarray | None = None
    interrupted_at: int | None = None
    #: One line on the data read from a file (the csv task: rows, columns, what was left
    #: out), a :class:`~gradsim.errors.Message`; None for a generated task.
    data: Any = None

    @property
    def history(self) -> History:
        """Layer 0's history (the one every figure shows by default)."""
        return self.histories[0]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C after ``step`` completed steps, while their results were being written: the
    front end removed what it had started to write and says so."""

    def __init__(self, step: int | None) -> None:
        super().__init__(step)
        self.step = step


class _Interrupt:
    """Ctrl-C between steps, for a run that stops cleanly (``stop_on_interrupt``).

    SIGINT during a step abandons that step at once (KeyboardInterrupt, caught by
    :func:`_drive`: the histories and sinks never saw it); during the bookkeeping after
    a step (histories, sinks, progress) it only asks the loop to stop before the next
    one, so that what was written is every completed step, whole.
    """

    def __init__(self) -> None:
        self.requested = False
        self.in_step = False

    def _handler(self, signum, frame) -> None:  # noqa: ARG002 - signal's signature
        self.requested = True
        if self.in_step:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self, active: bool):
        if (not active or threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGINT) is signal.SIG_IGN):  # nohup, a background job
            yield self
            return
        old = signal.signal(signal.SIGINT, self._handler)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, old)


def _drive(step: Callable[[], Sequence[Snapshot]], results: Sequence[RunResult], steps: int,
           sinks: Sequence[Sequence[Sink]], progress: Progress | None, stop_on_interrupt: bool = False
           ) -> tuple[float, int]:
    """The loop itself: ``steps`` calls of ``step`` (one snapshot per run), each snapshot into its
    run's histories and sinks; returns the seconds spent in ``step`` alone and the steps done.

    With ``stop_on_interrupt``, Ctrl-C ends the loop after the last completed step and each
    result's ``interrupted_at`` says how many there were; otherwise KeyboardInterrupt
    propagates."""
    loop_seconds = 0.0
    done = 0
    with _Interrupt().installed(stop_on_interrupt) as intr:
        for i in range(steps):
            if intr.requested:
                break
            t0 = time.perf_counter()
            try:
                intr.in_step = True
                snaps = step()
                intr.in_step = False
            except KeyboardInterrupt:
                intr.in_step = False
                if not stop_on_interrupt:
                    raise
                intr.requested = True
                break
            loop_seconds += time.perf_counter() - t0
            _record(results, sinks, snaps)
            done = i + 1
            if progress is not None:
                progress(i + 1, steps)
    if intr.requested:
        for result in results:
            result.interrupted_at = done
    return loop_seconds, done


def _record(results: Sequence[RunResult], sinks: Sequence[Sequence[Sink]], snaps: Sequence[Snapshot]) -> None:
    for result, run_sinks, snap in zip(results, sinks, snaps):
        for li, h in enumerate(result.histories):
            h.append(snap, layer=li)
        result.last = snap
        for sink in run_sinks:
            sink(snap)


def _finish(result: RunResult, trainer: Any, loop_seconds: float, t_wall: float, steps: int) -> None:
    from gradsim.core.bptt import has_fast_path

    result.summary = run_summary(
        result.histories, result.last,
        steps_per_second=steps / loop_seconds if loop_seconds > 0 else None,
        # wall time of the whole run (start-up and data included); steps_per_second
        # counts the training loop only
        wall_seconds=time.perf_counter() - t_wall,
        train_seconds=loop_seconds,
        fast_path=has_fast_path(result.config),
    )
    if result.interrupted_at is not None:
        result.summary["interrupted_at"] = result.interrupted_at
    series = getattr(trainer.task, "series", None)  # a file's data: what was read, for the record
    if series is not None:
        result.summary["data"] = series.as_dict()
    result.data = trainer.task.describe_data()
    result.eigenvalues = trainer.measured_eigenvalues()[1]  # those of the last snapshot's ρ
    result.rollout = trainer.rollout()


def train(cfg: RunConfig, steps: int, *, sinks: Iterable[Sink] = (), progress: Progress | None = None,
          stop_on_interrupt: bool = False) -> RunResult:
    """Train ``cfg`` for ``steps`` iterations; every snapshot goes into the histories and ``sinks``.

    Raises :class:`~gradsim.config.ConfigError` when the config cannot run here (e.g.
    ``device = "cuda"`` without CUDA, or more memory than this machine has: see
    :func:`check_run`) and ValueError for a bad ``steps``, before training. A diverging run
    is a result (``summary["diverged_at"]``), not an error. With ``stop_on_interrupt``
    (front ends that keep a partial run), Ctrl-C stops after the last completed step and
    ``result.interrupted_at`` says how many were done; otherwise KeyboardInterrupt propagates.
    """
    steps = check_run(cfg, steps)
    t_wall = time.perf_counter()
    with deferred_interrupt():  # torch and the model: imports and building, Ctrl-C after them
        from gradsim.core.trainer import Trainer

        trainer = Trainer(cfg)
    result = RunResult(cfg, new_histories(cfg, steps))
    loop, done = _drive(lambda: (trainer.step(),), [result], steps, [list(sinks)], progress, stop_on_interrupt)
    _finish(result, trainer, loop, t_wall, done)
    return result


def train_lockstep(cfg_a: RunConfig, cfg_b: RunConfig, steps: int, *, sinks_a: Iterable[Sink] = (),
                   sinks_b: Iterable[Sink] = (), progress: Progress | None = None,
                   stop_on_interrupt: bool = False) -> tuple[RunResult, RunResult]:
    """Train run A and run B in lockstep on the same seed and the same data batches.

    Raises ConfigError when the two configs cannot share batches (see
    :func:`gradsim.runs.lockstep.check_compatible`) or cannot run here (:func:`check_run`).
    ``stop_on_interrupt`` as for :func:`train`.
    """
    steps = check_run(cfg_a, steps, runs=2)
    check_run(cfg_b, steps, runs=2)
    t_wall = time.perf_counter()
    with deferred_interrupt():
        from gradsim.runs.lockstep import Comparison

        comparison = Comparison(cfg_a, cfg_b)
    results = (RunResult(cfg_a, new_histories(cfg_a, steps)), RunResult(cfg_b, new_histories(cfg_b, steps)))
    loop, done = _drive(comparison.step, results, steps, [list(sinks_a), list(sinks_b)], progress,
                        stop_on_interrupt)
    for result, trainer in zip(results, (comparison.a, comparison.b)):
        _finish(result, trainer, loop, t_wall, done)
    return results
