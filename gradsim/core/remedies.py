"""Gradient remedies applied between backward and the optimiser step: clipping by
value (seed 003) or by global norm (Pascanu et al. 2013), and normalisation to unit
norm (seed 000). Truncated BPTT lives in the backward itself (:mod:`gradsim.core.bptt`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from gradsim.config import RunConfig

__all__ = ["RemedyResult", "apply_remedies", "global_norm"]


@dataclass(frozen=True)
class RemedyResult:
    """Norms before and after the remedies, and whether clipping changed anything."""

    norm_before: float
    norm_after: float
    clipped: bool


def global_norm(grads: list[torch.Tensor]) -> float:
    """‖(g_1, …, g_n)‖₂ over every component of every tensor (float64 accumulation)."""
    if not grads:
        return 0.0
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g.double()) for g in grads])))


@torch.no_grad()
def apply_remedies(grads: list[torch.Tensor], cfg: RunConfig) -> RemedyResult:
    """Modify ``grads`` in place following ``cfg.clip`` / ``cfg.grad_normalize``.

    Clipping by value caps each component at ±``clip_threshold`` (``clipped`` when any
    component exceeded it); clipping by norm rescales the whole gradient to norm
    ``clip_threshold`` when it is larger. Normalisation then rescales to unit norm.
    Non-finite gradients are left as they are (the trainer skips that update).
    """
    before = global_norm(grads)
    clipped = False
    if math.isfinite(before):
        thr = cfg.clip_threshold
        if cfg.clip == "value":
            for g in grads:
                if bool((g.abs() > thr).any()):
                    clipped = True
                g.clamp_(-thr, thr)
        elif cfg.clip == "norm" and before > thr:
            clipped = True
            for g in grads:
                g.mul_(thr / before)
        if cfg.grad_normalize:
            n = global_norm(grads)
            if n > 0:
                for g in grads:
                    g.div_(n)
    after = global_norm(grads) if (clipped or cfg.grad_normalize) else before
    return RemedyResult(before, after, clipped)
