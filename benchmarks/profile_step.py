"""Where one ``Trainer.step()`` spends its time, outside and inside ``capture()``.

Wraps the pieces the step calls (capture, the remedies, the optimiser's step, the
spectrum, the numpy snapshot copies, the batch sampling) with timers, runs a number of
steps after a warm-up and prints the median time of each per step and its share;
"rest" is everything else in ``step()`` (per-parameter norms, the weight and
optimiser-state backup, the finiteness checks, building the Snapshot).

Run ``python benchmarks/profile_step.py`` (H = 64, T = 200, B = 32, every cell) or
e.g. ``--cells rnn --hidden 256 --seq-len 1000``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict

import torch

import gradsim.core.trainer as trainer_mod
from gradsim.config import RunConfig
from gradsim.core.trainer import Trainer


class Timers:
    def __init__(self) -> None:
        self.step: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn):
        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.step[name] += time.perf_counter() - t

        return timed


def profile(cell: str, H: int, T: int, B: int, steps: int, warmup: int, **extra) -> dict[str, float]:
    cfg = RunConfig(cell=cell, hidden_size=H, seq_len=T, batch_size=B, **extra)
    tr = Trainer(cfg)
    timers = Timers()
    saved = {k: getattr(trainer_mod, k) for k in ("capture", "apply_remedies", "_frozen")}
    trainer_mod.capture = timers.wrap("capture", saved["capture"])
    trainer_mod.apply_remedies = timers.wrap("remedies", saved["apply_remedies"])
    trainer_mod._frozen = timers.wrap("snapshot copies", saved["_frozen"])
    tr._measure_spectrum = timers.wrap("spectrum", tr._measure_spectrum)
    tr._task.sample = timers.wrap("sample batch", tr._task.sample)
    opt_step = tr._opt.step
    tr._opt.step = timers.wrap("optimizer", opt_step)
    rows: dict[str, list[float]] = defaultdict(list)
    try:
        for i in range(warmup + steps):
            timers.step.clear()
            t = time.perf_counter()
            tr.step()
            total = time.perf_counter() - t
            if i >= warmup:
                for k, v in timers.step.items():
                    rows[k].append(v)
                rows["rest"].append(total - sum(timers.step.values()))
                rows["total"].append(total)
    finally:
        for k, v in saved.items():
            setattr(trainer_mod, k, v)
    return {k: statistics.median(v) for k, v in rows.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", default="rnn,lstm,gru")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--seq-len", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--optimizer", default="adam")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    order = ["capture", "optimizer", "remedies", "spectrum", "snapshot copies", "sample batch", "rest"]
    print(
        f"Trainer.step profile: H {args.hidden}, T {args.seq_len}, B {args.batch}, {args.optimizer}, "
        f"torch threads {torch.get_num_threads()}, medians of {args.steps} steps (ms)"
    )
    print(f"{'cell':5} {'total':>7} " + " ".join(f"{k:>16}" for k in order) + f" {'steps/s':>8}")
    for cell in args.cells.split(","):
        r = profile(cell, args.hidden, args.seq_len, args.batch, args.steps, 5, optimizer=args.optimizer)
        tot = r["total"]
        parts = " ".join(f"{r.get(k, 0) * 1e3:8.3f} ({100 * r.get(k, 0) / tot:3.0f}%)" for k in order)
        print(f"{cell:5} {tot * 1e3:7.2f} {parts} {1 / tot:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
