"""``gradsim cliff``: Pascanu et al. (2013)'s error surface with descent paths, clipped and not."""

from __future__ import annotations

import argparse

from gradsim.cli.common import fail

__all__ = ["register", "run"]


def register(sub) -> None:
    """Add ``cliff`` to the CLI's subparsers."""
    p = sub.add_parser(
        "cliff", help="render Pascanu 2013's one-unit error surface with descent paths, clipped and not",
        description="Render the cliff of x_t = w·σ(x_{t−1}) + b, E = (σ(x_50) − 0.7)², with gradient-descent "
        "paths from the same start point without clipping and with clipping (PNG, SVG or PDF by suffix).",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="output figure (.png, .svg or .pdf)")
    p.add_argument("--steps", type=int, default=30, metavar="N", help="descent steps per path (default 30)")
    p.set_defaults(func=run, renders=True)


def run(args: argparse.Namespace) -> int:
    """Render the cliff figure into ``--out``."""
    if args.steps < 1:
        return fail(f"--steps = {args.steps}: must be an integer ≥ 1")
    from gradsim.figures.cliff import render_cliff_figure
    from gradsim.figures.export import ExportError

    try:
        path = render_cliff_figure(args.out, steps=args.steps, clips=("none", "norm", "value"))
    except (ExportError, OSError) as err:
        return fail(str(err))
    print(f"wrote {path}")
    return 0
