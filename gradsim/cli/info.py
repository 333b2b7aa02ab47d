"""``gradsim presets``, ``gradsim fields`` and ``gradsim config``: what there is to run."""

from __future__ import annotations

import argparse
import sys

from gradsim.cli.common import add_config_source, fail, one_line, resolve_config, warn_ignored
from gradsim.config import RESET_FIELDS, ConfigError, config_to_toml, field_specs

__all__ = ["register"]


def register(sub) -> None:
    """Add ``presets``, ``fields`` and ``config`` to the CLI's subparsers."""
    sub.add_parser("presets", help="list the shipped presets, one line each").set_defaults(func=presets)
    sub.add_parser("fields", help="list every config field with its range, default and meaning").set_defaults(
        func=fields)
    show = sub.add_parser("config", help="print the resolved config as TOML (for a file to edit)")
    add_config_source(show)
    show.set_defaults(func=config)


def presets(args: argparse.Namespace | None = None) -> int:
    """Print every shipped preset, one line each."""
    from gradsim.content.presets import DEFAULT_PRESET, list_presets

    found = list_presets()
    width = max(len(n) for n in found)
    for name, p in found.items():
        mark = "*" if name == DEFAULT_PRESET else " "
        print(f"{mark} {name:<{width}}  {p.description}")
    print("(* = the app's default; run one with: gradsim run --preset NAME --out DIR)")
    return 0


def fields(args: argparse.Namespace | None = None) -> int:
    """Print every config field: default, range, meaning."""
    for name, spec in field_specs().items():
        reset = " [applies on reset]" if name in RESET_FIELDS else ""
        default = "none" if spec.default is None else spec.default
        print(f"{name} = {default!r}  ({spec.describe_range()}){reset}\n    {spec.description}")
    return 0


def config(args: argparse.Namespace) -> int:
    """Print the resolved config as TOML."""
    try:
        cfg = resolve_config(args.preset, args.config, args.assignments)
    except ConfigError as err:
        return fail(one_line(err))
    warn_ignored(cfg, args.assignments)
    sys.stdout.write(config_to_toml(cfg))
    return 0
