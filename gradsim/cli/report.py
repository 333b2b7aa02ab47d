"""``gradsim report``: train headless and write an HTML or PDF report of the run."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gradsim.cli.common import (
    add_config_source, add_run_options, check_run_options, fail, interrupted, nonempty, one_line, progress_bar,
    resolve_config, set_torch_threads, train_progress, warn_ignored,
)
from gradsim.config import ConfigError
from gradsim.media.report import FORMATS, format_number

__all__ = ["register", "run"]


def register(sub) -> argparse.ArgumentParser:
    """Add ``report`` to the CLI's subparsers."""
    p = sub.add_parser(
        "report", help="train headless and write an HTML or PDF report of the run",
        description="Train headless and write one self-contained report: summary numbers, every plot "
        "with how to read it, the config and the versions. The format follows --out's suffix.",
    )
    add_config_source(p)
    add_run_options(p)
    p.add_argument("--out", required=True, metavar="FILE", type=nonempty("--out"),
                   help="output file, .html or .pdf (written whole or not at all; Ctrl-C writes nothing)")
    p.set_defaults(func=run, renders=True)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``gradsim report``: 0 on success, 2 with one line on stderr for bad input."""
    from gradsim.runs.media import report_run
    from gradsim.runs.procedure import check_run

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        return fail(f"--out {args.out!r}: the file must end in .html or .pdf")
    if msg := check_run_options(args):
        return fail(msg)
    try:
        cfg = resolve_config(args.preset, args.config, args.assignments)
        warn_ignored(cfg, args.assignments)
        check_run(cfg, args.steps)
    except (ConfigError, ValueError) as err:
        return fail(one_line(err))
    set_torch_threads(args.threads)
    title = args.preset or (Path(args.config).stem if args.config else None)
    t0 = time.perf_counter()
    trained = [0]
    try:
        with progress_bar(args.steps, args.quiet, unit="step") as bar:
            move = train_progress(bar)

            def progress(done: int, total: int) -> None:
                trained[0] = done
                move(done, total)

            path, result = report_run(cfg, args.steps, out, title=title, progress=progress)
    except KeyboardInterrupt:
        return interrupted(trained[0])
    except ConfigError as err:
        return fail(one_line(err))
    except OSError as err:
        return fail(one_line(err))
    print(f"wrote {path}: {args.steps} steps, final loss {format_number(result.summary['final_loss'])}, "
          f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")
    return 0
