"""View ranges that move only when the data leaves them.

With pyqtgraph's auto-range a live plot's range changes on every frame (the run
grows by a step), so the axes re-lay out their ticks and text every frame: the
dearest part of a frame in this app (profiled: ~40 % of the GUI thread while
training). A :class:`Ranger` sets the range itself, with head-room, and only when the
data leaves it or shrinks to a small part of it (after a reset). A user's zoom or pan
switches it off until they press pyqtgraph's "A" (auto-range) button again.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

__all__ = ["Ranger", "finite_span"]


def finite_span(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, None if there are none."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    return float(v.min()), float(v.max())


class Ranger:
    """Manages one ViewBox's range.

    Parameters
    ----------
    view : pg.ViewBox
        The view to manage (auto-range is switched off).
    x_growth, y_growth : float
        Head-room added beyond the data's upper end, as a fraction of its span, when the
        range has to move (x of a time series grows: 0.25 means the axes change about
        every quarter of the run so far).
    pad : float
        Margin on both sides, as a fraction of the span.
    """

    def __init__(self, view: pg.ViewBox, *, x_growth: float = 0.0, y_growth: float = 0.0,
                 pad: float = 0.03) -> None:
        self.view = view
        self.x_growth, self.y_growth, self.pad = x_growth, y_growth, pad
        self.active = True
        self._x: tuple[float, float] | None = None
        self._y: tuple[float, float] | None = None
        view.disableAutoRange()
        view.sigRangeChangedManually.connect(self._user_moved)

    def _user_moved(self, *_args) -> None:
        self.active = False

    def _resume_if_asked(self) -> bool:
        if not self.active and any(self.view.autoRangeEnabled()):
            # the user pressed "A": hand the range back to us
            self.view.disableAutoRange()
            self.active = True
            self._x = self._y = None
        return self.active

    def _axis(self, cur, lo: float, hi: float, growth: float) -> tuple[float, float] | None:
        if hi - lo <= 0:
            lo, hi = lo - 0.5, hi + 0.5
        span = hi - lo
        if cur is not None:
            a, b = cur
            inside = a <= lo and hi <= b
            if inside and span >= 0.4 * (b - a):
                return None  # still a good fit: leave the axes alone
        pad = self.pad * span
        return lo - pad, hi + pad + growth * span

    def fit(self, x: tuple[float, float] | None, y: tuple[float, float] | None) -> None:
        """Make sure the data span ``x`` × ``y`` is in view (None: no data on that axis)."""
        if not self._resume_if_asked():
            return
        nx = self._axis(self._x, *x, self.x_growth) if x is not None and all(map(math.isfinite, x)) else None
        ny = self._axis(self._y, *y, self.y_growth) if y is not None and all(map(math.isfinite, y)) else None
        if nx is None and ny is None:
            return
        if nx is not None:
            self._x = nx
        if ny is not None:
            self._y = ny
        kw = {}
        if nx is not None:
            kw["xRange"] = nx
        if ny is not None:
            kw["yRange"] = ny
        self.view.setRange(padding=0.0, update=True, **kw)

    def reset(self) -> None:
        """Forget the ranges (a new run): the next fit starts afresh."""
        self._x = self._y = None
