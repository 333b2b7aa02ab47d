"""A training step with 1, 2, … torch threads, against torch's default thread count.

torch starts one intra-op thread per core. gradsim's matrices are small (H = 64, B = 32:
a 32×64 by 64×256 product per time step), and splitting each of thousands of tiny
operations over threads costs more than it saves. This script measures, for each cell
and size, the median ``Trainer.step()`` time with each thread count, as a ratio to the
default count measured in the same run (interleaved, so a noisy machine hits all
alike), and prints what ``gradsim.core.threads.threads_for`` picks.

    python benchmarks/bench_threads.py                      # rnn/lstm/gru × H 64/256/1024, T 100
    python benchmarks/bench_threads.py --cells lstm --hidden 64 --seq-len 1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch

from gradsim.config import RunConfig
from gradsim.core.threads import threads_for
from gradsim.core.trainer import Trainer


def _median_step(tr: Trainer, steps: int) -> float:
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        tr.step()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", default="rnn,lstm,gru")
    ap.add_argument("--hidden", default="64,256,1024")
    ap.add_argument("--seq-len", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=5, help="timed steps per thread count and round")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (the median over all is printed)")
    args = ap.parse_args(argv)
    default = torch.get_num_threads()
    counts = sorted({1, 2, default} if default >= 2 else {1})
    print(f"Trainer.step, T {args.seq_len}, B {args.batch}, adam, float32; torch's default: {default} threads")
    print(f"{'cell':5} {'H':>5} {'default ms':>11} " + " ".join(f"{f'{n} thr':>8}" for n in counts) + "  picked")
    for cell in args.cells.split(","):
        for h in (int(x) for x in args.hidden.split(",")):
            cfg = RunConfig(cell=cell, hidden_size=h, seq_len=args.seq_len, batch_size=args.batch)
            tr = Trainer(cfg)
            tr.step()
            per: dict[int, list[float]] = {n: [] for n in counts}
            for _ in range(args.rounds):
                for n in counts:
                    torch.set_num_threads(n)
                    tr.step()  # warm the pool at this size
                    per[n].append(_median_step(tr, args.steps))
            torch.set_num_threads(default)
            base = statistics.median(per[default])
            ratios = " ".join(f"{statistics.median(per[n]) / base:8.2f}" for n in counts)
            print(f"{cell:5} {h:5d} {base * 1e3:11.1f} {ratios}  {threads_for(cfg, default)}", flush=True)
    print("ratios: step time / step time with the default thread count (below 1: faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
