"""``gradsim compare``: two runs, same seed and data batches, in lockstep; one figure.

Writes into ``--out``::

    a/, b/          each run's usual outputs (config.toml, metrics.csv, grad_steps.npz,
                    summary.json, loss / predictions / heatmap .png + .svg)
    compare.png     loss curves overlaid, heatmaps side by side on ONE colour scale
    compare.svg
    summary.json    both final losses, the differing fields, the shared colour levels

Wiring (cli.py owns the parser)::

    from gradsim import compare_cli
    compare_cli.add_parser(sub)          # in build_parser()
    if args.command == "compare":        # in main()
        return compare_cli.run(args)

Bad input (a bad field or value, runs that cannot share batches, no ``--b-set``, an
unwritable folder) exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from gradsim.cli import add_run_options, check_run_options, one_line, prepare_output_dir
from gradsim.config import ConfigError, RunConfig, parse_assignment

__all__ = ["add_parser", "run", "run_comparison", "CompareFigure", "shared_levels", "render_compare_figure"]

EXIT_BAD_INPUT = 2
VIEWS = ("total", "last", "weight")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``compare`` subcommand to an ``add_subparsers()`` object; return its parser."""
    p = subparsers.add_parser(
        "compare", help="train two runs in lockstep on the same data and write one comparison figure",
        description="Train run A (from --preset / --config / --set) and run B (A plus the --b-set changes) with "
        "the same seed and the same data batches, in lockstep. Writes each run's outputs into OUT/a and OUT/b, "
        "and compare.png / compare.svg (loss curves overlaid, heatmaps side by side on one colour scale) and "
        "summary.json into OUT.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", metavar="NAME", help="start both runs from a shipped preset (see `gradsim presets`)")
    src.add_argument("--config", metavar="FILE", help="start both runs from a TOML config file")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="assignments",
                   help="override one field of BOTH runs, e.g. --set seq_len=50 (repeatable)")
    p.add_argument("--b-set", metavar="KEY=VALUE", action="append", default=[], dest="b_assignments",
                   help="what run B changes, e.g. --b-set clip=norm (repeatable; at least one)")
    add_run_options(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--view", choices=VIEWS, default="last",
                   help="per-step gradient view of the heatmaps (default last: ‖∂L_T/∂h_t‖)")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG/SVG figures (no Qt needed)")
    p.set_defaults(func=run)
    return p


def _fail(message: str) -> int:
    sys.stderr.write(f"gradsim compare: error: {message}\n")
    return EXIT_BAD_INPUT


def resolve_pair(preset: str | None, config: str | None, assignments: list[str], b_assignments: list[str]
                 ) -> tuple[RunConfig, RunConfig]:
    """Config A (preset / file + ``--set``) and B (A + ``--b-set``); raises ConfigError."""
    from gradsim.cli import resolve_config

    cfg_a = resolve_config(preset, config, assignments)
    changes = dict(parse_assignment(a) for a in b_assignments)
    return cfg_a, cfg_a.replace(**changes)


def run(args: argparse.Namespace) -> int:
    """Run ``gradsim compare`` from parsed arguments; return the exit code."""
    if msg := check_run_options(args):
        return _fail(msg)
    if not args.b_assignments:
        return _fail("--b-set: give at least one field that run B changes, e.g. --b-set clip=norm")
    try:
        cfg_a, cfg_b = resolve_pair(args.preset, args.config, args.assignments, args.b_assignments)
        from gradsim.core.compare import check_compatible

        check_compatible(cfg_a, cfg_b)
    except ConfigError as err:
        return _fail(one_line(err))
    out = Path(args.out)
    if msg := prepare_output_dir(args, out):
        return _fail(msg)
    try:
        summary = run_comparison(cfg_a, cfg_b, args.steps, out, view=args.view, figures=not args.no_figures,
                                 progress=not args.quiet)
    except ConfigError as err:  # e.g. device = cuda on a machine without CUDA
        return _fail(one_line(err))
    except OSError as err:
        return _fail(str(err))
    a, b = summary["a"], summary["b"]
    same = "" if summary["differing_fields"] else " (B's settings equal A's: the runs are identical)"
    print(f"wrote {out}: {args.steps} steps{same}; {a['label']}: final loss {_g(a['final_loss'])}"
          f"{_div(a)}; {b['label']}: final loss {_g(b['final_loss'])}{_div(b)}")
    return 0


def _g(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.6g}"


def _div(s: dict) -> str:
    return f" (diverged at step {s['diverged_at']})" if s.get("diverged_at") is not None else ""


