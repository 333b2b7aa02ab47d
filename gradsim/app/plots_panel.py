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
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget,
)

from gradsim.core.theory import (
    GAMMA, MeasuredRate, Theory, measured_rate, profile_curves, theory_badge, theory_from_spectrum,
)
from gradsim.figures.run import HEATMAP_VIEW_TITLES, prediction_series
from gradsim.app.live_plots import (
    LiveHeatmap, LiveLossPlot, LivePredictionPlot, LiveProfilePlot, LiveSeriesPlot, LiveSpectrumPlot,
)
from gradsim.app.i18n import translate_badge, translate_legends, translate_plot_text, translate_theory
from gradsim.app.pg_menus import retranslate_plot_menus
from gradsim.app.presentation import relabel_plot
from gradsim.app.session import Session

__all__ = ["PlotsPanel", "FIGURES", "FRAME_MS"]

FRAME_MS = 33  # ~30 Hz
SLOW_SECONDS = 0.25
SAMPLE_SECONDS = 0.1
MAX_SERIES_POINTS = 2048

#: Figure name -> menu title (Export menu, file names).
#: English here (file names, logs); shown through :func:`figure_title`.
FIGURES = {
    "loss": QT_TRANSLATE_NOOP("Figures", "Loss"),
    "predictions": QT_TRANSLATE_NOOP("Figures", "Predictions"),
    "heatmap": QT_TRANSLATE_NOOP("Figures", "Gradient heatmap"),
    "profile": QT_TRANSLATE_NOOP("Figures", "Current profile"),
    "spectrum": QT_TRANSLATE_NOOP("Figures", "Spectrum (eigenvalues)"),
    "spectral": QT_TRANSLATE_NOOP("Figures", "ρ and σ_max"),
    "grad_norms": QT_TRANSLATE_NOOP("Figures", "Per-parameter gradient norms"),
}

#: gradsim.figures.HEATMAP_VIEW_TITLES (Qt-free core) for lupdate; a test keeps them equal.
VIEW_TITLE_TEXTS = [
    QT_TRANSLATE_NOOP("Figures", "‖δ_t‖ = ‖∂L/∂h_t‖ (total error signal)"),
    QT_TRANSLATE_NOOP("Figures", "‖∂L_T/∂h_t‖ (last step's loss only)"),
    QT_TRANSLATE_NOOP("Figures", "‖step t's term of ∂L/∂W_hh‖"),
]


def figure_title(name: str) -> str:
    """A figure's menu title in the current language."""
    return QCoreApplication.translate("Figures", FIGURES[name])


def view_title(view: str) -> str:
    """A heatmap view's title in the current language."""
    return QCoreApplication.translate("Figures", HEATMAP_VIEW_TITLES[view])


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


def _thin_index(n: int, values: np.ndarray) -> np.ndarray | None:
    """Indices of at most ~MAX_SERIES_POINTS of ``values``' ``n`` points, keeping each bucket's
    lowest and highest value (None: keep them all)."""
    k = max(1, math.ceil(n / MAX_SERIES_POINTS) * 2)
    if k <= 2 or n <= MAX_SERIES_POINTS:
        return None
    m = n // k * k
    v = np.where(np.isfinite(values[:m]), values[:m], np.nan).reshape(-1, k)
    ok = ~np.isnan(v).all(axis=1)
    lo = np.nanargmin(np.where(np.isnan(v), np.inf, v), axis=1)
    hi = np.nanargmax(np.where(np.isnan(v), -np.inf, v), axis=1)
    base = np.arange(0, m, k)
    return np.unique(np.concatenate([(base + lo)[ok], (base + hi)[ok], np.arange(m, n)]))


