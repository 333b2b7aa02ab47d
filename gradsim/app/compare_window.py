"""Analysis → Compare runs…: A and B trained in lockstep, side by side.

A is the session's current configuration; the dialog asks what B changes
("B = A with: clip=norm"), validated with the same parser as ``gradsim compare
--b-set`` before anything starts. Both runs train in a child process
(:class:`~gradsim.runs.live.lockstep_process.LockstepChannel`, the Qt-free
:func:`~gradsim.runs.lockstep.lockstep` generator): on a thread of this process every
small torch operation of the BPTT capture waited for the GUI thread's hold on the GIL,
and an LSTM pair trained at 0.2 iterations/s instead of ~7. A superqt worker thread
only drains the pipe and hands batches of snapshot pairs to the GUI thread; pause /
abort go down the pipe and are obeyed between batches; closing the window stops the
child. The figure is :class:`gradsim.figures.compare.CompareFigure`, the same one
``gradsim compare`` writes, redrawn from the newest data by a ~5 Hz timer.
``benchmarks/bench_compare.py`` measures the window against ``gradsim compare``.

Both heatmaps share one colour range that does not follow each redraw's data: the levels
given up front (the main window's fixed levels, a lecture step's, or the preset's), else a
range that only grows, in whole decades, to cover what both runs have shown
(:func:`gradsim.figures.scale.compare_levels`). A range that followed the data would give a
colour a new meaning at every redraw, and, between two presets, make 10⁻²⁰…1 and 10⁻⁸…1 look
alike; one fixed up front lets a student read the same colour as the same magnitude in both
pictures and at every moment.

A step slower than :data:`gradsim.app.busy.BUSY_SECONDS` shows how long one iteration
takes (the previous one's time, or an estimate before the first).
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import create_worker

from gradsim.app import dialogs
from gradsim.app.i18n import translate_error
from gradsim.app.pg_menus import retranslate_plot_menus
from gradsim.app.plots_panel import view_title
from gradsim.app.presentation import relabel_plot
from gradsim.config import ConfigError, RunConfig, parse_assignment
from gradsim.app.busy import busy_text, estimate_step_seconds
from gradsim.runs.lockstep import check_compatible
from gradsim.core.history import History

__all__ = ["CompareDialog", "CompareWindow", "parse_b_overrides"]

#: Figure redraw interval (ms): the loss plot is rebuilt on every redraw.
REDRAW_MS = 200
HISTORY_ROWS = 1024
#: Ready-made B changes offered in the dialog (the user may type any).
SUGGESTIONS = ("clip=norm", "cell=lstm", "cell=gru", "activation=relu", "init=orthogonal", "lr=0.01",
               "grad_normalize=true", "residual=true")


def parse_b_overrides(cfg_a: RunConfig, text: str) -> RunConfig:
    """B = A with the ``key=value`` assignments in ``text`` (comma, semicolon or space separated).

    Raises ConfigError naming the bad field or value, or saying why the two runs cannot
    share data batches.
    """
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise ConfigError(QCoreApplication.translate("CompareWindow", "give at least one change for run B, e.g. clip=norm"))
    changes = {}
    for part in parts:
        key, value = parse_assignment(part)
        changes[key] = value
    cfg_b = cfg_a.replace(**changes)
    check_compatible(cfg_a, cfg_b)
    return cfg_b


class CompareDialog(QDialog):
    """Choose what run B changes; OK only with a valid, compatible B."""

    def __init__(self, cfg_a: RunConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare runs"))
        self.cfg_a = cfg_a
        self.cfg_b: RunConfig | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Run A is the current configuration. Run B is A with the changes below; both "
                               "train from the same seed on the same data batches, in lockstep."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.edit = QLineEdit("clip=norm")
        self.edit.setObjectName("bOverrides")
        self.edit.setToolTip(self.tr("key=value pairs, separated by commas, e.g. clip=norm, clip_threshold=0.5"))
        self.suggest = QComboBox()
        self.suggest.addItem(self.tr("(examples)"), "")
        for s in SUGGESTIONS:
            self.suggest.addItem(s, s)
        self.suggest.activated.connect(self._on_suggest)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.suggest)
        form.addRow(self.tr("B = A with:"), row)
        self.steps = QSpinBox()
        self.steps.setRange(1, 1_000_000)
        self.steps.setValue(500)
        self.steps.setToolTip(self.tr("Iterations to train both runs"))
        form.addRow(self.tr("Iterations:"), self.steps)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("compareError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b22222;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(lambda _t: self.error.hide())

    def _on_suggest(self, index: int) -> None:
        text = self.suggest.itemData(index)
        if text:
            self.edit.setText(text)

    def validate(self) -> RunConfig | None:
        """B from the text, or None with the reason shown under the field."""
        try:
            cfg_b = parse_b_overrides(self.cfg_a, self.edit.text())
        except ConfigError as err:
            self.error.setText(translate_error(err))
            self.error.show()
            return None
        self.error.hide()
        return cfg_b

    def accept(self) -> None:
        cfg_b = self.validate()
        if cfg_b is None:
            return  # stay open: nothing changes
        self.cfg_b = cfg_b
        super().accept()


class CompareWindow(QWidget):
    """Two runs in lockstep: loss overlaid, heatmaps side by side on one colour scale.

    Signals
    -------
    stopped()
        The worker has finished (ran its steps, was aborted, or failed).
    """

    stopped = Signal()

    def __init__(self, cfg_a: RunConfig, cfg_b: RunConfig, steps: int = 500, parent: QWidget | None = None,
                 *, view: str = "last", start: bool = True, backend: str | None = None,
                 levels: tuple[float, float] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from gradsim.figures.compare import CompareFigure
        from gradsim.figures.run import task_baseline

        check_compatible(cfg_a, cfg_b)
        self.setObjectName("compareWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.cfg_a, self.cfg_b, self.steps, self.view = cfg_a, cfg_b, int(steps), view
        diff = cfg_a.diff(cfg_b)
        from gradsim.runs.lockstep import diff_label

        self.labels = (f"A: {diff_label(diff, 0)}", f"B: {diff_label(diff, 1)}")
        rows = HISTORY_ROWS
        self.histories = (History(cfg_a.seq_len, rows=rows, scalar_rows=max(2, min(self.steps + self.steps % 2, 65536))),
                          History(cfg_b.seq_len, rows=rows, scalar_rows=max(2, min(self.steps + self.steps % 2, 65536))))
        self.last: list = [None, None]
        #: The colour levels fixed up front (log10 low, high), or None: a range that only grows.
        self.fixed_levels = None if levels is None else (float(levels[0]), float(levels[1]))
        #: The levels both heatmaps were last drawn with.
        self.levels: tuple[float, float] | None = None
        self.error_text = ""
        self._baseline = task_baseline(cfg_a)
        self._dirty = False
        self._font_scale = 1.0
        self.figure = CompareFigure()
        self.play_button = QPushButton()
        self.play_button.setObjectName("comparePlay")
        self.play_button.clicked.connect(self.toggle_play)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(lambda: self.export_figure())
        self.status = QLabel()
        self.status.setObjectName("compareStatus")
        top = QHBoxLayout()
        top.addWidget(self.play_button)
        top.addWidget(self.export_button)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.figure, 1)
        self.resize(1300, 900)
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.redraw)
        self.timer.start()
        self.worker = None
        #: ``process`` (a child process, the default) or ``thread`` (a thread of this process:
        #: no start-up cost, but slow beside the GUI; for tests), as $GRADSIM_BACKEND says.
        self.backend = backend or os.environ.get("GRADSIM_BACKEND") or "process"
        if self.backend not in ("process", "thread"):
            raise ValueError(f"unknown backend {self.backend!r} (known: process, thread)")
        self._channel = None
        self._control = None
        self._paused = False
        self._waiting_since = time.monotonic()
        self.retranslate()
        if start:
            self.start()

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Every text of the window and its figure in the current language."""
        self.setWindowTitle(self.tr("gradsim — compare runs"))
        self.export_button.setText(self.tr("Export figure…"))
        fig = self.figure
        relabel_plot(fig.loss, self.tr("iteration"), self.tr("loss"),
                     self.tr("Training loss (same seed, same data batches)"))
        for hp, label in zip(fig.heatmaps, self.labels):
            hp._set_titles(view_title(self.view))  # the colour bar names the quantity …
            relabel_plot(hp, self.tr("time step t"), self.tr("iteration"), label)  # … the title the run
            hp.set_zero_label(self.tr("exact 0"))  # the grey patch's key, under the bar
        retranslate_plot_menus(self)
        self._dirty = True
        self.redraw()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "timer"):
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------ worker
    def start(self) -> None:
        """Start training (once): the child process and the thread that drains its pipe
        (or, with the ``thread`` backend, the lockstep generator on a worker thread)."""
        if getattr(self, "_started", False):
            return
        self._started = True
        self._paused = False
        self._waiting_since = time.monotonic()
        if self.backend == "thread":
            from gradsim.runs.lockstep import LockstepControl, lockstep

            self._control = LockstepControl()
            worker = create_worker(lockstep, self.cfg_a, self.cfg_b, self.steps, self._control, _start_thread=False,
                                   _ignore_errors=True)
        else:
            from gradsim.runs.live.lockstep_process import LockstepChannel

            self._channel = LockstepChannel(self.cfg_a, self.cfg_b, self.steps)
            worker = create_worker(_drain, self._channel, threading.Event(), _start_thread=False,
                                   _ignore_errors=True)
        worker.yielded.connect(self._on_pairs)
        worker.errored.connect(self._on_error)
        worker.finished.connect(self._on_finished)
        self.worker = worker
        self._running = True
        worker.start()

    def _command(self, word: str) -> None:
        """``pause``, ``play`` or ``stop``, obeyed between two batches."""
        if self._channel is not None:
            self._channel.send(word)
        elif self._control is not None:
            if word == "pause":
                self._control.running.clear()
            else:
                if word == "stop":
                    self._control.abort.set()
                self._control.running.set()

    @property
    def running(self) -> bool:
        return getattr(self, "_running", False)

    @property
    def paused(self) -> bool:
        return self.running and self._paused

    def toggle_play(self) -> None:
        if not self.running:
            return
        self._paused = not self._paused
        self._command("pause" if self._paused else "play")
        self._waiting_since = time.monotonic()
        self._update_status()

    def stop(self, timeout: float = 2.0) -> bool:
        """Abort the child and wait (processing events) until the drain thread has finished."""
        if self.worker is None or not self._running:
            return True
        self._command("stop")
        if self._channel is not None:
            # The child stops between two batches; one iteration still running (a huge config)
            # cannot be interrupted politely: then it is terminated, which ends the drain too.
            self._channel.join(max(0.1, timeout - 0.5))
        deadline = time.monotonic() + max(0.5, timeout)
        # `finished` arrives queued once the generator has returned; the pool thread
        # leaves WorkerBase.run right after emitting it.
        while self._running and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        return not self._running

    def _on_pairs(self, pairs: list) -> None:
        for pair in pairs:
            for i, snap in enumerate(pair):
                self.histories[i].append(snap)
                self.last[i] = snap
        self._waiting_since = time.monotonic()
        self._dirty = True

    def _on_error(self, exc: BaseException) -> None:
        failed = isinstance(exc, (ComparisonFailed, ConnectionError))
        self.error_text = str(exc) if failed else f"{type(exc).__name__}: {exc}"
        self._update_status()
        dialogs.show_error(self, self.tr("Comparison stopped"), self.error_text,
                           getattr(exc, "details", "") or None)

    def _on_finished(self) -> None:
        self._running = False
        self.worker = None  # deleted by the pool: never touch its wrapper again
        channel, self._channel = self._channel, None
        if channel is not None:
            channel.join(1.0)
            channel.close()
        self.play_button.setEnabled(False)
        self._dirty = True
        self._update_status()
        self.stopped.emit()

    # ------------------------------------------------------------ drawing
    @property
    def step_counts(self) -> tuple[int, int]:
        return self.histories[0].count, self.histories[1].count

    def redraw(self) -> None:
        if not self._dirty:
            self._update_status()
            return
        self._dirty = False
        if self.histories[0].count == 0:
            self._update_status()
            return
        self._draw_figure()
        if self._font_scale != 1.0:
            self._restyle()
        self._update_status()

    def _draw_figure(self) -> None:
        """Update the figure in place (CompareFigure.set_runs rebuilds every item: fine once
        for the CLI, but a rebuild a few times a second crashed pyqtgraph here)."""
        import numpy as np
        import pyqtgraph as pg

        from gradsim.figures import plots
        from gradsim.figures.compare import percent_text
        from gradsim.figures.scale import beyond_levels, compare_levels
        fig = self.figure
        if not hasattr(self, "_loss_items"):
            fig.loss.plotItem.clear()
            self._loss_items = []
            for i, label in enumerate(self.labels):
                item = pg.PlotDataItem(pen=pg.mkPen(plots.PALETTE[i], width=1.5), name=label, connect="finite")
                fig.loss.addItem(item)
                item.setDownsampling(auto=True, method="peak")  # after addItem (see gradsim.figures.plots)
                item.setClipToView(True)
                self._loss_items.append(item)
            self._div_lines = []
            for i in range(2):
                colour = plots.PALETTE[i]
                line = pg.InfiniteLine(pos=0.0, angle=90, pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DotLine),
                                       label="", labelOpts={"position": 0.9 - 0.1 * i, "color": colour,
                                                            "fill": (255, 255, 255, 210)})
                line.setVisible(False)
                fig.loss.addItem(line, ignoreBounds=True)
                self._div_lines.append(line)
            for hp in fig.heatmaps:
                hp.set_data(np.zeros((0, self.cfg_a.seq_len)), np.zeros(0))
        for i, h in enumerate(self.histories):
            steps, loss = h.scalar("loss")
            keep = np.isfinite(loss) & (loss > 0)
            self._loss_items[i].setData(np.asarray(steps, dtype=np.float64)[keep], np.log10(loss[keep]))
            div = h.diverged_at
            line = self._div_lines[i]
            line.setVisible(div is not None)
            if div is not None:
                line.setPos(float(div))
                line.label.setFormat(self.tr("{run} diverged at step {step}").format(
                    run=self.labels[i].split(":")[0], step=int(div)))
        bufs = [h.views[self.view] for h in self.histories]
        images = [b.data for b in bufs]
        self.levels = compare_levels(images, self.fixed_levels, self.levels, growing=True)
        for hp, buf, k in zip(fig.heatmaps, bufs, (self.cfg_a.tbptt, self.cfg_b.tbptt)):
            hp.set_data(buf.data, buf.steps, levels=self.levels, tbptt=k)
        title = (self.tr("A/B comparison — {a}  vs  {b}   (one colour scale: log10 {lo:.1f} … {hi:.1f})")
                 .format(a=self.labels[0], b=self.labels[1], lo=self.levels[0], hi=self.levels[1]))
        beyond = beyond_levels(self.levels, *images)
        if beyond > 0:
            title += self.tr("; {percent} of the values lie beyond it, drawn in its end colours").format(
                percent=percent_text(beyond))
        fig.title.setText(title)

    def _update_status(self) -> None:
        a, b = self.step_counts
        state = (self.tr("failed") if self.error_text else self.tr("paused") if self.paused
                 else self.tr("running") if self.running else self.tr("done"))
        busy = self.busy_seconds()
        if busy is not None:
            state = busy_text(busy, first=self.last[0] is None)
        self.status.setText(self.tr("iteration {a} of {n} (A) / {b} (B): {state}").format(
            a=a, b=b, n=self.steps, state=state))
        self.play_button.setText(self.tr("Play") if self.paused else self.tr("Pause"))

    def busy_seconds(self) -> float | None:
        """Seconds one iteration (A and B) takes, while one has been running longer than
        :data:`~gradsim.app.busy.BUSY_SECONDS` (None otherwise): the previous
        iteration's time, or an estimate before the first."""
        from gradsim.app.busy import BUSY_SECONDS

        if not self.running or self.paused or time.monotonic() - self._waiting_since < BUSY_SECONDS:
            return None
        if self.last[0] is not None:
            return float(self.last[0].step_seconds + self.last[1].step_seconds)
        return estimate_step_seconds(self.cfg_a) + estimate_step_seconds(self.cfg_b)

    # ------------------------------------------------------------ presentation & export
    def set_presentation(self, on: bool) -> None:
        """Larger fonts and thicker lines (follows the main window's presentation mode)."""
        from gradsim.app.presentation import presentation_scale

        self._font_scale = presentation_scale(self) if on else 1.0
        base = self.font().pointSizeF()
        self.setStyleSheet(f"QWidget {{ font-size: {base * self._font_scale:.1f}pt; }}" if on and base > 0 else "")
        self._dirty = True
        self.redraw()
        self._restyle()

    def _restyle(self) -> None:
        from gradsim.app.analysis_actions import restyle_figure

        for w in (self.figure.loss, *self.figure.heatmaps):
            restyle_figure(w, self._font_scale)

    def export_figure(self, path: str | None = None) -> Path | None:
        """Write the figure as PNG / SVG / PDF (by suffix); errors → a dialog naming the file."""
        from gradsim.app.analysis_actions import export_widget_dialog

        self._dirty = True
        self.redraw()
        return export_widget_dialog(self, self.figure, path, "compare", self.tr("Export comparison figure"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        self.stop()
        event.accept()


class ComparisonFailed(Exception):
    """Training failed in the child (its message names the exception; ``details`` is the
    child's traceback). Not a RuntimeError: superqt reads that as "worker deleted"."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def _drain(channel, done: threading.Event):
    """The worker thread's generator: yield each batch of pairs from the child; return on
    ``done``; raise on a training error or when the child ended without saying so."""
    try:
        while True:
            try:
                msg = channel.receive(0.05)
            except EOFError:
                raise ConnectionError(QCoreApplication.translate(
                    "CompareWindow", "the comparison process ended unexpectedly")) from None
            if msg is None:
                continue
            if msg[0] == "pairs":
                yield msg[1]
            elif msg[0] == "done":
                return
            elif msg[0] == "error":
                raise ComparisonFailed(msg[1], msg[2])
    finally:
        done.set()
