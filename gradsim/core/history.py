"""Bounded history of training snapshots for plotting and export.

A :class:`DecimatingBuffer` keeps at most ``capacity`` rows, each covering ``stride``
consecutive iterations. When it fills up, neighbouring rows are merged pairwise and
the stride doubles, so memory is fixed for any run length while the whole run (and
every time step) stays visible. Gradient views merge by max, so a single exploding
iteration never disappears from the heatmap; scalar curves merge by mean, except
where stated (flags by max: "clipping fired somewhere in this row").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable

import numpy as np

from gradsim.core.snapshot import Snapshot

__all__ = ["DecimatingBuffer", "History", "SCALARS", "run_summary"]

#: Scalar metrics kept per iteration, with how rows merge.
SCALARS: dict[str, str] = {
    "loss": "mean",
    "grad_norm": "max",
    "grad_norm_after": "max",
    "clipped": "max",
    "spectral_radius": "mean",
    "sigma_max": "mean",
    "diverged": "max",
}


def _merge(kind: str) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if kind == "max":
        return np.fmax  # ignores NaN unless both are NaN
    if kind == "mean":
        return lambda a, b: (a + b) * 0.5
    raise ValueError(kind)


class DecimatingBuffer:
    """At most ``capacity`` rows of width ``width``; rows merge pairwise when full.

    Parameters
    ----------
    capacity : int
        Even number of rows kept.
    width : int
        Values per row (1 for a scalar series).
    reduce : {"max", "mean"}
        How two neighbouring rows merge.
    """

    def __init__(self, capacity: int, width: int, reduce: str = "max", dtype=np.float32) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 2")
        self.capacity = capacity
        self.width = width
        self._reduce = reduce
        self._merge = _merge(reduce)
        self._data = np.zeros((capacity, width), dtype=dtype)
        self._steps = np.zeros(capacity, dtype=np.int64)
        self._n = 0
        self.stride = 1
        self._pending: np.ndarray | None = None
        self._pending_count = 0
        self._pending_step = 0
        #: Bumped whenever existing rows change (a merge), so a view knows to redraw all.
        self.generation = 0

    def __len__(self) -> int:
        return self._n

    def append(self, step: int, row: np.ndarray) -> None:
        row = np.asarray(row, dtype=self._data.dtype).reshape(self.width)
        if self._pending is None:
            self._pending = row.copy()
            self._pending_step = step
        elif self._reduce == "mean":
            # a running sum, divided once the row is complete: merging one row at a time
            # with (a + b) / 2 would weigh the row's last iteration 1/2, the first 1/stride
            self._pending += row
        else:
            self._pending = self._merge(self._pending, row)
        self._pending_count += 1
        if self._pending_count >= self.stride and self._n == self.capacity:
            # Compact BEFORE completing the row: the row being built then keeps
            # accumulating at the doubled stride, so every row covers exactly ``stride``
            # iterations and mean-merges weigh them equally.
            self._compact()
        if self._pending_count >= self.stride:
            if self._reduce == "mean":
                self._pending /= self._pending_count
            self._data[self._n] = self._pending
            self._steps[self._n] = self._pending_step
            self._n += 1
            self._pending = None
            self._pending_count = 0

    def _compact(self) -> None:
        half = self.capacity // 2
        self._data[:half] = self._merge(self._data[0::2], self._data[1::2])
        self._steps[:half] = self._steps[0::2]
        self._n = half
        self.stride *= 2
        self.generation += 1

    @property
    def data(self) -> np.ndarray:
        """Completed rows (a view; copy before handing to another thread)."""
        return self._data[: self._n]

    @property
    def steps(self) -> np.ndarray:
        """Iteration at which each completed row starts."""
        return self._steps[: self._n]

    def clear(self) -> None:
        self.__init__(self.capacity, self.width, self._reduce, self._data.dtype)  # type: ignore[misc]

    @property
    def nbytes(self) -> int:
        return self._data.nbytes + self._steps.nbytes


class History:
    """Bounded history of a run: scalar curves and the per-step views of one layer.

    Memory is fixed at construction: ``rows × seq_len × 3`` float32 for the views
    (2048 × 1000 × 3 × 4 B ≈ 24.6 MB) plus ``scalar_rows`` per scalar series.
    """

    def __init__(self, seq_len: int, rows: int = 2048, scalar_rows: int = 1 << 18) -> None:
        self.seq_len = seq_len
        self.views = {v: DecimatingBuffer(rows, seq_len, "max") for v in ("total", "last", "weight")}
        self.scalars = {k: DecimatingBuffer(scalar_rows, 1, SCALARS[k], np.float64) for k in SCALARS}
        self.diverged_at: int | None = None
        self.count = 0

    def append(self, snap: Snapshot, layer: int = 0) -> None:
        for v, buf in self.views.items():
            buf.append(snap.step, snap.views[v][layer])
        for k, buf in self.scalars.items():
            buf.append(snap.step, float(getattr(snap, k)))
        if snap.diverged and self.diverged_at is None:
            self.diverged_at = snap.step
        self.count += 1

    def scalar(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        buf = self.scalars[name]
        return buf.steps, buf.data[:, 0]

    @property
    def nbytes(self) -> int:
        return sum(b.nbytes for b in self.views.values()) + sum(b.nbytes for b in self.scalars.values())


def run_summary(histories: "Sequence[History] | History", last: Snapshot | None, **extra: Any) -> dict[str, Any]:
    """The summary numbers of a run from its histories and newest snapshot.

    Keys: ``final_loss``, ``steps``, ``diverged_at``, ``final_spectral_radius``,
    ``final_sigma_max``, ``final_grad_norm``, ``clipped_fraction``; ``extra`` (e.g.
    ``steps_per_second``, ``wall_seconds``) is added and wins.
    """
    h = histories if isinstance(histories, History) else histories[0]
    _, clipped = h.scalar("clipped")
    out: dict[str, Any] = {
        "final_loss": last.loss if last is not None else None,
        "steps": h.count,
        "diverged_at": h.diverged_at,
        "final_spectral_radius": last.spectral_radius if last is not None else None,
        "final_sigma_max": last.sigma_max if last is not None else None,
        "final_grad_norm": last.grad_norm if last is not None else None,
        "clipped_fraction": float(np.mean(clipped)) if len(clipped) else None,
    }
    out.update(extra)
    return out
