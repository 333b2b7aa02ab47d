"""All live plots of the window, redrawn from the session's newest data by one timer.

The session appends every snapshot to its histories as batches arrive; this panel
redraws at most ~30 times a second (loss, heatmap, profile), the sample plot at
~10 Hz and the slow series (ρ, σ_max, gradient norms, spectrum) at ~4 Hz, and only
what changed since the last frame.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget,
)

from gradsim.core.cells import GAMMA
from gradsim.figures import HEATMAP_VIEW_TITLES, prediction_series
from gradsim.app.live_plots import (
    LiveHeatmap, LiveLossPlot, LivePredictionPlot, LiveProfilePlot, LiveSeriesPlot, LiveSpectrumPlot,
)
from gradsim.app.session import Session

__all__ = ["PlotsPanel", "FIGURES", "FRAME_MS"]

FRAME_MS = 33  # ~30 Hz
SLOW_SECONDS = 0.25
SAMPLE_SECONDS = 0.1
MAX_SERIES_POINTS = 2048

#: Figure name -> menu title (Export menu, file names).
FIGURES = {
    "loss": "Loss",
    "predictions": "Predictions",
    "heatmap": "Gradient heatmap",
    "profile": "Current profile",
    "spectrum": "Spectrum (eigenvalues)",
    "spectral": "ρ and σ_max",
    "grad_norms": "Per-parameter gradient norms",
}


def _gamma(cfg) -> float | None:
    """sup |f′| of the running activation (None for gated cells); activation is a live field."""
    return GAMMA[cfg.activation] if cfg.cell == "rnn" else None


_PARAM_SHORT = {"weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh",
                "weight": "W", "bias": "b", "norm.weight": "norm γ", "norm.bias": "norm β"}


def short_param_name(name: str) -> str:
    """``layers.1.weight_hh`` -> ``W_hh (layer 2)``, ``readout.weight`` -> ``readout W``:
    legend entries that fit a third of the window."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[0] == "layers" and parts[1].isdigit():
        rest = ".".join(parts[2:])
        short = _PARAM_SHORT.get(rest, rest)
        return short if parts[1] == "0" else f"{short} (layer {int(parts[1]) + 1})"
    if len(parts) == 2:
        return f"{parts[0]} {_PARAM_SHORT.get(parts[1], parts[1])}"
    return name


