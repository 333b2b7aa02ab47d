"""``gradsim animate``: train headless and export the run as a GIF or MP4.

Every frame's heatmap has one colour range: ``--levels LO HI``, else the preset's
``levels``, else the range of the data over the whole animation (the colour bar shows it).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gradsim.cli.common import (
    add_config_source, add_levels_option, add_run_options, check_run_options, fail, interrupted, nonempty, one_line,
    progress_bar, resolve_config, resolve_levels, set_torch_threads, warn_ignored,
)
from gradsim.config import VIEWS, ConfigError

from gradsim.media.animation import (
    DEFAULT_FPS, DEFAULT_FRAMES, DEFAULT_SIZE, FORMATS, FPS_RANGE, MAX_FRAMES, check_size, frame_steps,
)

__all__ = ["register", "run"]


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"--size {text!r}: must be WIDTHxHEIGHT, e.g. 1280x720") from None
    try:
        check_size((w, h))
    except ValueError as err:
        raise ValueError(f"--size {text!r}: {str(err).split(': ', 1)[1]}") from None
    return w, h


def register(sub) -> argparse.ArgumentParser:
    """Add ``animate`` to the CLI's subparsers."""
    p = sub.add_parser(
        "animate", help="train headless and export the run as a GIF or MP4 animation",
        description="Train headless and write an animation of the heatmap, the loss and the gradient "
        "profile evolving over the run, sized for slides, every frame on one colour scale (--levels, else the "
        "preset's, else the range over the whole run). The format follows --out's suffix.",
    )
    add_config_source(p)
    add_run_options(p)
    p.add_argument("--fps", type=int, default=DEFAULT_FPS, metavar="N",
                   help=f"frames per second, {FPS_RANGE[0]}-{FPS_RANGE[1]} (default {DEFAULT_FPS})")
    p.add_argument("--frames", type=int, default=DEFAULT_FRAMES, metavar="N",
                   help=f"frames, evenly spaced over the run, 2-{MAX_FRAMES} (default {DEFAULT_FRAMES})")
    p.add_argument("--size", default=f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}", metavar="WxH",
                   help=f"frame size in pixels, even numbers (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})")
    p.add_argument("--view", choices=VIEWS, default="last",
                   help="heatmap view (default last: the classic vanishing picture)")
    add_levels_option(p)
    p.add_argument("--out", required=True, metavar="FILE", type=nonempty("--out"),
                   help="output file, .gif or .mp4 (written whole or not at all; Ctrl-C writes nothing)")
    p.set_defaults(func=run, renders=True)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``gradsim animate``: 0 on success, 2 with one line on stderr for bad input."""
    from gradsim.runs.media import animate_run
    from gradsim.runs.procedure import check_run

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        return fail(f"--out {args.out!r}: the file must end in .gif or .mp4")
    if msg := check_run_options(args):
        return fail(msg)
    if not FPS_RANGE[0] <= args.fps <= FPS_RANGE[1]:
        return fail(f"--fps = {args.fps}: must be an integer from {FPS_RANGE[0]} to {FPS_RANGE[1]}")
    if not 2 <= args.frames <= MAX_FRAMES:
        return fail(f"--frames = {args.frames}: must be an integer from 2 to {MAX_FRAMES}")
    try:
        size = _parse_size(args.size)
        cfg = resolve_config(args.preset, args.config, args.assignments)
        warn_ignored(cfg, args.assignments)
        check_run(cfg, args.steps)
        levels = resolve_levels(args)
    except ConfigError as err:
        return fail(one_line(err))
    except ValueError as err:
        return fail(str(err))
    set_torch_threads(args.threads)
    title = args.preset or (Path(args.config).stem if args.config else "gradsim")
    t0 = time.perf_counter()
    bars: dict = {}

    trained = [0]

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "train":
            trained[0] = done
        bar = bars.get(phase)
        if bar is None:
            for old in bars.values():
                old.close()
            bar = bars[phase] = progress_bar(total, args.quiet, desc=phase,
                                             unit="frame" if phase == "render" else "step")
        bar.update(done - bar.n)

    try:
        path = animate_run(cfg, args.steps, out, fps=args.fps, max_frames=args.frames, size=size,
                           view=args.view, title=title, levels=levels, progress=progress)
    except KeyboardInterrupt:
        for bar in bars.values():
            bar.close()
        return interrupted(trained[0])
    except ConfigError as err:
        return fail(one_line(err))
    except OSError as err:
        return fail(one_line(err))
    finally:
        for bar in bars.values():
            bar.close()
    n = len(frame_steps(args.steps, args.frames))
    mb = path.stat().st_size / 1e6
    print(f"wrote {path}: {n} frames, {size[0]}x{size[1]}, {args.fps} fps, {mb:.1f} MB "
          f"in {time.perf_counter() - t0:.1f} s")
    return 0
