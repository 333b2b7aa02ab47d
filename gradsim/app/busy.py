"""The busy state: what a window says while one training iteration takes long.

A step that takes longer than :data:`BUSY_SECONDS` would otherwise look like a frozen
app ("running", 0.0 steps/s). The main window and the Compare window then say how long
one iteration takes: the previous iteration's measured time, or before the first one an
estimate from the configuration's size (:func:`estimate_step_seconds`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from gradsim.config import RunConfig

__all__ = ["BUSY_SECONDS", "busy_text", "duration_text", "estimate_step_seconds"]

# An iteration running longer than this shows the busy state.
BUSY_SECONDS = 0.5

# Relative cost of a cell's recurrent step (gates × the hand-written backward's overhead).
_CELL_COST = {"rnn": 1.0, "lstm": 4.0, "gru": 5.0}
# Fitted on a 2-core x86 VM, one torch thread, float32 (RNN/LSTM/GRU, H 64–512, T 200–1000,
# B 8–32: within a factor of ~1.6): seconds per (time step × cell cost) per H² and per B·H.
_PER_H2 = 1.7e-9
_PER_BH = 4.3e-8


def estimate_step_seconds(cfg: RunConfig) -> float:
    """A rough guess (within a factor of ~2 here) of one training iteration's seconds on one CPU thread."""
    h, b, t = cfg.hidden_size, cfg.batch_size, cfg.seq_len
    cost = _CELL_COST.get(cfg.cell, 4.0) * t * (_PER_H2 * h * h + _PER_BH * b * h) * cfg.num_layers
    if cfg.dtype == "float64":
        cost *= 2.0
    return max(cost, 1e-3)


def duration_text(seconds: float) -> str:
    """``0.8 s``, ``34 s``, ``2.5 min`` in the current language."""
    if seconds < 10:
        return QCoreApplication.translate("Busy", "%1 s").replace("%1", f"{seconds:.1f}")
    if seconds < 120:
        return QCoreApplication.translate("Busy", "%1 s").replace("%1", f"{seconds:.0f}")
    return QCoreApplication.translate("Busy", "%1 min").replace("%1", f"{seconds / 60:.1f}")


def busy_text(seconds: float, *, first: bool) -> str:
    """"training… one iteration takes ~34 s" (measured), or the estimate before the first."""
    if first:
        return QCoreApplication.translate("Busy", "training… the first iteration takes ~%1 (estimate)").replace(
            "%1", duration_text(seconds))
    text = QCoreApplication.translate("Busy", "training… one iteration takes ~%1")
    return text.replace("%1", duration_text(seconds))
