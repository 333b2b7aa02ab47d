"""Calibration of the memory estimate (gradsim.core.budget): measured peak RSS / estimate.

Each configuration trains 2 steps in a fresh process (one torch thread); "measured" is the
peak resident set (``ru_maxrss``) less the resident set just before the Trainer was built
(torch, numpy and gradsim imported). The estimate must stay above the measurement
(ratio < 1: a run the check lets through fits) without refusing what fits (ratio not far
below 1; the fixed part dominates the smallest sizes).

    python benchmarks/bench_memory.py            # the grid below
    python benchmarks/bench_memory.py --quick    # four sizes
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys
import torch
torch.set_num_threads(1)
from gradsim.config import RunConfig
from gradsim.core.budget import estimate_bytes
from gradsim.core.trainer import Trainer

def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024

cfg = RunConfig(**json.loads(sys.argv[1]))
base = rss()
t = Trainer(cfg)
for _ in range(2):
    t.step()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"measured": peak - base, "estimate": estimate_bytes(cfg)}))
"""

GRID = [
    dict(cell=c, hidden_size=H, seq_len=T, batch_size=B)
    for c in ("rnn", "lstm", "gru")
    for H, T, B in ((64, 200, 32), (256, 1000, 64), (512, 1000, 32), (128, 2000, 128))
] + [
    dict(cell="rnn", hidden_size=1024, seq_len=2000, batch_size=32),
    dict(cell="lstm", hidden_size=1024, seq_len=1000, batch_size=32),
    dict(cell="rnn", hidden_size=16, seq_len=2000, batch_size=1024),
    dict(cell="gru", hidden_size=16, seq_len=2000, batch_size=1024),
    dict(cell="rnn", hidden_size=256, seq_len=1000, batch_size=64, task="sine"),
    dict(cell="rnn", hidden_size=128, seq_len=500, batch_size=64, norm="layer"),
    dict(cell="gru", hidden_size=128, seq_len=500, batch_size=64, norm="layer"),
    dict(cell="lstm", hidden_size=128, seq_len=500, batch_size=64, norm="batch"),
    dict(cell="lstm", hidden_size=128, seq_len=500, batch_size=64, residual=True),
    dict(cell="lstm", hidden_size=128, seq_len=500, batch_size=64, num_layers=3),
    dict(cell="rnn", hidden_size=128, seq_len=500, batch_size=64, dtype="float64"),
    dict(cell="rnn", hidden_size=128, seq_len=500, batch_size=64, task="recall", n_classes=64),
]
QUICK = [GRID[0], GRID[5], GRID[10], GRID[12]]


def main() -> None:
    grid = QUICK if "--quick" in sys.argv else GRID
    ratios = []
    print(f"{'config':<78} {'measured':>10} {'estimate':>10} {'ratio':>6}")
    for fields in grid:
        r = subprocess.run([sys.executable, "-c", CHILD, json.dumps(fields)], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{json.dumps(fields):<78} failed: {r.stderr.strip().splitlines()[-1:]}")
            continue
        d = json.loads(r.stdout.strip().splitlines()[-1])
        ratio = d["measured"] / d["estimate"]
        ratios.append(ratio)
        print(f"{json.dumps(fields):<78} {d['measured'] / 1e6:>8.0f}MB {d['estimate'] / 1e6:>8.0f}MB {ratio:>6.2f}",
              flush=True)
    if ratios:
        print(f"measured / estimated: min {min(ratios):.2f}, median {sorted(ratios)[len(ratios) // 2]:.2f}, "
              f"max {max(ratios):.2f} (must stay < 1)")


if __name__ == "__main__":
    main()
