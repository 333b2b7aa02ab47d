"""Run (part of) the test suite N times while CPU-heavy processes run beside it.

The brief's bar: the suite passes 20 runs out of 20 on a loaded 2-core machine (CI is
one). This script starts ``--burners`` processes that spin on the CPU (default: one per
core), runs ``pytest ARGS`` ``--runs`` times, and prints each run's result and time and
the tally. The burners are stopped however the script ends.

    python tools/suite_under_load.py --runs 20 -- tests/app -q -x
    python tools/suite_under_load.py --runs 2 --burners 2 -- -q          # the whole suite twice
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import time


def _spin() -> None:  # pragma: no cover - runs in a burner process
    x = 0
    while True:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", metavar="DIR", help="write each failed run's whole output to DIR/run-N.txt")
    ap.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    args = ap.parse_args()
    burners = [mp.Process(target=_spin, daemon=True) for _ in range(args.burners)]
    for b in burners:
        b.start()
    passed = 0
    try:
        for i in range(1, args.runs + 1):
            t0 = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], capture_output=True, text=True)
            tail = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
            load = os.getloadavg()[0]
            passed += proc.returncode == 0
            print(f"run {i:2d}/{args.runs}: exit {proc.returncode}  {time.monotonic() - t0:6.0f} s  "
                  f"load {load:4.1f}  {tail}", flush=True)
            if proc.returncode != 0:
                failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
                print("\n".join("    " + line for line in failed[:20]), flush=True)
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    with open(os.path.join(args.keep, f"run-{i}.txt"), "w", encoding="utf-8") as fh:
                        fh.write(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    finally:
        for b in burners:
            b.terminate()
    print(f"{passed}/{args.runs} runs passed with {args.burners} CPU burner(s) beside them")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
