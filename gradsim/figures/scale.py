"""Colour scales of the heatmaps, numpy only (the GUI process and the run folder use them too)."""

from __future__ import annotations

import numpy as np

__all__ = ["log_magnitude", "shared_levels", "compare_levels", "beyond_levels", "colour_indices", "exploded_rows",
           "ZERO_INDEX", "EXPLODED_DECADES"]

#: Colour index of an exact zero (truncated BPTT, underflow); the levels use 1 … 255.
ZERO_INDEX = 0
#: A heatmap row whose largest value lies this many decades above the median row's is "exploded".
EXPLODED_DECADES = 3.0


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


def compare_levels(images, fixed: tuple[float, float] | None = None,
                   previous: tuple[float, float] | None = None, *, growing: bool = False) -> tuple[float, float]:
    """The one colour range of pictures that are compared (two runs, the frames of an animation).

    ``fixed`` (a preset's or the user's levels) is used as it is: a colour then means the same
    magnitude in every picture and at every moment. Without it, the range of every image;
    ``growing`` (a live comparison, redrawn as it trains) rounds that range out to whole
    decades and never makes it narrower than ``previous``, the range drawn so far: it only
    grows, so both pictures keep one range that does not jump with each redraw's data, and a
    redraw re-colours only when the data crosses a decade beyond it (the History's pooling,
    which drops minima, does not move it back).
    """
    if fixed is not None:
        lo, hi = (float(v) for v in fixed)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"levels must be finite with low < high, got {fixed!r}")
        return lo, hi
    lo, hi = shared_levels(*images)
    if not growing:
        return lo, hi
    lo, hi = float(np.floor(lo)), float(np.ceil(hi))  # shared_levels gives hi > lo
    if previous is not None:
        lo, hi = min(lo, float(previous[0])), max(hi, float(previous[1]))
    return lo, hi


def beyond_levels(levels: tuple[float, float], *images: np.ndarray) -> float:
    """Fraction of the non-zero values of ``images`` that lie outside ``levels`` (drawn in the
    end colours; nan and ±inf, overflow, count as beyond); 0 for no values."""
    lo, hi = levels
    n = beyond = 0
    for a in images:
        a = np.abs(np.asarray(a, dtype=np.float64))
        a = a[a != 0]
        if not a.size:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            logv = np.log10(a)
        n += a.size
        beyond += int(np.count_nonzero(~((logv >= lo) & (logv <= hi))))
    return beyond / n if n else 0.0


def colour_indices(data: np.ndarray, levels: tuple[float, float] | None = None
                   ) -> tuple[np.ndarray, tuple[float, float]]:
    """Return ``(uint8 colour indices, levels)`` of ``log10 |data|``.

    Index :data:`ZERO_INDEX` (0) is an exact zero, so that it has its own colour rather than
    the lowest level's (10⁻²⁰ and "no gradient at all" are different facts); 1 … 255 span the
    levels, values beyond them take the end colours; nan and ±inf (overflow) take 255.
    ``levels`` as in :func:`log_magnitude`.
    """
    data = np.asarray(data)
    image, (lo, hi) = log_magnitude(data, levels)
    idx = np.subtract(image, lo, dtype=np.float32)
    idx *= 254.0 / (hi - lo)
    idx += 1.0
    np.clip(idx, 1.0, 255.0, out=idx)
    out = np.rint(idx).astype(np.uint8)
    out[np.asarray(data) == 0] = ZERO_INDEX
    return out, (lo, hi)


def exploded_rows(row_max: np.ndarray, decades: float = EXPLODED_DECADES) -> np.ndarray:
    """Which rows exploded: their largest log10 value is non-finite (overflow) or lies
    ``decades`` above the median row's; an array of bool.

    ``row_max`` holds each row's largest log10 |value| (−inf for an all-zero row).  On the
    ``exploding`` preset the explosion lives in the first few rows of hundreds: one pixel
    high, invisible in the image itself, so the plots mark these rows beside it.
    """
    row_max = np.asarray(row_max, dtype=np.float64)
    finite = row_max[np.isfinite(row_max)]
    over = np.isnan(row_max) | (row_max == np.inf)
    if finite.size < 4:
        return over
    return over | (row_max >= float(np.median(finite)) + decades)
