"""Which configurations the hand-written BPTT recursion covers (torch-free).

:mod:`gradsim.core.bptt` dispatches on it, and :mod:`gradsim.core.budget` sizes a run's
memory by it: the app checks the memory in its GUI process, which never imports torch,
so the rule lives here rather than in the bptt package (whose ``__init__`` imports torch).
"""

from __future__ import annotations

from gradsim.config import RunConfig

__all__ = ["has_fast_path"]


def has_fast_path(cfg: RunConfig) -> bool:
    """Whether the hand-written recursion covers this configuration: normalisation, and the
    skip connection of gated cells, are left to autograd."""
    return cfg.norm == "none" and (cfg.cell == "rnn" or not cfg.residual)
