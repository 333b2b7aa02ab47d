"""The comparison folder: run A and run B trained in lockstep, each run's folder, one figure.

Writes into ``out``::

    a/, b/          each run's usual files (config.toml, metrics.csv, grad_steps.npz,
                    summary.json, figures)
    compare.png     loss curves overlaid, heatmaps side by side on ONE colour scale
    compare.svg
    summary.json    both final losses, the differing fields, the shared colour levels
                    (``heatmap_levels_log10``; ``heatmap_levels_from``: "fixed" for levels given
                    up front, a preset's or ``--levels``, "data" for the range of both runs'
                    data over the whole run; ``heatmap_beyond_levels``: the fraction of
                    non-zero values outside them, drawn in the end colours)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np

from gradsim.config import RunConfig
from gradsim.figures.scale import beyond_levels, compare_levels
from gradsim.fileio import atomic_folder, atomic_write_text
from gradsim.runs.folder import MetricsWriter, check_out_folder, check_writable_dir, json_safe, write_outputs
from gradsim.runs.lockstep import run_labels
from gradsim.runs.procedure import train_lockstep
from gradsim.versions import versions

__all__ = ["compare_to_folder", "COMPARE_FILES"]



#: What a comparison folder holds.
COMPARE_FILES = ("a", "b", "compare.png", "compare.svg", "summary.json")


def compare_to_folder(cfg_a: RunConfig, cfg_b: RunConfig, steps: int, out: str | Path, *, view: str = "last",
                      levels: tuple[float, float] | None = None, figures: bool = True,
                      progress: Callable[[int, int], None] | None = None,
                      stop_on_interrupt: bool = False) -> dict[str, Any]:
    """Train both runs ``steps`` iterations in lockstep and write every file; return the summary.

    Both heatmaps use one colour range: ``levels`` (log10 low, high: a preset's or the
    user's) when given, else the range of both runs' data over the whole run.

    As :func:`gradsim.runs.folder.run_to_folder`: everything is checked before anything is
    created, the folder is written under a temporary name and renamed into place whole, and
    with ``stop_on_interrupt`` Ctrl-C keeps the completed steps (``summary["interrupted_at"]``)
    or raises :class:`~gradsim.runs.procedure.Interrupted` leaving ``out`` as it was.
    Raises ConfigError when the runs cannot share batches or cannot run here, OSError
    naming the file that could not be written.
    """
    from gradsim.runs.procedure import Interrupted, check_run

    steps = check_run(cfg_a, steps, runs=2)
    check_run(cfg_b, steps, runs=2)
    check_out_folder(out, COMPARE_FILES)
    done: list[int] = []
    try:
        with atomic_folder(out) as tmp:
            return _compare_into(tmp, cfg_a, cfg_b, steps, view, levels, figures, progress, stop_on_interrupt, done)
    except Interrupted:
        raise
    except KeyboardInterrupt:
        raise Interrupted(done[0] if done else None) from None


def _compare_into(out: Path, cfg_a: RunConfig, cfg_b: RunConfig, steps: int, view: str,
                  fixed: tuple[float, float] | None, figures: bool, progress: Callable[[int, int], None] | None,
                  stop_on_interrupt: bool, done: list[int]) -> dict[str, Any]:
    from gradsim.runs.procedure import Interrupted

    dirs = [check_writable_dir(out / "a"), check_writable_dir(out / "b")]
    diff = cfg_a.diff(cfg_b)
    labels = run_labels(diff)
    with MetricsWriter(dirs[0] / "metrics.csv") as ma, MetricsWriter(dirs[1] / "metrics.csv") as mb:
        results = train_lockstep(cfg_a, cfg_b, steps, sinks_a=[ma], sinks_b=[mb], progress=progress,
                                 stop_on_interrupt=stop_on_interrupt)
    done.append(results[0].history.count)
    if results[0].interrupted_at == 0:
        raise Interrupted(0)
    wall = results[0].summary["wall_seconds"]
    for i, r in enumerate(results):
        extra = {**r.summary, "compare_role": "AB"[i], "compare_label": labels[i]}
        write_outputs(dirs[i], r.config, r.histories, r.last, summary_extra=extra, rollout=r.rollout,
                      metrics_written=True, figures=figures, eigenvalues=r.eigenvalues)
    h_a, h_b = results[0].history, results[1].history
    images = (h_a.views[view].data, h_b.views[view].data)
    levels = compare_levels(images, fixed)
    summary: dict[str, Any] = {
        "steps": steps,
        "seed": cfg_a.seed,
        "same_data_batches": True,
        "view": view,
        "differing_fields": {k: [v[0], v[1]] for k, v in diff.items()},
        "heatmap_levels_log10": list(levels),
        "heatmap_levels_from": "data" if fixed is None else "fixed",
        "heatmap_beyond_levels": beyond_levels(levels, *images),
        "wall_seconds": wall,
    }
    if results[0].interrupted_at is not None:
        summary["interrupted_at"] = results[0].interrupted_at
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
                              tbptt=(cfg_a.tbptt, cfg_b.tbptt), levels=levels)
    atomic_write_text(out / "summary.json", json.dumps(json_safe(summary), indent=2) + "\n")
    return summary
