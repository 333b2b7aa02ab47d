"""``gradsim run``: train headless and write the run folder."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from gradsim.cli.common import (
    add_config_source,
    add_run_options,
    check_run_options,
    fail,
    interrupted,
    nonempty,
    one_line,
    prepare_output_dir,
    progress_bar,
    resolve_config,
    train_progress,
    warn_ignored,
)
from gradsim.config import ConfigError

__all__ = ["register", "run"]


def register(sub) -> argparse.ArgumentParser:
    """Add ``run`` to the CLI's subparsers."""
    p = sub.add_parser(
        "run", help="train headless and write data and figures to a folder",
        description="Train headless and write config.toml, metrics.csv, grad_steps.npz, summary.json "
        "and the figures as PNG and SVG into --out. The run starts from --preset, --config or, with "
        "neither, the field defaults of `gradsim fields`; --set changes fields of it. The folder is "
        "written whole under a temporary name and renamed into place at the end (an earlier run in "
        "--out is replaced whole; a folder of other files is refused). Ctrl-C stops after the last "
        "completed step and keeps the steps done (exit 130).",
    )
    add_config_source(p)
    add_run_options(p)
    p.add_argument("--out", required=True, metavar="DIR", type=nonempty("--out"),
                   help="output folder: new, empty or an earlier run's (replaced whole)")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG/SVG figures (no Qt needed)")
    p.add_argument("--tensorboard", metavar="DIR", default=None, type=nonempty("--tensorboard"),
                   help="also log every iteration to TensorBoard in DIR (needs the tensorboard package); a run "
                        "that fails, or a Ctrl-C that keeps no run folder, removes what it wrote there (DIR "
                        "itself if the run created it, else only its own event files)")
    p.set_defaults(func=run, renders=True)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``gradsim run``; 0 on success (a diverging run included), 2 for bad input."""
    from gradsim.runs.folder import run_to_folder
    from gradsim.runs.procedure import Interrupted, check_run

    if msg := check_run_options(args):
        return fail(msg)
    try:
        cfg = resolve_config(args.preset, args.config, args.assignments)
        warn_ignored(cfg, args.assignments)
        check_run(cfg, args.steps)  # the memory and the device, before anything is created
    except (ConfigError, ValueError) as err:
        return fail(one_line(err))
    out = Path(args.out)
    if msg := prepare_output_dir(args, out):
        return fail(msg)
    if args.tensorboard and _within(Path(args.tensorboard), out):
        return fail(f"--tensorboard {args.tensorboard!r} is inside --out {str(out)!r}, which the run replaces whole "
                    "at the end: choose a TensorBoard folder outside it")
    tb = None
    if args.tensorboard:
        from gradsim.runs.tensorboard import TensorBoardWriter

        try:
            tb = TensorBoardWriter(args.tensorboard)
        except ImportError as err:  # the extra is missing
            return fail(str(err))
        except OSError as err:  # DIR cannot be created or written: nothing is left there
            return fail(one_line(err))
    result = None
    try:
        with progress_bar(args.steps, args.quiet, unit="step") as bar:
            result = run_to_folder(cfg, args.steps, out, figures=not args.no_figures, progress=train_progress(bar),
                                   sinks=[tb] if tb is not None else [], stop_on_interrupt=True)
        if tb is not None:
            tb.close()  # the final images: a full disk can fail here too
    except BaseException as err:
        # What this run wrote under --tensorboard goes (never what was there before). A
        # Ctrl-C that keeps the run folder up to step N keeps the log of those steps too.
        if tb is not None:
            tb.discard()
        if isinstance(err, Interrupted):
            return interrupted(err.step)
        if isinstance(err, KeyboardInterrupt):
            return interrupted(None)
        if isinstance(err, (ConfigError, OSError)):
            done = "" if result is None else f"; {out} was written, the TensorBoard log removed"
            return fail(one_line(err) + done)
        raise
    if result.interrupted_at is not None:
        return interrupted(result.interrupted_at, kept=str(out))
    summary = result.summary
    div = summary["diverged_at"]
    note = f", diverged at step {div}" if div is not None else ""
    sps = summary["steps_per_second"]
    if result.data is not None:  # what a file gave (and left out): a skipped column must not go unnoticed
        print(f"read {result.data}")
    print(f"wrote {out}: {args.steps} steps, final loss {summary['final_loss']:.6g}, {sps:.1f} steps/s{note}")
    return 0


def _within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (links resolved)."""
    p, f = Path(os.path.realpath(path)), Path(os.path.realpath(folder))  # never raises (a loop of links)
    return p == f or f in p.parents
