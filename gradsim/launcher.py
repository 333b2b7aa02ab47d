"""The ``gradsim`` command: the desktop app for ``gradsim`` and ``gradsim gui …``, the command
line (:mod:`gradsim.cli`) for everything else.

It sits above both front ends so that neither imports the other (an import-linter
``independence`` contract holds them apart).
"""

from __future__ import annotations

import sys
from typing import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gradsim`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] == "gui":
        try:
            from gradsim.app import main as app_main
        except ImportError as err:  # pragma: no cover - depends on the platform's Qt
            sys.stderr.write(f"gradsim: error: the desktop app cannot start: {err}\n")
            return 2
        return int(app_main(argv[1:]) or 0)
    from gradsim.cli import main as cli_main

    return cli_main(argv)
