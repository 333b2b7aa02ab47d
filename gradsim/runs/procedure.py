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

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradsim.config import RunConfig
from gradsim.core.history import History, run_summary
from gradsim.core.snapshot import Snapshot

__all__ = ["RunResult", "Sink", "train", "train_lockstep", "new_histories", "history_rows", "check_steps",
           "run_summary"]

#: A sink receives every step's Snapshot, in order.
Sink = Callable[[Snapshot], None]
#: Called as ``progress(done, total)`` after every step.
Progress = Callable[[int, int], None]

#: Runs up to this many steps keep one heatmap row per iteration; longer runs merge rows.
MAX_HISTORY_ROWS = 4096


def check_steps(steps: Any) -> int:
    """``steps`` as an int ≥ 1; raises ValueError naming the value otherwise."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps = {steps!r}: must be an integer ≥ 1")
    return int(steps)


def history_rows(steps: int) -> int:
    """Heatmap rows for a run of ``steps`` iterations: one per iteration up to 4096 (an even
    count, which the bounded history needs), then rows merge."""
    return max(2, min(steps + steps % 2, MAX_HISTORY_ROWS))


def new_histories(cfg: RunConfig, steps: int) -> list[History]:
    """One empty :class:`History` per layer, sized for a run of ``steps`` iterations."""
    return [History(cfg.seq_len, rows=history_rows(steps), scalar_rows=max(2, steps + steps % 2))
            for _ in range(cfg.num_layers)]


@dataclass
class RunResult:
    """What one headless run leaves: its histories (one per layer), newest snapshot and summary.

    ``eigenvalues`` (of layer 0's W_hh) and ``rollout`` (the sine task's free-running
    prediction, else None) are taken from the final weights.
    """

    config: RunConfig
    histories: list[History]
    last: Snapshot | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    eigenvalues: np.ndarray | None = None
    rollout: np.ndarray | None = None

    @property
    def history(self) -> History:
        """Layer 0's history (the one every figure shows by default)."""
        return self.histories[0]


def _drive(step: Callable[[], Sequence[Snapshot]], results: Sequence[RunResult], steps: int,
           sinks: Sequence[Sequence[Sink]], progress: Progress | None) -> float:
    """The loop itself: ``steps`` calls of ``step`` (one snapshot per run), each snapshot into its
    run's histories and sinks; returns the seconds spent in ``step`` alone."""
    loop_seconds = 0.0
    for i in range(steps):
        t0 = time.perf_counter()
        snaps = step()
        loop_seconds += time.perf_counter() - t0
        for result, run_sinks, snap in zip(results, sinks, snaps):
            for li, h in enumerate(result.histories):
                h.append(snap, layer=li)
            result.last = snap
            for sink in run_sinks:
                sink(snap)
        if progress is not None:
            progress(i + 1, steps)
    return loop_seconds


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
    result.eigenvalues = trainer.eigenvalues()
    result.rollout = trainer.rollout()


def train(cfg: RunConfig, steps: int, *, sinks: Iterable[Sink] = (), progress: Progress | None = None
          ) -> RunResult:
    """Train ``cfg`` for ``steps`` iterations; every snapshot goes into the histories and ``sinks``.

    Raises :class:`~gradsim.config.ConfigError` when the config cannot run here (e.g.
    ``device = "cuda"`` without CUDA) and ValueError for a bad ``steps``. A diverging run
    is a result (``summary["diverged_at"]``), not an error.
    """
    from gradsim.core.trainer import Trainer

    steps = check_steps(steps)
    t_wall = time.perf_counter()
    trainer = Trainer(cfg)
    result = RunResult(cfg, new_histories(cfg, steps))
    loop = _drive(lambda: (trainer.step(),), [result], steps, [list(sinks)], progress)
    _finish(result, trainer, loop, t_wall, steps)
    return result


def train_lockstep(cfg_a: RunConfig, cfg_b: RunConfig, steps: int, *, sinks_a: Iterable[Sink] = (),
                   sinks_b: Iterable[Sink] = (), progress: Progress | None = None
                   ) -> tuple[RunResult, RunResult]:
    """Train run A and run B in lockstep on the same seed and the same data batches.

    Raises ConfigError when the two configs cannot share batches (see
    :func:`gradsim.runs.lockstep.check_compatible`).
    """
    from gradsim.runs.lockstep import Comparison

    steps = check_steps(steps)
    t_wall = time.perf_counter()
    comparison = Comparison(cfg_a, cfg_b)
    results = (RunResult(cfg_a, new_histories(cfg_a, steps)), RunResult(cfg_b, new_histories(cfg_b, steps)))
    loop = _drive(comparison.step, results, steps, [list(sinks_a), list(sinks_b)], progress)
    for result, trainer in zip(results, (comparison.a, comparison.b)):
        _finish(result, trainer, loop, t_wall, steps)
    return results
