"""``gradsim compare``: two runs, same seed and data batches, in lockstep; one figure.

Writes ``OUT/a``, ``OUT/b`` (each run's folder), ``compare.png``/``.svg`` and
``summary.json`` (see :mod:`gradsim.runs.compare`). Both heatmaps use one colour range:
``--levels LO HI``, else the preset's ``levels``, else the range of both runs' data over the
whole run. Bad input (a bad field or value, runs that cannot share batches, no ``--b-set``,
a bad ``--levels``, an unwritable folder) exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gradsim.cli.common import (
    add_config_source, add_levels_option, add_run_options, check_run_options, fail, interrupted, nonempty, one_line,
    prepare_output_dir, progress_bar, resolve_config, resolve_levels, train_progress, warn_ignored,
)
from gradsim.config import VIEWS, ConfigError, RunConfig, parse_assignment

__all__ = ["register", "run", "resolve_pair"]

PROG = "gradsim compare"


def register(sub) -> argparse.ArgumentParser:
    """Add ``compare`` to the CLI's subparsers."""
    p = sub.add_parser(
        "compare", help="train two runs in lockstep on the same data and write one comparison figure",
        description="Train run A (from --preset / --config / --set) and run B (A plus the --b-set changes) with "
        "the same seed and the same data batches, in lockstep. Writes each run's outputs into OUT/a and OUT/b, "
        "and compare.png / compare.svg (loss curves overlaid, heatmaps side by side on one colour scale: --levels, "
        "else the preset's, else the range of both runs' data) and summary.json into OUT.",
    )
    add_config_source(p, both=True)
    p.add_argument("--b-set", metavar="KEY=VALUE", nargs="+", action="extend", default=[], dest="b_assignments",
                   help="what run B changes, e.g. --b-set clip=norm clip_threshold=1 (at least one)")
    add_run_options(p)
    p.add_argument("--out", required=True, metavar="DIR", type=nonempty("--out"),
                   help="output folder: new, empty or an earlier comparison's (replaced whole)")
    p.add_argument("--view", choices=VIEWS, default="last",
                   help="per-step gradient view of the heatmaps (default last: ‖∂L_T/∂h_t‖)")
    add_levels_option(p)
    p.add_argument("--no-figures", action="store_true", help="skip the PNG/SVG figures (no Qt needed)")
    p.set_defaults(func=run, renders=True)
    return p


def resolve_pair(preset: str | None, config: str | None, assignments: list[str], b_assignments: list[str]
                 ) -> tuple[RunConfig, RunConfig]:
    """Config A (preset / file + ``--set``) and B (A + ``--b-set``); raises ConfigError."""
    cfg_a = resolve_config(preset, config, assignments)
    changes = dict(parse_assignment(a) for a in b_assignments)
    return cfg_a, cfg_a.replace(**changes)


def _g(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.6g}"


def _div(s: dict) -> str:
    return f" (diverged at step {s['diverged_at']})" if s.get("diverged_at") is not None else ""


def run(args: argparse.Namespace) -> int:
    """Run ``gradsim compare`` from parsed arguments; return the exit code."""
    from gradsim.runs.compare import compare_to_folder
    from gradsim.runs.lockstep import check_compatible
    from gradsim.runs.procedure import Interrupted, check_run

    if msg := check_run_options(args):
        return fail(msg, PROG)
    if not args.b_assignments:
        return fail("--b-set: give at least one field that run B changes, e.g. --b-set clip=norm", PROG)
    try:
        cfg_a, cfg_b = resolve_pair(args.preset, args.config, args.assignments, args.b_assignments)
        check_compatible(cfg_a, cfg_b)
        warn_ignored(cfg_a, args.assignments, PROG)
        warn_ignored(cfg_b, args.b_assignments, PROG)
        check_run(cfg_a, args.steps, runs=2)
        check_run(cfg_b, args.steps, runs=2)
        levels = resolve_levels(args)
    except (ConfigError, ValueError) as err:
        return fail(one_line(err), PROG)
    out = Path(args.out)
    if msg := prepare_output_dir(args, out):
        return fail(msg, PROG)
    try:
        with progress_bar(args.steps, args.quiet, unit="step") as bar:
            summary = compare_to_folder(cfg_a, cfg_b, args.steps, out, view=args.view, levels=levels,
                                        figures=not args.no_figures, progress=train_progress(bar),
                                        stop_on_interrupt=True)
    except Interrupted as err:
        return interrupted(err.step, PROG)
    except KeyboardInterrupt:
        return interrupted(None, PROG)
    except ConfigError as err:
        return fail(one_line(err), PROG)
    except OSError as err:
        return fail(one_line(err), PROG)
    if summary.get("interrupted_at") is not None:
        return interrupted(summary["interrupted_at"], PROG, kept=str(out))
    a, b = summary["a"], summary["b"]
    same = "" if summary["differing_fields"] else " (B's settings equal A's: the runs are identical)"
    print(f"wrote {out}: {args.steps} steps{same}; {a['label']}: final loss {_g(a['final_loss'])}"
          f"{_div(a)}; {b['label']}: final loss {_g(b['final_loss'])}{_div(b)}")
    return 0
