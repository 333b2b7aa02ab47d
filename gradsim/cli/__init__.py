"""The command line: headless runs and exports, presets, and what there is to run.

One module per command (``run``, ``compare``, ``animate``, ``report``, ``cliff``, ``info``:
presets / fields / config, ``gui``), each with ``register(subparsers)``; what they share
(the one-line error, ``--preset/--config/--set``, ``--steps/--threads/--quiet``) is in
:mod:`gradsim.cli.common`. The commands call the procedures of :mod:`gradsim.runs`; none
holds a training loop of its own.

Bad input (a field out of range, an unknown field or preset, a broken or missing
config file, an unwritable ``--out``, a run that needs more memory than the machine has)
exits 2 with one line on stderr, before anything is created. Ctrl-C exits 130 with one
line. A diverging run is a legitimate outcome: everything is written and the exit code is 0.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from gradsim.cli import animate, cliff, compare, gui, info, report, sweep
from gradsim.cli import run as run_command
from gradsim.cli.common import Parser, headless_qt, interrupted, resolve_config

__all__ = ["main", "build_parser", "resolve_config", "COMMANDS"]

#: The command modules, in the order ``--help`` lists them.
COMMANDS = (run_command, info, compare, animate, report, cliff, sweep, gui)


def build_parser() -> argparse.ArgumentParser:
    """The ``gradsim`` argument parser (also used to generate --help)."""
    parser = Parser(
        prog="gradsim",
        description=(
            "Watch vanishing and exploding gradients of recurrent networks while they train. "
            "With no command, opens the desktop app."
        ),
    )
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line (``gradsim`` and ``gradsim gui`` are :mod:`gradsim.launcher`'s)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        if getattr(args, "renders", False) and not getattr(args, "no_figures", False):
            headless_qt()
        return int(func(args))
    except KeyboardInterrupt:  # Ctrl-C outside a command's own handling (importing torch, say)
        return interrupted(None)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