def _thin(steps: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = max(1, math.ceil(len(steps) / MAX_SERIES_POINTS))
    return steps[::k], values[::k]


class PlotsPanel(QWidget):
    """The plots and the heatmap's selectors; views only, state lives in the session.

    Signals
    -------
    framed(float)
        Seconds the last frame took (for the benchmark).
    """

    framed = Signal(float)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.loss = LiveLossPlot()
        self.predictions = LivePredictionPlot()
        self.heatmap = LiveHeatmap()
        self.profile = LiveProfilePlot()
        self.spectrum = LiveSpectrumPlot()
        self.spectral = LiveSeriesPlot(title="ρ and σ_max of W_hh", y_label="value")
        self.grad_norms = LiveSeriesPlot(title="Gradient norms", y_label="‖∂L/∂θ‖", log_y=True,
                                         legend_columns=2, noisy=True)
        self._build_header()
        self._build_layout()
        self._fixed_levels: tuple[float, float] | None = None
        self._ver = -1
        self._slow_at = 0.0
        self._sample_at = 0.0
        self._spectrum_at = 0.0
        self._spectrum_dirty = True
        self._rollout_dirty = True
        self._pending_slow = self._pending_sample = True
        self._turns = (self._turn_sample, self._turn_series, self._turn_spectrum)
        self._turn = 0
        session.runStarted.connect(self._on_run_started)
        session.spectrumChanged.connect(self._mark_spectrum)
        session.rolloutChanged.connect(self._mark_rollout)
        session.divergedChanged.connect(lambda _s: self.request_redraw())
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self._on_run_started(session.run_info)

    # ------------------------------------------------------------ layout
    def _build_header(self) -> None:
        self.view_box = QComboBox()
        for v, title in HEATMAP_VIEW_TITLES.items():
            self.view_box.addItem(v, v)
            self.view_box.setItemData(self.view_box.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
        self.view_box.setCurrentIndex(1)  # "last": the classic vanishing picture
        self.view_box.setToolTip("Which per-step gradient to show (DOMAIN.md): total ‖δ_t‖, the last step's "
                                 "loss only ‖∂L_T/∂h_t‖, or step t's contribution to ∂L/∂W_hh")
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Layer of the stacked network")
        self.levels_box = QComboBox()
        self.levels_box.addItems(["follow data", "fixed"])
        self.levels_box.setToolTip("Colour levels: follow the data (whole decades) or fixed; "
                                   "dragging the colour bar fixes them too")
        self.lo_spin = QDoubleSpinBox()
        self.hi_spin = QDoubleSpinBox()
        for spin, val, tip in ((self.lo_spin, -12.0, "lowest colour: 10^"), (self.hi_spin, 2.0, "highest colour: 10^")):
            spin.setRange(-300.0, 300.0)
            spin.setDecimals(1)
            spin.setSingleStep(1.0)
            spin.setValue(val)
            spin.setPrefix("10^")
            spin.setToolTip(tip + " (log10 units)")
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._on_spins)
        self.view_box.currentIndexChanged.connect(lambda _i: self.request_redraw(full=True))
        self.layer_box.currentIndexChanged.connect(lambda _i: self.request_redraw(full=True))
        self.levels_box.currentIndexChanged.connect(self._on_levels_mode)
        self.heatmap.levelsEdited.connect(self._on_bar_dragged)
        self._on_levels_mode()

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        self.layer_label = QLabel("layer")
        for w in (QLabel("heatmap view"), self.view_box, self.layer_label, self.layer_box,
                  QLabel("colour levels"), self.levels_box, self.lo_spin, QLabel("to"), self.hi_spin):
            header.addWidget(w)
        header.addStretch(1)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.loss)
        top.addWidget(self.predictions)
        mid = QSplitter(Qt.Orientation.Horizontal)
        mid.addWidget(self.heatmap)
        mid.addWidget(self.profile)
        mid.setStretchFactor(0, 3)
        mid.setStretchFactor(1, 2)
        mid_box = QWidget()
        mid_layout = QVBoxLayout(mid_box)
        mid_layout.setContentsMargins(0, 0, 0, 0)
        mid_layout.setSpacing(2)
        mid_layout.addLayout(header)
        mid_layout.addWidget(mid, 1)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.spectrum, self.spectral, self.grad_norms):
            bottom.addWidget(w)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(mid_box)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)
        self.splitters = {"rows": self.splitter, "top": top, "mid": mid, "bottom": bottom}
        for w in (self.loss, self.predictions, self.heatmap, self.profile, self.spectrum, self.spectral,
                  self.grad_norms):
            w.setMinimumSize(220, 150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # ------------------------------------------------------------ selectors
    @property
    def view(self) -> str:
        return self.view_box.currentData()

    @property
    def layer(self) -> int:
        return max(0, self.layer_box.currentIndex())

    def _on_levels_mode(self) -> None:
        fixed = self.levels_box.currentIndex() == 1
        self.lo_spin.setEnabled(fixed)
        self.hi_spin.setEnabled(fixed)
        self._on_spins()

    def _on_spins(self) -> None:
        fixed = self.levels_box.currentIndex() == 1
        lo, hi = self.lo_spin.value(), self.hi_spin.value()
        if fixed and hi <= lo:
            hi = lo + 1.0
            self.hi_spin.blockSignals(True)
            self.hi_spin.setValue(hi)
            self.hi_spin.blockSignals(False)
        self._fixed_levels = (lo, hi) if fixed else None
        self.request_redraw()

    def _on_bar_dragged(self, lo: float, hi: float) -> None:
        for spin, v in ((self.lo_spin, lo), (self.hi_spin, hi)):
            spin.blockSignals(True)
            spin.setValue(round(v, 1))
            spin.blockSignals(False)
        if self.levels_box.currentIndex() != 1:
            self.levels_box.setCurrentIndex(1)  # calls _on_spins
        else:
            self._on_spins()

    def set_fixed_levels(self, levels: tuple[float, float] | None) -> None:
        """Fix the colour levels (log10 low, high), or None to follow the data."""
        if levels is not None:
            self._on_bar_dragged(*levels)
        else:
            self.levels_box.setCurrentIndex(0)

    # ------------------------------------------------------------ data
    def _on_run_started(self, info) -> None:
        layers = info.num_layers if info is not None else 1
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItems([f"layer {i + 1}" for i in range(layers)])
        self.layer_box.blockSignals(False)
        self.layer_box.setVisible(layers > 1)
        self.layer_label.setVisible(layers > 1)
        self.heatmap.clear_data()
        for plot in (self.loss, self.predictions, self.profile, self.spectrum, self.spectral, self.grad_norms):
            plot.reset_view()
        self._spectrum_dirty = self._rollout_dirty = True
        self.request_redraw(full=True)

    def _mark_spectrum(self) -> None:
        self._spectrum_dirty = True

    def _mark_rollout(self) -> None:
        self._rollout_dirty = True

    def request_redraw(self, full: bool = False) -> None:
        """Redraw at the next tick (``full``: everything, not just what changed)."""
        self._ver = -1
        if full:
            self._slow_at = self._sample_at = self._spectrum_at = 0.0
            self._spectrum_dirty = self._rollout_dirty = True
            self._pending_slow = self._pending_sample = True

    def tick(self) -> None:
        """One frame: redraw what changed since the last one.

        Loss, heatmap and profile follow every new batch; the other plots take turns,
        at most one per frame, so that no single frame paints everything (a frame is
        painted in one go and delays every other event of the GUI thread by as much).
        """
        t0 = time.perf_counter()
        s = self.session
        now = time.monotonic()
        drew = False
        fresh = s.data_version != self._ver
        if fresh:
            self._ver = s.data_version
            self._pending_slow = self._pending_sample = True
            self.draw_fast()
            drew = True
        for _ in range(len(self._turns)):
            self._turn = (self._turn + 1) % len(self._turns)
            if self._turns[self._turn](now):
                drew = True
                break
        if drew:
            self.framed.emit(time.perf_counter() - t0)

    def _turn_sample(self, now: float) -> bool:
        due = now - self._sample_at >= SAMPLE_SECONDS
        if (self._rollout_dirty or (self._pending_sample and self.session.last is not None)) and due:
            self._sample_at = now
            self._rollout_dirty = self._pending_sample = False
            self.draw_sample()
            return True
        return False

    def _turn_series(self, now: float) -> bool:
        if self._pending_slow and now - self._slow_at >= SLOW_SECONDS:
            self._slow_at = now
            self._pending_slow = False
            self.draw_slow()
            return True
        return False

    def _turn_spectrum(self, now: float) -> bool:
        if self._spectrum_dirty and now - self._spectrum_at >= SLOW_SECONDS / 2:
            self._spectrum_at = now
            self._spectrum_dirty = False
            self.draw_spectrum()
            return True
        return False

    def draw_fast(self) -> None:
        """Loss, heatmap and the current profile."""
        s = self.session
        info = s.run_info
        h = s.histories[min(self.layer, len(s.histories) - 1)]
        cfg = s.run_config
        title = HEATMAP_VIEW_TITLES[self.view] + (f" — layer {self.layer + 1}" if len(s.histories) > 1 else "")
        self.heatmap.update_data(h.views[self.view], fixed_levels=self._fixed_levels, tbptt=cfg.tbptt, title=title)
        self.loss.update_data(s.loss_envelope, s.history.diverged_at,
                              info.baseline if info else None, info.baseline_label if info else "")
        self.draw_profile()

    def draw_profile(self) -> None:
        s = self.session
        snap = s.last
        title = f"Newest profile ({self.view})"  # fixed: a new title re-lays the plot out
        if snap is None:
            self.profile.update_data(None, title=title)
            return
        layer = min(self.layer, snap.views[self.view].shape[0] - 1)
        prof = snap.views[self.view][layer]
        bound, name = self._bound(prof, snap, layer)
        self.profile.update_data(prof, bound, name, title=title)

    def _bound(self, prof: np.ndarray, snap, layer: int) -> tuple[np.ndarray | None, str]:
        """Pascanu's bound ‖∂L_T/∂h_t‖ ≤ (γσ_max)^(T−1−t)‖∂L_T/∂h_T‖ for a plain rnn's 'last' view."""
        info, cfg = self.session.run_info, self.session.run_config
        gamma = _gamma(cfg)
        if (self.view != "last" or layer != 0 or not gamma or cfg.cell != "rnn" or cfg.residual
                or cfg.norm != "none" or not math.isfinite(snap.sigma_max) or len(prof) < 2):
            return None, ""
        end = float(prof[-1])
        if not (math.isfinite(end) and end > 0):
            return None, ""
        T = len(prof)
        rate = gamma * snap.sigma_max
        if rate >= 1.0:  # the bound then grows backwards and says nothing
            return None, ""
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            bound = end * np.power(rate, np.arange(T - 1, -1, -1, dtype=np.float64))
        return bound, f"(γσ_max)^(T−1−t) bound, γσ = {rate:.3g}"

    def draw_sample(self) -> None:
        s = self.session
        cfg = s.run_config
        pred, target, title = prediction_series(cfg, s.last)
        rollout = s.rollout if cfg.task == "sine" else None
        # the live panel is narrow: the title's first clause (Export → all writes it whole)
        title = (title or "prediction vs target").split(";")[0]
        self.predictions.update_data(pred, target, rollout, title)

    def draw_slow(self) -> None:
        s = self.session
        steps, rho = s.history.scalar("spectral_radius")
        _, sigma = s.history.scalar("sigma_max")
        st, r = _thin(steps, rho)
        _, sg = _thin(steps, sigma)
        gamma = _gamma(s.run_config)
        if gamma:
            ref, label = 1.0 / gamma, f"1/γ = {1.0 / gamma:g}"
        else:
            ref, label = 1.0, "1"
        self.spectral.update_data(st, {"spectral radius ρ": r, "σ_max": sg}, ref, label)
        buf = s.param_norms
        names = s.param_names
        series = ({short_param_name(n): buf.data[:, i] for i, n in enumerate(names)} if len(buf) else {})
        self.grad_norms.update_data(buf.steps.astype(np.float64), series)

    def draw_spectrum(self) -> None:
        eig = self.session.eigenvalues
        if not eig:
            return
        layer = min(self.layer, len(eig) - 1)
        self.spectrum.set_data(eig[layer], layer if len(eig) > 1 else None)

    def draw_all(self) -> None:
        """Redraw everything now (before an export or a screenshot)."""
        self.draw_fast()
        self.draw_sample()
        self.draw_slow()
        self.draw_spectrum()

    def widgets(self) -> dict[str, QWidget]:
        """Figure name -> its widget (for exports)."""
        return {name: getattr(self, name) for name in FIGURES}

    def prefs(self) -> dict:
        return {"view": self.view, "levels": self._fixed_levels,
                "splitters": {k: sp.saveState() for k, sp in self.splitters.items()}}

    def restore_prefs(self, prefs: dict) -> None:
        view = prefs.get("view")
        if view in HEATMAP_VIEW_TITLES:
            self.view_box.setCurrentIndex(list(HEATMAP_VIEW_TITLES).index(view))
        levels = prefs.get("levels")
        if isinstance(levels, (list, tuple)) and len(levels) == 2:
            try:
                self.set_fixed_levels((float(levels[0]), float(levels[1])))
            except (TypeError, ValueError):
                pass
        for k, state in (prefs.get("splitters") or {}).items():
            if k in self.splitters and state is not None:
                self.splitters[k].restoreState(state)

