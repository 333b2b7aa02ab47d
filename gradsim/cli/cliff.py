"""``gradsim cliff``: Pascanu et al. (2013)'s error surface with descent paths, clipped and not."""

from __future__ import annotations

import argparse

from gradsim.cli.common import fail, interrupted, nonempty, one_line

__all__ = ["register", "run", "MAX_STEPS"]

#: The most descent steps per path: each costs ~6 ms (1000 steps: ~6 s, measured; 10⁴ took
#: a silent minute), and the paths leave the picture long before.
MAX_STEPS = 1000


def register(sub) -> None:
    """Add ``cliff`` to the CLI's subparsers."""
    p = sub.add_parser(
        "cliff", help="render Pascanu 2013's one-unit error surface with descent paths, clipped and not",
        description="Render the cliff of x_t = w·σ(x_{t−1}) + b, E = (σ(x_50) − 0.7)², with gradient-descent "
        "paths from the same start point without clipping and with clipping (PNG, SVG or PDF by suffix).",
    )
    p.add_argument("--out", required=True, metavar="FILE", type=nonempty("--out"),
                   help="output figure (.png, .svg or .pdf)")
    p.add_argument("--steps", type=int, default=30, metavar="N",
                   help=f"descent steps per path, 1 to {MAX_STEPS} (default 30)")
    p.set_defaults(func=run, renders=True)


def run(args: argparse.Namespace) -> int:
    """Render the cliff figure into ``--out``."""
    if not 1 <= args.steps <= MAX_STEPS:
        return fail(f"--steps = {args.steps}: must be an integer from 1 to {MAX_STEPS}")
    from gradsim.figures.cliff import render_cliff_figure
    from gradsim.figures.export import ExportError

    try:
        path = render_cliff_figure(args.out, steps=args.steps, clips=("none", "norm", "value"))
    except KeyboardInterrupt:
        return interrupted(None)
    except (ExportError, OSError) as err:
        return fail(one_line(err))
    print(f"wrote {path}")
    return 0
