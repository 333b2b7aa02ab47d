"""Memory and time of gradsim's bounded training history over a long run.

Simulates an hour at full speed: ``seq_len`` = 1000 and 66 training steps per second
(the trainer's rate at H = 64, T = 200, B = 32 on the 2-core benchmark machine is lower;
66/s is the issue's "full speed" figure) give 66 × 3600 = 237,600 appends. Each append
goes into :class:`gradsim.core.history.History`'s own buffers (three per-step views of
``seq_len`` float32 values and the scalar series), fed from a pool of random rows so that
the run takes seconds, not an hour. At 10k, 100k and 237.6k appends it reports

* ``History.nbytes`` (what its arrays hold),
* the growth of the process's resident memory (RSS) since before the History existed,
* the same for a naive history, a Python list of row copies, measured over a short run
  and extrapolated linearly, and the ratio naive / History;

and the time per ``History.append`` of a real :class:`~gradsim.core.trainer.Snapshot`.

Run ``python benchmarks/bench_history.py`` (about half a minute) or ``--quick``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from types import MappingProxyType

import numpy as np

from gradsim.core.history import SCALARS, History
from gradsim.core.trainer import Snapshot

MB = 1 << 20


def rss_bytes() -> int:
    """Current resident set size of this process (Linux /proc; falls back to peak RSS)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def row_pool(seq_len: int, k: int = 64, seed: int = 0) -> list[np.ndarray]:
    """Random per-step views: log-normal magnitudes, like gradient norms."""
    rng = np.random.default_rng(seed)
    return [np.exp(rng.normal(-5, 3, seq_len)).astype(np.float32) for _ in range(k)]


def fill_history(h: History, n_from: int, n_to: int, pool: list[np.ndarray]) -> None:
    """Append steps [n_from, n_to) straight into the History's buffers (what
    History.append does, minus reading the fields of a Snapshot)."""
    views = list(h.views.values())
    scalars = list(h.scalars.values())
    k = len(pool)
    for step in range(n_from, n_to):
        for j, buf in enumerate(views):
            buf.append(step, pool[(step + j) % k])
        x = float(pool[step % k][0])
        for buf in scalars:
            buf.append(step, x)
    h.count = n_to


def naive_bytes_per_append(seq_len: int, n: int, pool: list[np.ndarray]) -> float:
    """RSS growth per append of a naive history: every row kept, as a list of copies."""
    gc.collect()
    r0 = rss_bytes()
    rows: list = []
    k = len(pool)
    for step in range(n):
        rows.append((step, [pool[(step + j) % k].copy() for j in range(3)], [float(step)] * len(SCALARS)))
    per = (rss_bytes() - r0) / n
    del rows
    gc.collect()
    return per


def snapshot(step: int, views: dict[str, np.ndarray], seq_len: int) -> Snapshot:
    nan = np.full((seq_len, 1), np.nan)
    return Snapshot(
        step=step,
        loss=0.1,
        grad_norm=1.0,
        grad_norm_after=1.0,
        clipped=False,
        diverged=False,
        diverged_at=None,
        spectral_radius=0.9,
        sigma_max=1.1,
        spectrum_step=step,
        views=MappingProxyType(views),
        param_grad_norms=MappingProxyType({"layers.0.weight_hh": 1.0}),
        prediction=nan,
        target=nan,
        inputs=nan,
        step_seconds=0.01,
    )


def time_append(seq_len: int, n: int, pool: list[np.ndarray]) -> tuple[float, float]:
    """Median µs per History.append of a Snapshot, and per raw buffer append (all buffers)."""
    k = len(pool)
    snaps = [
        snapshot(i, {v: pool[(i + j) % k][None, :] for j, v in enumerate(("total", "last", "weight"))}, seq_len)
        for i in range(k)
    ]
    h = History(seq_len)
    per = []
    for rep in range(5):
        t = time.perf_counter()
        for i in range(n):
            h.append(snaps[i % k])
        per.append((time.perf_counter() - t) / n * 1e6)
    h2 = History(seq_len)
    raw = []
    for rep in range(5):
        t = time.perf_counter()
        fill_history(h2, rep * n, (rep + 1) * n, pool)
        raw.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(per), statistics.median(raw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seq-len", type=int, default=1000, help="time steps per view row (default 1000)")
    ap.add_argument("--rate", type=float, default=66.0, help="training steps per second (default 66)")
    ap.add_argument("--hours", type=float, default=1.0, help="simulated run length (default 1)")
    ap.add_argument("--quick", action="store_true", help="a tenth of an hour")
    args = ap.parse_args(argv)
    hours = 0.1 if args.quick else args.hours
    total = round(args.rate * 3600 * hours)
    marks = sorted({m for m in (10_000, 100_000, 237_600, 2 * 237_600, total) if m <= total})
    T = args.seq_len
    pool = row_pool(T)

    print(
        f"gradsim bench_history  python {platform.python_version()}  numpy {np.__version__}  "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(f"seq_len {T}, {args.rate:g} steps/s for {hours:g} h = {total:,} appends")

    gc.collect()
    r0 = rss_bytes()
    h = History(T)
    rows = []
    done = 0
    t0 = time.perf_counter()
    for mark in marks:
        fill_history(h, done, mark, pool)
        done = mark
        v = h.views["total"]
        rows.append((mark, h.nbytes, rss_bytes() - r0, v.stride, len(v)))
    fill_s = time.perf_counter() - t0
    # measured while the History is alive, so that it cannot reuse the History's pages
    naive_n = min(10_000, total)
    naive_per = naive_bytes_per_append(T, naive_n, pool)
    print(f"naive list of rows: {naive_per / 1024:.1f} KiB per append (RSS growth over {naive_n:,} appends)\n")
    print(
        f"{'appends':>9} {'History.nbytes':>15} {'History RSS +':>14} {'naive RSS (extrap.)':>20} {'naive/History':>14}"
        f" {'stride':>7} {'rows':>5}"
    )
    for mark, nbytes, grow, stride, n_rows in rows:
        naive = naive_per * mark
        print(
            f"{mark:9,d} {nbytes / MB:12.1f} MB {grow / MB:11.1f} MB {naive / MB:17.1f} MB {naive / max(grow, 1):13.1f}x"
            f" {stride:7d} {n_rows:5d}"
        )
    per_snap, per_raw = time_append(T, 2000, pool)
    print(
        f"\nHistory.append(Snapshot): {per_snap:.1f} µs per append (median of 5 × 2000); "
        f"raw buffer appends {per_raw:.1f} µs; the {done:,}-append fill took {fill_s:.1f} s"
    )
    print(f"at {args.rate:g} steps/s the history costs {per_snap * args.rate / 1e4:.3f} % of one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
