"""Sweep throughput: speed-up over one worker against the worker count, local pool and Dask.

Every number is a ratio against a baseline measured in the same run:

- **speed-up(w)** = wall time of the runs on 1 worker / on w workers (same backend, the
  backend started before the clock, so process start-up is reported apart); goal ≥ 0.8 × w;
- **vs serial** = the same runs called one after another in this process (no pool, no
  store) / the backend's wall time: what the whole sweep machinery costs or gains;
- **overhead per run** = (sweep wall time − the runs' own wall time) / runs, on one worker,
  with runs of one training step: scheduling, pickling, the record's fsync, the table.

Workloads: a tanh RNN on the adding problem (H = 16, T = 20, B = 32), its step count
calibrated here so that one run takes ~1 s and ~10 s.

    python benchmarks/bench_sweep.py                 # both backends, 1 and all cores, ~1 s and ~10 s runs
    python benchmarks/bench_sweep.py --quick         # ~1 s runs only
    python benchmarks/bench_sweep.py --seconds 10 --no-overhead
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from gradsim.runs import sweep as sw


def grid(steps: int, runs: int, seq_len: int = 20) -> sw.Grid:
    return sw.parse_grid({
        "steps": steps, "seeds": runs,
        "base": {"task": "adding", "hidden_size": 16, "batch_size": 32, "seq_len": seq_len, "init": "orthogonal",
                 "lr": 0.01, "spectrum_every": 50},
        "axes": {"init_gain": [1.0]},
    })


def calibrate(target_s: float) -> int:
    """Steps that make one run take about ``target_s`` seconds in this process."""
    import torch

    torch.set_num_threads(1)
    spec = grid(20, 1).runs()[0]
    sw.execute_run(spec)  # warm up
    rec = sw.execute_run(grid(200, 1).runs()[0])
    per_step = rec["wall_seconds"] / 200
    return max(1, round(target_s / per_step))


def serial(g: sw.Grid) -> float:
    t0 = time.perf_counter()
    for spec in g.runs():
        sw.execute_run(spec)
    return time.perf_counter() - t0


def timed(g: sw.Grid, backend) -> tuple[float, float]:
    """(wall time of the sweep, sum of the runs' own wall time)."""
    out = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    try:
        t0 = time.perf_counter()
        report = sw.run_sweep(g, out, backend=backend)
        wall = time.perf_counter() - t0
        assert report.complete and not report.failed, report
        own = sum(r["wall_seconds"] for r in sw.read_table(out))
        return wall, own
    finally:
        shutil.rmtree(out, ignore_errors=True)


class Backends:
    """Start each backend once per worker count; report its start-up time."""

    def __init__(self) -> None:
        self.started: dict[tuple[str, int], float] = {}
        self._clusters = []

    def make(self, kind: str, workers: int):
        t0 = time.perf_counter()
        if kind == "local":
            b = sw.LocalPool(workers)
            # spawn the processes and import torch in each (they start lazily otherwise)
            for f in [b.submit(s, 1) for s in grid(1, 2 * workers).runs()]:
                f.result()
        else:
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=":0")
            client = Client(cluster)
            self._clusters.append((client, cluster))
            b = sw.DaskBackend(client=client)
            client.gather(client.map(sw.execute_run, grid(1, workers).runs(), pure=False))  # import torch there
        self.started[(kind, workers)] = time.perf_counter() - t0
        return b

    def close(self, b) -> None:
        b.close()
        for client, cluster in self._clusters:
            client.close()
            cluster.close()
        self._clusters = []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="~1 s runs only")
    ap.add_argument("--seconds", type=float, nargs="+", default=None, help="run lengths to measure (default 1 10)")
    ap.add_argument("--no-overhead", action="store_true", help="skip the per-run overhead measurement")
    ap.add_argument("--backends", default="local,dask")
    args = ap.parse_args()
    cores = sw.default_workers()
    counts = sorted({1, cores})
    kinds = args.backends.split(",")
    targets = args.seconds or ([1.0] if args.quick else [1.0, 10.0])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {cores}; load average at start: {load:.2f}")
    back = Backends()
    rows = []
    for target in targets:
        steps = calibrate(target)
        n_runs = 4 * cores
        g = grid(steps, n_runs)
        base = serial(g)
        print(f"\n~{target:g} s runs ({steps} steps), {n_runs} runs; serial in-process baseline {base:.1f} s "
              f"({base / n_runs:.2f} s per run)")
        for kind in kinds:
            one = None
            for w in counts:
                b = back.make(kind, w)
                try:
                    wall, own = timed(g, b)
                finally:
                    back.close(b)
                one = one or wall
                speedup = one / wall
                rows.append((target, kind, w, wall, speedup, base / wall))
                print(f"  {kind:5s} {w} worker(s): {wall:6.1f} s  speed-up over 1 worker {speedup:4.2f} "
                      f"({speedup / w:4.2f} × workers)  vs serial {base / wall:4.2f}  "
                      f"[start-up {back.started[(kind, w)]:.1f} s, not counted]")
    g = grid(1, 40)
    if not args.no_overhead:
        print("\nper-run overhead, runs of 1 training step, 1 worker, 40 runs:")
    for kind in [] if args.no_overhead else kinds:
        b = back.make(kind, 1)
        try:
            timed(g, b)  # warm the path once
            wall, own = timed(g, b)
        finally:
            back.close(b)
        print(f"  {kind:5s}: {(wall - own) / 40 * 1000:5.1f} ms per run (sweep {wall:.2f} s, runs' own {own:.2f} s)")
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
