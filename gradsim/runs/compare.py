"""The comparison folder: run A and run B trained in lockstep, each run's folder, one figure.

Writes into ``out``::

    a/, b/          each run's usual files (config.toml, metrics.csv, grad_steps.npz,
                    summary.json, figures)
    compare.png     loss curves overlaid, heatmaps side by side on ONE colour scale
    compare.svg
    summary.json    both final losses, the differing fields, the shared colour levels
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np

from gradsim.config import RunConfig
from gradsim.figures.scale import shared_levels
from gradsim.fileio import atomic_write_text
from gradsim.runs.folder import MetricsWriter, check_writable_dir, json_safe, write_outputs
from gradsim.runs.lockstep import run_labels
from gradsim.runs.procedure import train_lockstep
from gradsim.versions import versions

__all__ = ["compare_to_folder"]



def compare_to_folder(cfg_a: RunConfig, cfg_b: RunConfig, steps: int, out: str | Path, *, view: str = "last",
                      figures: bool = True, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Train both runs ``steps`` iterations in lockstep and write every file; return the summary.

    Raises ConfigError when the runs cannot share batches or cannot run here, OSError
    naming the file that could not be written.
    """
    out = Path(out)
    dirs = [check_writable_dir(out / "a"), check_writable_dir(out / "b")]
    diff = cfg_a.diff(cfg_b)
    labels = run_labels(diff)
    with MetricsWriter(dirs[0] / "metrics.csv") as ma, MetricsWriter(dirs[1] / "metrics.csv") as mb:
        results = train_lockstep(cfg_a, cfg_b, steps, sinks_a=[ma], sinks_b=[mb], progress=progress)
    wall = results[0].summary["wall_seconds"]
    for i, r in enumerate(results):
        extra = {**r.summary, "compare_role": "AB"[i], "compare_label": labels[i]}
        write_outputs(dirs[i], r.config, r.histories, r.last, summary_extra=extra, rollout=r.rollout,
                      metrics_written=True, figures=figures)
    h_a, h_b = results[0].history, results[1].history
    levels = shared_levels(h_a.views[view].data, h_b.views[view].data)
    summary: dict[str, Any] = {
        "steps": steps,
        "seed": cfg_a.seed,
        "same_data_batches": True,
        "view": view,
        "differing_fields": {k: [v[0], v[1]] for k, v in diff.items()},
        "heatmap_levels_log10": list(levels),
        "wall_seconds": wall,
    }
    for i, key in enumerate("ab"):
        r = results[i]
        snap = r.last
        summary[key] = {
            "label": labels[i],
            "folder": key,
            "final_loss": snap.loss if snap is not None else None,
            "diverged_at": r.history.diverged_at,
            "final_grad_norm": snap.grad_norm if snap is not None else None,
            "final_spectral_radius": snap.spectral_radius if snap is not None else None,
            "clipped_steps": int(np.sum(r.history.scalar("clipped")[1] > 0)),
        }
    summary["versions"] = versions()
    if figures:
        from gradsim.figures.compare import render_compare_figure
        from gradsim.figures.run import task_baseline

        render_compare_figure(out, h_a, h_b, labels, view=view, baseline=task_baseline(cfg_a),
                              tbptt=(cfg_a.tbptt, cfg_b.tbptt))
    atomic_write_text(out / "summary.json", json.dumps(json_safe(summary), indent=2) + "\n")
    return summary
