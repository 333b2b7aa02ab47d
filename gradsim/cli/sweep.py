"""``gradsim sweep`` (a grid of runs, local pool or Dask) and ``gradsim sweep-plot`` (its phase diagram).

Bad input (a broken or hostile grid file, an unknown field or axis value, an unwritable
folder, an unreachable scheduler; for sweep-plot a path that is not a sweep folder, an
unknown axis or metric, a --size beyond :data:`MAX_FIGURE_SIDE`) exits 2 with one line on
stderr, before anything is written: the English text of the core's structured message
(:mod:`gradsim.errors`), which the app shows translated. A sweep with runs that failed
(after their retries) exits 1; an interrupted one 130. Re-running the same command
resumes: finished runs are skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gradsim.cli.common import fail, headless_qt, one_line
from gradsim.config import ConfigError

__all__ = ["register", "run", "run_plot"]

EXIT_FAILED_RUNS = 1
EXIT_INTERRUPTED = 130
#: The largest side of a sweep-plot figure in pixels (8192² RGBA is 256 MiB).
MAX_FIGURE_SIDE = 8192


def register(subparsers: Any) -> None:
    """Add ``sweep`` and ``sweep-plot`` to an ``add_subparsers()`` object."""
    p = subparsers.add_parser(
        "sweep", help="train a grid of runs (local process pool or a Dask cluster) into one table",
        description="Train every point and seed of a grid (a TOML file, or a shipped grid by name such as "
        "trainability-adding) through gradsim's run procedure and write one row per run into "
        "OUT/results.parquet and OUT/results.csv. Re-running the same command skips finished runs. "
        "Default: a local pool of one process per core; --scheduler runs the same grid on a Dask cluster.",
    )
    p.add_argument("--grid", required=True, metavar="FILE|NAME", help="grid file (.toml) or shipped grid name")
    p.add_argument("--out", required=True, metavar="DIR", help="sweep folder (created if missing; resumed if not)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="local pool processes (default: one per core)")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler")
    where.add_argument("--scheduler-file", metavar="FILE", help="run on the Dask scheduler of this scheduler file")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S",
                   help="seconds to wait for the Dask scheduler (default 30)")
    p.add_argument("--retries", type=int, default=2, metavar="N",
                   help="retries of a run whose worker died (default 2)")
    p.add_argument("--max-runs", type=int, default=None, metavar="N", help="stop after N new runs (a sweep in chunks)")
    p.add_argument("--run-folders", action="store_true",
                   help="also write each run's own folder (config, metrics.csv, grad_steps.npz, summary) into OUT/runs")
    p.add_argument("--plot", action="store_true", help="draw the phase diagram at the end (as gradsim sweep-plot)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)

    q = subparsers.add_parser(
        "sweep-plot", help="draw a sweep's phase diagram (PNG/SVG/PDF) and its numbers (CSV)",
        description="Draw a metric of a sweep over two of its axes, one panel per value of the other axes, with "
        "the critical line γσ_max = 1 of the plain cell, the theory's and the measured gradient reach, and the "
        "shipped presets (the source posts' claims) placed on it. Default output: DIR/phase.png, phase.svg, "
        "phase.csv.",
    )
    q.add_argument("dir", metavar="DIR", help="a sweep folder (written by gradsim sweep)")
    q.add_argument("--metric", default=None, help="what the colour shows (default: the grid's, else learned); "
                   "one of learned, tail_vs_baseline, best_vs_baseline, reach_start, reach_end, decay_start, "
                   "decay_end, gamma_sigma_start, rho_end, sigma_max_end, diverged")
    q.add_argument("--x", default=None, metavar="AXIS", help="axis across (default: the grid's [plot] x)")
    q.add_argument("--y", default=None, metavar="AXIS", help="axis up (default: the grid's [plot] y)")
    q.add_argument("--out", action="append", default=[], metavar="FILE",
                   help="output file, .png/.svg/.pdf/.csv by suffix (repeatable)")
    q.add_argument("--size", default="1600x700", metavar="WxH",
                   help=f"figure size in pixels, each side 1 to {MAX_FIGURE_SIDE} (default 1600x700)")
    q.set_defaults(func=run_plot)


def _plot(sweep_dir: Path, paths: list[Path], x, y, metric, size) -> list[Path]:
    headless_qt()
    from gradsim.runs.sweep_plot import open_sweep, render_phase

    return render_phase(open_sweep(sweep_dir), paths, x=x, y=y, metric=metric, size=size)


def run(args: argparse.Namespace) -> int:
    """``gradsim sweep``; returns the exit code."""
    from gradsim.runs.sweep import ResultStore, load_grid, run_sweep

    for name in ("workers", "max_runs"):
        v = getattr(args, name)
        if v is not None and v < 1:
            return fail(f"--{name.replace('_', '-')} = {v}: must be an integer ≥ 1")
    if not args.timeout > 0:
        return fail(f"--timeout = {args.timeout}: must be a number > 0")
    if args.retries < 0:
        return fail(f"--retries = {args.retries}: must be an integer ≥ 0")
    try:
        grid = load_grid(args.grid)
    except ConfigError as err:
        return fail(one_line(err))
    out = Path(args.out)
    try:
        ResultStore(out)
    except OSError as err:
        return fail(str(err))
    bar = None

    def progress(report, record) -> None:
        nonlocal bar
        if bar is None:
            from gradsim.cli.common import progress_bar

            bar = progress_bar(report.todo, args.quiet, unit="run")
            bar.set_description(f"{report.skipped} done before" if report.skipped else "sweep")
        if record is not None:
            bar.update(1)
        extra = {}
        if report.retried:
            extra["retried"] = len(report.retried)
        if report.failed:
            extra["failed"] = len(report.failed)
        if extra:
            bar.set_postfix(extra, refresh=False)

    try:
        report = run_sweep(grid, out, workers=args.workers, scheduler=args.scheduler,
                           scheduler_file=args.scheduler_file, connect_timeout=args.timeout, retries=args.retries,
                           max_runs=args.max_runs, run_folders=args.run_folders, progress=progress)
    except ConfigError as err:
        return fail(one_line(err))
    except OSError as err:
        return fail(str(err))
    finally:
        if bar is not None:
            bar.close()
    state = "complete" if report.complete else f"{report.rows} of {report.total} runs recorded"
    print(f"wrote {out}: {state}; {report.ran} ran now, {report.skipped} done before, "
          f"{len(report.retried)} retried, {len(report.failed)} failed; {report.wall_seconds:.1f} s"
          f"{' on ' + report.backend if report.backend else ''}")
    for rid, attempts in report.retried.items():
        print(f"  run {rid}: a worker died; finished on attempt {attempts}")
    for rid, why in report.failed.items():
        sys.stderr.write(f"gradsim sweep: run {rid} failed: {why}\n")
    if args.plot and report.rows:
        try:
            for p in _plot(out, [out / "phase.png", out / "phase.svg", out / "phase.csv"], None, None, None,
                           (1600, 700)):
                print(f"wrote {p}")
        except (ConfigError, OSError) as err:
            return fail(one_line(err))
    if report.interrupted:
        sys.stderr.write("gradsim sweep: interrupted; run the same command again to resume\n")
        return EXIT_INTERRUPTED
    return EXIT_FAILED_RUNS if report.failed else 0


def run_plot(args: argparse.Namespace) -> int:
    """``gradsim sweep-plot``; returns the exit code."""
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
        if not (1 <= w <= MAX_FIGURE_SIDE and 1 <= h <= MAX_FIGURE_SIDE):
            raise ValueError
    except ValueError:
        return fail(f"--size {args.size!r}: expected WxH in pixels, each side 1 to {MAX_FIGURE_SIDE}, e.g. 1600x700")
    d = Path(args.dir)
    paths = [Path(p) for p in args.out] or [d / "phase.png", d / "phase.svg", d / "phase.csv"]
    bad = [p for p in paths if p.suffix.lower() not in (".png", ".svg", ".pdf", ".csv")]
    if bad:
        return fail(f"--out {str(bad[0])!r}: unknown format; use .png, .svg, .pdf or .csv")
    try:
        written = _plot(d, paths, args.x, args.y, args.metric, (w, h))
    except (ConfigError, OSError) as err:
        return fail(one_line(err))
    for p in written:
        print(f"wrote {p}")
    return 0
