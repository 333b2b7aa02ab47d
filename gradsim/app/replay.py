"""Replay mode: a run folder shown with every plot, a timeline and, while it grows, follow.

File → Open run… opens a :class:`ReplayWindow` on a folder from ``gradsim run --out``,
Export → All or a watched user model. Nothing trains: the plots of the main window
(:class:`~gradsim.app.plots_panel.PlotsPanel`, reused through :class:`ReplayPlots`) are
fed by a :class:`ReplaySource` that shows the record up to the timeline's iteration.

Reading happens on one worker thread (:class:`concurrent.futures.ThreadPoolExecutor`,
one worker: :class:`~gradsim.runs.replay.RunFolderReader` is not thread-safe, its
records are immutable): a big grad_steps.npz never stalls the GUI thread, which only
polls the future on a timer. Following polls the files' size and time (robust on
network and container filesystems, where change notifications are often missing).
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QMainWindow, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget,
)

from gradsim.app.envelope import Envelope
from gradsim.app.i18n import translate_config_error, translate_plot_text
from gradsim.app.plots_panel import PlotsPanel, _thin, short_param_name, thin_together, view_title
from gradsim.app.presentation import set_title
from gradsim.app.resources import app_icon
from gradsim.core.theory import GAMMA, measured_rate, module_architecture, theory_for_architecture
from gradsim.runs.replay import ReplayError, RunFolderReader, RunRecord, check_run_folder, task_baseline

__all__ = ["ReplaySource", "ReplayPlots", "Timeline", "ReplayWindow", "SPEEDS", "open_run", "replay_error_text"]

#: Playback speeds offered, iterations per second.
SPEEDS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000)
DEFAULT_SPEED = 50
#: How often the timeline advances while playing, and how often a followed folder is polled.
PLAY_MS = 33
POLL_MS = 100
FOLLOW_SECONDS = 0.5


def replay_error_text(err: ReplayError) -> str:
    """A :class:`ReplayError` in the current language."""
    reasons = {
        "missing": QCoreApplication.translate("Replay", "no such folder"),
        "not_dir": QCoreApplication.translate("Replay", "not a folder (choose the folder that holds metrics.csv)"),
        "not_run": QCoreApplication.translate("Replay", "not a run folder (no metrics.csv, grad_steps.npz, summary.json or config.toml in it)"),
        "unreadable": QCoreApplication.translate("Replay", "cannot read it: %1").replace("%1", err.detail),
    }
    return QCoreApplication.translate("Replay", "Cannot open run %1: %2").replace("%2", reasons.get(err.reason, err.reason)) \
        .replace("%1", repr(err.path))


def note_text(note: tuple[str, str]) -> str:
    """One note of a record (what is missing or unreadable) in the current language."""
    code, detail = note
    texts = {
        "no_folder": QCoreApplication.translate("Replay", "waiting for the folder %1"),
        "no_metrics": QCoreApplication.translate("Replay", "no metrics.csv yet"),
        "bad_rows": QCoreApplication.translate("Replay", "metrics.csv: %1 row(s) with the wrong number of fields skipped"),
        "no_npz": QCoreApplication.translate("Replay", "no grad_steps.npz yet: no gradient heatmap"),
        "npz_retry": QCoreApplication.translate("Replay", "grad_steps.npz could not be read yet (%1); retrying"),
        "npz_bad": QCoreApplication.translate("Replay", "grad_steps.npz is not a gradsim gradient file: %1"),
        "summary_bad": QCoreApplication.translate("Replay", "summary.json is not a JSON object"),
        "config_bad": QCoreApplication.translate("Replay", "config.toml does not load: %1"),
        "no_config": QCoreApplication.translate("Replay", "no config.toml: predictions and the theory bound need it"),
        "model_bad": "%1",
    }
    if code == "config_bad":
        detail = translate_config_error(detail)
    return texts.get(code, code).replace("%1", detail)


# ---------------------------------------------------------------------- data
class _Rows:
    """The first ``n`` rows of a record's array, shaped like a DecimatingBuffer for the
    heatmap (``data``, ``steps``, ``stride``, ``width``, ``capacity``, ``generation``)."""

    def __init__(self, data: np.ndarray, steps: np.ndarray, stride: int, generation: int) -> None:
        self._all = data
        self._steps = steps
        self.stride = stride
        self.width = data.shape[1]
        self.capacity = max(2, len(data) + len(data) % 2)
        self.generation = generation
        self.n = 0

    def __len__(self) -> int:
        return self.n

    @property
    def data(self) -> np.ndarray:
        return self._all[: self.n]

    @property
    def steps(self) -> np.ndarray:
        return self._steps[: self.n]


class _Profile:
    """The newest row at the timeline's iteration, as the profile plot reads a snapshot."""

    def __init__(self, step: int, views: dict[str, np.ndarray], loss: float, sigma_max: float,
                 spectral_radius: float) -> None:
        self.step = step
        self.views = views
        self.loss = loss
        self.sigma_max = sigma_max
        self.spectral_radius = spectral_radius


