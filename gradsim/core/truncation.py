"""Where truncated BPTT cuts the sequence (torch-free: the GUI draws the cuts too)."""

from __future__ import annotations

__all__ = ["chunk_starts"]


def chunk_starts(T: int, k: int) -> set[int]:
    """Steps s ≥ 1 at which a truncation chunk of length ``k`` starts in a sequence of ``T``.

    Chunks are aligned to the END of the sequence, so the last step's loss flows back
    exactly k steps: s is a start when ``(T - s) % k == 0``. ``k ≤ 0`` (no truncation) or
    ``k ≥ T`` (one chunk) give no cut.
    """
    if k <= 0 or k >= T:
        return set()
    return {s for s in range(1, T) if (T - s) % k == 0}
