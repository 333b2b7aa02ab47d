"""App resources (style sheet, icon) read through importlib.resources, so an installed
wheel finds them (package ``gradsim.resources.app``)."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QIcon, QPixmap

__all__ = ["style_sheet", "app_icon"]


def _read(name: str) -> bytes:
    return (resources.files("gradsim.resources") / "app" / name).read_bytes()


def style_sheet() -> str:
    """The app's Qt style sheet (empty if it cannot be read)."""
    try:
        return _read("style.qss").decode("utf-8")
    except OSError:
        return ""


def app_icon() -> QIcon:
    """The window icon (empty icon if missing)."""
    try:
        data = _read("icon.svg")
    except OSError:
        return QIcon()
    pix = QPixmap()
    pix.loadFromData(QByteArray(data), "SVG")
    return QIcon(pix)
