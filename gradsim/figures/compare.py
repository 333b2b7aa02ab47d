"""The A/B comparison figure: two runs' loss curves overlaid, their heatmaps on one colour scale.

The colour scale is fixed up front where one is known (a preset's ``levels``, ``--levels``):
then a colour means the same magnitude in both pictures and at every moment of a live
comparison, and a tanh RNN (10⁻²⁰…1) and an LSTM (10⁻⁸…1) do not look alike. Without one it
is the range of both runs' data (:func:`gradsim.figures.scale.compare_levels`); the title
says the range and how much of the data lies beyond it (drawn in the end colours).

Shared by ``gradsim compare`` (:mod:`gradsim.runs.compare` writes it) and the app's
Analysis → Compare runs window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradsim.figures import export, plots
from gradsim.figures.run import HEATMAP_VIEW_TITLES
from gradsim.figures.scale import beyond_levels, compare_levels, shared_levels

__all__ = ["CompareFigure", "CompareLossPlot", "render_compare_figure", "shared_levels", "levels_title",
           "percent_text"]


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
        self.title.setWordWrap(True)  # the labels and the levels' note: never cut at 1280 px
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
        """Draw two :class:`~gradsim.core.history.History` objects; return the shared levels used
        (``levels`` when given, else the range of both runs' data)."""
        runs = []
        for h, label in zip((history_a, history_b), labels):
            steps, loss = h.scalar("loss")
            _, clipped = h.scalar("clipped")
            runs.append({"label": label, "steps": steps, "loss": loss, "clipped": int(np.sum(clipped > 0)),
                         "diverged_step": h.diverged_at})
        base, base_label = baseline if baseline is not None else (None, "")
        self.loss.set_runs(runs, base, base_label or "trivial baseline")
        bufs = [h.views[view] for h in (history_a, history_b)]
        lv = compare_levels([b.data for b in bufs], levels)
        for hp, buf, label, k in zip(self.heatmaps, bufs, labels, tbptt):
            hp.set_data(buf.data, buf.steps, levels=lv, title=HEATMAP_VIEW_TITLES[view], tbptt=k)
            # plot title names the run; the colour bar keeps the quantity's name
            plots._set_title(hp.plot_item, label)
        self.title.setText(f"A/B comparison — {labels[0]}  vs  {labels[1]}   "
                           f"(one colour scale: log10 {lv[0]:.1f} … {lv[1]:.1f})"
                           + levels_title(beyond_levels(lv, *(b.data for b in bufs))))
        return lv


def levels_title(beyond: float) -> str:
    """What the title adds when part of the data lies beyond the colour levels (English)."""
    if beyond <= 0:
        return ""
    return f"; {percent_text(beyond)} of the values lie beyond it, drawn in its end colours"


def percent_text(fraction: float) -> str:
    """``0.004`` → ``"0.4 %"``, never ``"0 %"`` for a fraction above 0."""
    p = 100.0 * fraction
    return f"{p:.2g} %" if p < 10 else f"{p:.0f} %"


def render_compare_figure(out: Path, history_a, history_b, labels: tuple[str, str], *, view: str = "last",
                          baseline: tuple[float | None, str] | None = None, tbptt: tuple[int, int] = (0, 0),
                          levels: tuple[float, float] | None = None,
                          size: tuple[int, int] = (1600, 1100)) -> list[Path]:
    """Write compare.png and compare.svg into ``out`` (``levels`` as :meth:`CompareFigure.set_runs`);
    return the paths."""
    export.ensure_qapp()
    fig = CompareFigure()
    try:
        fig.resize(*size)
        fig.set_runs(history_a, history_b, labels, view=view, baseline=baseline, tbptt=tbptt, levels=levels)
        return [export.export_widget(fig, Path(out) / f"compare{sfx}", *size) for sfx in (".png", ".svg")]
    finally:
        fig.close()
        fig.deleteLater()
