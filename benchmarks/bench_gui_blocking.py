"""Does the GUI thread ever wait for a busy or stopped worker? (issue 10)

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui_blocking.py [--seconds 45] [--rate 30]
        [--cases slow,stopped] [--modes queued,sync] [--json out.json]

The real window on the process backend, a 10 ms precise QTimer on the GUI thread (the
lateness probe of ``bench_gui.py``), and a user pressing keys at ``--rate`` presses per
second (a held key repeats at ~30/s): R, Space, S and an edit of the learning rate, in
turn. Cases:

* ``slow``: H=1024, T=2000 (B=32, adding, rnn): one iteration takes ~30 s here, so the
  worker reads no command for that long. Played at once; the presses run the whole time.
* ``stopped``: a small config whose worker gets SIGSTOP (it never reads again), then
  the presses, then File → Quit: seconds from Quit to the window closed.

Modes, each in a fresh interpreter: ``queued`` = the app as it is (commands coalesce in
a queue that a sender thread writes into the pipe); ``sync`` = the old synchronous
``conn.send`` on the GUI thread patched back in, the same-run baseline. Reported: p50 /
p99 / max lateness of the probe (ms), the presses made, the commands still waiting.
Target (issue 10): p99 < 100 ms with a 34-second step.

Measured (2026-12-01, 2-core VM at load 15–18, offscreen, --seconds 45 --rate 30): queued p99 87 ms,
max 1.5 s; the old synchronous send p99 445 ms, max 244 s (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gui import TickProbe, _p, _spin  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SLOW = dict(task="adding", seq_len=2000, batch_size=32, cell="rnn", hidden_size=1024, optimizer="adam", lr=1e-3)
SMALL = dict(task="adding", seq_len=30, batch_size=8, hidden_size=16, optimizer="adam", lr=0.01)


def _patch_sync_send() -> None:
    """The app before issue 10: ProcessChannel.send wrote the pipe on the caller's thread."""
    from gradsim.runs.live import transport

    def send(self, cmd) -> bool:
        if self._closed:
            return False
        try:
            self._conn.send(cmd)
            return True
        except OSError:
            return False

    transport.ProcessChannel.send = send


def role(case: str, mode: str, seconds: float, rate: float) -> dict:
    os.environ.setdefault("GRADSIM_SETTINGS", str(Path(os.environ.get("TMPDIR", "/tmp")) / "gradsim-bench-block.ini"))
    if mode == "sync":
        _patch_sync_send()
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    import pyqtgraph as pg

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True, imageAxisOrder="row-major")
    from gradsim.config import RunConfig
    from gradsim.app.session import Session
    from gradsim.app.window import MainWindow

    session = Session(RunConfig(**(SLOW if case == "slow" else SMALL)), backend="process")
    win = MainWindow(session)
    win.resize(1600, 1000)
    win.show()
    t0 = time.perf_counter()
    while session.run_info is None:
        assert time.perf_counter() - t0 < 300, "worker did not start"
        _spin(app, 0.05)
    pid = session.backend.pid
    if case == "slow":
        session.play()
        _spin(app, 1.0)  # the worker is inside its first (30-s) step now
    else:
        os.kill(pid, signal.SIGSTOP)
    presses = [0]
    keys = [Qt.Key.Key_R, Qt.Key.Key_Space, Qt.Key.Key_S, None]
    lrs = [1e-3, 2e-3]

    def press() -> None:
        key = keys[presses[0] % len(keys)]
        if key is None:
            session.set_field("lr", lrs[presses[0] % 2])  # a control edit: a config command
        else:
            QTest.keyClick(win, key)
        presses[0] += 1

    presser = QTimer()
    presser.setInterval(max(1, int(1000 / rate)))
    presser.timeout.connect(press)
    presser.start()
    probe = TickProbe()
    late = probe.run(app, seconds)
    presser.stop()
    waiting = len(getattr(session.backend._channel, "outbox", ()) or ()) if mode == "queued" else None
    t_quit = time.perf_counter()
    win.actions.quit.trigger()  # File → Quit (Ctrl+Q)
    closed = time.perf_counter() - t_quit
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:
        pass
    return {"case": case, "mode": mode, "presses": presses[0], "iterations": session.iteration if session else None,
            "late_p50_ms": _p(late, 0.5), "late_p99_ms": _p(late, 0.99), "late_max_ms": max(late, default=0.0),
            "ticks": len(late), "waiting_commands": waiting, "quit_s": closed}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=45.0)
    ap.add_argument("--rate", type=float, default=30.0, help="key presses per second")
    ap.add_argument("--cases", default="slow,stopped")
    ap.add_argument("--modes", default="queued,sync")
    ap.add_argument("--json")
    ap.add_argument("--role", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.role:
        case, mode, seconds, rate = a.role
        print("RESULT " + json.dumps(role(case, mode, float(seconds), float(rate))), flush=True)
        os._exit(0)  # as the app does: skip torch/Qt teardown
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    results = []
    for case in a.cases.split(","):
        for mode in a.modes.split(","):
            seconds = a.seconds if case == "slow" else min(a.seconds, 15.0)
            out = subprocess.run([sys.executable, __file__, "--role", case, mode, str(seconds), str(a.rate)],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 600)
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
            if line is None:
                print(f"{case}/{mode} failed:\n{out.stderr[-3000:]}", file=sys.stderr)
                continue
            results.append(json.loads(line[7:]))
            r = results[-1]
            print(f"{r['case']:8s} {r['mode']:7s} presses {r['presses']:5d}  iterations {r['iterations']}  "
                  f"lateness p50 {r['late_p50_ms']:8.1f} ms  p99 {r['late_p99_ms']:8.1f} ms  "
                  f"max {r['late_max_ms']:8.1f} ms  waiting {r['waiting_commands']}  quit {r['quit_s']:.2f} s",
                  flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
