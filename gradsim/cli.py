"""The command line: headless runs and exports, presets, and the app launcher.

Bad input (a field out of range, an unknown field or preset, a broken or missing
config file, an unwritable ``--out``) exits 2 with one line on stderr. A diverging
run is a legitimate outcome: everything is written and the exit code is 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NoReturn, Sequence

from gradsim.config import ConfigError, RunConfig, config_to_toml, field_specs, load_config, parse_assignment

__all__ = ["main", "build_parser", "resolve_config", "run_headless"]

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (no usage dump, no traceback)."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _add_config_source(p: argparse.ArgumentParser, with_set: bool = True) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--preset", metavar="NAME", help="start from a shipped preset (see `gradsim presets`)")
    src.add_argument("--config", metavar="FILE", help="start from a TOML config file")
    if with_set:
        p.add_argument(
            "--set", metavar="KEY=VALUE", action="append", default=[], dest="assignments",
            help="override one field, e.g. --set lr=1e-4 --set clip=norm (repeatable; see `gradsim fields`)",
        )


def build_parser() -> argparse.ArgumentParser:
    """The ``gradsim`` argument parser (also used to generate --help)."""
    parser = _Parser(
        prog="gradsim",
        description=(
            "Watch vanishing and exploding gradients of recurrent networks while they train. "
            "With no command, opens the desktop app."
        ),
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="train headless and write data and figures to a folder",
        description="Train headless and write config.toml, metrics.csv, grad_steps.npz, summary.json "
        "and loss/predictions/heatmap as PNG and SVG into --out.",
    )
    _add_config_source(run)
    add_run_options(run)
    run.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    run.add_argument("--no-figures", action="store_true", help="skip the PNG/SVG figures (no Qt needed)")

    sub.add_parser("presets", help="list the shipped presets, one line each")
    sub.add_parser("fields", help="list every config field with its range, default and meaning")

    show = sub.add_parser("config", help="print the resolved config as TOML (for a file to edit)")
    _add_config_source(show)

    from gradsim import animation, compare_cli, report

    compare_cli.add_parser(sub)
    animation.add_parser(sub)
    report.add_parser(sub)

    cliff = sub.add_parser(
        "cliff", help="render Pascanu 2013's one-unit error surface with descent paths, clipped and not",
        description="Render the cliff of x_t = w·σ(x_{t−1}) + b, E = (σ(x_50) − 0.7)², with gradient-descent "
        "paths from the same start point without clipping and with clipping (PNG, SVG or PDF by suffix).",
    )
    cliff.add_argument("--out", required=True, metavar="FILE", help="output figure (.png, .svg or .pdf)")
    cliff.add_argument("--steps", type=int, default=30, metavar="N", help="descent steps per path (default 30)")

    gui = sub.add_parser("gui", help="open the desktop app on a preset or config file")
    _add_config_source(gui, with_set=False)
    gui.add_argument("--play", action="store_true", help="start training at once")
    gui.add_argument("--lecture", metavar="FILE", nargs="?", const="", default=None,
                     help="open a lecture script (no FILE: the shipped lecture) at its first step")
    gui.add_argument("--lang", choices=("en", "zh"), default=None,
                     help="language of the window: en = English, zh = 简体中文 (default: the last one chosen)")
    gui.add_argument("--backend", choices=("process", "thread"), default=None,
                     help="run training in a worker process (default: faster with the GUI up) or a thread")
    return parser


def resolve_config(preset: str | None, config: str | None, assignments: Sequence[str] = ()) -> RunConfig:
    """The config from a preset or file (default: the default preset) plus ``--set`` overrides."""
    from gradsim.presets import DEFAULT_PRESET, load_preset

    if config:
        cfg = load_config(config)
    else:
        cfg = load_preset(preset or DEFAULT_PRESET)
    changes = dict(parse_assignment(a) for a in assignments)
    return cfg.replace(**changes) if changes else cfg


def fail(message: str) -> int:
    """Report bad input as one line on stderr; returns the exit status 2."""
    sys.stderr.write(f"gradsim: error: {message}\n")
    return EXIT_BAD_INPUT


_fail = fail


def one_line(err: Exception) -> str:
    """An error message (several bad fields give several lines) as one line."""
    return str(err).replace("\n", "; ")


def add_run_options(p: argparse.ArgumentParser) -> None:
    """--steps, --threads and --quiet, shared by every command that trains."""
    p.add_argument("--steps", type=int, default=300, metavar="N", help="training iterations (default 300)")
    p.add_argument("--threads", type=int, default=1, metavar="N",
                   help="torch intra-op threads (default 1: fastest for these sizes on small machines)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def prepare_output_dir(args: argparse.Namespace, out: Path) -> str | None:
    """Before training: prove ``out`` writable (else return the message), make figure
    rendering headless, and set torch's thread count."""
    from gradsim.outputs import check_writable_dir

    try:
        check_writable_dir(out)
    except OSError as err:
        return str(err)
    if not getattr(args, "no_figures", False):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import torch

    torch.set_num_threads(args.threads)
    return None


def check_run_options(args: argparse.Namespace) -> str | None:
    """The message for a bad --steps / --threads, or None."""
    if args.steps < 1:
        return f"--steps = {args.steps}: must be an integer ≥ 1"
    if args.threads < 1:
        return f"--threads = {args.threads}: must be an integer ≥ 1"
    return None


