"""The main window: controls on the left, plots on the right, run control on top.

It wires views to the session and turns file errors into dialogs; it holds no
training state. Geometry and UI preferences persist in QSettings; configurations are
files (File → Open / Save).
"""

from __future__ import annotations

import math
import os
import stat
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QDockWidget, QFileDialog, QFrame, QHBoxLayout, QLabel, QMainWindow, QMessageBox,
    QProgressBar, QPushButton, QSplitter, QToolBar, QVBoxLayout, QWidget,
)

import gradsim
from gradsim.config import ConfigError, load_config, save_config
from gradsim.content.presets import list_presets
from gradsim.app import dialogs
from gradsim.app.actions import Actions
from gradsim.app.controls import ConfigPanel
from gradsim.app import i18n
from gradsim.app.exports import export_all, export_csv, export_figure
from gradsim.app.busy import busy_text
from gradsim.app.plots_panel import FIGURES, PlotsPanel, figure_title
from gradsim.app.presentation import PresentationView, check_plot_names, presentation_scale, style_plot
from gradsim.app.resources import app_icon
from gradsim.app.session import Session
from gradsim.app.settings import open_settings, read_float, read_levels

__all__ = ["MainWindow", "Banner"]

SHUTDOWN_SECONDS = 0.8


class Banner(QFrame):
    """A visible strip above the plots: "diverged at step N", a worker error or a config
    refused before it ran (``kind`` "diverged", "error", "refused")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.details_button = QPushButton()
        self.reset_button = QPushButton()
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.hide)
        for b in (self.details_button, self.reset_button, self.close_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(self.reset_button)
        layout.addWidget(self.close_button)
        self.kind = ""
        self.details = ""
        self._message = None  # (format, args) of the shown text, re-rendered on a language change
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.details_button.setText(self.tr("Details…"))
        self.reset_button.setText(self.tr("Reset"))
        self.close_button.setToolTip(self.tr("Hide this message"))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_message(self, kind: str, text: str, details: str = "") -> None:
        self.kind, self.details = kind, details
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.details_button.setVisible(bool(details))
        # a refused config left the run as it was: Reset would only ask for it again
        self.reset_button.setVisible(kind != "refused")
        self.show()

    def clear(self, kind: str | None = None) -> None:
        if kind is None or kind == self.kind:
            self.kind = ""
            self.hide()


class MainWindow(QMainWindow):
    """The app's window. ``settings`` defaults to :func:`open_settings`."""

    def __init__(self, session: Session, settings=None, *, source: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings if settings is not None else open_settings()
        self.source = source  # file the config came from, if any
        self._preset_levels: tuple[float, float] | None = None  # the heatmap levels a preset set
        self._started = time.monotonic()
        self._closing = False
        self._normal_font = QFont(self.font())
        self.setWindowIcon(app_icon())
        self.controls = ConfigPanel(session)
        self.plots = PlotsPanel(session)
        self.banner = Banner()
        self.banner.reset_button.clicked.connect(session.reset)
        self.banner.details_button.clicked.connect(self._show_banner_details)
        # Presentation mode shows a chosen few plots here instead of the whole panel.
        self.presentation_view = PresentationView()
        self.presentation_view.hide()
        self._presenting = False
        self._presentation_plots: tuple[str, ...] | None = None
        self._hidden_for_presentation: list[QWidget] = []
        right = QWidget()
        right.setObjectName("plotsArea")
        # Enter / Escape in a field gives the keyboard to this area (Space, S, R work again).
        right.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.plots_area = right
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(2)
        rl.addWidget(self.banner)
        rl.addWidget(self.plots, 1)
        rl.addWidget(self.presentation_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.controls)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)
        self.actions = Actions(self)
        from gradsim.app.analysis_actions import AnalysisActions  # Analysis menu, media exports
        self.analysis = AnalysisActions(self)
        from gradsim.app.lecture_panel import install_lecture  # the Lecture menu and dock
        self.lecture = install_lecture(self)
        self._build_status_bar()
        self.controls.message.connect(self.show_message)
        self.controls.editingDone.connect(self.focus_plots)
        for spin in self.plots.findChildren(QAbstractSpinBox):  # the colour levels' fields
            spin.installEventFilter(self)
        session.notice.connect(self.show_message)
        session.stateChanged.connect(self._on_state)
        session.divergedChanged.connect(self._on_diverged)
        session.errorOccurred.connect(self._on_error)
        session.refused.connect(self._on_refused)
        self._refusal = None  # the ConfigError the "refused" banner shows
        session.runStarted.connect(lambda _info: self._update_title())
        # a preset switch empties the plots at once, not after the old run's step
        session.runCleared.connect(lambda: self.plots._on_run_started(None))
        session.runCleared.connect(lambda: self.banner.clear("refused"))  # a config that fits was built
        session.configChanged.connect(lambda _cfg: self._update_title())
        self._restore_settings()
        # The speed to remember: the user's, never a lecture step's (restored when it closes).
        self._user_delay = self.session.delay
        self.actions.speed.valueChanged.connect(self._on_speed_changed)
        self._update_title()
        self._on_state(session.state)
        self.actions.show_preset(session.preset)

    # ------------------------------------------------------------ status bar
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.iter_label = QLabel()
        self.rate_label = QLabel()
        self.loss_label = QLabel()
        self.state_label = QLabel()
        self.state_label.setObjectName("stateLabel")
        for w, width in ((self.iter_label, 130), (self.rate_label, 110), (self.loss_label, 130)):
            w.setMinimumWidth(width)
            bar.addPermanentWidget(w)
        bar.addPermanentWidget(self.state_label)
        self.busy_bar = QProgressBar()  # indeterminate: a step slower than BUSY_SECONDS is running
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        bar.addPermanentWidget(self.busy_bar)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(250)
        self.status_timer.timeout.connect(self.update_status)
        self.status_timer.start()
        self.update_status()

    def update_status(self) -> None:
        s = self.session
        self.iter_label.setText(self.tr("iteration %1").replace("%1", f"{s.iteration:,}"))
        rate = s.steps_per_second if s.state == "running" else 0.0
        self.rate_label.setText(self.tr("%1 steps/s").replace("%1", f"{rate:,.1f}"))
        busy = s.busy_seconds()
        if busy is not None:  # a long step: say how long, not "running, 0.0 steps/s"
            self.state_label.setText(busy_text(busy, first=s.last is None))
            self.rate_label.setText(self.tr("%1 s/step").replace("%1", f"{busy:,.1f}"))
        elif self.busy_bar.isVisible():
            self.state_label.setText(self._state_text(s.state))
        self.busy_bar.setVisible(busy is not None)
        loss = s.last.loss if s.last is not None else math.nan
        value = f"{loss:.4g}" if math.isfinite(loss) else ("—" if s.last is None else f"{loss}")
        self.loss_label.setText(self.tr("loss %1").replace("%1", value))

    def show_message(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)

    def _on_state(self, state: str) -> None:
        self.state_label.setText(self._state_text(state))
        self.state_label.setProperty("state", state)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        if state in ("idle", "running"):
            self.banner.clear("error")
        self.update_status()

    def _state_text(self, state: str) -> str:
        texts = {"idle": self.tr("idle"), "running": self.tr("running"), "paused": self.tr("paused"),
                 "diverged": self.tr("diverged"), "error": self.tr("error")}
        return texts.get(state, state)

    def _diverged_text(self, step) -> str:
        return self.tr(
            "Diverged at step %1: the loss or gradient became non-finite and training paused. The plots keep the "
            "finite history. Lower the learning rate or clip the gradient and press Play, or press Reset (R)."
        ).replace("%1", str(step))

    def _on_diverged(self, step) -> None:
        if step is None:
            self.banner.clear("diverged")
            return
        self._diverged_at = step
        self.banner.show_message("diverged", self._diverged_text(step))

    def _on_error(self, message: str, tb: str) -> None:
        self.banner.show_message("error", self.tr("Error: %1 — training paused.").replace("%1", message), tb)
        self.show_message(self.tr("Error: %1").replace("%1", message), 15000)

    def _refused_text(self, err) -> str:
        return self.tr("Not started: %1. The current run is unchanged.").replace("%1", i18n.translate_error(err))

    def _on_refused(self, err) -> None:
        """A config that cannot fit in memory: one line in the banner; nothing else changed."""
        self._refusal = err
        self.banner.show_message("refused", self._refused_text(err))

    def _show_banner_details(self) -> None:
        dialogs.show_error(self, self.tr("Error details"), self.banner.text.text(), self.banner.details)

    # ------------------------------------------------------------ language
    def set_language(self, lang: str, *, remember: bool | None = None) -> bool:
        """Switch the whole UI to ``lang`` ("en" / "zh") now and remember it (``ui/language``).

        ``remember`` None: remembered unless a lecture is open (its language lasts while it
        is open; closing it gives back the one from before).
        """
        ok = i18n.set_language(lang)
        if remember is None:
            remember = getattr(self.lecture, "lecture", None) is None
        if ok and remember:
            self.settings.setValue(i18n.SETTINGS_KEY, lang)
            self.settings.sync()
        self.actions.retranslate()  # also re-checks the language actually in use
        return ok

    def retranslate(self) -> None:
        """The window's own texts (title, status bar, banner) in the current language."""
        self._update_title()
        self.update_status()
        self._on_state(self.session.state)
        if self.banner.kind == "diverged" and getattr(self, "_diverged_at", None) is not None:
            self.banner.text.setText(self._diverged_text(self._diverged_at))
        elif self.banner.kind == "refused" and self._refusal is not None:
            self.banner.text.setText(self._refused_text(self._refusal))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "actions"):
            self.actions.retranslate()
            self.retranslate()
        super().changeEvent(event)

    def _update_title(self) -> None:
        s = self.session
        name = s.preset or (Path(self.source).name if self.source else self.tr("custom"))
        modified = ""
        if s.preset:
            p = list_presets().get(s.preset)
            if p is not None and p.config != s.config:
                modified = self.tr(" (modified)")
        self.setWindowTitle(f"gradsim — {name}{modified}")
        self.actions.show_preset(s.preset if not modified else None)

    # ------------------------------------------------------------ presets & files
    def apply_preset(self, name: str) -> None:
        preset = list_presets()[name]
        if not self.session.load_preset(name, preset.config):  # too big for this machine: the banner says
            self._update_title()  # the preset menu shows the run's preset again
            return
        self.source = None
        self.apply_preset_levels(name)
        self._update_title()
        self.show_message(self.tr("Preset %1: %2").replace("%2", i18n.preset_description(preset.description))
                          .replace("%1", name), 15000)

    def apply_preset_levels(self, name: str | None) -> None:
        """The heatmap's colour levels from preset ``name`` (its ``levels`` key): the vanishing
        presets share one scale, the exploding ones another, so switching between them compares
        like with like. Levels the user fixed himself are kept; levels a preset set give way to
        the next preset's (or to following the data where it sets none)."""
        from gradsim.content.presets import preset_levels

        wanted = preset_levels(name)
        current = self.plots.prefs()["levels"]
        ours = current is None or (self._preset_levels is not None and tuple(current) == self._preset_levels)
        if not ours:
            return
        self.plots.set_fixed_levels(wanted)
        self._preset_levels = tuple(wanted) if wanted is not None else None

    def _dir(self) -> str:
        return str(self.settings.value("files/last_dir", str(Path.home())))

    def open_config(self, path: str | None = None) -> bool:
        """Load a TOML config (validated first: a bad file, or a config too big for this
        machine's memory, changes nothing)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open configuration"), self._dir(),
                                                  self.tr("TOML (*.toml);;All (*)"))
            if not path:
                return False
        problem = self._not_a_file(path)
        if problem:  # a FIFO or a device would block the GUI thread in read()
            dialogs.show_error(self, self.tr("Cannot open configuration"), problem)
            return False
        try:
            cfg = load_config(path)
        except ConfigError as err:
            dialogs.show_error(self, self.tr("Cannot open configuration"), err)
            return False
        except (OSError, ValueError, RecursionError, MemoryError) as err:  # the reader missed it: still name the file
            dialogs.show_error(self, self.tr("Cannot open configuration"),
                               self.tr("Cannot read %1: %2").replace("%1", str(path)).replace(
                                   "%2", f"{type(err).__name__}: {err}"[:300]))
            return False
        was_running = self.session.state == "running"
        if not self.session.set_config(cfg, reset=True):  # too big for this machine: the banner says
            return False
        self.settings.setValue("files/last_dir", str(Path(path).parent))
        self.source = str(path)
        self.session.preset = None
        if was_running:
            self.session.play()
        self._update_title()
        self.show_message(self.tr("Loaded %1").replace("%1", str(path)))
        return True

    def _not_a_file(self, path: str) -> str | None:
        """Why ``path`` cannot be read without blocking, or None (a stat never blocks)."""
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return None  # the reader names the file and the reason
        if stat.S_ISREG(mode):
            return None
        return self.tr("%1 is not a regular file (a named pipe, a device or a folder): choose a TOML "
                       "file").replace("%1", str(path))

    def open_run(self, path: str | None = None, follow: bool | None = None):
        """File → Open run…: replay a run folder in its own window (:mod:`gradsim.app.replay`)."""
        from gradsim.app.replay import open_run

        return open_run(self, path, follow=follow)

    def save_config(self, path: str | None = None) -> bool:
        """Save the controls' config as TOML (atomically: a failed save keeps the old file)."""
        if path is None:
            start = str(Path(self._dir()) / f"{self.session.preset or 'gradsim'}.toml")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save configuration"), start, "TOML (*.toml)")
            if not path:
                return False
        try:
            save_config(self.session.config, path)
        except OSError as err:  # names the file and the reason; show_error translates it
            dialogs.show_error(self, self.tr("Cannot save configuration"), err)
            return False
        self.settings.setValue("files/last_dir", str(Path(path).parent))
        self.show_message(self.tr("Saved %1").replace("%1", str(path)))
        return True

    # ------------------------------------------------------------ exports
    def _ask_save(self, title: str, default: str, filt: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._dir()) / default), filt)
        if path:
            self.settings.setValue("files/last_dir", str(Path(path).parent))
        return path or None

    def export_figure(self, name: str, fmt: str, path: str | None = None) -> bool:
        path = path or self._ask_save(self.tr("Export %1").replace("%1", figure_title(name)), f"{name}{fmt}",
                                      f"{fmt[1:].upper()} (*{fmt})")
        if not path:
            return False
        try:
            out = export_figure(self.plots, name, path)
        except OSError as err:  # ExportError names the file and the reason
            dialogs.show_error(self, self.tr("Export failed"), err)
            return False
        self.show_message(self.tr("Exported %1").replace("%1", str(out)))
        return True

    def export_csv(self, name: str, path: str | None = None) -> bool:
        path = path or self._ask_save(self.tr("Export %1 data").replace("%1", figure_title(name)), f"{name}.csv",
                                      "CSV (*.csv)")
        if not path:
            return False
        try:
            out = export_csv(self.session, self.plots, name, path)
        except OSError as err:
            dialogs.show_error(self, self.tr("Export failed"), err)
            return False
        self.show_message(self.tr("Exported %1").replace("%1", str(out)))
        return True

    def export_all(self, folder: str | None = None) -> list[Path] | None:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, self.tr("Export everything to folder"), self._dir())
            if not folder:
                return None
            self.settings.setValue("files/last_dir", folder)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = export_all(self.session, folder, time.monotonic() - self._started)
        except OSError as err:
            dialogs.show_error(self, self.tr("Export failed"), err)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.show_message(self.tr("Exported %1 files to %2").replace("%2", str(folder)).replace("%1", str(len(written))))
        return written

    # ------------------------------------------------------------ view & help
    def toggle_presentation(self, on: bool | None = None) -> None:
        """Presentation mode (F11): full screen, plots only, every label larger, thicker lines.

        The controls, tool bar, menu bar, heatmap selectors and every dock but an open
        lecture's are hidden (and shown again on leaving); with
        :meth:`set_presentation_plots` only the chosen plots are shown, the first large.
        """
        on = (not self._presenting) if on is None else bool(on)
        self.actions.presentation.setChecked(on)
        if on == self._presenting:
            return
        self._presenting = on
        scale = presentation_scale(self) if on else 1.0
        # A style sheet, not setFont: with the app's style sheet set, a parent's font no
        # longer propagates to its children.
        base = self._normal_font.pointSizeF()
        self.setStyleSheet(f"QWidget {{ font-size: {base * scale:.1f}pt; }}" if on and base > 0 else "")
        for w in self.plots.widgets().values():
            style_plot(w, scale)
        if on:
            self._hide_for_presentation()
            self._layout_presentation()
            self._was_maximized = self.isMaximized()
            self.showFullScreen()
        else:
            self.presentation_view.give_back()
            self.presentation_view.hide()
            self.plots.show()
            for w in self._hidden_for_presentation:
                w.show()
            self._hidden_for_presentation = []
            self.menuBar().setVisible(True)
            self.showMaximized() if getattr(self, "_was_maximized", False) else self.showNormal()
        self.plots.request_redraw(full=True)
        self.focus_plots()

    @property
    def presenting(self) -> bool:
        return self._presenting

    @property
    def presentation_plots(self) -> tuple[str, ...] | None:
        """The plots presentation mode shows (None: the whole panel)."""
        return self._presentation_plots

    def set_presentation_plots(self, names) -> None:
        """Choose the plots of presentation mode, by figure name (``heatmap``, ``loss``,
        ``profile``, ``predictions``, ``spectrum``, ``spectral``, ``grad_norms``): the first
        large, the others in a column beside it. Empty / None: the whole panel. Applies
        at once in presentation mode, else on the next F11. ValueError names an unknown plot.
        """
        chosen = check_plot_names(list(names or ()), list(FIGURES)) or None
        self._presentation_plots = chosen
        if self._presenting:
            self._layout_presentation()

    def _hide_for_presentation(self) -> None:
        """Hide what is not a plot: remember each, to show it again on leaving."""
        lecture_dock = getattr(getattr(self, "lecture", None), "dock", None)
        lecture_open = getattr(getattr(self, "lecture", None), "lecture", None) is not None
        hide: list[QWidget] = [self.controls, self.menuBar()]
        hide += [tb for tb in self.findChildren(QToolBar) if tb.parentWidget() is self]
        # an empty dock ("No lecture open", restored from an earlier session) takes a fifth of the width
        hide += [d for d in self.findChildren(QDockWidget) if not (d is lecture_dock and lecture_open)]
        p = self.plots
        hide += [p.view_label, p.view_box, p.layer_label, p.layer_box, p.levels_label, p.levels_box,
                 p.lo_spin, p.to_label, p.hi_spin]
        self._hidden_for_presentation = [w for w in hide if w.isVisible()]
        for w in self._hidden_for_presentation:
            w.hide()

    def _layout_presentation(self) -> None:
        names = self._presentation_plots
        if names:
            self.presentation_view.borrow(self.plots.widgets(), names)
            self.plots.hide()
            self.presentation_view.show()
        else:
            self.presentation_view.give_back()
            self.presentation_view.hide()
            self.plots.show()
        self.plots.request_redraw(full=True)

    # ------------------------------------------------------------ keyboard focus
    def focus_plots(self) -> None:
        """Give the keyboard to the plots: Space, S, R and the digits are shortcuts again."""
        self.plots_area.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        # the colour levels' spin boxes: Enter commits, Escape leaves; both give the plots the keyboard
        if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            QTimer.singleShot(0, self.focus_plots)  # after the box has taken its value
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------ lecture pace
    def _on_speed_changed(self, _pos: int) -> None:
        if getattr(self.lecture, "lecture", None) is None:
            self._user_delay = self.session.delay

    def close_lecture(self) -> None:
        """Leave the lecture (Lecture → Close lecture): its panel empties and hides; the speed,
        language, view, colour levels, presentation plots and hidden controls from before it
        return (:meth:`gradsim.app.lecture_panel.LectureController.close`)."""
        self.lecture.close()
        self.actions.set_speed(self._user_delay)

    def show_shortcuts(self) -> None:
        dialogs.show_shortcuts(self)

    def show_about(self) -> None:
        text = self.tr("gradsim %1: watch vanishing and exploding gradients of recurrent networks while they "
                       "train.\n\nTraining backend: %2.")
        text = text.replace("%2", str(getattr(self.session.backend, "kind", "?"))).replace("%1", gradsim.__version__)
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About gradsim"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.open()

    # ------------------------------------------------------------ persistence & close
    def _restore_settings(self) -> None:
        st = self.settings
        geom = st.value("window/geometry")
        if geom is not None:
            self.restoreGeometry(geom)  # Qt moves a geometry that is off every screen back on
        else:
            self._first_size()
        state = st.value("window/state")
        if state is not None:
            self.restoreState(state)
        split = st.value("window/splitter")
        if split is not None:
            self.splitter.restoreState(split)
        else:
            self.splitter.setSizes([320, 1280])
        self.plots.restore_prefs({
            "view": st.value("plots/view", "last"),
            "levels": read_levels(st, "plots/levels"),
            "splitters": {k: st.value(f"plots/splitter_{k}") for k in self.plots.splitters},
        })
        self.actions.set_speed(read_float(st, "run/delay", 0.0))
        self.apply_preset_levels(self.session.preset)

    #: The first launch's window size, where the screen has room for it.
    FIRST_SIZE = (1600, 1000)

    def _first_size(self) -> None:
        """1600×1000, or the screen's available area where it is smaller (a 1280×720 projector:
        a larger window would run off the screen, its status bar and right-hand plots cut),
        centred on it."""
        w, h = self.FIRST_SIZE
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(w, h)
            return
        avail = screen.availableGeometry()
        # the frame (title bar, borders) is not known before the window is shown: keep a margin
        w, h = min(w, avail.width() - 16), min(h, avail.height() - 48)
        self.resize(max(w, 320), max(h, 240))
        self.move(avail.x() + max(0, (avail.width() - self.width()) // 2),
                  avail.y() + max(0, (avail.height() - self.height() - 32) // 2))

    def save_settings(self) -> None:
        st = self.settings
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        st.setValue("window/splitter", self.splitter.saveState())
        prefs = self.lecture.user_prefs(self.plots.prefs())  # the user's, not an open lecture's
        st.setValue("plots/view", prefs["view"])
        lv = prefs["levels"]
        if lv is not None and tuple(lv) == self._preset_levels:
            lv = None  # a preset's levels come with the preset, not with the user's settings
        st.setValue("plots/levels", f"{lv[0]},{lv[1]}" if lv else "")
        for k, state in prefs["splitters"].items():
            st.setValue(f"plots/splitter_{k}", state)
        st.setValue("run/delay", self._user_delay)  # not a lecture step's pace
        st.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self._closing:
            self._closing = True
            if self._presenting:
                self.toggle_presentation(False)
            self.plots.timer.stop()
            self.status_timer.stop()
            try:
                self.save_settings()
            except Exception:  # settings are a convenience: never block closing
                pass
            self.session.shutdown(SHUTDOWN_SECONDS)
        event.accept()
