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


# ------------------------------------------------------------------ hostile grids and folders
def _call(capsys, *argv: str) -> tuple[int, list[str]]:
    from cli_support import call_cli

    code = call_cli(*argv)
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("edit, line", [
    (lambda g: "steps = = 3\n", "grid file '{p}' is not valid TOML: "),
    (lambda g: g + "title = 'x'\n", "grid file '{p}': [plot]: unknown key 'title' (known: metric, x, y)"),
    (lambda g: g.replace('x = "init_gain"', 'x = "lr"'),
     "grid file '{p}': [plot] x = 'lr': not an axis of this grid (axes: cell, init_gain)"),
    (lambda g: g.replace("[plot]", "[metrics]\nsize = 3\n[plot]"),
     "grid file '{p}': [metrics]: unknown key 'size' (known: reach_fraction, learned_below, tail)"),
    (lambda g: g.replace('cell = ["rnn", "gru"]', "cell = []"), "grid file '{p}': [axes] cell: no values"),
    (lambda g: g.replace("{ log = [0.5, 2.0], num = 3 }", "{ range = [0.5, 2.0], step = 1e-12 }"),
     "grid file '{p}': [axes] init_gain: the range has 1500000000001 values, more than 10000"),
    (lambda g: g.replace("seq_len = 5", "seq_len = 0"),
     "grid file '{p}': [base]: seq_len = 0: must be an integer ≥ 1 and ≤ 2000 (time steps per sequence "
     "(columns of the heatmap))"),
    (lambda g: "a = " + "[" * 3000 + "]" * 3000 + "\n",
     "grid file '{p}' is not valid TOML: arrays or tables nested too deeply"),
])
def test_a_hostile_grid_is_one_line_and_creates_nothing(tmp_path, capsys, edit, line):
    p = tmp_path / "grid.toml"
    p.write_text(edit(GRID.format(steps=3)), encoding="utf-8")
    out = tmp_path / "out"
    code, lines = _call(capsys, "sweep", "--grid", str(p), "--out", str(out))
    assert code == 2 and len(lines) == 1, lines
    expected = "gradsim: error: " + line.replace("{p}", str(p))
    assert lines[0].startswith(expected) if expected.endswith(": ") else lines[0] == expected
    assert not out.exists()


def test_a_named_pipe_as_the_grid_never_hangs(tmp_path):
    """No writer on the pipe: refused at once (the timeout only turns a hang into a failure)."""
    fifo = tmp_path / "grid.toml"
    os.mkfifo(fifo)
    r = gradsim("sweep", "--grid", str(fifo), "--out", str(tmp_path / "out"), timeout=240)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == f"gradsim: error: cannot read grid file '{fifo}': not a regular file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]


@pytest.fixture
def sweep_folder(tmp_path):
    """A sweep folder with its manifest and no runs (the errors come before any row is read)."""
    from gradsim.runs import sweep as sw

    grid = tmp_path / "grid.toml"
    grid.write_text(GRID.format(steps=3), encoding="utf-8")
    out = tmp_path / "s"
    sw.ResultStore(out).write_manifest(sw.load_grid(grid), complete=False)
    return out


@pytest.mark.parametrize("where, extra, line", [
    ("missing", [], "sweep folder '{d}': no such folder"),
    ("a file", [], "'{d}' is not a folder (a sweep folder is written by `gradsim sweep`)"),
    ("empty", [], "'{d}' is not a sweep folder (no sweep.json; make one with `gradsim sweep`)"),
    ("sweep", ["--x", "lr"], "--x lr: not an axis of this sweep (axes: cell, init_gain)"),
    ("sweep", ["--y", "init_gain", "--x", "init_gain"], "--x and --y are both 'init_gain': give two different axes"),
    ("sweep", ["--size", "100000x700"], "--size '100000x700': expected WxH in pixels, each side 1 to 8192, "
                                        "e.g. 1600x700"),
    ("sweep", ["--metric", "colour"], "--metric colour: unknown (known: learned, tail_vs_baseline, "
                                      "best_vs_baseline, reach_start, reach_end, decay_start, decay_end, "
                                      "gamma_sigma_start, rho_end, sigma_max_end, diverged)"),
])
def test_sweep_plot_errors_are_one_line_and_write_nothing(tmp_path, capsys, monkeypatch, sweep_folder, where, extra,
                                                          line):
    monkeypatch.setattr("gradsim.cli.sweep.headless_qt", lambda: None)  # no figure: keep pytest-qt's handler
    d = {"missing": tmp_path / "gone", "a file": tmp_path / "grid.toml", "empty": tmp_path / "empty",
         "sweep": sweep_folder}[where]
    if where == "empty":
        d.mkdir()
    out = tmp_path / "plots" / "p.png"
    code, lines = _call(capsys, "sweep-plot", str(d), *extra, "--out", str(out), "--out", str(out.with_suffix(".csv")))
    assert code == 2 and lines == ["gradsim: error: " + line.replace("{d}", str(d))]
    assert not out.parent.exists()
