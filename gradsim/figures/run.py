"""Render a run's figures (loss, predictions, heatmap) to files, from its History and
last Snapshot, with the same pyqtgraph builders the app shows live."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gradsim.config import RunConfig

if TYPE_CHECKING:  # keep `gradsim --help` and bad-input errors free of the torch import
    from gradsim.core.history import History
    from gradsim.core.snapshot import Snapshot

__all__ = ["render_run_figures", "prediction_series", "task_baseline", "HEATMAP_VIEW_TITLES"]

#: Titles of the three per-step views, for plots and exports.
HEATMAP_VIEW_TITLES = {
    "total": "‖δ_t‖ = ‖∂L/∂h_t‖ (total error signal)",
    "last": "‖∂L_T/∂h_t‖ (last step's loss only)",
    "weight": "‖step t's term of ∂L/∂W_hh‖",
}


def task_baseline(cfg: RunConfig) -> tuple[float | None, str]:
    """The task's trivial-baseline loss and its label."""
    import torch

    from gradsim.core.tasks import make_task

    task = make_task(cfg, torch.float32, torch.device("cpu"))
    return task.baseline, task.baseline_label


def prediction_series(cfg: RunConfig, snap: Snapshot | None) -> tuple[np.ndarray, np.ndarray, str]:
    """One sample's prediction and target as 1-D series over t, with a title.

    Regression tasks plot the output; ``recall`` plots the probability given to the
    true class (the target is 1 at the last step); ``toy3`` has no readout.
    """
    T = cfg.seq_len
    if snap is None or cfg.task == "toy3":
        return np.full(T, np.nan), np.full(T, np.nan), "no readout (loss = sum of h_T)" if cfg.task == "toy3" else ""
    if cfg.task == "recall":
        true = int(np.nanargmax(snap.target[-1]))
        return snap.prediction[:, true], snap.target[:, true], f"p(true class {true}) over t; target at the last step"
    title = "sine: next-value prediction" if cfg.task == "sine" else "adding: running output; target at the last step"
    return snap.prediction[:, 0], snap.target[:, 0], title


def render_run_figures(
    out: Path,
    cfg: RunConfig,
    history: History,
    snap: Snapshot | None,
    *,
    rollout: np.ndarray | None = None,
    view: str = "last",
    size: tuple[int, int] = (1200, 800),
) -> list[Path]:
    """Write loss, predictions and heatmap as PNG and SVG into ``out``."""
    from gradsim.figures import export, plots

    export.ensure_qapp()
    written: list[Path] = []
    steps, loss = history.scalar("loss")
    _, clipped = history.scalar("clipped")
    baseline, label = task_baseline(cfg)
    lp = plots.LossPlot()
    lp.set_data(steps, loss, clipped_steps=steps[clipped > 0], diverged_step=history.diverged_at,
                baseline=baseline, baseline_label=label)
    pred, target, title = prediction_series(cfg, snap)
    pp = plots.PredictionPlot()
    pp.set_data(pred, target, rollout=rollout, title=title)
    buf = history.views[view]
    hp = plots.HeatmapPlot(title=HEATMAP_VIEW_TITLES[view])
    hp.set_data(buf.data, buf.steps, tbptt=cfg.tbptt)
    try:
        for name, widget in (("loss", lp), ("predictions", pp), ("heatmap", hp)):
            for suffix in (".png", ".svg"):
                written.append(export.export_widget(widget, out / f"{name}{suffix}", *size))
    finally:
        for w in (lp, pp, hp):
            w.close()
            w.deleteLater()
    return written
