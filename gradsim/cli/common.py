"""What every command shares: the one-line error, the config source options, the run options.

A command module has ``register(subparsers)`` (adds its parser, sets ``func``) and a
``run(args) -> int``; :mod:`gradsim.cli` only collects them. Bad input exits
:data:`EXIT_BAD_INPUT` with one line on stderr, from :func:`fail`; Ctrl-C exits
:data:`EXIT_INTERRUPTED` with one line, from :func:`interrupted`.

A run starts from ``--preset NAME``, ``--config FILE`` or, with neither, from the field
defaults that ``gradsim fields`` lists (``RunConfig()``); ``--set`` changes fields of that
base, and a field set to no effect (``init_gain`` while ``spectral_radius`` rescales W_hh)
gets one warning line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from gradsim.config import RunConfig, ignored_fields, load_config, parse_assignment

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "Parser", "fail", "warn", "interrupted", "one_line", "add_config_source",
    "add_run_options", "check_run_options", "resolve_config", "warn_ignored", "prepare_output_dir", "headless_qt",
    "set_torch_threads", "nonempty", "add_levels_option", "resolve_levels",
]

EXIT_BAD_INPUT = 2
#: The shell's status for a process ended by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (no usage dump, no traceback)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_BAD_INPUT)


def fail(message: str, prog: str = "gradsim") -> int:
    """Report bad input as one line on stderr; returns the exit status 2."""
    sys.stderr.write(f"{prog}: error: {message}\n")
    return EXIT_BAD_INPUT


def warn(message: str, prog: str = "gradsim") -> None:
    """One warning line on stderr (the command goes on)."""
    sys.stderr.write(f"{prog}: warning: {message}\n")


def interrupted(step: int | None, prog: str = "gradsim", kept: str | None = None) -> int:
    """Report Ctrl-C as one line on stderr; returns :data:`EXIT_INTERRUPTED`.

    ``step``: steps completed (None when training had not started); ``kept``: the folder that
    now holds them, or None when nothing was written."""
    where = "" if step is None else f" at step {step}"
    if kept is not None and step:
        rest = f"; {kept} holds steps 0-{step - 1}"
    else:
        rest = "; nothing written"
    sys.stderr.write(f"{prog}: interrupted{where}{rest}\n")
    return EXIT_INTERRUPTED


def nonempty(option: str):
    """An argparse ``type`` refusing an empty value (``--out ''`` would mean the current folder)."""
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"must not be empty, not {text!r}")
        return text

    parse.__name__ = option
    return parse


def one_line(err: Exception) -> str:
    """An error message (several bad fields give several lines) as one line."""
    return str(err).replace("\n", "; ")


def add_config_source(p: argparse.ArgumentParser, *, with_set: bool = True, both: bool = False) -> None:
    """``--preset NAME | --config FILE`` and, with ``with_set``, repeatable ``--set KEY=VALUE``.

    ``both``: the wording for commands that start two runs from the same source (compare).
    """
    whom = "both runs" if both else "the run"
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", metavar="NAME", type=nonempty("--preset"),
                     help=f"start {whom} from a shipped preset (see `gradsim presets`; without --preset or "
                          "--config: from the field defaults that `gradsim fields` lists)")
    src.add_argument("--config", metavar="FILE", type=nonempty("--config"),
                     help=f"start {whom} from a TOML config file")
    if with_set:
        p.add_argument(
            "--set", metavar="KEY=VALUE", nargs="+", action="extend", default=[], dest="assignments",
            help=("override fields of BOTH runs, e.g. --set seq_len=50 hidden_size=32 (repeatable)" if both else
                  "override fields, e.g. --set lr=1e-4 clip=norm or --set lr=1e-4 --set clip=norm "
                  "(see `gradsim fields`)"),
        )


#: The most torch threads --threads takes.
MAX_THREADS = 1024


def add_run_options(p: argparse.ArgumentParser) -> None:
    """--steps, --threads and --quiet, shared by every command that trains."""
    from gradsim.runs.procedure import MAX_STEPS

    p.add_argument("--steps", type=int, default=300, metavar="N",
                   help=f"training iterations, 1 to {MAX_STEPS} (default 300)")
    p.add_argument("--threads", type=int, default=1, metavar="N",
                   help="torch intra-op threads (default 1: fastest for these sizes on small machines)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def check_run_options(args: argparse.Namespace) -> str | None:
    """The message for a --steps / --threads out of range, or None: checked before anything
    starts (``--steps 1000000000000`` would otherwise ask numpy for 7 TiB of history)."""
    from gradsim.runs.procedure import MAX_STEPS

    if not 1 <= args.steps <= MAX_STEPS:
        return f"--steps = {args.steps}: must be an integer from 1 to {MAX_STEPS}"
    if not 1 <= args.threads <= MAX_THREADS:
        return f"--threads = {args.threads}: must be an integer from 1 to {MAX_THREADS}"
    return None


def resolve_config(preset: str | None, config: str | None, assignments: Sequence[str] = ()) -> RunConfig:
    """The config from a preset or file (neither: the field defaults, ``RunConfig()``) plus
    ``--set`` overrides; raises ConfigError."""
    from gradsim.content.presets import load_preset

    if config:
        cfg = load_config(config)
    elif preset:
        cfg = load_preset(preset)
    else:
        cfg = RunConfig()
    changes = dict(parse_assignment(a) for a in assignments)
    return cfg.replace(**changes) if changes else cfg


def warn_ignored(cfg: RunConfig, assignments: Sequence[str], prog: str = "gradsim") -> None:
    """One warning line per ``--set`` field that another field of ``cfg`` overrides."""
    names = [a.partition("=")[0].strip() for a in assignments]
    for message in ignored_fields(cfg, names):
        warn(str(message), prog)


def headless_qt() -> None:
    """Render figures without a display (Qt's offscreen platform, its chatter silenced)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ["QT_QPA_PLATFORM"] == "offscreen":
        from gradsim.figures.export import quiet_offscreen_messages

        quiet_offscreen_messages()


def set_torch_threads(n: int) -> None:
    """torch's intra-op thread count (imports torch: call it only when training; a Ctrl-C
    during the import takes effect after it, see :func:`gradsim.fileio.deferred_interrupt`)."""
    from gradsim.fileio import deferred_interrupt

    with deferred_interrupt():
        import torch

    torch.set_num_threads(n)


def prepare_output_dir(args: argparse.Namespace, out: Path) -> str | None:
    """Before training, creating nothing: ``out`` must be new, empty or an earlier run's
    folder (else return the message); make figure rendering headless and set torch's
    thread count."""
    from gradsim.runs.folder import check_out_folder

    try:
        check_out_folder(out)
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


def add_levels_option(p: argparse.ArgumentParser) -> None:
    """``--levels LO HI``: the heatmaps' colour levels, shared by every picture of the command."""
    p.add_argument("--levels", nargs=2, type=float, metavar=("LO", "HI"), default=None,
                   help="the heatmaps' colour levels, log10 of the gradient norm, e.g. --levels -20 0 "
                        "(default: the preset's levels, else the range of the data over the whole run)")


def resolve_levels(args: argparse.Namespace) -> tuple[float, float] | None:
    """``--levels``, else the preset's levels, else None (the data's range); raises ValueError
    with the one line for a bad ``--levels`` (not finite, LO ≥ HI, beyond ±300)."""
    from gradsim.config import ConfigError
    from gradsim.content.presets import LEVELS_MAX, parse_levels, preset_levels

    if args.levels is None:
        return preset_levels(args.preset)
    lo, hi = args.levels
    try:
        return parse_levels([lo, hi])
    except ConfigError:
        raise ValueError(f"--levels {lo:g} {hi:g}: must be two finite numbers LO < HI, log10 of the gradient norm, "
                         f"from {-LEVELS_MAX:g} to {LEVELS_MAX:g}") from None