class ReplaySource(QObject):
    """A run record seen up to one iteration (the timeline's cursor).

    It answers what :class:`ReplayPlots` asks (per-layer view rows, the loss envelope, the
    scalar series, the newest profile) and owns no training state.

    Signals
    -------
    runStarted(object)
        A record with another shape (layers, seq_len, columns) or from scratch.
    recordChanged()
        New data read from the folder (the timeline's range may have grown).
    cursorChanged(int)
        The iteration shown.
    """

    runStarted = Signal(object)
    recordChanged = Signal()
    cursorChanged = Signal(int)
    # PlotsPanel subscribes to these; a replay has no spectrum, roll-out or live divergence
    spectrumChanged = Signal()
    rolloutChanged = Signal()
    divergedChanged = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.record: RunRecord | None = None
        self.cursor = -1
        self.data_version = 0
        self._generation = 0
        self._layers: list[dict[str, _Rows]] = []
        self._shape: tuple | None = None
        self.loss_envelope = Envelope(2048, log=True)
        self._env_rows = 0
        self.last: _Profile | None = None
        self.n_rows = 0
        self.n_grad_rows = 0

    # ------------------------------------------------------------ the record
    @property
    def run_info(self):
        return self.record

    def set_record(self, record: RunRecord) -> None:
        """Show ``record`` (a newer read of the same folder, or another folder)."""
        old = self.record
        self.record = record
        shape = (record.num_layers, record.seq_len, record.columns, str(record.folder))
        restart = shape != self._shape
        self._shape = shape
        self._generation += 1
        T = record.seq_len or 1
        if record.layers:
            self._layers = [{v: _Rows(layer[v], record.grad_steps, record.stride, self._generation) for v in layer}
                            for layer in record.layers]
        else:
            empty = np.zeros((0, T), np.float32)
            steps = np.zeros(0, np.int64)
            self._layers = [{v: _Rows(empty, steps, 1, self._generation) for v in ("total", "last", "weight")}
                            for _ in range(record.num_layers)]
        if restart or old is None or record.n_rows < self._env_rows:
            self._clear_envelope()
        if restart:
            self.runStarted.emit(record)
        self.recordChanged.emit()
        self.set_cursor(self.cursor if self.cursor >= 0 else record.last_step, force=True)

    @property
    def histories(self) -> list[dict[str, _Rows]]:
        return self._layers

    def view_rows(self, layer: int, view: str) -> _Rows:
        return self._layers[min(layer, len(self._layers) - 1)][view]

    # ------------------------------------------------------------ the cursor
    def set_cursor(self, step: int, *, force: bool = False) -> None:
        """Show the run up to iteration ``step`` (clamped to what the folder holds)."""
        rec = self.record
        if rec is None:
            return
        step = int(min(max(step, rec.first_step), max(rec.last_step, rec.first_step)))
        if step == self.cursor and not force:
            return
        self.cursor = step
        n = rec.rows_until(step)
        g = rec.grad_rows_until(step)
        self.n_rows, self.n_grad_rows = n, g
        for layer in self._layers:
            for rows in layer.values():
                rows.n = min(g, len(rows._all))
        self._update_envelope(n)
        self.last = self._profile(step, n, g)
        self.data_version += 1
        self.cursorChanged.emit(step)

    def _clear_envelope(self) -> None:
        # clear() restarts the version at 0: carry it on, or the loss plot, which skips a
        # redraw when the version is one it drew, would keep showing the longer curve
        version = self.loss_envelope.version
        self.loss_envelope.clear()
        self.loss_envelope.version = version + 1
        self._env_rows = 0

    def _update_envelope(self, n: int) -> None:
        rec = self.record
        loss = rec.metric("loss")
        if loss is None:
            return
        if n < self._env_rows:
            self._clear_envelope()
        if n > self._env_rows:
            clipped = rec.metric("clipped")
            sl = slice(self._env_rows, n)
            self.loss_envelope.extend(rec.steps[sl], loss[sl], clipped[sl] > 0 if clipped is not None else None)
            self._env_rows = n

    def _profile(self, step: int, n: int, g: int) -> _Profile | None:
        rec = self.record
        if g == 0 and n == 0:
            return None

        def at(name: str) -> float:
            col = rec.metric(name)
            return float(col[n - 1]) if col is not None and n > 0 else math.nan

        views = {v: np.stack([layer[v][g - 1] for layer in rec.layers]) for v in ("total", "last", "weight")} \
            if g > 0 and rec.layers else {}
        return _Profile(step, views, at("loss"), at("sigma_max"), at("spectral_radius"))

    def scalar(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(steps, values) of a metrics column up to the cursor (empty if absent)."""
        rec = self.record
        col = rec.metric(name) if rec is not None else None
        if col is None:
            return np.zeros(0), np.zeros(0)
        return rec.steps[: self.n_rows].astype(np.float64), col[: self.n_rows]

    @property
    def diverged_at(self) -> int | None:
        rec = self.record
        d = rec.diverged_at if rec is not None else None
        return d if d is not None and d <= self.cursor else None


def _architecture(rec: RunRecord) -> dict | None:
    """What the theory bound needs to know of the network: from config.toml, or from
    model.json (:func:`gradsim.core.theory.module_architecture`) for a watched torch module."""
    cfg = rec.config
    if cfg is not None:
        return {"cell": cfg.cell, "activation": cfg.activation, "residual": cfg.residual, "norm": cfg.norm,
                "num_layers": cfg.num_layers}
    return module_architecture(rec.model)


# ---------------------------------------------------------------------- plots
class ReplayPlots(PlotsPanel):
    """The main window's plots, drawn from a :class:`ReplaySource` at its cursor."""

    def __init__(self, source: ReplaySource, parent: QWidget | None = None) -> None:
        super().__init__(source, parent)  # type: ignore[arg-type]  # duck-typed: see ReplaySource
        source.cursorChanged.connect(lambda _s: self.request_redraw())

    def _on_run_started(self, info) -> None:
        rec: RunRecord | None = info
        layers = rec.num_layers if rec is not None else 1
        self.reset_for_run(layers, (rec.seq_len if rec is not None else None) or 1)

    def draw_fast(self) -> None:
        s: ReplaySource = self.session  # type: ignore[assignment]
        rec = s.record
        if rec is None:
            return
        cfg = rec.config
        rows = s.view_rows(self.layer, self.view)
        title = view_title(self.view) + (self.tr(" — layer %1").replace("%1", str(self.layer + 1))
                                         if rec.num_layers > 1 else "")
        self.heatmap.update_data(rows, fixed_levels=self._fixed_levels, tbptt=cfg.tbptt if cfg else 0, title=title)
        baseline, label = task_baseline(cfg)
        self.loss.update_data(s.loss_envelope, s.diverged_at, baseline, translate_plot_text(label) if label else "")
        self.draw_profile()

    def draw_profile(self) -> None:
        """The profile at the cursor, its bound and the measured-rate badge, as the live app
        draws them (:meth:`PlotsPanel.badge`: the measured regime first)."""
        s: ReplaySource = self.session  # type: ignore[assignment]
        snap = s.last
        title = self.tr("Profile at iteration %1 (%2)").replace("%2", self.view) \
            .replace("%1", str(s.cursor) if s.cursor >= 0 else "—")
        if snap is None or not snap.views:
            self.profile.update_data(None, title=title)
            self.profile.set_badge(self.tr("no gradient rows yet") if s.record is not None else "", "not_applicable")
            return
        layer = min(self.layer, snap.views[self.view].shape[0] - 1)
        prof = snap.views[self.view][layer]
        theory = self.theory(snap, layer)
        cfg = s.record.config if s.record is not None else None
        rate = measured_rate(snap.views["last"][layer], tbptt=cfg.tbptt if cfg is not None else 0)
        self.profile.update_data(prof, title=title, bounds=self._bounds(prof, theory, rate))
        text, kind, tip = self.badge(theory, rate)
        if theory is None and s.record is not None and _architecture(s.record) is None:
            text += "; " + self.tr("no config.toml: no theory bound (the cell and activation are unknown)")
        self.profile.set_badge(text, kind, tip)

    def theory(self, snap, layer: int = 0):
        """The bound from the row's σ_max and ρ (metrics.csv: the pre-update W_hh of that
        iteration) and the architecture of config.toml, or of model.json for a watched module."""
        arch = _architecture(self.session.record) if self.session.record is not None else None
        if arch is None or not (math.isfinite(snap.sigma_max) and snap.sigma_max > 0):
            return None
        try:
            return theory_for_architecture(snap.sigma_max, snap.spectral_radius, snap.views[self.view].shape[-1],
                                           arch)
        except ValueError:
            return None

    def draw_sample(self) -> None:
        rec = self.session.record
        T = (rec.seq_len if rec is not None else None) or 1
        empty = np.full(T, np.nan)
        if rec is not None and rec.config is None:
            title = self.tr("predictions: not in this run folder (no config.toml)")
        else:
            title = self.tr("predictions: not recorded per iteration (predictions.png shows the last one)")
        self.predictions.update_data(empty, empty, None, title)

    def draw_slow(self) -> None:
        s: ReplaySource = self.session  # type: ignore[assignment]
        rec = s.record
        if rec is None:
            return
        steps, rho = s.scalar("spectral_radius")
        _, sigma = s.scalar("sigma_max")
        series = {}
        if len(rho):
            if len(sigma) != len(rho):
                sigma = np.full(len(rho), np.nan)
            st, r, sg = thin_together(steps, rho, sigma)  # one set of steps for both (as the live panel)
            series["spectral radius ρ"] = r
            series["σ_max"] = sg
        else:
            st = np.zeros(0)
        arch = _architecture(rec)
        gamma = GAMMA.get(arch["activation"]) if arch is not None and arch["cell"] == "rnn" else None
        ref, label = (1.0 / gamma, f"1/γ = {1.0 / gamma:g}") if gamma else (1.0, "1")
        self.spectral.update_data(st, series, ref, label)
        names = rec.param_names
        norms: dict[str, np.ndarray] = {}
        columns = [f"grad_norm[{n}]" for n in names] if names else ["grad_norm", "grad_norm_after"]
        labels = [short_param_name(n) for n in names] if names else ["‖g‖", "‖g‖ after remedies"]
        gs = np.zeros(0)
        for column, label_ in zip(columns, labels):
            x, y = s.scalar(column)
            if len(y):
                gs, norms[label_] = _thin(x, y)
        self.grad_norms.update_data(gs, norms)

    def draw_spectrum(self) -> None:
        s: ReplaySource = self.session  # type: ignore[assignment]
        self.spectrum.set_data(np.zeros(0, np.complex128))
        rho = s.last.spectral_radius if s.last is not None else math.nan
        value = f"{rho:.3g}" if math.isfinite(rho) else "—"
        set_title(self.spectrum.plotItem, self.tr("eig(W_hh): not in run folders; ρ = %1").replace("%1", value),
                  self.spectrum.font_scale)


# ---------------------------------------------------------------------- timeline
class Timeline(QWidget):
    """Play/pause, a slider over the run's iterations, the speed and the follow switch.

    Signals
    -------
    scrubbed(int)
        The user moved the slider to an iteration.
    """

    scrubbed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayTimeline")
        style = self.style()
        self.start_button = QToolButton()
        self.start_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward))
        self.play_button = QToolButton()
        self.play_button.setObjectName("replayPlay")
        self.play_button.setCheckable(True)
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.end_button = QToolButton()
        self.end_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("replaySlider")
        self.slider.setRange(0, 0)
        self.slider.setMinimumWidth(200)
        self.slider.valueChanged.connect(self._on_slider)
        self.position = QLabel()
        self.position.setObjectName("replayPosition")
        self.position.setMinimumWidth(150)
        self.speed_title = QLabel()
        self.speed = QComboBox()
        self.speed.setObjectName("replaySpeed")
        for v in SPEEDS:
            self.speed.addItem("", v)
        self.speed.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.follow = QCheckBox()
        self.follow.setObjectName("replayFollow")
        for w in (self.start_button, self.play_button, self.end_button, self.speed, self.follow, self.slider):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and the arrows stay with the window
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.start_button)
        layout.addWidget(self.play_button)
        layout.addWidget(self.end_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.position)
        layout.addWidget(self.speed_title)
        layout.addWidget(self.speed)
        layout.addWidget(self.follow)
        self._total = -1
        self.retranslate()

    def retranslate(self) -> None:
        self.start_button.setToolTip(self.tr("First iteration (Home)"))
        self.end_button.setToolTip(self.tr("Newest iteration (End)"))
        self.slider.setToolTip(self.tr("Iteration shown: drag to scrub (← / → one step, PgUp / PgDn ten)"))
        self.speed_title.setText(self.tr("speed"))
        self.speed.setToolTip(self.tr("Playback speed in iterations per second"))
        for i, v in enumerate(SPEEDS):
            self.speed.setItemText(i, self.tr("%1 it/s").replace("%1", f"{v:,}"))
        self.follow.setText(self.tr("Follow"))
        self.follow.setToolTip(self.tr(
            "Re-read the folder as its files grow (a run still being written): the plots show new rows, "
            "and the timeline stays at the newest iteration if it was there"))
        self.show_playing(self.play_button.isChecked())
        self._show_position()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @property
    def speed_value(self) -> float:
        """Iterations per second."""
        return float(self.speed.currentData())

    def set_speed(self, its_per_second: float) -> None:
        """Pick the offered speed nearest ``its_per_second``."""
        best = min(range(len(SPEEDS)), key=lambda i: abs(math.log(SPEEDS[i]) - math.log(max(its_per_second, 1e-9))))
        self.speed.setCurrentIndex(best)

    def show_playing(self, playing: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.blockSignals(False)
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))
        self.play_button.setToolTip(self.tr("Play back / pause (Space)"))

    def set_range(self, first: int, last: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(first, max(first, last))
        self.slider.setPageStep(max(10, (last - first) // 20))
        self.slider.blockSignals(False)
        self._total = last
        self._show_position()

    def set_value(self, step: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(step)
        self.slider.blockSignals(False)
        self._show_position()

    def _on_slider(self, value: int) -> None:
        self._show_position()
        self.scrubbed.emit(value)

    def _show_position(self) -> None:
        if self._total < 0:
            self.position.setText(self.tr("no iterations yet"))
        else:
            self.position.setText(self.tr("iteration %1 of %2").replace("%2", f"{self._total:,}")
                                  .replace("%1", f"{self.slider.value():,}"))


# ---------------------------------------------------------------------- window
class ReplayWindow(QMainWindow):
    """One run folder, replayed. Nothing trains; the folder is only read.

    Parameters
    ----------
    folder : str or os.PathLike
        The run folder. It need not hold files yet when ``follow`` is True.
    follow : bool, optional
        Re-read the folder as it grows. None: follow while it has no summary.json (the
        writer has not finished).
    """

    #: The folder was read (a new record is shown).
    loaded = Signal()

    def __init__(self, folder: str | os.PathLike[str], *, follow: bool | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.folder = Path(folder)
        self.setWindowIcon(app_icon())
        self.source = ReplaySource(self)
        self.plots = ReplayPlots(self.source)
        self.timeline = Timeline()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.notes_label = QLabel()
        self.notes_label.setObjectName("replayNotes")
        self.statusBar().addWidget(self.notes_label, 1)
        self._reader = RunFolderReader(self.folder)
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(1, thread_name_prefix="gradsim-replay")
        self._future: Future | None = None
        self._last_read = -math.inf
        self._follow_auto = follow is None
        self._playing = False
        self._play_pos = 0.0
        self._play_clock = 0.0
        self.reads = 0
        self.timeline.follow.setChecked(bool(follow))
        self.timeline.play_button.toggled.connect(self.set_playing)
        self.timeline.start_button.clicked.connect(lambda: self.seek(-1))
        self.timeline.end_button.clicked.connect(lambda: self.seek(None))
        self.timeline.scrubbed.connect(self._on_scrub)
        self.timeline.follow.toggled.connect(self._on_follow)
        self.source.cursorChanged.connect(self.timeline.set_value)
        self._build_actions()
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(PLAY_MS)
        self.play_timer.timeout.connect(self._advance)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._poll)
        self.poll_timer.start()
        self.retranslate()
        self._submit()

    def _build_actions(self) -> None:
        keys = {
            "play": ("Space", lambda: self.set_playing(not self._playing)),
            "back": ("Left", lambda: self.step_by(-1)),
            "forward": ("Right", lambda: self.step_by(1)),
            "back10": ("PgUp", lambda: self.step_by(-self.timeline.slider.pageStep())),
            "forward10": ("PgDown", lambda: self.step_by(self.timeline.slider.pageStep())),
            "home": ("Home", lambda: self.seek(-1)),
            "end": ("End", lambda: self.seek(None)),
            "close": (QKeySequence.StandardKey.Close, self.close),
        }
        self._key_actions: dict[str, QAction] = {}
        for name, (key, slot) in keys.items():
            act = QAction(self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda _c=False, f=slot: f())
            self.addAction(act)
            self._key_actions[name] = act

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("gradsim — replay: %1").replace("%1", self.folder.name or str(self.folder)))
        self._show_notes()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------ reading
    @property
    def following(self) -> bool:
        return self.timeline.follow.isChecked()

    def _submit(self) -> None:
        if self._executor is None or self._future is not None:
            return
        self._last_read = time.monotonic()
        self._future = self._executor.submit(self._read)

    def _read(self) -> tuple[bool, RunRecord]:
        """On the worker thread: read what changed."""
        changed = self._reader.refresh()
        return changed, self._reader.record

    def _poll(self) -> None:
        fut = self._future
        if fut is not None:
            if not fut.done():
                return
            self._future = None
            try:
                changed, record = fut.result()
            except Exception as err:  # a bug in the reader must not take the window down
                self.notes_label.setText(self.tr("Reading the run failed: %1").replace("%1", str(err)))
                return
            self.reads += 1
            if changed or self.source.record is None:
                self._apply(record)
        if self.following and time.monotonic() - self._last_read >= FOLLOW_SECONDS:
            self._submit()

    def _apply(self, record: RunRecord) -> None:
        first = self.source.record is None
        at_end = first or self.source.cursor >= self.source.record.last_step
        if first and self._follow_auto:
            self.timeline.follow.setChecked(not record.complete)
        self.timeline.set_range(record.first_step, record.last_step)
        self.source.set_record(record)
        if at_end and (self.following or first):
            self.source.set_cursor(record.last_step)
        self.timeline.set_value(self.source.cursor)
        self._show_notes()
        self.loaded.emit()

    def _show_notes(self) -> None:
        rec = self.source.record
        if rec is None:
            self.notes_label.setText(self.tr("Reading %1…").replace("%1", str(self.folder)))
            return
        parts = []
        cfg = rec.config
        if cfg is not None:
            parts.append(self.tr("%1, %2 (%3 layer(s), H = %4), T = %5").replace("%5", str(cfg.seq_len))
                         .replace("%4", str(cfg.hidden_size)).replace("%3", str(cfg.num_layers))
                         .replace("%2", cfg.cell).replace("%1", cfg.task))
        elif rec.model:
            shown = ", ".join(f"{k} = {v}" for k, v in list(rec.model.items())[:6]
                              if isinstance(v, (str, int, float, bool)))
            parts.append(self.tr("user model: %1").replace("%1", shown))
        if rec.stride > 1:
            parts.append(self.tr("%1 iterations per heatmap row").replace("%1", str(rec.stride)))
        if rec.n_grad_rows and rec.n_rows and rec.grad_steps[-1] < rec.steps[-1]:
            parts.append(self.tr("gradients up to iteration %1").replace("%1", str(int(rec.grad_steps[-1]))))
        parts += [note_text(n) for n in rec.notes]
        if self.following:
            parts.append(self.tr("following"))
        self.notes_label.setText(" · ".join(parts))

    def _on_follow(self, on: bool) -> None:
        self._follow_auto = False
        self._show_notes()
        if on:
            self._submit()

    def refresh_now(self) -> None:
        """Read the folder again now (once), following or not."""
        self._submit()

    # ------------------------------------------------------------ timeline
    def seek(self, step: int | None) -> None:
        """Show iteration ``step`` (None: the newest; below the first: the first)."""
        rec = self.source.record
        if rec is None:
            return
        self.source.set_cursor(rec.last_step if step is None else step)

    def step_by(self, n: int) -> None:
        self.set_playing(False)
        self.seek(self.source.cursor + n)

    def _on_scrub(self, value: int) -> None:
        self.source.set_cursor(value)

    def set_speed(self, its_per_second: float) -> None:
        self.timeline.set_speed(its_per_second)

    @property
    def playing(self) -> bool:
        return self._playing

    def set_playing(self, playing: bool) -> None:
        """Play back from the shown iteration (from the first if at the end), or pause."""
        rec = self.source.record
        playing = bool(playing) and rec is not None and rec.last_step >= 0
        if playing and self.source.cursor >= rec.last_step and not self.following:
            self.source.set_cursor(rec.first_step)
        self._playing = playing
        self._play_pos = float(self.source.cursor)
        self._play_clock = time.monotonic()
        self.timeline.show_playing(playing)
        if playing:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def _advance(self) -> None:
        rec = self.source.record
        now = time.monotonic()
        # at most a few frames' worth per tick: a stalled GUI does not jump to the end
        dt = min(now - self._play_clock, 0.25)
        self._play_clock = now
        self._play_pos = min(self._play_pos + dt * self.timeline.speed_value, float(rec.last_step))
        self.source.set_cursor(int(self._play_pos))
        if self._play_pos >= rec.last_step and not self.following:
            self.set_playing(False)

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.play_timer.stop()
        self.poll_timer.stop()
        self.plots.timer.stop()
        if self._executor is not None:
            # a read in flight finishes on its own; nothing waits for it here
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        super().closeEvent(event)


class _CloseWith(QObject):
    """Closes the replay windows when the main window closes (they are its children, but a
    child top-level window outlives its parent's close)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.replays: list[ReplayWindow] = []
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Close:
            for r in list(self.replays):
                r.close()
            self.replays.clear()
        return False


def open_run(window, path: str | os.PathLike[str] | None = None, *, follow: bool | None = None) -> ReplayWindow | None:
    """File → Open run…: ask for a run folder (unless ``path``) and replay it in a new window.

    A path that is not a run folder shows one error line and opens nothing. ``follow``
    as in :class:`ReplayWindow` (True also accepts a folder that has no files yet).
    Returns the window, or None.
    """
    from PySide6.QtWidgets import QFileDialog

    from gradsim.app import dialogs

    if path is None:
        start = str(window.settings.value("files/last_dir", str(Path.home())))
        path = QFileDialog.getExistingDirectory(window, QCoreApplication.translate("Replay", "Open run folder"), start)
        if not path:
            return None
    try:
        if not follow:
            check_run_folder(path)
        elif not Path(path).is_dir() and Path(path).exists():
            raise ReplayError(path, "not_dir")
    except ReplayError as err:
        dialogs.show_error(window, QCoreApplication.translate("Replay", "Cannot open run"), replay_error_text(err))
        return None
    window.settings.setValue("files/last_dir", str(Path(path).parent))
    keeper = window.findChild(_CloseWith) or _CloseWith(window)
    replay = ReplayWindow(path, follow=follow, parent=window)
    replay.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    replay.destroyed.connect(lambda _o=None, r=replay: keeper.replays.remove(r) if r in keeper.replays else None)
    keeper.replays.append(replay)
    replay.resize(min(1600, max(960, window.width())), min(1000, max(640, window.height())))
    replay.show()
    window.show_message(QCoreApplication.translate("Replay", "Replaying %1").replace("%1", str(path)))
    return replay