def _thin(steps: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most ~MAX_SERIES_POINTS points, keeping each bucket's lowest and highest value: a
    fall of ρ or σ_max between two kept points is never skipped."""
    idx = _thin_index(len(steps), values)
    return (steps, values) if idx is None else (steps[idx], values[idx])


def thin_together(steps: np.ndarray, *series: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`_thin` for series drawn over the same steps: one set of points, each series'
    lows and highs kept (thinned one by one, ρ and σ_max kept different points, and σ_max
    was drawn over ρ's steps: a shape error once a run passed ~2000 iterations)."""
    picks = [i for i in (_thin_index(len(steps), v) for v in series) if i is not None]
    if not picks:
        return (steps, *series)
    idx = np.unique(np.concatenate(picks))
    return (steps[idx], *(v[idx] for v in series))


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
        self.spectral = LiveSeriesPlot(title=self.tr("ρ and σ_max of W_hh"), y_label=self.tr("value"))
        self.grad_norms = LiveSeriesPlot(title=self.tr("Gradient norms"), y_label="‖∂L/∂θ‖", log_y=True,
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
        self.layer_box = QComboBox()
        self.levels_box = QComboBox()
        self.levels_box.addItems(["", ""])  # texts: retranslate()
        self.lo_spin = QDoubleSpinBox()
        self.hi_spin = QDoubleSpinBox()
        for spin, val in ((self.lo_spin, -12.0), (self.hi_spin, 2.0)):
            spin.setRange(-300.0, 300.0)
            spin.setDecimals(1)
            spin.setSingleStep(1.0)
            spin.setValue(val)
            spin.setPrefix("10^")
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
        self.layer_label = QLabel()
        self.view_label = QLabel()
        self.levels_label = QLabel()
        self.to_label = QLabel()
        self.retranslate()
        for w in (self.view_label, self.view_box, self.layer_label, self.layer_box,
                  self.levels_label, self.levels_box, self.lo_spin, self.to_label, self.hi_spin):
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

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Header labels, tooltips and the plots' fixed titles and axis labels in the current language."""
        self.view_label.setText(self.tr("heatmap view"))
        self.layer_label.setText(self.tr("layer"))
        self.levels_label.setText(self.tr("colour levels"))
        self.to_label.setText(self.tr("to"))
        self.view_box.setToolTip(self.tr(
            "Which per-step gradient to show (DOMAIN.md): total ‖δ_t‖, the last step's loss only ‖∂L_T/∂h_t‖, "
            "or step t's contribution to ∂L/∂W_hh"))
        for i in range(self.view_box.count()):
            self.view_box.setItemData(i, view_title(self.view_box.itemData(i)), Qt.ItemDataRole.ToolTipRole)
        self.layer_box.setToolTip(self.tr("Layer of the stacked network"))
        for i in range(self.layer_box.count()):
            self.layer_box.setItemText(i, self.tr("layer %1").replace("%1", str(i + 1)))
        self.levels_box.setItemText(0, self.tr("follow data"))
        self.levels_box.setItemText(1, self.tr("fixed"))
        self.levels_box.setToolTip(self.tr(
            "Colour levels: follow the data (whole decades) or fixed; dragging the colour bar fixes them too"))
        self.heatmap.set_zero_label(self.tr("exact 0"))
        self.lo_spin.setToolTip(self.tr("lowest colour: 10^ (log10 units)"))
        self.hi_spin.setToolTip(self.tr("highest colour: 10^ (log10 units)"))
        axes = {
            self.loss: (self.tr("iteration"), self.tr("loss"), self.tr("Training loss")),
            self.predictions: (self.tr("time step t"), self.tr("value"), None),
            self.heatmap: (self.tr("time step t"), self.tr("iteration"), None),
            self.profile: (self.tr("time step t"), self.tr("gradient norm"), None),
            self.spectral: (self.tr("iteration"), self.tr("value"), self.tr("ρ and σ_max of W_hh")),
            self.grad_norms: (self.tr("iteration"), None, self.tr("Gradient norms")),
        }
        for widget, (x_label, y_label, title) in axes.items():
            relabel_plot(widget, x_label, y_label, title)
        for widget in (self.loss, self.predictions, self.profile, self.spectral, self.grad_norms):
            translate_legends(widget)
        retranslate_plot_menus(self)
        self.request_redraw(full=True)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        self.reset_for_run(layers, (info.config if info is not None else self.session.config).seq_len)
        for plot in (self.loss, self.spectral, self.grad_norms):
            plot.ranger.fit((0.0, 10.0), None)

    def reset_for_run(self, layers: int, T: int) -> None:
        """Empty every plot for a new run of ``layers`` layers and ``T`` time steps."""
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItems([self.tr("layer %1").replace("%1", str(i + 1)) for i in range(layers)])
        self.layer_box.blockSignals(False)
        self.layer_box.setVisible(layers > 1)
        self.layer_label.setVisible(layers > 1)
        self.heatmap.clear_data()
        for plot in (self.loss, self.predictions, self.profile, self.spectrum, self.spectral, self.grad_norms):
            plot.reset_view()
        # Until the first iteration arrives (a paused step, a lecture step without play) the
        # empty axes show the new run's extent, not the last run's.
        for plot in (self.predictions, self.profile):
            plot.ranger.fit((0.0, T - 1.0), None)
        self.heatmap.ranger.fit((0.0, float(T)), (0.0, 10.0))
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
        title = view_title(self.view) + (self.tr(" — layer %1").replace("%1", str(self.layer + 1))
                                         if len(s.histories) > 1 else "")
        self.heatmap.update_data(h.views[self.view], fixed_levels=self._fixed_levels, tbptt=cfg.tbptt, title=title)
        self.loss.update_data(s.loss_envelope, s.history.diverged_at,
                              info.baseline if info else None,
                              translate_plot_text(info.baseline_label) if info else "")
        self.draw_profile()

    def draw_profile(self) -> None:
        s = self.session
        snap = s.last
        # fixed per view: a new title re-lays the plot out
        title = self.tr("Newest profile (%1)").replace("%1", self.view)
        if snap is None:
            self.profile.update_data(None, title=title)
            self.profile.set_badge("")
            return
        layer = min(self.layer, snap.views[self.view].shape[0] - 1)
        prof = snap.views[self.view][layer]
        theory = self.theory(snap, layer)
        # the measured rate is the slope of the 'last' view (‖∂L_T/∂h_t‖), whatever view is shown
        rate = measured_rate(snap.views["last"][layer], tbptt=self.session.run_config.tbptt)
        bounds = self._bounds(prof, theory, rate)
        self.profile.update_data(prof, title=title, bounds=bounds)
        self.profile.set_badge(*self.badge(theory, rate))

    def badge(self, theory: Theory | None, rate: MeasuredRate | None) -> tuple[str, str, str]:
        """``(text, kind, tooltip)`` of the theory badge: the measured regime first, then what
        the bound allows. Red (``kind`` "explosion_possible") only when the measurement explodes.
        Built by :func:`gradsim.core.theory.theory_badge`, as the replay's and a watched run's."""
        return theory_badge(theory, rate, view=self.view, tr=translate_badge, tr_theory=translate_theory)

    def theory(self, snap, layer: int = 0) -> Theory | None:
        """Pascanu's bounds from the snapshot's spectrum of W_hh (None if they cannot be computed).

        ``Snapshot.sigma_max`` / ``spectral_radius`` belong to the first layer's W_hh,
        so for a stack the bound is computed for layer 0, which the theory answers
        "applies to the top layer only".
        """
        cfg = self.session.run_config
        try:
            return theory_from_spectrum(snap.sigma_max, snap.spectral_radius, cfg.activation,
                                        snap.views[self.view].shape[-1], cell=cfg.cell, residual=cfg.residual,
                                        norm=cfg.norm, layer=0, num_layers=cfg.num_layers)
        except ValueError:  # an unknown activation / cell: say nothing rather than something wrong
            return None

    def _bounds(self, prof: np.ndarray, theory: Theory | None, rate: MeasuredRate | None = None
                ) -> dict[str, np.ndarray]:
        """(γλ₁)^(T−1−t) and ρ^(T−1−t) anchored at the measured last value, and the fitted
        measured rate, 'last' view only: the bound is on ‖∂L_T/∂h_t‖. Every number in the
        legend is the one the curve is drawn with (one formatter: 3.61·10⁴)."""
        if self.view != "last":
            return {}
        return profile_curves(prof, theory, rate)

    def draw_sample(self) -> None:
        s = self.session
        cfg = s.run_config
        pred, target, title = prediction_series(cfg, s.last)
        rollout = s.rollout if cfg.task == "sine" else None
        # the live panel is narrow: the title's first clause (Export → all writes it whole)
        title = translate_plot_text((title or "prediction vs target").split(";")[0])
        self.predictions.update_data(pred, target, rollout, title)

    def draw_slow(self) -> None:
        s = self.session
        steps, rho = s.history.scalar("spectral_radius")
        _, sigma = s.history.scalar("sigma_max")
        st, r, sg = thin_together(steps, rho, sigma)
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

