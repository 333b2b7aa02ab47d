"""Cost of gradsim's instrumented capture against a plain fused torch training step.

For every cell (rnn, lstm, gru), H ∈ {16, 64, 256}, T ∈ {50, 200, 1000}, B ∈ {1, 32}
this times, in the same process and interleaved so that machine noise hits both sides
alike:

* **baseline**: torch's own ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (``batch_first=False``)
  forward + ``nn.Linear`` readout + the task's loss + ``loss.backward()``: plain
  autograd, nothing captured per step;
* **instrumented**: :func:`gradsim.core.bptt.capture` on a ``RecurrentNet`` built the
  way ``Trainer.reset`` builds it, which also yields the three per-step views
  (``total``, ``last``, ``weight``).

Both sides run with ``torch.set_num_threads(1)`` and ``torch.set_flush_denormal(True)``
(the trainer sets the latter), on the same batch of gradsim's ``adding`` task (loss at
the last step only) unless ``--task`` says otherwise. Each time is the median of
several repeats after a warm-up. ``exact64`` is the max abs difference, in float64,
between the fast path's parameter gradients and those of torch's module loaded with the
same weights; ``rel32`` the float32 fast path's (the one timed) max difference from
those float64 gradients, relative to their largest component (float32 rounding is
~1e-7); ``path`` the LSTM strategy taken (fused kernel or hand-written loop).

Run ``python benchmarks/bench_bptt.py`` (full grid, about 10 minutes on 2 cores) or
``--quick`` (a subset, under a minute). ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

from gradsim.config import RunConfig
from gradsim.core import bptt
from gradsim.core.bptt import capture, capture_autograd, capture_fast, has_fast_path
from gradsim.core.cells import RecurrentNet, init_network
from gradsim.core.tasks import make_task

CELLS = ("rnn", "lstm", "gru")
HS = (16, 64, 256)
TS = (50, 200, 1000)
BS = (1, 32)
#: Targets of issue 2: (median ratio, max ratio) per cell.
TARGETS = {"rnn": (0.5, 0.8), "lstm": (1.0, 2.0), "gru": (1.0, 2.0)}
#: Sizes at which the general autograd path is timed for reference (H, T, B).
AUTOGRAD_SIZES = ((16, 50, 1), (64, 200, 32), (256, 200, 32))
_TORCH_CLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class Setup:
    """One configuration: gradsim's net and torch's module with the same weights, one batch."""

    def __init__(self, cell: str, H: int, T: int, B: int, task: str, dtype: torch.dtype) -> None:
        self.cfg = RunConfig(
            cell=cell,
            hidden_size=H,
            seq_len=T,
            batch_size=B,
            task=task,
            dtype="float64" if dtype == torch.float64 else "float32",
        )
        dev = torch.device("cpu")
        # as Trainer.reset builds it
        self.task = make_task(self.cfg, dtype, dev)
        self.net = RecurrentNet(self.cfg, self.task.input_size, self.task.output_size, dtype, dev)
        init_network(self.net, self.cfg, torch.Generator().manual_seed(self.cfg.seed))
        self.batch = self.task.sample(np.random.default_rng(self.cfg.seed))
        n = 2 if cell == "lstm" else 1
        z = torch.zeros(B, H, dtype=dtype, device=dev)
        self.state = [tuple(z for _ in range(n))]

        self.rnn = _TORCH_CLS[cell](self.task.input_size, H, batch_first=False, dtype=dtype)
        self.readout = nn.Linear(H, self.task.output_size, dtype=dtype)
        layer = self.net.layers[0]
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(self.rnn, name + "_l0").copy_(getattr(layer, name))
            self.readout.weight.copy_(self.net.readout.weight)
            self.readout.bias.copy_(self.net.readout.bias)
        self.params = list(self.rnn.parameters()) + list(self.readout.parameters())

    def baseline(self) -> None:
        """Fused forward + readout + loss + backward (no per-step capture)."""
        for p in self.params:
            p.grad = None
        h, _ = self.rnn(self.batch.x)
        loss = self.task.loss(self.readout(h), self.batch.y, h)
        loss.backward()

    def instrumented(self):
        return capture(self.net, self.task, self.batch, self.state, self.cfg)

    def general(self):
        return capture_autograd(self.net, self.task, self.batch, self.state, self.cfg)

    def torch_grads(self) -> dict[str, torch.Tensor]:
        self.baseline()
        g = {
            f"layers.0.{n}": getattr(self.rnn, n + "_l0").grad for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        }
        g["readout.weight"] = self.readout.weight.grad
        g["readout.bias"] = self.readout.bias.grad
        return g


def exactness(cell: str, H: int, T: int, B: int, task: str) -> tuple[float, float]:
    """Max abs difference between capture_fast's parameter gradients and torch's, both in
    float64; and the float32 capture's (the path the benchmark times) max difference from
    torch's float64 gradients, relative to their largest component."""
    s = Setup(cell, H, T, B, task, torch.float64)
    ref = s.torch_grads()
    got = capture_fast(s.net, s.task, s.batch, s.state, s.cfg).grads
    err64 = max(float((got[k] - ref[k]).abs().max()) for k in ref)
    s32 = Setup(cell, H, T, B, task, torch.float32)
    got32 = capture_fast(s32.net, s32.task, s32.batch, s32.state, s32.cfg).grads
    scale = max(float(g.abs().max()) for g in ref.values())
    err32 = max(float((got32[k].double() - ref[k]).abs().max()) for k in ref) / scale
    return err64, err32


def lstm_path(s: Setup) -> str:
    """Which LSTM strategy capture_fast takes for this setup (see bptt._lstm_fused_ok)."""
    if s.cfg.cell != "lstm":
        return "-"
    fused = bptt._lstm_fused_ok(s.batch.x, s.cfg.batch_size, s.cfg.hidden_size, set())
    return "fused" if fused else "loop"


