"""The window's actions, menus and tool bar (one place for every shortcut)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QStyle, QToolBar, QToolButton

from gradsim.content.presets import list_presets
from gradsim.app.exports import FORMATS
from gradsim.app.i18n import LANGUAGES, current_language, preset_description
from gradsim.app.plots_panel import FIGURES, figure_title

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["Actions", "delay_for_position", "position_for_delay", "SPEED_STEPS"]

#: Speed slider positions; delay between steps = 1000 ms · (position / SPEED_STEPS)².
SPEED_STEPS = 20


def _tr(text: str) -> str:
    """Translate a text marked with QT_TRANSLATE_NOOP("Actions", ...) (menus are rebuilt
    in the current language on every language change)."""
    return QCoreApplication.translate("Actions", text) if text else text


def delay_for_position(pos: int) -> float:
    """Seconds between steps for a slider position (0 = flat out, max = 1 s)."""
    return round(1000.0 * (pos / SPEED_STEPS) ** 2) / 1000.0


def position_for_delay(seconds: float) -> int:
    return max(0, min(SPEED_STEPS, round(SPEED_STEPS * (max(0.0, seconds) / 1.0) ** 0.5)))


class Actions:
    """Builds and owns the QActions of ``window``; handlers call the window / session."""

    def __init__(self, window: "MainWindow") -> None:
        self.w = window
        s = window.session
        style = window.style()
        # action -> (text, tip), English, marked for lupdate; shown through _tr()
        self._texts: dict[QAction, tuple[str, str]] = {}
        self._menus: list[tuple[object, str]] = []  # (QMenu, English title)
        self.play = self._action(QT_TRANSLATE_NOOP("Actions", "&Play"), "Space", window.session.toggle_play,
                                 QT_TRANSLATE_NOOP("Actions", "Play / pause training (Space)"))
        self.play.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.step = self._action(QT_TRANSLATE_NOOP("Actions", "&Step"), "S", s.step,
                                 QT_TRANSLATE_NOOP("Actions", "Run exactly one iteration (S)"))
        self.step.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.reset = self._action(QT_TRANSLATE_NOOP("Actions", "&Reset"), "R", s.reset,
                                  QT_TRANSLATE_NOOP("Actions", "Rebuild the model from the controls, applying ↻ fields (R)"))
        self.reset.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.open = self._action(QT_TRANSLATE_NOOP("Actions", "&Open config…"), QKeySequence.StandardKey.Open,
                                 window.open_config,
                                 QT_TRANSLATE_NOOP("Actions", "Load a TOML configuration (validated before anything changes)"))
        self.open_run = self._action(QT_TRANSLATE_NOOP("Actions", "Open &run…"), "Ctrl+Shift+O", window.open_run,
                                     QT_TRANSLATE_NOOP("Actions", "Replay a run folder (gradsim run --out, Export → All, "
                                                       "a watched model) with a timeline; follow one being written"))
        self.save = self._action(QT_TRANSLATE_NOOP("Actions", "&Save config as…"), QKeySequence.StandardKey.Save,
                                 window.save_config,
                                 QT_TRANSLATE_NOOP("Actions", "Save the controls' configuration as TOML"))
        self.quit = self._action(QT_TRANSLATE_NOOP("Actions", "&Quit"), QKeySequence.StandardKey.Quit, window.close,
                                 QT_TRANSLATE_NOOP("Actions", "Quit"))
        self.export_all = self._action(QT_TRANSLATE_NOOP("Actions", "Export &all to folder…"), "Ctrl+E",
                                       window.export_all,
                                       QT_TRANSLATE_NOOP("Actions", "The same files as `gradsim run --out DIR`"))
        self.presentation = self._action(QT_TRANSLATE_NOOP("Actions", "&Presentation mode"), "F11",
                                         window.toggle_presentation,
                                         QT_TRANSLATE_NOOP("Actions", "Full screen, larger fonts, thicker lines (F11)"))
        self.presentation.setCheckable(True)
        self.shortcuts = self._action(QT_TRANSLATE_NOOP("Actions", "&Keyboard shortcuts"), "F1", window.show_shortcuts,
                                      QT_TRANSLATE_NOOP("Actions", "List the shortcuts"))
        self.about = self._action(QT_TRANSLATE_NOOP("Actions", "&About gradsim"), None, window.show_about, "")
        self.language_actions: dict[str, QAction] = {}
        self.preset_actions: dict[str, QAction] = {}
        self._build_menus()
        self._build_toolbar()
        self.retranslate()
        s.stateChanged.connect(self._on_state)
        s.pendingChanged.connect(self._on_pending)
        self._on_state(s.state)

    def _action(self, text: str, shortcut, slot, tip: str) -> QAction:
        act = QAction(self.w)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        self._texts[act] = (text, tip)
        self._show_text(act)
        act.triggered.connect(lambda _checked=False: slot())
        self.w.addAction(act)  # shortcuts work in full screen too (menu bar hidden)
        return act

    def _show_text(self, act: QAction) -> None:
        text, tip = self._texts[act]
        act.setText(_tr(text))
        act.setToolTip(_tr(tip) if tip else _tr(text).replace("&", ""))
        act.setStatusTip(_tr(tip))

    def _menu(self, parent, title: str):
        menu = parent.addMenu(_tr(title))
        self._menus.append((menu, title))
        return menu

    # ------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Every action, menu and tool-bar text in the current language."""
        for act in self._texts:
            self._show_text(act)
        for menu, title in self._menus:
            menu.setTitle(_tr(title) if title not in FIGURES else figure_title(title))
        for act in self._csv_actions:
            act.setText(QCoreApplication.translate("Actions", "Data (CSV)…"))
        self.toolbar.setWindowTitle(QCoreApplication.translate("Actions", "Run"))  # its toggle action's text
        self.speed_title.setText(QCoreApplication.translate("Actions", " speed "))
        self.preset_title.setText(QCoreApplication.translate("Actions", " preset "))
        self.speed.setToolTip(QCoreApplication.translate("Actions", "Delay between steps: left = flat out, right = 1 s (for explaining)"))
        self.preset_box.setItemText(self.preset_box.count() - 1, QCoreApplication.translate("Actions", "(custom)"))
        self._on_speed(self.speed.value())
        self._on_state(self.w.session.state)
        self._on_pending(self.w.session.pending_reset)
        presets = list_presets()
        for name, act in self.preset_actions.items():
            text = preset_description(presets[name].description) if name in presets else ""
            act.setToolTip(text)
            act.setStatusTip(text)
        for i in range(self.preset_box.count()):
            name = self.preset_box.itemData(i)
            if name in presets:
                self.preset_box.setItemData(i, preset_description(presets[name].description),
                                            Qt.ItemDataRole.ToolTipRole)
        lang = current_language()
        for code, act in self.language_actions.items():
            act.setChecked(code == lang)

    # ------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        bar = self.w.menuBar()
        file = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&File"))
        file.addActions([self.open, self.open_run, self.save])
        file.addSeparator()
        file.addAction(self.quit)
        run = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&Run"))
        run.addActions([self.play, self.step, self.reset])
        presets = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "Pre&sets"))
        presets.setToolTipsVisible(True)
        for i, (name, p) in enumerate(list_presets().items()):
            label = f"&{i + 1}  {name}" if i < 9 else f"    {name}"
            act = QAction(label, self.w)
            act.setToolTip(p.description)
            act.setStatusTip(p.description)
            act.setData(name)
            if i < 9:
                act.setShortcut(QKeySequence(str(i + 1)))
                self.w.addAction(act)
            act.triggered.connect(partial(self.w.apply_preset, name))
            presets.addAction(act)
            self.preset_actions[name] = act
        export = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&Export"))
        self._csv_actions: list[QAction] = []
        for name in FIGURES:
            sub = export.addMenu(figure_title(name))
            self._menus.append((sub, name))
            for fmt in FORMATS:
                act = sub.addAction(f"{fmt[1:].upper()}…")
                act.triggered.connect(partial(self.w.export_figure, name, fmt))
            act = sub.addAction(_tr(QT_TRANSLATE_NOOP("Actions", "Data (CSV)…")))
            act.triggered.connect(partial(self.w.export_csv, name))
            self._csv_actions.append(act)
        export.addSeparator()
        export.addAction(self.export_all)
        view = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&View"))
        view.addAction(self.presentation)
        language = self._menu(view, QT_TRANSLATE_NOOP("Actions", "&Language"))
        group = QActionGroup(self.w)
        group.setExclusive(True)
        for code, name in LANGUAGES.items():  # each language in its own words: never translated
            act = QAction(name, self.w)
            act.setCheckable(True)
            act.setData(code)
            act.triggered.connect(partial(self.w.set_language, code))
            group.addAction(act)
            language.addAction(act)
            self.language_actions[code] = act
        help_ = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&Help"))
        help_.addActions([self.shortcuts, self.about])

    def _build_toolbar(self) -> None:
        tb = QToolBar("Run")
        tb.setObjectName("runToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addActions([self.play, self.step, self.reset])
        self.reset_button = tb.widgetForAction(self.reset)
        if isinstance(self.reset_button, QToolButton):
            self.reset_button.setObjectName("resetButton")
        tb.addSeparator()
        self.speed_title = QLabel()
        tb.addWidget(self.speed_title)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setObjectName("speedSlider")
        self.speed.setRange(0, SPEED_STEPS)
        self.speed.setFixedWidth(160)
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep Space for play/pause
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(90)
        self.speed.valueChanged.connect(self._on_speed)
        tb.addWidget(self.speed)
        tb.addWidget(self.speed_label)
        tb.addSeparator()
        self.preset_title = QLabel()
        tb.addWidget(self.preset_title)
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("presetBox")
        self.preset_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, (name, p) in enumerate(list_presets().items()):
            self.preset_box.addItem(f"{i + 1}  {name}" if i < 9 else name, name)
            self.preset_box.setItemData(i, p.description, Qt.ItemDataRole.ToolTipRole)
        self.preset_box.addItem(_tr(QT_TRANSLATE_NOOP("Actions", "(custom)")), None)
        self.preset_box.activated.connect(self._on_preset_box)
        tb.addWidget(self.preset_box)
        self.toolbar = tb
        self.w.addToolBar(tb)
        self._on_speed(self.speed.value())

    # ------------------------------------------------------------ reactions
    def _on_speed(self, pos: int) -> None:
        delay = delay_for_position(pos)
        self.speed_label.setText(_tr(QT_TRANSLATE_NOOP("Actions", "flat out")) if delay == 0 else
                                 _tr(QT_TRANSLATE_NOOP("Actions", "%1 ms/step")).replace("%1", f"{delay * 1000:.0f}"))
        self.w.session.set_delay(delay)

    def set_speed(self, seconds: float) -> None:
        self.speed.setValue(position_for_delay(seconds))

    def _on_preset_box(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        if name:
            self.w.apply_preset(name)

    def show_preset(self, name: str | None) -> None:
        idx = self.preset_box.findData(name) if name else -1
        self.preset_box.setCurrentIndex(idx if idx >= 0 else self.preset_box.count() - 1)

    def _on_state(self, state: str) -> None:
        style = self.w.style()
        running = state == "running"
        text = QT_TRANSLATE_NOOP("Actions", "&Pause") if running else QT_TRANSLATE_NOOP("Actions", "&Play")
        self._texts[self.play] = (text, self._texts[self.play][1])
        self._show_text(self.play)
        self.play.setIcon(style.standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay))

    def _on_pending(self, pending) -> None:
        n = len(pending or ())
        self.reset.setText(_tr(QT_TRANSLATE_NOOP("Actions", "&Reset (%1 pending)")).replace("%1", str(n)) if n
                           else _tr(QT_TRANSLATE_NOOP("Actions", "&Reset")))
        btn = self.reset_button
        if btn is not None:
            btn.setProperty("pending", bool(n))
            btn.style().unpolish(btn)
            btn.style().polish(btn)
