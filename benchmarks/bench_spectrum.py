"""Cost of measuring σ_max of W_hh at every step, as a ratio to the training step itself.

The trainer measures σ_max of the pre-update W_hh at every step with
:class:`gradsim.core.theory.SigmaTracker` (warm-started block power iteration, O(H²); an
SVD only at the spectrum steps or when the iteration does not converge). This script
trains the ``vanishing`` preset's model (tanh RNN, adding task, Adam) at H ∈ {64, 256,
1024} and times, in the same run, the step without the tracker's per-step work (the
tracker's calls subtracted) and the tracker's calls alone; it also times what a full SVD
at every step would cost, for comparison. It prints ratios, which survive a loaded
machine better than seconds do.

    python benchmarks/bench_spectrum.py [--steps 30] [--seq-len 100] [--batch 32] [--sizes 64 256 1024]
"""

from __future__ import annotations

import argparse
import os
import time

# one BLAS thread, like the one torch thread: a multi-threaded BLAS on a loaded 2-core machine
# spends more on its threads than on a 1024×3 matrix product
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import torch


def run(hidden: int, steps: int, seq_len: int, batch: int) -> dict:
    from gradsim.content.presets import load_preset
    from gradsim.core.trainer import Trainer

    cfg = load_preset("vanishing").replace(hidden_size=hidden, seq_len=seq_len, batch_size=batch,
                                           spectrum_every=100_000)  # ρ (eigenvalues) at step 0 only
    tr = Trainer(cfg)
    tr.step()  # warm-up: the first call builds the tracker and runs the exact SVD
    tracker = tr._sigma_tracker
    spent = [0.0]
    call = tracker.__call__

    def timed(w, *, exact=False):
        t0 = time.perf_counter()
        try:
            return call(w, exact=exact)
        finally:
            spent[0] += time.perf_counter() - t0

    tr._sigma_tracker = _Wrapped(tracker, timed)
    step_times, iters, svd_times = [], [], []
    svd_before = tracker.svd_calls
    for _ in range(steps):
        spent[0] = 0.0
        t0 = time.perf_counter()
        tr.step()
        total = time.perf_counter() - t0
        step_times.append((total - spent[0], spent[0]))
        iters.append(tracker.iterations)
        w = tr.net.layers[0].weight_hh.detach().double().numpy()
        t1 = time.perf_counter()
        np.linalg.svd(w, compute_uv=False)
        svd_times.append(time.perf_counter() - t1)
    base = np.median([a for a, _ in step_times])
    sigma = np.median([b for _, b in step_times])
    return {"H": hidden, "step_ms": base * 1e3, "sigma_ms": sigma * 1e3, "ratio": sigma / base,
            "svd_ratio": float(np.median(svd_times)) / base, "iters": float(np.mean(iters)),
            "fallbacks": tracker.svd_calls - svd_before, "steps": steps}


class _Wrapped:
    """The tracker with a timed call (the trainer calls ``self._sigma_tracker(w, exact=…)``)."""

    def __init__(self, tracker, call):
        self._tracker, self._call = tracker, call

    def __call__(self, w, *, exact=False):
        return self._call(w, exact=exact)

    def __getattr__(self, name):
        return getattr(self._tracker, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--seq-len", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 256, 1024])
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"vanishing preset's model, T = {args.seq_len}, B = {args.batch}, {args.steps} steps, 1 torch thread")
    print(f"{'H':>6} {'step ms':>9} {'σ ms':>8} {'σ/step':>8} {'SVD/step':>9} {'iters':>6} {'SVD calls':>9}")
    for h in args.sizes:
        r = run(h, args.steps, args.seq_len, args.batch)
        print(f"{r['H']:>6} {r['step_ms']:>9.2f} {r['sigma_ms']:>8.3f} {r['ratio']:>8.3f} {r['svd_ratio']:>9.3f} "
              f"{r['iters']:>6.1f} {r['fallbacks']:>5}/{r['steps']}")


if __name__ == "__main__":
    main()