def time_pair(fa, fb, budget_s: float, min_rep: int = 3, max_rep: int = 25) -> tuple[float, float]:
    """Median seconds of ``fa`` and ``fb``, interleaved, after one warm-up call each.

    Repeats fit ``budget_s`` (at least ``min_rep``): the sides alternate so slow phases of a
    noisy machine hit both equally.
    """
    fa()
    fb()
    t0 = time.perf_counter()
    fa()
    fb()
    one = time.perf_counter() - t0
    reps = int(max(min_rep, min(max_rep, budget_s / max(one, 1e-9))))
    ta, tb = [], []
    for i in range(reps):
        order = (fa, fb) if i % 2 == 0 else (fb, fa)
        for f in order:
            t = time.perf_counter()
            f()
            (ta if f is fa else tb).append(time.perf_counter() - t)
    return statistics.median(ta), statistics.median(tb)


def _fmt_ratio(r: float, cell: str) -> str:
    return f"{r:6.2f}" + ("!" if r > TARGETS[cell][1] else " ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a subset of sizes (H 16/64, T 50/200), under a minute")
    ap.add_argument("--cells", default=",".join(CELLS), help="comma-separated subset of rnn,lstm,gru")
    ap.add_argument("--task", default="adding", choices=("adding", "sine", "recall"), help="task (default adding)")
    ap.add_argument(
        "--budget",
        type=float,
        default=None,
        help="total seconds for the timing (default 540, 45 with --quick); repeats shrink to fit",
    )
    ap.add_argument("--no-check", action="store_true", help="skip the float64 exactness column")
    ap.add_argument("--no-autograd", action="store_true", help="skip the general-path reference timings")
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    cells = [c.strip() for c in args.cells.split(",") if c.strip()]
    bad = [c for c in cells if c not in CELLS]
    if bad:
        ap.error(f"unknown cell(s) {bad}; choose from {CELLS}")
    hs, ts, bs = ((16, 64), (50, 200), BS) if args.quick else (HS, TS, BS)
    budget = args.budget if args.budget is not None else (45.0 if args.quick else 540.0)
    grid = list(itertools.product(cells, hs, ts, bs))
    auto_sizes = (
        [] if args.no_autograd else [(c, *s) for c in cells for s in AUTOGRAD_SIZES if not args.quick or s[0] <= 64]
    )
    # cost weight ~ T·(B·H + H²)·gates: big configs get proportionally more of the budget,
    # but every config gets at least min_rep repeats
    weights = {k: k[2] * (k[1] * k[3] + k[1] ** 2 + 2000) for k in grid}

    print(
        f"gradsim bench_bptt  torch {torch.__version__}  python {platform.python_version()}  "
        f"threads {torch.get_num_threads()}  task {args.task}  float32  {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(
        f"{'cell':4} {'H':>4} {'T':>5} {'B':>3} {'base ms':>9} {'instr ms':>9} {'ratio':>7} {'exact64':>8} "
        f"{'rel32':>8} {'path':>5}"
    )
    start = time.perf_counter()
    timing_budget = budget * (0.92 if auto_sizes else 1.0)
    total_w = sum(weights.values())
    ratios: dict[str, list[float]] = {c: [] for c in cells}
    rows = []
    for k in grid:
        cell, H, T, B = k
        elapsed = time.perf_counter() - start
        left = max(0.0, timing_budget - elapsed)
        share = left * weights[k] / total_w
        total_w -= weights[k]
        s = Setup(cell, H, T, B, args.task, torch.float32)
        tb, ti = time_pair(s.baseline, s.instrumented, share / 2.2)
        err, err32 = (float("nan"),) * 2 if args.no_check else exactness(cell, H, T, B, args.task)
        r = ti / tb
        ratios[cell].append(r)
        rows.append((cell, H, T, B, tb, ti, r, err, err32))
        print(
            f"{cell:4} {H:4d} {T:5d} {B:3d} {tb * 1e3:9.3f} {ti * 1e3:9.3f} {_fmt_ratio(r, cell)} {err:8.1e} "
            f"{err32:8.1e} {lstm_path(s):>5}",
            flush=True,
        )

    print("\nper cell (target: median ≤ goal, max ≤ limit; '!' marks a size above the limit)")
    print(f"{'cell':4} {'median':>7} {'max':>6} {'goal':>5} {'limit':>5}  verdict")
    ok = True
    for cell in cells:
        med, mx = statistics.median(ratios[cell]), max(ratios[cell])
        goal, limit = TARGETS[cell]
        verdict = "meets" if med <= goal and mx <= limit else ("within limit" if mx <= limit else "MISSES")
        ok &= mx <= limit
        print(f"{cell:4} {med:7.2f} {mx:6.2f} {goal:5.1f} {limit:5.1f}  {verdict}")

    if auto_sizes:
        print("\ngeneral path (capture_autograd: unrolled cell + autograd.grad w.r.t. every h_t), for reference")
        print(f"{'cell':4} {'H':>4} {'T':>5} {'B':>3} {'base ms':>9} {'autograd ms':>11} {'ratio':>7}")
        for cell, H, T, B in auto_sizes:
            s = Setup(cell, H, T, B, args.task, torch.float32)
            assert has_fast_path(s.cfg)
            left = max(0.5, budget - (time.perf_counter() - start))
            tb, ta = time_pair(s.baseline, s.general, left / (2.2 * len(auto_sizes)), min_rep=3)
            print(f"{cell:4} {H:4d} {T:5d} {B:3d} {tb * 1e3:9.3f} {ta * 1e3:11.3f} {ta / tb:7.2f}", flush=True)
    print(f"\nwall {time.perf_counter() - start:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
