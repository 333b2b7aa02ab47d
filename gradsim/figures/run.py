"""Render a run's figures to files, from its History and last Snapshot, with the same
pyqtgraph builders the app shows live: loss, predictions, heatmap, and the pictures a
lecturer puts on a slide: the newest profile with its bound, the eigenvalues of W_hh and
ρ / σ_max over the run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gradsim.config import RunConfig

if TYPE_CHECKING:  # keep `gradsim --help` and bad-input errors free of the torch import
    from gradsim.core.history import History
    from gradsim.core.snapshot import Snapshot

__all__ = ["render_run_figures", "run_figure", "prediction_series", "task_baseline", "profile_bounds", "HEATMAP_VIEW_TITLES",
           "RUN_FIGURES"]

#: The figures of a run folder, by file stem, in the order they are written.
RUN_FIGURES = ("loss", "predictions", "heatmap", "profile", "spectrum", "spectral")

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
    if cfg.task == "csv":
        return snap.prediction[:, 0], snap.target[:, 0], csv_title(cfg)
    title = "sine: next-value prediction" if cfg.task == "sine" else "adding: running output; target at the last step"
    return snap.prediction[:, 0], snap.target[:, 0], title


def csv_title(cfg: RunConfig) -> str:
    """The csv task's prediction title: the column drawn (the target, else the first input
    column the config names) and how far ahead, e.g. ``csv: demand, 1 row(s) ahead``."""
    name = cfg.csv_target.strip() or (cfg.csv_columns.split(",")[0].strip() if cfg.csv_columns.strip() else "")
    shown = f"column {name}" if name.isdigit() else name or "first column"
    return f"csv: {shown}, {cfg.csv_horizon} row(s) ahead"


def profile_bounds(cfg: RunConfig, snap: Snapshot | None, view: str = "last") -> dict[str, np.ndarray]:
    """The curves drawn on a profile: (γλ₁)^(T−1−t) and ρ^(T−1−t), anchored at the measured
    last value, from the snapshot's σ_max and ρ (plain rnn only: the bound is on
    ‖∂L_T/∂h_t‖), and the fitted measured rate (any cell); only on the ``last`` view."""
    from gradsim.core.theory import measured_rate, profile_curves, theory_from_spectrum

    if snap is None or view != "last":
        return {}
    prof = np.asarray(snap.views[view][0], dtype=np.float64)
    if len(prof) < 2:
        return {}
    try:
        theory = theory_from_spectrum(snap.sigma_max, snap.spectral_radius, cfg.activation, len(prof),
                                      cell=cfg.cell, residual=cfg.residual, norm=cfg.norm,
                                      num_layers=cfg.num_layers)
    except ValueError:
        theory = None
    return profile_curves(prof, theory, measured_rate(prof, tbptt=cfg.tbptt))


def _spectral_reference(cfg: RunConfig) -> tuple[float, str]:
    from gradsim.core.numbers import format_value
    from gradsim.core.theory import GAMMA

    gamma = GAMMA.get(cfg.activation) if cfg.cell == "rnn" else None
    return (1.0 / gamma, f"1/γ = {format_value(1.0 / gamma, 3)}") if gamma else (1.0, "1")


def run_figure(name: str, cfg: RunConfig, history: History, snap: Snapshot | None, *,
               rollout: np.ndarray | None = None, eigenvalues: np.ndarray | None = None, view: str = "last",
               levels: tuple[float, float] | None = None):
    """One of :data:`RUN_FIGURES` as a widget (the caller exports and closes it): the one builder
    of a run's figures for ``gradsim run --out``, Export → All and the HTML/PDF report."""
    from gradsim.figures import plots

    if name == "loss":
        steps, loss = history.scalar("loss")
        _, clipped = history.scalar("clipped")
        baseline, label = task_baseline(cfg)
        w = plots.LossPlot()
        w.set_data(steps, loss, clipped_steps=steps[clipped > 0], diverged_step=history.diverged_at,
                   baseline=baseline, baseline_label=label)
    elif name == "predictions":
        pred, target, title = prediction_series(cfg, snap)
        w = plots.PredictionPlot()
        w.set_data(pred, target, rollout=rollout, title=title)
    elif name == "heatmap":
        buf = history.views[view]
        w = plots.HeatmapPlot(title=HEATMAP_VIEW_TITLES[view])
        w.set_data(buf.data, buf.steps, levels=levels, tbptt=cfg.tbptt)
    elif name == "profile":
        w = plots.ProfilePlot()
        prof = snap.views[view][0] if snap is not None else np.full(cfg.seq_len, np.nan)
        at = f" at iteration {snap.step}" if snap is not None else ""
        w.set_data(prof, bounds=profile_bounds(cfg, snap, view),
                   title=f"{HEATMAP_VIEW_TITLES[view].split(' (')[0]}{at}")
    elif name == "spectrum":
        w = plots.SpectrumPlot()
        w.set_data(np.zeros(0) if eigenvalues is None else eigenvalues)
        if eigenvalues is None:
            plots._set_title(w.plotItem, "Eigenvalues of W_hh: not recorded for this run")
    elif name == "spectral":
        steps, rho = history.scalar("spectral_radius")
        _, sigma = history.scalar("sigma_max")
        ref, ref_label = _spectral_reference(cfg)
        w = plots.SeriesPlot(title="ρ and σ_max of W_hh", y_label="value")
        w.set_data(steps, {"spectral radius ρ": rho, "σ_max": sigma}, log_y=_spans_decades(rho, sigma),
                   reference=ref, reference_label=ref_label)
    else:
        raise ValueError(f"unknown run figure {name!r} (known: {', '.join(RUN_FIGURES)})")
    return w


