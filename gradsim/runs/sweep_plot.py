"""A sweep folder as a phase diagram: the table aggregated, the presets placed, the figure drawn.

Shared by ``gradsim sweep-plot`` and the app's Analysis → Sweep… window. Reading a folder
and aggregating it needs no Qt (and no torch); :func:`diagram_kwargs` builds the
arguments of :meth:`gradsim.figures.sweep.PhaseDiagram.set_data` (importing the figure
module, hence Qt, only then).
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradsim.config import ConfigError, RunConfig
from gradsim.errors import Reason
from gradsim.fileio import NotRead, read_regular_file
from gradsim.runs.sweep import PLOT_METRICS, PhaseData, config_for_row, phase_data, read_table

__all__ = ["FIXED_LEVELS", "LOG_METRICS", "SweepFolder", "claims", "diagram_kwargs", "open_sweep", "render_phase"]

#: Metrics coloured by their log10 (ratios of losses).
LOG_METRICS = frozenset({"tail_vs_baseline", "best_vs_baseline"})
#: Metrics with a natural colour scale.
FIXED_LEVELS = {"learned": (0.0, 1.0), "diverged": (0.0, 1.0)}
#: Fields a preset may differ in from the sweep's base and still be placed on its diagram
#: (besides the axes): what the presets vary that does not change the question.
_PLACEABLE = {"seed", "init", "init_gain", "spectral_radius", "seq_len", "cell", "forget_bias", "optimizer", "lr",
              "momentum", "hidden_size", "batch_size", "spectrum_every", "device", "dtype"}


@dataclass
class SweepFolder:
    """A sweep folder read back: its manifest (sweep.json) and table rows."""

    path: Path
    manifest: dict[str, Any]
    rows: list[dict[str, Any]]

    @property
    def axes(self) -> dict[str, list[Any]]:
        return dict(self.manifest["axes"])

    def default(self, key: str, fallback: str) -> str:
        return str(self.manifest.get("plot", {}).get(key, fallback))

    def defaults(self) -> tuple[str, str, str]:
        """(x, y, metric): the grid's [plot] choices, else its first two axes and ``learned``."""
        # numeric axes first: a choice (cell, clip) makes a better panel than an axis
        names = sorted(self.axes, key=lambda a: not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in self.axes[a]))
        x = self.default("x", names[0])
        y = self.default("y", names[1] if len(names) > 1 else names[0])
        return x, y, self.default("metric", "learned")

    def row_for(self, run_id: str) -> dict[str, Any]:
        for r in self.rows:
            if r["run_id"] == run_id:
                return r
        raise KeyError(run_id)

    def config_for(self, run_id: str) -> RunConfig:
        """The config of one run of this sweep."""
        return config_for_row(self.row_for(run_id))

    def phase(self, x: str | None = None, y: str | None = None, metric: str | None = None) -> PhaseData:
        dx, dy, dm = self.defaults()
        return phase_data(self.rows, self.axes, x or dx, y or dy, metric or dm)


#: The largest sweep.json read (a manifest is a few kB; a sweep with many failed runs lists them).
MAX_MANIFEST_BYTES = 64 << 20


def _check_manifest(manifest: object, q: str) -> None:
    """The keys the diagram reads: ``axes`` (name -> a list of values) and ``metrics``."""
    if not isinstance(manifest, dict):
        raise ConfigError("sweep manifest %1: %2 is missing or malformed", q, "sweep.json")
    axes = manifest.get("axes")
    if not isinstance(axes, dict) or not all(isinstance(k, str) and isinstance(v, list) and v
                                             for k, v in axes.items()):
        raise ConfigError("sweep manifest %1: %2 is missing or malformed", q, "axes")
    metrics = manifest.get("metrics")
    if not isinstance(metrics, dict) or not all(
            isinstance(metrics.get(k), (int, float)) and not isinstance(metrics.get(k), bool)
            and math.isfinite(metrics[k]) for k in ("reach_fraction", "learned_below", "tail")):
        raise ConfigError("sweep manifest %1: %2 is missing or malformed", q, "metrics")
    for key, kind in (("plot", dict), ("seeds", list), ("base", dict)):
        if key in manifest and not isinstance(manifest[key], kind):
            raise ConfigError("sweep manifest %1: %2 is missing or malformed", q, key)


def open_sweep(path: str | os.PathLike[str]) -> SweepFolder:
    """Read a sweep folder; raises ConfigError naming the folder and what is missing.

    A missing path, a file, a folder without sweep.json, a sweep.json that is not a
    regular file (a named pipe is never waited on), too large, not JSON or without the
    axes and metrics the diagram reads, a sweep of fewer than two axes and an unreadable
    table are each one structured message (:mod:`gradsim.errors`).
    """
    p = Path(path)
    q = repr(str(p))
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ConfigError("sweep folder %1: no such folder", q) from None
    except OSError as err:
        raise ConfigError("cannot read sweep folder %1: %2", q, Reason(err.strerror or str(err))) from None
    if not stat.S_ISDIR(st.st_mode):
        raise ConfigError("%1 is not a folder (a sweep folder is written by `gradsim sweep`)", q)
    manifest_path = p / "sweep.json"
    mq = repr(str(manifest_path))
    try:
        raw = read_regular_file(manifest_path, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise ConfigError("%1 is not a sweep folder (no sweep.json; make one with `gradsim sweep`)", q) from None
    except NotRead as err:
        raise ConfigError("cannot read sweep manifest %1: %2", mq, err.reason) from None
    except OSError as err:
        raise ConfigError("cannot read sweep manifest %1: %2", mq, Reason(err.strerror or str(err))) from None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError) as err:
        # the parser's own detail (line and column) stays in its words, as TOML's does
        detail = Reason("arrays or objects nested too deeply") if isinstance(err, RecursionError) else str(err)
        raise ConfigError("sweep manifest %1 is not valid JSON: %2", mq, detail) from None
    _check_manifest(manifest, mq)
    if len(manifest["axes"]) < 2:
        raise ConfigError("sweep %1: a phase diagram needs two axes, this sweep has %2", q,
                          str(len(manifest["axes"])))
    rows = read_table(p) if (p / "results.parquet").exists() else []
    if rows:  # every row has the table's columns: the first tells whether the diagram's are there
        needed = ["run_id", "reach_start", "gamma_sigma_start", "diverged_at", *manifest["axes"],
                  *(m for m in PLOT_METRICS if m != "diverged")]
        missing = [c for c in needed if c not in rows[0]]
        if missing:
            raise ConfigError("sweep table %1: no column %2", repr(str(p / "results.parquet")), missing[0])
    return SweepFolder(p, manifest, rows)


