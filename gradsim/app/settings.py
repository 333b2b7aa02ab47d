"""UI preferences (window geometry, heatmap view, colour levels, speed) in QSettings.

Run configurations are files, never settings. ``$GRADSIM_SETTINGS`` names an ini file
to use instead of the user's settings (tests point it at a temporary folder, so they
never touch the real ones).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

__all__ = ["open_settings", "SETTINGS_ENV"]

SETTINGS_ENV = "GRADSIM_SETTINGS"
ORGANIZATION = "gradsim"
APPLICATION = "gradsim"


def open_settings() -> QSettings:
    """The settings store: ``$GRADSIM_SETTINGS`` (ini) if set, else the platform's own."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def read_float(settings: QSettings, key: str, default: float) -> float:
    """A float setting, tolerant of junk written by another version."""
    try:
        return float(settings.value(key, default))
    except (TypeError, ValueError):
        return default


def read_levels(settings: QSettings, key: str) -> tuple[float, float] | None:
    """Fixed colour levels stored as ``"lo,hi"`` (empty = follow the data)."""
    text = settings.value(key, "")
    if not isinstance(text, str) or "," not in text:
        return None
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        return None
    return (lo, hi) if lo < hi else None
