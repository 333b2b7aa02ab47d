"""Dialogs: readable errors (never a silent failure), the shortcut list, the excepthook."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from gradsim.app.i18n import translate_error

__all__ = ["show_error", "install_excepthook", "SHORTCUTS", "shortcuts_html", "show_shortcuts"]

log = logging.getLogger(__name__)

#: Key -> what it does (Help → Keyboard shortcuts; the actions use the same keys).
#: English here; shown through QCoreApplication.translate("Shortcuts", ...).
SHORTCUTS = [
    ("Space", QT_TRANSLATE_NOOP("Shortcuts", "play / pause")),
    ("S", QT_TRANSLATE_NOOP("Shortcuts", "step: exactly one iteration")),
    ("R", QT_TRANSLATE_NOOP("Shortcuts", "reset: rebuild the model (applies ↻ fields)")),
    ("1 – 9", QT_TRANSLATE_NOOP("Shortcuts", "switch to preset 1 – 9 (Presets menu)")),
    ("F11", QT_TRANSLATE_NOOP("Shortcuts", "presentation mode: full screen, larger fonts, thicker lines")),
    ("Ctrl+O / Ctrl+S", QT_TRANSLATE_NOOP("Shortcuts", "open / save a configuration file (TOML)")),
    ("Ctrl+E", QT_TRANSLATE_NOOP("Shortcuts", "export everything to a folder")),
    ("PgDown / PgUp, Ctrl+→ / Ctrl+←", QT_TRANSLATE_NOOP("Shortcuts", "next / previous lecture step")),
    ("Ctrl+W", QT_TRANSLATE_NOOP("Shortcuts", "close the lecture (your speed, language and colour levels come back)")),
    ("Enter / Tab", QT_TRANSLATE_NOOP("Shortcuts", "apply a typed value (Esc restores it)")),
    ("F1", QT_TRANSLATE_NOOP("Shortcuts", "this list")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("Shortcuts", "quit")),
]


def show_error(parent: QWidget | None, title: str, text: "str | BaseException", details: str | None = None
               ) -> QMessageBox:
    """A non-blocking error dialog (the app keeps running behind it).

    ``text`` is passed through :func:`gradsim.app.i18n.translate_error`: pass the core's
    exception itself (a file that cannot be written, a bad config), and its structured
    message arrives in the current language; a plain string is shown as it is.
    """
    text = translate_error(text)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{QCoreApplication.translate('Shortcuts', v)}</td></tr>"
                   for k, v in SHORTCUTS)
    return f"<table>{rows}</table>"


def show_shortcuts(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("Dialogs", "Keyboard shortcuts"),
                      shortcuts_html(),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("shortcutsDialog")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box


def install_excepthook(parent_getter) -> None:
    """Show unhandled GUI exceptions in a dialog (and log them) instead of dying silently.

    ``parent_getter()`` returns the window to parent the dialog to (or None).
    """
    previous = sys.excepthook
    showing = {"n": 0}

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception:\n%s", text)
        if showing["n"] >= 3:  # an error in a paint loop must not bury the screen in dialogs
            return
        showing["n"] += 1
        try:
            box = show_error(parent_getter(), QCoreApplication.translate("Dialogs", "Unexpected error"),
                             f"{exc_type.__name__}: {exc}\n\n"
                             + QCoreApplication.translate("Dialogs", "The app keeps running; details below."), text)
            box.finished.connect(lambda _r: showing.__setitem__("n", showing["n"] - 1))
        except Exception:  # pragma: no cover - never let the hook itself raise
            previous(exc_type, exc, tb)

    sys.excepthook = hook
