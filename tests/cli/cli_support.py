"""Helpers of the command-line tests (imported by name: tests/cli is on sys.path)."""

from __future__ import annotations


def call_cli(*argv: str) -> int:
    """Run one ``gradsim`` command in this process, as :func:`gradsim.cli.main` does but
    without installing the headless Qt message handler (pytest-qt owns that)."""
    from gradsim.cli import build_parser

    args = build_parser().parse_args(list(argv))
    return int(args.func(args))
