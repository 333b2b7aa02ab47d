"""Overhead of :func:`gradsim.core.watch.watch` on a user's own training step.

For each cell (default: lstm), H ∈ {64, 256}, T ∈ {100, 1000}, B = 32, and a loss at every
step (``every``: the ``last`` view rides along as extra rows) or at the last step only
(``last``), this times one complete training step of a plain PyTorch loop

    out, _ = rnn(x); loss = mse(head(out), y); opt.zero_grad(); loss.backward(); opt.step()

twice in the same process, interleaved so that machine noise hits both alike: on an
unwatched model and on an identical copy under ``watch`` (whose step then also includes
emitting the previous iteration's Snapshot: spectrum every (H/32)² steps, numpy copies).
Both run with ``torch.set_num_threads(1)``, float32, Adam. Each time is the median of the
repeats after a warm-up; ``ratio`` = watched / unwatched; ``+ms`` the difference. It also
checks that the two copies' parameters stay bit-identical (``same``).

    python benchmarks/bench_watch.py                    # lstm, both losses, ~3 min on 2 cores
    python benchmarks/bench_watch.py --cells rnn gru lstm --repeats 5
"""

from __future__ import annotations

import argparse
import copy
import itertools
import platform
import statistics
import sys
import time

import torch
from torch import nn

from gradsim.core.watch import watch

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def _setup(cell: str, H: int, seed: int = 0):
    torch.manual_seed(seed)
    rnn = CELLS[cell](2, H, batch_first=True)
    head = nn.Linear(H, 1)
    return rnn, head, torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-3)


def _step(rnn, head, opt, x, y, kind: str) -> None:
    out, _ = rnn(x)
    pred = head(out) if kind == "every" else head(out[:, -1:])
    loss = ((pred - (y if kind == "every" else y[:, -1:])) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def bench(cell: str, H: int, T: int, B: int, kind: str, repeats: int, warmup: int) -> dict:
    a = _setup(cell, H)
    b = (copy.deepcopy(a[0]), copy.deepcopy(a[1]))
    b = (*b, torch.optim.Adam([*b[0].parameters(), *b[1].parameters()], lr=1e-3))
    g = torch.Generator().manual_seed(1)
    w = watch(b[0])
    plain, watched = [], []
    try:
        for i in range(warmup + repeats):
            x = torch.randn(B, T, 2, generator=g)
            y = torch.randn(B, T, 1, generator=g)
            order = (0, 1) if i % 2 else (1, 0)  # alternate who goes first
            for side in order:
                t0 = time.perf_counter()
                _step(*(a if side == 0 else b), x, y, kind)
                dt = time.perf_counter() - t0
                if i >= warmup:
                    (plain if side == 0 else watched).append(dt)
        views = w.views
        assert views["total"].shape == (1, T)
    finally:
        w.close()
    same = all(torch.equal(p, q) for p, q in zip([*a[0].parameters(), *a[1].parameters()],
                                                 [*b[0].parameters(), *b[1].parameters()]))
    tp, tw = statistics.median(plain), statistics.median(watched)
    return {"cell": cell, "H": H, "T": T, "B": B, "loss": kind, "plain_ms": tp * 1e3, "watched_ms": tw * 1e3,
            "ratio": tw / tp, "extra_ms": (tw - tp) * 1e3, "same": same}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Overhead of gradsim.watch per training step (ratios, same run).")
    p.add_argument("--cells", nargs="+", default=["lstm"], choices=sorted(CELLS))
    p.add_argument("--hidden", nargs="+", type=int, default=[64, 256])
    p.add_argument("--seq-len", nargs="+", type=int, default=[100, 1000])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--loss", nargs="+", default=["every", "last"], choices=["every", "last"])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    print(f"# torch {torch.__version__}, python {platform.python_version()}, 1 thread, float32, B={args.batch}")
    print(f"{'cell':5} {'H':>4} {'T':>5} {'loss':5} {'plain ms':>9} {'watched ms':>10} {'ratio':>6} {'+ms':>8} same")
    ok = True
    for cell, H, T, kind in itertools.product(args.cells, args.hidden, args.seq_len, args.loss):
        r = bench(cell, H, T, args.batch, kind, args.repeats, args.warmup)
        ok &= r["same"]
        print(f"{cell:5} {H:4d} {T:5d} {kind:5} {r['plain_ms']:9.1f} {r['watched_ms']:10.1f} {r['ratio']:6.2f} "
              f"{r['extra_ms']:8.1f} {r['same']}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