def render_run_figures(
    out: Path,
    cfg: RunConfig,
    history: History,
    snap: Snapshot | None,
    *,
    rollout: np.ndarray | None = None,
    eigenvalues: np.ndarray | None = None,
    view: str = "last",
    levels: tuple[float, float] | None = None,
    size: tuple[int, int] = (1200, 800),
    names: tuple[str, ...] = RUN_FIGURES,
) -> list[Path]:
    """Write the figures :data:`RUN_FIGURES` as PNG and SVG into ``out``.

    Parameters
    ----------
    eigenvalues : np.ndarray, optional
        Eigenvalues of layer 0's W_hh from the run's last spectrum measurement
        (``RunResult.eigenvalues``: the title's ρ is then the last snapshot's, as in the ρ / σ_max
        figure); without them the spectrum figure says so.
    view : str
        The heatmap's and profile's per-step view.
    levels : tuple of float, optional
        Fixed log10 colour levels of the heatmap (pictures that are compared share them);
        None follows the data.
    size : tuple of int
        Pixels; beyond the design size fonts and lines grow with it (see
        :func:`gradsim.figures.export.export_scale`).
    names : tuple of str
        Which of :data:`RUN_FIGURES` to write.
    """
    from gradsim.figures import export

    export.ensure_qapp()
    written: list[Path] = []
    for name in names:
        widget = run_figure(name, cfg, history, snap, rollout=rollout, eigenvalues=eigenvalues, view=view,
                            levels=levels)
        try:
            for suffix in (".png", ".svg"):
                written.append(export.export_widget(widget, out / f"{name}{suffix}", *size))
        finally:
            widget.close()
            widget.deleteLater()
    return written


def _spans_decades(*series: np.ndarray) -> bool:
    """Log axis when the positive values span more than two decades (ρ = 3·10⁴ beside 1/γ = 1)."""
    v = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in series]) if series else np.zeros(0)
    v = v[np.isfinite(v) & (v > 0)]
    return bool(v.size) and float(v.max() / v.min()) > 100.0