def run_comparison(cfg_a: RunConfig, cfg_b: RunConfig, steps: int, out: Path, *, view: str = "last",
                   figures: bool = True, progress: bool = False) -> dict[str, Any]:
    """Train both runs ``steps`` iterations and write every file; return the summary dict."""
    from tqdm import tqdm

    from gradsim.core.compare import Comparison
    from gradsim.core.history import History
    from gradsim.outputs import MetricsWriter, check_writable_dir, metrics_row, versions, write_outputs

    comparison = Comparison(cfg_a, cfg_b)
    labels = comparison.labels()
    dirs = [check_writable_dir(out / "a"), check_writable_dir(out / "b")]
    cfgs = [cfg_a, cfg_b]
    rows = max(2, min(steps + steps % 2, 4096))
    histories = [[History(c.seq_len, rows=rows, scalar_rows=max(2, steps + steps % 2)) for _ in range(c.num_layers)]
                 for c in cfgs]
    last: list[Any] = [None, None]
    t0 = time.perf_counter()
    with MetricsWriter(dirs[0] / "metrics.csv") as ma, MetricsWriter(dirs[1] / "metrics.csv") as mb, tqdm(
        total=steps, disable=not progress or None, unit="step", dynamic_ncols=True, file=sys.stderr
    ) as bar:
        writers = (ma, mb)
        for _ in range(steps):
            snaps = comparison.step()
            for i, snap in enumerate(snaps):
                for li, h in enumerate(histories[i]):
                    h.append(snap, layer=li)
                writers[i].write(metrics_row(snap))
                last[i] = snap
            bar.update(1)
    wall = time.perf_counter() - t0
    trainers = (comparison.a, comparison.b)
    for i in range(2):
        extra = {"compare_role": "AB"[i], "compare_label": labels[i], "wall_seconds": wall}
        write_outputs(dirs[i], cfgs[i], histories[i], last[i], summary_extra=extra,
                      rollout=trainers[i].rollout(), metrics_written=True, figures=figures)
    levels = shared_levels(histories[0][0].views[view].data, histories[1][0].views[view].data)
    diff = comparison.diff_fields()
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
        snap = last[i]
        summary[key] = {
            "label": labels[i],
            "folder": key,
            "final_loss": snap.loss if snap is not None else None,
            "diverged_at": histories[i][0].diverged_at,
            "final_grad_norm": snap.grad_norm if snap is not None else None,
            "final_spectral_radius": snap.spectral_radius if snap is not None else None,
            "clipped_steps": int(np.sum(histories[i][0].scalar("clipped")[1] > 0)),
        }
    summary["versions"] = versions()
    from gradsim.config import atomic_write_text
    from gradsim.outputs import _json_safe

    if figures:
        from gradsim.figures import task_baseline

        baseline = task_baseline(cfg_a)
        render_compare_figure(out, histories[0][0], histories[1][0], labels, view=view,
                              baseline=baseline, tbptt=(cfg_a.tbptt, cfg_b.tbptt))
    atomic_write_text(out / "summary.json", json.dumps(_json_safe(summary), indent=2) + "\n")
    return summary


# --------------------------------------------------------------------------- figure
def shared_levels(*images: np.ndarray) -> tuple[float, float]:
    """One pair of log10 colour levels covering the finite values of every image."""
    from gradsim.plots import log_magnitude

    parts = [np.asarray(a, dtype=np.float64).ravel() for a in images if np.asarray(a).size]
    if not parts:
        return -1.0, 1.0
    _, levels = log_magnitude(np.concatenate(parts)[None, :])
    return levels


