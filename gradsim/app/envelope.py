"""Min/max decimation of a scalar series, done once as data arrives.

A loss curve of a long run has far more points than pixels. Drawing all of them
costs ~99 ms a frame at 1M points (issue 3's measurement), pyqtgraph's own
downsampling still ~10 ms; keeping, per bucket of iterations, the smallest and the
largest value costs nothing per frame and draws the same picture (the envelope of a
noisy curve is what a pixel column shows anyway). Buckets double in width when they
run out, like :class:`gradsim.core.history.DecimatingBuffer`, so memory is fixed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Envelope"]


class Envelope:
    """Per-bucket min and max of ``values`` (optionally of log10 values) over steps.

    Parameters
    ----------
    buckets : int
        Even number of buckets kept; the curve has at most twice as many points.
    log : bool
        Store log10 of the values; non-positive values are skipped like non-finite ones
        (a log axis cannot show them).
    """

    def __init__(self, buckets: int = 2048, log: bool = True) -> None:
        if buckets < 2 or buckets % 2:
            raise ValueError("buckets must be an even number ≥ 2")
        self.buckets = buckets
        self.log = log
        self.clear()

    def clear(self) -> None:
        """Forget everything (a new run)."""
        self._lo = np.full(self.buckets, np.inf)
        self._hi = np.full(self.buckets, -np.inf)
        self._flag = np.zeros(self.buckets, dtype=bool)
        self.width = 1  # iterations per bucket
        self._origin: int | None = None
        self._n = 0  # buckets in use
        #: Bumped on every change, so a view can skip redraws.
        self.version = 0

    def __len__(self) -> int:
        return self._n

    def _merge(self) -> None:
        half = self.buckets // 2
        self._lo[:half] = np.minimum(self._lo[0::2], self._lo[1::2])
        self._hi[:half] = np.maximum(self._hi[0::2], self._hi[1::2])
        self._flag[:half] = self._flag[0::2] | self._flag[1::2]
        self._lo[half:] = np.inf
        self._hi[half:] = -np.inf
        self._flag[half:] = False
        self._n = (self._n + 1) // 2
        self.width *= 2

    def extend(self, steps: np.ndarray, values: np.ndarray, flags: np.ndarray | None = None) -> None:
        """Add points; ``steps`` must be ascending and not before earlier steps.

        ``flags`` (e.g. "clipping fired") are kept per bucket as "any".
        """
        steps = np.asarray(steps, dtype=np.int64).ravel()
        if steps.size == 0:
            return
        values = np.asarray(values, dtype=np.float64).ravel()
        if self._origin is None:
            self._origin = int(steps[0])
        rel = steps - self._origin
        last = int(rel[-1])
        while last // self.width >= self.buckets:
            self._merge()
        idx = rel // self.width
        if flags is not None:
            f = np.asarray(flags, dtype=bool).ravel()
            self._flag[idx[f]] = True
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.log10(values) if self.log else values
        ok = np.isfinite(v)
        if ok.any():
            i, v = idx[ok], v[ok]
            if i.size == 1:
                self._lo[i[0]] = min(self._lo[i[0]], v[0])
                self._hi[i[0]] = max(self._hi[i[0]], v[0])
            else:
                np.minimum.at(self._lo, i, v)
                np.maximum.at(self._hi, i, v)
        self._n = max(self._n, int(idx[-1]) + 1)
        self.version += 1

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Interleaved (min, max) points of the filled buckets, x at bucket quarters."""
        n = self._n
        if n == 0 or self._origin is None:
            return np.empty(0), np.empty(0)
        lo, hi = self._lo[:n], self._hi[:n]
        keep = np.isfinite(lo)
        start = self._origin + np.arange(n, dtype=np.float64) * self.width
        x = np.empty(2 * n)
        y = np.empty(2 * n)
        x[0::2] = start + 0.25 * (self.width - 1)
        x[1::2] = start + 0.75 * (self.width - 1)
        y[0::2], y[1::2] = lo, hi
        k = np.repeat(keep, 2)
        return x[k], y[k]

    def flagged(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, max value) of the buckets whose flag is set (and that have a finite value)."""
        n = self._n
        if n == 0 or self._origin is None:
            return np.empty(0), np.empty(0)
        sel = self._flag[:n] & np.isfinite(self._hi[:n])
        i = np.flatnonzero(sel)
        return self._origin + (i + 0.5) * self.width - 0.5, self._hi[:n][i]

    def last_value(self) -> float:
        """The max of the newest bucket (NaN if empty)."""
        return float(self._hi[self._n - 1]) if self._n else float("nan")