def claims(sweep: SweepFolder, phase: PhaseData) -> list[dict[str, Any]]:
    """Where the shipped presets (the source posts' claims) fall on the diagram: one dict
    (panel, x, y, label) per preset whose task matches and whose other settings are the
    sweep's or among its axes. An orthogonal W scaled to spectral radius r has every
    singular value r, so ``spectral_radius`` places a preset on an ``init_gain`` axis."""
    from gradsim.content.presets import list_presets

    base = sweep.manifest.get("base", {})
    axes = sweep.axes
    out: list[dict[str, Any]] = []
    seen: dict[tuple, dict[str, Any]] = {}
    for name, preset in list_presets().items():
        cfg = preset.config.to_dict()
        if cfg["task"] != base.get("task"):
            continue
        if any(cfg[k] != base.get(k) for k in cfg if k not in _PLACEABLE and k not in axes):
            continue
        coords = {}
        for axis in (phase.x, phase.y):
            v = cfg[axis]
            if axis == "init_gain" and cfg.get("spectral_radius") is not None and cfg["init"] == "orthogonal":
                v = cfg["spectral_radius"]
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                break
            coords[axis] = float(v)
        else:
            try:
                panel = next(i for i, f in enumerate(phase.facets) if all(cfg[k] == v for k, v in f.items()))
            except StopIteration:
                continue
            key = (panel, coords[phase.x], coords[phase.y])
            if key in seen:
                seen[key]["label"] += f", {name}"
                continue
            seen[key] = {"panel": panel, "x": coords[phase.x], "y": coords[phase.y], "label": name,
                         "detail": preset.description}
            out.append(seen[key])
    return out


def diagram_kwargs(sweep: SweepFolder, phase: PhaseData) -> dict[str, Any]:
    """Keyword arguments of :meth:`PhaseDiagram.set_data` for ``phase`` of ``sweep``."""
    from gradsim.figures.sweep import Claim, Panel

    panels = [Panel(phase.facet_label(i), phase.values[i], phase.gamma_sigma[i], phase.reach[i], phase.counts[i])
              for i in range(len(phase.facets))]
    m = sweep.manifest
    n = sum(int(c.sum()) for c in phase.counts)
    title = (f"{m.get('description') or m.get('name') or sweep.path.name}<br>"
             f"<span style='font-size:11pt'>{PLOT_METRICS[phase.metric]}; {n} of {m.get('runs', '?')} runs, "
             f"{len(m.get('seeds', []))} seed(s), {m.get('steps')} steps each; learned = mean loss of the last "
             f"{m['metrics']['tail']:.0%} of steps ≤ {m['metrics']['learned_below']:g} × baseline</span>")
    return {
        "x_name": phase.x, "y_name": phase.y, "x_values": phase.x_values, "y_values": phase.y_values,
        "panels": panels, "metric_label": PLOT_METRICS[phase.metric],
        "levels": FIXED_LEVELS.get(phase.metric), "log_colour": phase.metric in LOG_METRICS,
        "claims": [Claim(**c) for c in claims(sweep, phase)],
        "reach_fraction": m.get("metrics", {}).get("reach_fraction"),
        "title": title,
    }


def render_phase(sweep: SweepFolder, paths: list[Path], *, x: str | None = None, y: str | None = None,
                 metric: str | None = None, size: tuple[int, int] = (1600, 700)) -> list[Path]:
    """Write the diagram to each path: .png / .svg / .pdf (the figure) or .csv (its numbers).

    Raises ConfigError for a bad axis or metric, OSError when a file cannot be written.
    """
    from gradsim.fileio import atomic_write_text

    phase = sweep.phase(x, y, metric)
    written: list[Path] = []
    figures = [p for p in paths if p.suffix.lower() != ".csv"]
    for p in paths:
        if p.suffix.lower() == ".csv":
            atomic_write_text(p, phase.to_csv())
            written.append(p)
    if figures:
        from gradsim.figures.export import ensure_qapp, export_widget
        from gradsim.figures.sweep import PhaseDiagram

        ensure_qapp()
        fig = PhaseDiagram()
        try:
            fig.resize(*size)
            fig.set_data(**diagram_kwargs(sweep, phase))
            for p in figures:
                written.append(export_widget(fig, p, *size))
        finally:
            fig.close()
            fig.deleteLater()
    return written
