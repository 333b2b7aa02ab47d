"""One training iteration's measurements as plain, immutable numpy data (no torch).

Kept apart from :mod:`gradsim.core.trainer` so that the app's GUI process, which only
receives snapshots from the training process, never has to import torch (measured: about
1.3 s and 300 MB at start-up). ``from gradsim.core.trainer import Snapshot`` still works.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Snapshot"]


@dataclass(frozen=True)
class Snapshot:
    """One iteration's measurements, computed from the weights BEFORE its update.

    Arrays are read-only numpy copies. ``views[name]`` has shape (layers, seq_len) for
    name in ``total``, ``last``, ``weight``; ``prediction`` / ``target`` are (seq_len,
    outputs) of batch sample 0 (``target`` is NaN at steps without a target).
    """

    step: int
    loss: float
    grad_norm: float
    grad_norm_after: float
    clipped: bool
    diverged: bool
    diverged_at: int | None
    spectral_radius: float
    sigma_max: float
    spectrum_step: int
    views: Mapping[str, np.ndarray]
    param_grad_norms: Mapping[str, float]
    prediction: np.ndarray
    target: np.ndarray
    inputs: np.ndarray
    step_seconds: float
    fast_path: bool = field(default=True)
