"""Versions of the interpreter and the libraries that shape gradsim's numbers and plots,
for run folders and reports: read from the installed packages' metadata, so asking
imports neither torch nor Qt (a run folder written without figures stays Qt-free)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

__all__ = ["versions"]

#: summary key -> distribution name
_DISTRIBUTIONS = {"torch": "torch", "numpy": "numpy", "pyside6": "PySide6-Essentials", "pyqtgraph": "pyqtgraph"}


def _dist_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str]:
    """``python``, ``torch``, ``numpy``, ``pyside6``, ``qt``, ``pyqtgraph`` and ``gradsim``.

    ``qt`` is the running Qt library's version when Qt is loaded in this process, else
    the version PySide6's wheel bundles (the same for a pip install).
    """
    from gradsim._version import __version__

    out = {"python": platform.python_version()}
    for key, dist in _DISTRIBUTIONS.items():
        found = _dist_version(dist) or (_dist_version("PySide6") if key == "pyside6" else None)
        if found is not None:
            out[key] = found
    torch = sys.modules.get("torch")
    if torch is not None:  # the exact build (e.g. 2.13.0+cpu), when it is loaded anyway
        out["torch"] = torch.__version__
    qtcore = sys.modules.get("PySide6.QtCore")
    out["qt"] = qtcore.qVersion() if qtcore is not None else out.get("pyside6", "unavailable")
    out["gradsim"] = __version__
    return out
