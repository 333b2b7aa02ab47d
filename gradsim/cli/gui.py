"""``gradsim gui``: listed here so that ``gradsim --help`` shows it; the app parses its own
options (``gradsim gui --help``). :mod:`gradsim.launcher` starts the app: the command line
never imports the app, and the app never imports the command line."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub) -> None:
    """Add ``gui`` to the CLI's subparsers (what follows it goes to the app)."""
    gui = sub.add_parser(
        "gui", add_help=False,
        help="open the desktop app: [--preset NAME | --config FILE] [--play] [--lecture [FILE]] "
             "[--lang en|zh] [--backend process|thread] (see gradsim gui --help)",
    )
    gui.add_argument("app_args", nargs=argparse.REMAINDER)
    gui.set_defaults(func=None)