def _build_figure_classes():
    # Qt is imported only when a figure is built, so `compare --no-figures` and the
    # argument handling need no display and no Qt.
    import pyqtgraph as pg
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

    from gradsim import plots
    from gradsim.figures import HEATMAP_VIEW_TITLES

    class CompareLossPlot(plots.LossPlot):
        """Loss curves of several runs overlaid (log10 y axis), with per-run marks."""

        def set_runs(self, runs: list[dict[str, Any]], baseline: float | None = None,
                     baseline_label: str = "trivial baseline") -> None:
            """``runs``: dicts with ``label``, ``steps``, ``loss``, optional ``clipped`` (count), ``diverged_step``."""
            self.plotItem.clear()
            plots._set_title(self.plotItem, "Training loss (same seed, same data batches)")
            for i, r in enumerate(runs):
                steps = np.asarray(r["steps"], dtype=np.float64)
                loss = np.asarray(r["loss"], dtype=np.float64)
                keep = np.isfinite(loss) & (loss > 0)
                x, y = steps[keep], np.log10(loss[keep])
                # Clipping is counted in the legend, not marked per step: a run that clips
                # at every step would bury its own curve under markers.
                n_clipped = r.get("clipped")
                label = r["label"] if not n_clipped else f"{r['label']}  (clipped at {n_clipped} of {len(steps)} steps)"
                self._add_curve(x, y, i, label, many=True)
                colour = plots.PALETTE[i % len(plots.PALETTE)]
                div = r.get("diverged_step")
                if div is not None:
                    line = pg.InfiniteLine(pos=float(div), angle=90, pen=pg.mkPen(colour, width=2,
                                                                                  style=Qt.PenStyle.DotLine),
                                           label=f"{r['label'].split(':')[0]} diverged at step {int(div)}",
                                           labelOpts={"position": 0.9 - 0.1 * i, "color": colour,
                                                      "fill": (255, 255, 255, 210)})
                    self.addItem(line)
            if baseline is not None and np.isfinite(baseline) and baseline > 0:
                text = f"{baseline_label} ({baseline:.3g})".replace("{", "{{").replace("}", "}}")
                line = pg.InfiniteLine(pos=float(np.log10(baseline)), angle=0,
                                       pen=pg.mkPen("#555555", width=2, style=Qt.PenStyle.DashLine),
                                       label=text, labelOpts={"position": 0.03, "anchors": [(0, 1), (0, 1)],
                                                              "color": "#555555", "fill": (255, 255, 255, 210)})
                self.addItem(line)

    class CompareFigure(QWidget):
        """Run A and run B: loss curves overlaid above, heatmaps side by side on one colour scale."""

        def __init__(self, parent=None):
            super().__init__(parent)
            self.setStyleSheet("background: white;")
            layout = QVBoxLayout(self)
            layout.setContentsMargins(8, 8, 8, 8)
            self.title = QLabel()
            self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.title.setStyleSheet(f"color: {plots.FOREGROUND}; font-size: {plots.TITLE_PT + 1}pt;")
            layout.addWidget(self.title)
            self.loss = CompareLossPlot()
            layout.addWidget(self.loss, 2)
            row = QHBoxLayout()
            self.heatmaps = (plots.HeatmapPlot(), plots.HeatmapPlot())
            for hp in self.heatmaps:
                row.addWidget(hp)
            layout.addLayout(row, 3)

        def set_runs(self, history_a, history_b, labels: tuple[str, str], *, view: str = "last",
                     baseline: tuple[float | None, str] | None = None, tbptt: tuple[int, int] = (0, 0),
                     levels: tuple[float, float] | None = None) -> tuple[float, float]:
            """Draw two :class:`~gradsim.core.history.History` objects; return the shared levels used."""
            runs = []
            for h, label in zip((history_a, history_b), labels):
                steps, loss = h.scalar("loss")
                _, clipped = h.scalar("clipped")
                runs.append({"label": label, "steps": steps, "loss": loss, "clipped": int(np.sum(clipped > 0)),
                             "diverged_step": h.diverged_at})
            base, base_label = baseline if baseline is not None else (None, "")
            self.loss.set_runs(runs, base, base_label or "trivial baseline")
            bufs = [h.views[view] for h in (history_a, history_b)]
            lv = levels if levels is not None else shared_levels(*(b.data for b in bufs))
            for hp, buf, label, k in zip(self.heatmaps, bufs, labels, tbptt):
                hp.set_data(buf.data, buf.steps, levels=lv, title=HEATMAP_VIEW_TITLES[view], tbptt=k)
                # plot title names the run; the colour bar keeps the quantity's name
                plots._set_title(hp.plot_item, label)
            self.title.setText(f"A/B comparison — {labels[0]}  vs  {labels[1]}   "
                               f"(one colour scale: log10 {lv[0]:.1f} … {lv[1]:.1f})")
            return lv

    return CompareFigure, CompareLossPlot


_CLASSES: tuple | None = None


def __getattr__(name: str):
    # CompareFigure / CompareLossPlot are built on first use (they subclass Qt widgets).
    global _CLASSES
    if name in ("CompareFigure", "CompareLossPlot"):
        if _CLASSES is None:
            _CLASSES = _build_figure_classes()
        return _CLASSES[0] if name == "CompareFigure" else _CLASSES[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_compare_figure(out: Path, history_a, history_b, labels: tuple[str, str], *, view: str = "last",
                          baseline: tuple[float | None, str] | None = None, tbptt: tuple[int, int] = (0, 0),
                          size: tuple[int, int] = (1600, 1100)) -> list[Path]:
    """Write compare.png and compare.svg into ``out``; return the paths."""
    from gradsim import plots

    plots.ensure_qapp()
    figure_cls = __getattr__("CompareFigure")
    fig = figure_cls()
    try:
        fig.resize(*size)
        fig.set_runs(history_a, history_b, labels, view=view, baseline=baseline, tbptt=tbptt)
        return [plots.export_widget(fig, Path(out) / f"compare{sfx}", *size) for sfx in (".png", ".svg")]
    finally:
        fig.close()
        fig.deleteLater()
