"""What every command shares: the one-line error, the config source options, the run options.

A command module has ``register(subparsers)`` (adds its parser, sets ``func``) and a
``run(args) -> int``; :mod:`gradsim.cli` only collects them. Bad input exits
:data:`EXIT_BAD_INPUT` with one line on stderr, from :func:`fail`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from gradsim.config import RunConfig, load_config, parse_assignment

__all__ = [
    "EXIT_BAD_INPUT", "Parser", "fail", "one_line", "add_config_source", "add_run_options", "check_run_options",
    "resolve_config", "prepare_output_dir", "headless_qt", "set_torch_threads",
]

EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (no usage dump, no traceback)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_BAD_INPUT)


def fail(message: str, prog: str = "gradsim") -> int:
    """Report bad input as one line on stderr; returns the exit status 2."""
    sys.stderr.write(f"{prog}: error: {message}\n")
    return EXIT_BAD_INPUT


def one_line(err: Exception) -> str:
    """An error message (several bad fields give several lines) as one line."""
    return str(err).replace("\n", "; ")


def add_config_source(p: argparse.ArgumentParser, *, with_set: bool = True, both: bool = False) -> None:
    """``--preset NAME | --config FILE`` and, with ``with_set``, repeatable ``--set KEY=VALUE``.

    ``both``: the wording for commands that start two runs from the same source (compare).
    """
    whom = "both runs" if both else "the run"
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", metavar="NAME", help=f"start {whom} from a shipped preset (see `gradsim presets`)")
    src.add_argument("--config", metavar="FILE", help=f"start {whom} from a TOML config file")
    if with_set:
        p.add_argument(
            "--set", metavar="KEY=VALUE", action="append", default=[], dest="assignments",
            help=("override one field of BOTH runs, e.g. --set seq_len=50 (repeatable)" if both else
                  "override one field, e.g. --set lr=1e-4 --set clip=norm (repeatable; see `gradsim fields`)"),
        )


def add_run_options(p: argparse.ArgumentParser) -> None:
    """--steps, --threads and --quiet, shared by every command that trains."""
    p.add_argument("--steps", type=int, default=300, metavar="N", help="training iterations (default 300)")
    p.add_argument("--threads", type=int, default=1, metavar="N",
                   help="torch intra-op threads (default 1: fastest for these sizes on small machines)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def check_run_options(args: argparse.Namespace) -> str | None:
    """The message for a bad --steps / --threads, or None."""
    if args.steps < 1:
        return f"--steps = {args.steps}: must be an integer ≥ 1"
    if args.threads < 1:
        return f"--threads = {args.threads}: must be an integer ≥ 1"
    return None


def resolve_config(preset: str | None, config: str | None, assignments: Sequence[str] = ()) -> RunConfig:
    """The config from a preset or file (default: the default preset) plus ``--set`` overrides."""
    from gradsim.content.presets import DEFAULT_PRESET, load_preset

    cfg = load_config(config) if config else load_preset(preset or DEFAULT_PRESET)
    changes = dict(parse_assignment(a) for a in assignments)
    return cfg.replace(**changes) if changes else cfg


def headless_qt() -> None:
    """Render figures without a display (Qt's offscreen platform, its chatter silenced)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ["QT_QPA_PLATFORM"] == "offscreen":
        from gradsim.figures.export import quiet_offscreen_messages

        quiet_offscreen_messages()


def set_torch_threads(n: int) -> None:
    """torch's intra-op thread count (imports torch: call it only when training)."""
    import torch

    torch.set_num_threads(n)


def prepare_output_dir(args: argparse.Namespace, out: Path) -> str | None:
    """Before training: prove ``out`` writable (else return the message), make figure
    rendering headless, and set torch's thread count."""
    from gradsim.runs.folder import check_writable_dir

    try:
        check_writable_dir(out)
    except OSError as err:
        return str(err)
    if not getattr(args, "no_figures", False):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    set_torch_threads(args.threads)
    return None


def progress_bar(total: int, quiet: bool, **kw):
    """A tqdm bar on stderr (none when ``quiet`` or not a terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, disable=quiet or None, dynamic_ncols=True, file=sys.stderr, **kw)


def train_progress(bar):
    """A ``progress(done, total)`` callback that moves ``bar``."""
    return lambda done, total: bar.update(done - bar.n)
