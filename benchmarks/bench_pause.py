"""How fast Pause and Stop take effect in the app's session (issue 3: within 100 ms).

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_pause.py [--rounds 10] [--backend process|thread]

For each size, the session trains flat out; at a random moment Pause is pressed and
the script records when the last training snapshot arrives on the GUI thread (the
moment training has visibly stopped) and when the worker confirms the pause. Then it
measures Stop (session.shutdown) the same way. A step already running finishes first,
so the bound is one step plus the transport; the step time is printed beside it.

Measured 2026-11-25 (2 cores, offscreen, 5 rounds):

    backend   H     T   B  step ms  pause med ms  pause max ms  stop ms
    process  64   200  32      5.3           4.6           6.4     23.0
    process 256  1000  32    166.8          41.0          84.1     41.2
    thread   64   200  32      5.8           3.5           7.1      2.6
    thread  256  1000  32    166.9          47.8         110.3     94.5

Within 100 ms except where one step alone takes longer (the thread backend at 167 ms
steps: max 110 ms); the step is never interrupted half-way.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gradsim.app.session import Session  # noqa: E402
from gradsim.content.presets import load_preset  # noqa: E402

SIZES = [(64, 200, 32), (256, 1000, 32)]
_KEEP: list = []  # sessions stay alive until exit: queued signals may still name them


def _spin(seconds: float, until=None) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents()
        if until is not None and until():
            return
        time.sleep(0.001)


def measure(backend: str, H: int, T: int, B: int, rounds: int) -> dict:
    cfg = load_preset("vanishing").replace(hidden_size=H, seq_len=T, batch_size=B)
    s = Session(cfg, backend=backend)
    _KEEP.append(s)
    arrivals: list[float] = []
    states: list[tuple[float, str]] = []
    s.dataChanged.connect(lambda: arrivals.append(time.perf_counter()))
    s.stateChanged.connect(lambda st: states.append((time.perf_counter(), st)))
    stops, confirms, steps = [], [], []
    try:
        for _ in range(rounds):
            s.play()
            _spin(1.5 + random.random())  # train a while (first round also starts the worker)
            n0 = s.iteration
            t_run = time.perf_counter()
            _spin(0.5)
            steps.append((time.perf_counter() - t_run) / max(1, s.iteration - n0))
            arrivals.clear()
            t0 = time.perf_counter()
            s.pause()
            _spin(1.0)
            last = max([a for a in arrivals if a >= t0], default=t0)
            stops.append(last - t0)
            # the worker's own "paused" report (the session switched state optimistically)
            confirms.append(max((t for t, st in states if t >= t0), default=t0) - t0)
        s.play()
        _spin(1.0)
        t0 = time.perf_counter()
        ok = s.shutdown(timeout=5.0)
        shutdown = time.perf_counter() - t0
    finally:
        if s.backend is not None:
            s.shutdown(timeout=5.0)
    return {"step": statistics.median(steps), "stop_med": statistics.median(stops), "stop_max": max(stops),
            "shutdown": shutdown, "ok": ok}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--backend", choices=("process", "thread"), default="process")
    args = ap.parse_args()
    QApplication.instance() or QApplication([])
    print(f"backend {args.backend}; pause = last snapshot arriving after Pause (target ≤ 100 ms)")
    print(f"{'H':>4} {'T':>5} {'B':>3} {'step ms':>8} {'pause med ms':>13} {'pause max ms':>13} {'stop ms':>8}")
    for H, T, B in SIZES:
        r = measure(args.backend, H, T, B, args.rounds)
        print(f"{H:>4} {T:>5} {B:>3} {r['step'] * 1e3:8.1f} {r['stop_med'] * 1e3:13.1f} {r['stop_max'] * 1e3:13.1f} "
              f"{r['shutdown'] * 1e3:8.1f}{'' if r['ok'] else '  (stop timed out)'}")


if __name__ == "__main__":
    main()
