"""A/B comparison: two runs with the same seed and the SAME data batches, in lockstep.

Each iteration one batch is sampled (from run A's task, with a generator seeded like a
single run's, so run A sees exactly the batches ``Trainer(cfg_a)`` would) and fed to
both trainers; B receives the very same tensors (converted only if B trains in another
dtype or on another device). Both start from their own config's initialisation with
the shared seed, so two identical configs give bit-identical snapshots, and any
difference between A and B comes from the fields the user changed.

The data stream depends on ``task``, ``seq_len``, ``batch_size``, ``seed`` (and
``n_classes`` for ``recall``), so those must match (:data:`MATCH_FIELDS`); everything
else may differ, including the cell type, the activation, clipping, the optimiser.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from gradsim.config import ConfigError, RunConfig
from gradsim.core.tasks import Batch
from gradsim.core.trainer import Snapshot, Trainer

__all__ = ["MATCH_FIELDS", "Comparison", "FedTrainer", "check_compatible", "diff_label", "run_labels",
           "snapshots_equal", "LockstepControl", "lockstep"]

#: Fields that shape or seed the data stream: A and B must agree on them.
MATCH_FIELDS = ("task", "seq_len", "batch_size", "seed", "n_classes")


def _fields_that_must_match(cfg_a: RunConfig, cfg_b: RunConfig) -> list[str]:
    names = [n for n in MATCH_FIELDS if getattr(cfg_a, n) != getattr(cfg_b, n)]
    if "n_classes" in names and not (cfg_a.task == cfg_b.task == "recall"):
        names.remove("n_classes")  # only the recall task's data depends on it
    return names


def check_compatible(cfg_a: RunConfig, cfg_b: RunConfig) -> None:
    """Raise ConfigError naming the fields that must match for A and B to share data batches."""
    bad = _fields_that_must_match(cfg_a, cfg_b)
    if bad:
        a = ", ".join(f"{n}={getattr(cfg_a, n)!r}" for n in bad)
        b = ", ".join(f"{n}={getattr(cfg_b, n)!r}" for n in bad)
        template = ("A/B comparison: fields %1 must match, because both runs train on the same seed and data "
                    "batches (A: %2; B: %3)" if len(bad) > 1 else
                    "A/B comparison: field %1 must match, because both runs train on the same seed and data "
                    "batches (A: %2; B: %3)")
        raise ConfigError(template, ", ".join(bad), a, b)


def _fmt_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def diff_label(diff: dict[str, tuple[Any, Any]], side: int, max_len: int = 60) -> str:
    """``"clip=norm, clip_threshold=1"``: one side (0 = A, 1 = B) of a config diff, shortened to ``max_len``."""
    if not diff:
        return "same config"
    text = ", ".join(f"{k}={_fmt_value(v[side])}" for k, v in diff.items())
    return text if len(text) <= max_len else text[: max_len - 1].rstrip(", ") + "…"


def run_labels(diff: dict[str, tuple[Any, Any]], max_len: int = 60) -> tuple[str, str]:
    """Legend labels of run A and run B from their differing fields (``RunConfig.diff``)."""
    return f"A: {diff_label(diff, 0, max_len)}", f"B: {diff_label(diff, 1, max_len)}"


class _FedTask:
    """A task whose :meth:`sample` returns the batch it was given; everything else
    (sizes, loss, baseline, plotting helpers) is the wrapped task's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._batch: Batch | None = None

    def feed(self, batch: Batch) -> None:
        self._batch = batch

    def sample(self, rng: np.random.Generator) -> Batch:
        if self._batch is None:
            raise RuntimeError("no batch fed: call FedTrainer.step_with(batch)")
        batch, self._batch = self._batch, None
        return batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class FedTrainer(Trainer):
    """A Trainer that trains on batches handed to it (:meth:`step_with`) instead of sampling."""

    def reset(self, cfg: RunConfig | None = None) -> None:
        super().reset(cfg)
        self._task = _FedTask(self._task)

    @property
    def source_task(self) -> Any:
        """The real task (sampling, sizes), unwrapped."""
        return self._task.inner

    def step_with(self, batch: Batch) -> Snapshot:
        """One training iteration on ``batch`` (moved to this trainer's dtype and device if needed)."""
        task = self._task.inner
        y = batch.y
        x = batch.x.to(device=task.device, dtype=task.dtype)
        y = y.to(device=task.device, dtype=task.dtype) if y.is_floating_point() else y.to(device=task.device)
        self._task.feed(Batch(x, y))
        return self.step()


