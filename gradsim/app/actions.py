"""The window's actions, menus and tool bar (one place for every shortcut)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QStyle, QToolBar, QToolButton

from gradsim.presets import list_presets
from gradsim.app.exports import FORMATS
from gradsim.app.plots_panel import FIGURES

if TYPE_CHECKING:  # pragma: no cover
    from gradsim.app.window import MainWindow

__all__ = ["Actions", "delay_for_position", "position_for_delay", "SPEED_STEPS"]

#: Speed slider positions; delay between steps = 1000 ms · (position / SPEED_STEPS)².
SPEED_STEPS = 20


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
        self.play = self._action("&Play", "Space", window.session.toggle_play, "Play / pause training (Space)")
        self.play.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.step = self._action("&Step", "S", s.step, "Run exactly one iteration (S)")
        self.step.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.reset = self._action("&Reset", "R", s.reset, "Rebuild the model from the controls, applying ↻ fields (R)")
        self.reset.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.open = self._action("&Open config…", QKeySequence.StandardKey.Open, window.open_config,
                                 "Load a TOML configuration (validated before anything changes)")
        self.save = self._action("&Save config as…", QKeySequence.StandardKey.Save, window.save_config,
                                 "Save the controls' configuration as TOML")
        self.quit = self._action("&Quit", QKeySequence.StandardKey.Quit, window.close, "Quit")
        self.export_all = self._action("Export &all to folder…", "Ctrl+E", window.export_all,
                                       "The same files as `gradsim run --out DIR`")
        self.presentation = self._action("&Presentation mode", "F11", window.toggle_presentation,
                                         "Full screen, larger fonts, thicker lines (F11)")
        self.presentation.setCheckable(True)
        self.shortcuts = self._action("&Keyboard shortcuts", "F1", window.show_shortcuts, "List the shortcuts")
        self.about = self._action("&About gradsim", None, window.show_about, "")
        self.preset_actions: dict[str, QAction] = {}
        self._build_menus()
        self._build_toolbar()
        s.stateChanged.connect(self._on_state)
        s.pendingChanged.connect(self._on_pending)
        self._on_state(s.state)

    def _action(self, text: str, shortcut, slot, tip: str) -> QAction:
        act = QAction(text, self.w)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(f"{tip}" if tip else text.replace("&", ""))
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        self.w.addAction(act)  # shortcuts work in full screen too (menu bar hidden)
        return act

    # ------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        bar = self.w.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.open, self.save])
        file.addSeparator()
        file.addAction(self.quit)
        run = bar.addMenu("&Run")
        run.addActions([self.play, self.step, self.reset])
        presets = bar.addMenu("Pre&sets")
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
        export = bar.addMenu("&Export")
        for name, title in FIGURES.items():
            sub = export.addMenu(title)
            for fmt in FORMATS:
                act = sub.addAction(f"{fmt[1:].upper()}…")
                act.triggered.connect(partial(self.w.export_figure, name, fmt))
            act = sub.addAction("Data (CSV)…")
            act.triggered.connect(partial(self.w.export_csv, name))
        export.addSeparator()
        export.addAction(self.export_all)
        view = bar.addMenu("&View")
        view.addAction(self.presentation)
        help_ = bar.addMenu("&Help")
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
        tb.addWidget(QLabel(" speed "))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setObjectName("speedSlider")
        self.speed.setRange(0, SPEED_STEPS)
        self.speed.setFixedWidth(160)
        self.speed.setToolTip("Delay between steps: left = flat out, right = 1 s (for explaining)")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep Space for play/pause
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(90)
        self.speed.valueChanged.connect(self._on_speed)
        tb.addWidget(self.speed)
        tb.addWidget(self.speed_label)
        tb.addSeparator()
        tb.addWidget(QLabel(" preset "))
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("presetBox")
        self.preset_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, (name, p) in enumerate(list_presets().items()):
            self.preset_box.addItem(f"{i + 1}  {name}" if i < 9 else name, name)
            self.preset_box.setItemData(i, p.description, Qt.ItemDataRole.ToolTipRole)
        self.preset_box.addItem("(custom)", None)
        self.preset_box.activated.connect(self._on_preset_box)
        tb.addWidget(self.preset_box)
        self.toolbar = tb
        self.w.addToolBar(tb)
        self._on_speed(self.speed.value())

    # ------------------------------------------------------------ reactions
    def _on_speed(self, pos: int) -> None:
        delay = delay_for_position(pos)
        self.speed_label.setText("flat out" if delay == 0 else f"{delay * 1000:.0f} ms/step")
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
        self.play.setText("&Pause" if running else "&Play")
        self.play.setIcon(style.standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay))

    def _on_pending(self, pending) -> None:
        n = len(pending or ())
        self.reset.setText(f"&Reset ({n} pending)" if n else "&Reset")
        btn = self.reset_button
        if btn is not None:
            btn.setProperty("pending", bool(n))
            btn.style().unpolish(btn)
            btn.style().polish(btn)
