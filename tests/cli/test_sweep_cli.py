"""``gradsim sweep`` and ``gradsim sweep-plot`` as a user runs them (subprocesses): bad input
is one line and exit 2, a killed sweep resumes, the phase diagram is written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GRID = """
description = "cli tiny"
steps = {steps}
seeds = 2
[base]
task = "adding"
hidden_size = 4
batch_size = 4
init = "orthogonal"
seq_len = 5
[axes]
cell = ["rnn", "gru"]
init_gain = {{ log = [0.5, 2.0], num = 3 }}
[plot]
x = "init_gain"
y = "cell"
"""


def gradsim(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gradsim", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)


@pytest.fixture
def grid(tmp_path) -> Path:
    p = tmp_path / "grid.toml"
    p.write_text(GRID.format(steps=3), encoding="utf-8")
    return p


@pytest.mark.parametrize("args, words", [
    (["--grid", "no-such-grid"], "no such file or shipped grid"),
    (["--grid", "{bad}"], "unknown field"),
    (["--grid", "{grid}", "--workers", "0"], "--workers = 0"),
    (["--grid", "{grid}", "--retries", "-1"], "--retries = -1"),
    (["--grid", "{grid}", "--scheduler", "tcp://127.0.0.1:1", "--timeout", "1"], "cannot connect to the Dask"),
    (["--grid", "{grid}", "--timeout", "0"], "--timeout = 0"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, grid, args, words):
    bad = tmp_path / "bad.toml"
    bad.write_text(GRID.format(steps=3).replace('cell = ["rnn", "gru"]', 'colour = [1]'), encoding="utf-8")
    args = [a.format(grid=grid, bad=bad) for a in args]
    r = gradsim("sweep", *args, "--out", str(tmp_path / "out"), timeout=120)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_sweep_then_plot_every_format(tmp_path, grid):
    out = tmp_path / "s"
    r = gradsim("sweep", "--grid", str(grid), "--out", str(out), "--workers", "2", "--plot")
    assert r.returncode == 0, r.stderr
    assert "complete; 12 ran now" in r.stdout
    for name in ("results.parquet", "results.csv", "sweep.json", "grid.toml", "phase.png", "phase.svg", "phase.csv"):
        assert (out / name).stat().st_size > 0, name
    assert json.loads((out / "sweep.json").read_text())["complete"] is True
    r = gradsim("sweep-plot", str(out), "--metric", "reach_start", "--out", str(tmp_path / "p.pdf"),
                "--out", str(tmp_path / "p.csv"), "--size", "900x500")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.pdf").read_bytes()[:4] == b"%PDF"
    assert (tmp_path / "p.csv").read_text().startswith("init_gain,cell,reach_start,runs")
    bad = gradsim("sweep-plot", str(out), "--metric", "colour")
    assert bad.returncode == 2 and "--metric colour: unknown" in bad.stderr


def test_killed_sweep_resumes_where_it_stopped(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(steps=60), encoding="utf-8")
    out = tmp_path / "s"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "gradsim", "sweep", "--grid", str(grid), "--out", str(out),
                             "--workers", "1", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    records = out / "records"
    deadline = time.monotonic() + 180
    try:
        # kill the whole process group (sweep and its worker) once two runs are recorded
        while not (records.is_dir() and len(list(records.glob("*.json"))) >= 2):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no run finished in time"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    done = {p.name: p.stat().st_mtime_ns for p in records.glob("*.json")}
    assert 2 <= len(done) < 12
    r = gradsim("sweep", "--grid", str(grid), "--out", str(out), "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert f"complete; {12 - len(done)} ran now, {len(done)} done before" in r.stdout
    assert all((records / n).stat().st_mtime_ns == t for n, t in done.items())
    for p in records.glob("*.json"):  # a record is whole or absent: the kill left no torn file
        assert json.loads(p.read_text())["run_id"] == p.stem
