"""Colour scales of the heatmaps, numpy only (the GUI process and the run folder use them too)."""

from __future__ import annotations

import numpy as np

__all__ = ["log_magnitude", "shared_levels"]


def log_magnitude(data: np.ndarray, levels: tuple[float, float] | None = None
                  ) -> tuple[np.ndarray, tuple[float, float]]:
    """Return ``(finite float32 log10 |data|, levels)``.

    A non-finite value reaching an ImageItem whose levels a histogram follows can hang
    the GUI thread for minutes, so nothing non-finite leaves this function: zero (log
    -inf) becomes the lower level, +inf and nan the upper level (nan norms come from
    overflow, so they are shown as exploded).  Finite values are not clipped, so that
    widening the levels on an interactive colour bar reveals them.

    Parameters
    ----------
    data : np.ndarray
        Gradient norms.
    levels : tuple of float, optional
        Fixed ``(low, high)`` in log10 units; None uses the finite min / max of the data.

    Returns
    -------
    image : np.ndarray
        float32 array of data's shape, every value finite.
    levels : tuple of float
        The levels used, low < high.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logv = np.log10(np.abs(np.asarray(data, dtype=np.float64)))
    if levels is None:
        finite = logv[np.isfinite(logv)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        if hi - lo < 1e-6:  # flat data: a zero-width range would divide by zero in the LUT
            lo, hi = lo - 0.5, hi + 0.5
    else:
        lo, hi = (float(v) for v in levels)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"levels must be finite with low < high, got {levels!r}")
    np.nan_to_num(logv, copy=False, nan=hi, posinf=hi, neginf=lo)
    return logv.astype(np.float32), (lo, hi)


def shared_levels(*images: np.ndarray) -> tuple[float, float]:
    """One pair of log10 colour levels covering the finite values of every image."""
    parts = [np.asarray(a, dtype=np.float64).ravel() for a in images if np.asarray(a).size]
    if not parts:
        return -1.0, 1.0
    _, levels = log_magnitude(np.concatenate(parts)[None, :])
    return levels