def run_headless(cfg: RunConfig, steps: int, out: Path, *, figures: bool = True, progress: bool = True) -> dict:
    """Train ``steps`` iterations and write every output file into ``out``; returns the summary."""
    from tqdm import tqdm

    from gradsim.core.bptt import has_fast_path
    from gradsim.core.history import History
    from gradsim.core.trainer import Trainer
    from gradsim.outputs import MetricsWriter, check_writable_dir, metrics_row, write_outputs

    check_writable_dir(out)
    trainer = Trainer(cfg)
    rows = max(2, min(steps + steps % 2, 4096))
    histories = [History(cfg.seq_len, rows=rows, scalar_rows=max(2, steps + steps % 2))
                 for _ in range(cfg.num_layers)]
    last = None
    loop_seconds = 0.0
    t_wall = time.perf_counter()
    with MetricsWriter(out / "metrics.csv") as metrics, tqdm(
        total=steps, disable=not progress or None, unit="step", dynamic_ncols=True, file=sys.stderr
    ) as bar:
        for _ in range(steps):
            t0 = time.perf_counter()
            last = trainer.step()
            loop_seconds += time.perf_counter() - t0
            for li, h in enumerate(histories):
                h.append(last, layer=li)
            metrics.write(metrics_row(last))
            bar.update(1)
            if bar.n % 10 == 0:
                bar.set_postfix(loss=f"{last.loss:.4g}", refresh=False)
    extra = {
        "steps_per_second": steps / loop_seconds if loop_seconds > 0 else None,
        # wall time of the whole run up to writing the outputs (start-up and data
        # stream included); steps_per_second counts the training loop only
        "wall_seconds": time.perf_counter() - t_wall,
        "train_seconds": loop_seconds,
        "fast_path": has_fast_path(cfg),
        "final_spectral_radius": last.spectral_radius if last else None,
        "final_grad_norm": last.grad_norm if last else None,
    }
    write_outputs(out, cfg, histories, last, summary_extra=extra, rollout=trainer.rollout(),
                  metrics_written=True, figures=figures)
    extra["diverged_at"] = trainer.diverged_at
    extra["final_loss"] = last.loss if last else None
    return extra


def _cmd_run(args: argparse.Namespace) -> int:
    if msg := check_run_options(args):
        return fail(msg)
    try:
        cfg = resolve_config(args.preset, args.config, args.assignments)
    except ConfigError as err:
        return fail(one_line(err))
    out = Path(args.out)
    if msg := prepare_output_dir(args, out):
        return fail(msg)
    try:
        summary = run_headless(cfg, args.steps, out, figures=not args.no_figures, progress=not args.quiet)
    except ConfigError as err:  # e.g. device = cuda on a machine without CUDA
        return fail(one_line(err))
    except OSError as err:
        return _fail(str(err))
    div = summary["diverged_at"]
    note = f", diverged at step {div}" if div is not None else ""
    sps = summary["steps_per_second"]
    print(f"wrote {out}: {args.steps} steps, final loss {summary['final_loss']:.6g}, {sps:.1f} steps/s{note}")
    return 0


def _cmd_presets() -> int:
    from gradsim.presets import DEFAULT_PRESET, list_presets

    presets = list_presets()
    width = max(len(n) for n in presets)
    for name, p in presets.items():
        mark = "*" if name == DEFAULT_PRESET else " "
        print(f"{mark} {name:<{width}}  {p.description}")
    print("(* = the app's default; run one with: gradsim run --preset NAME --out DIR)")
    return 0


def _cmd_fields() -> int:
    from gradsim.config import RESET_FIELDS

    for name, spec in field_specs().items():
        reset = " [applies on reset]" if name in RESET_FIELDS else ""
        default = "none" if spec.default is None else spec.default
        print(f"{name} = {default!r}  ({spec.describe_range()}){reset}\n    {spec.description}")
    return 0


def _cmd_config(args: argparse.Namespace) -> int:
    try:
        cfg = resolve_config(args.preset, args.config, args.assignments)
    except ConfigError as err:
        return fail(one_line(err))
    sys.stdout.write(config_to_toml(cfg))
    return 0


def _cmd_cliff(args: argparse.Namespace) -> int:
    if args.steps < 1:
        return _fail(f"--steps = {args.steps}: must be an integer ≥ 1")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gradsim.cliff_figure import render_cliff_figure
    from gradsim.plots import ExportError

    try:
        path = render_cliff_figure(args.out, steps=args.steps, clips=("none", "norm", "value"))
    except (ExportError, OSError) as err:
        return _fail(str(err))
    print(f"wrote {path}")
    return 0


def _cmd_gui(argv: list[str]) -> int:
    try:
        from gradsim.app import main as app_main
    except ImportError as err:  # pragma: no cover - depends on the platform's Qt
        return _fail(f"the desktop app cannot start: {err}")
    return int(app_main(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gradsim`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        return _cmd_gui([])
    args = parser.parse_args(argv)
    if args.command in ("run", "compare", "cliff", "animate", "report") and not getattr(args, "no_figures", False):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if os.environ["QT_QPA_PLATFORM"] == "offscreen":
            from gradsim.plots import quiet_offscreen_messages

            quiet_offscreen_messages()
    if args.command == "run":
        return _cmd_run(args)
    if args.command == "presets":
        return _cmd_presets()
    if args.command == "fields":
        return _cmd_fields()
    if args.command == "config":
        return _cmd_config(args)
    if args.command == "compare":
        from gradsim import compare_cli

        return compare_cli.run(args)
    if args.command in ("animate", "report"):
        return args.func(args)
    if args.command == "cliff":
        return _cmd_cliff(args)
    if args.command == "gui":
        # validate here so a bad preset or file is one line, not a dialog
        try:
            resolve_config(args.preset, args.config)
        except ConfigError as err:
            return fail(one_line(err))
        return _cmd_gui(argv[1:])
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
