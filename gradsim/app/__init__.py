"""The live desktop app (PySide6 + pyqtgraph).

Importing this package is cheap and Qt-free: a spawned training process imports the
launching script's ``__main__`` (``from gradsim.app import main``) and must not load Qt.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the app: ``[--preset NAME | --config FILE] [--play]``.

    Returns the exit code when it cannot start (2 for a bad preset or config file);
    once the window has been shown, closing it ends the process with exit code 0
    (without the interpreter's slow teardown: see ``gradsim.app.launch``).
    """
    from gradsim.app.launch import run

    return run(argv)