class Comparison:
    """Two runs, A and B, trained in lockstep on the same data batches.

    Parameters
    ----------
    cfg_a, cfg_b : RunConfig
        The two runs. Raises ConfigError (naming the fields) when they cannot share
        data batches (:func:`check_compatible`), or when either cannot run here.

    Examples
    --------
    >>> cmp = Comparison(cfg, cfg.replace(clip="norm"))       # doctest: +SKIP
    >>> snap_a, snap_b = cmp.step()                           # doctest: +SKIP
    >>> cmp.diff_fields()                                     # doctest: +SKIP
    {'clip': ('none', 'norm')}
    """

    def __init__(self, cfg_a: RunConfig, cfg_b: RunConfig) -> None:
        check_compatible(cfg_a, cfg_b)
        self.a = FedTrainer(cfg_a)
        self.b = FedTrainer(cfg_b)
        self._rng = np.random.default_rng(cfg_a.seed)
        self._last_batch: Batch | None = None

    # ------------------------------------------------------------------ state
    @property
    def config_a(self) -> RunConfig:
        return self.a.config

    @property
    def config_b(self) -> RunConfig:
        return self.b.config

    @property
    def step_count(self) -> int:
        return self.a.step_count

    @property
    def last_batch(self) -> Batch | None:
        """The batch both runs trained on at the latest step (A's dtype and device)."""
        return self._last_batch

    def diff_fields(self) -> dict[str, tuple[Any, Any]]:
        """Fields whose values differ between A's and B's running configs: name -> (A's, B's)."""
        return self.a.config.diff(self.b.config)

    def labels(self, max_len: int = 60) -> tuple[str, str]:
        """Legend labels naming the differing fields, e.g. ``("A: clip=none", "B: clip=norm")``."""
        return run_labels(self.diff_fields(), max_len)

    # ------------------------------------------------------------------ stepping
    def step(self) -> tuple[Snapshot, Snapshot]:
        """Sample one batch, train A then B on it; return both snapshots."""
        batch = self.a.source_task.sample(self._rng)
        self._last_batch = batch
        return self.a.step_with(batch), self.b.step_with(batch)

    def apply_config(self, cfg_a: RunConfig | None = None, cfg_b: RunConfig | None = None
                     ) -> tuple[list[str], list[str]]:
        """Apply the live fields of new configs; return each run's fields that wait for :meth:`reset`.

        The fields that must match are all reset fields, so a live change never breaks the
        shared data stream; :meth:`reset` checks the pending configs.
        """
        pa = self.a.apply_config(cfg_a) if cfg_a is not None else self.a.pending_reset_fields
        pb = self.b.apply_config(cfg_b) if cfg_b is not None else self.b.pending_reset_fields
        return pa, pb

    def reset(self, cfg_a: RunConfig | None = None, cfg_b: RunConfig | None = None) -> None:
        """Restart both runs (default: from their pending configs) and the shared data stream.

        Raises ConfigError, changing nothing, when the new configs cannot share batches.
        """
        cfg_a = cfg_a or self.a.pending_config
        cfg_b = cfg_b or self.b.pending_config
        check_compatible(cfg_a, cfg_b)
        self.a.reset(cfg_a)
        self.b.reset(cfg_b)
        self._rng = np.random.default_rng(cfg_a.seed)
        self._last_batch = None


def snapshots_equal(s: Snapshot, t: Snapshot, ignore: tuple[str, ...] = ("step_seconds",)) -> bool:
    """Whether two snapshots hold bit-identical numbers (NaN equal to NaN), ignoring timing."""
    for name in Snapshot.__dataclass_fields__:
        if name in ignore:
            continue
        u, v = getattr(s, name), getattr(t, name)
        if isinstance(u, np.ndarray):
            if u.shape != v.shape or not np.array_equal(u, v, equal_nan=True):
                return False
        elif hasattr(u, "keys"):
            if set(u) != set(v):
                return False
            for k in u:
                a, b = u[k], v[k]
                if isinstance(a, np.ndarray):
                    if not np.array_equal(a, b, equal_nan=True):
                        return False
                elif not (a == b or (a != a and b != b)):
                    return False
        elif not (u == v or (u != u and v != v)):
            return False
    return True


#: A lockstep generator hands over at least this many seconds of steps per yield (~30 per second).
BATCH_SECONDS = 0.033


class LockstepControl:
    """Pause / abort flags shared with :func:`lockstep` (plain threading, testable without Qt).

    The GUI never calls the superqt worker's own pause / quit: the pool deletes a finished
    worker's QRunnable, and touching its wrapper afterwards crashes (see gradsim.app.worker).
    """

    def __init__(self) -> None:
        self.abort = threading.Event()
        self.running = threading.Event()
        self.running.set()
        self.done = threading.Event()


def lockstep(cfg_a: RunConfig, cfg_b: RunConfig, steps: int, control: LockstepControl | None = None,
             batch_seconds: float = BATCH_SECONDS) -> Iterator[list]:
    """Train A and B ``steps`` iterations on the same batches; yield lists of (snap_a, snap_b).

    A generator (for superqt's worker): each yield hands over the pairs trained since the
    previous one, at least one, at most ``batch_seconds`` worth. Between yields it stops
    when ``control.abort`` is set and waits while ``control.running`` is clear.
    """
    control = control or LockstepControl()
    try:
        comparison = Comparison(cfg_a, cfg_b)
        done = 0
        while done < steps and not control.abort.is_set():
            while not control.running.wait(0.05):
                if control.abort.is_set():
                    return
            pairs = []
            t0 = time.perf_counter()
            while done < steps and (not pairs or time.perf_counter() - t0 < batch_seconds):
                pairs.append(comparison.step())
                done += 1
            yield pairs
    finally:
        # Free this thread's BPTT scratch tensors now: left to the pool thread's teardown,
        # freeing them crashes (see gradsim.core.loop._release_thread_buffers).
        from gradsim.core.bptt import release_scratch

        release_scratch()
        control.done.set()
