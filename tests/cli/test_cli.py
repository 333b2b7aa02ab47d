"""The command line, as a user runs it: subprocesses, exit codes, files written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib

import numpy as np
import pytest

from gradsim.config import load_config
from gradsim.runs.folder import METRIC_COLUMNS, OUTPUT_FILES
from gradsim.content.presets import list_presets, load_preset


def gradsim(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "gradsim", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture(scope="module")
def sine_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sine")
    r = gradsim("run", "--preset", "seed002-sine", "--steps", "40", "--set", "seed=3", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    return out, r


def test_run_writes_every_file(sine_run):
    out, r = sine_run
    for name in OUTPUT_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert "wrote" in r.stdout and "40 steps" in r.stdout
    assert "Traceback" not in r.stderr


def test_metrics_csv_one_row_per_iteration(sine_run):
    out, _ = sine_run
    lines = (out / "metrics.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header[: len(METRIC_COLUMNS)] == METRIC_COLUMNS
    assert "grad_norm[layers.0.weight_hh]" in header
    assert len(lines) == 1 + 40
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(range(40))


def test_grad_steps_npz_shapes(sine_run):
    out, _ = sine_run
    with np.load(out / "grad_steps.npz") as z:
        for v in ("total", "last", "weight"):
            assert z[v].dtype == np.float32 and z[v].shape == (40, 49)
        assert list(z["step"]) == list(range(40))
        assert int(z["stride"]) == 1
        # the sine loss sits at every step: the total signal at the last step equals the last-step view
        np.testing.assert_allclose(z["total"][:, -1], z["last"][:, -1], rtol=1e-6)


def test_summary_json(sine_run):
    out, _ = sine_run
    s = json.loads((out / "summary.json").read_text())
    assert s["steps"] == 40 and s["diverged_at"] is None
    assert s["steps_per_second"] > 0 and s["wall_seconds"] >= s["train_seconds"] > 0
    assert np.isfinite(s["final_loss"])
    for k in ("python", "torch", "numpy", "qt"):
        assert s["versions"][k]


def test_config_toml_loads_back(sine_run, tmp_path):
    out, _ = sine_run
    cfg = load_config(out / "config.toml")
    assert cfg == load_preset("seed002-sine").replace(seed=3)
    r = gradsim("run", "--config", str(out / "config.toml"), "--steps", "40", "--out", str(tmp_path), "--quiet",
                "--no-figures")
    assert r.returncode == 0, r.stderr
    # same config and seed: bit-identical metrics (step_seconds aside)
    a = np.genfromtxt(out / "metrics.csv", delimiter=",", names=True)
    b = np.genfromtxt(tmp_path / "metrics.csv", delimiter=",", names=True)
    for col in ("loss", "grad_norm", "spectral_radius"):
        assert np.array_equal(a[col], b[col]), col


def test_figures_are_images(sine_run):
    out, _ = sine_run
    for name in ("loss", "predictions", "heatmap"):
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (out / f"{name}.svg").read_text(errors="replace")[:2000]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "--preset", "nope", "--out", "X"], "unknown preset 'nope'"),
        (["run", "--preset", "vanishing", "--set", "lr=-1", "--out", "X"], "lr = -1.0: must be a number > 0"),
        (["run", "--preset", "vanishing", "--set", "seq_len=5000", "--out", "X"], "seq_len = 5000: must be an integer"),
        (["run", "--preset", "vanishing", "--set", "seq_len=3.5", "--out", "X"], "seq_len = '3.5'"),
        (["run", "--preset", "vanishing", "--set", "colour=red", "--out", "X"], "colour: unknown field"),
        (["run", "--preset", "vanishing", "--set", "cell=transformer", "--out", "X"], "one of rnn, lstm, gru"),
        (["run", "--preset", "vanishing", "--set", "tbptt=500", "--out", "X"], "tbptt = 500"),
        (["run", "--config", "/nonexistent/gradsim.toml", "--out", "X"], "cannot read config file"),
        (["run", "--preset", "vanishing"], "required: --out"),
        (["run", "--preset", "vanishing", "--steps", "0", "--out", "X"], "--steps = 0"),
        (["bogus"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, needle, tmp_path):
    args = [str(tmp_path / "o") if a == "X" else a for a in args]
    r = gradsim(*args, timeout=60)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert needle in lines[0]
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_broken_config_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("lr = = 3\n")
    r = gradsim("run", "--config", str(bad), "--out", str(tmp_path / "o"), timeout=60)
    assert r.returncode == 2 and "is not valid TOML" in r.stderr and str(bad) in r.stderr


def test_unwritable_out(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = gradsim("run", "--preset", "vanishing", "--out", str(blocker / "sub"), timeout=60)
    assert r.returncode == 2
    assert "cannot write to output folder" in r.stderr and str(blocker / "sub") in r.stderr


def test_diverging_run_writes_everything_and_exits_0(tmp_path):
    r = gradsim(
        "run", "--preset", "seed002-sine", "--set", "activation=identity", "--set", "init=orthogonal",
        "--set", "init_gain=3", "--set", "seq_len=200", "--set", "stateful=false",
        "--steps", "6", "--out", str(tmp_path), "--quiet",
    )
    assert r.returncode == 0, r.stderr
    assert "diverged at step 0" in r.stdout
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["diverged_at"] == 0
    rows = (tmp_path / "metrics.csv").read_text().splitlines()
    assert len(rows) == 7 and rows[1].split(",")[8] == "1"
    for name in OUTPUT_FILES:
        assert (tmp_path / name).is_file(), name


def test_presets_lists_each_on_one_line():
    r = gradsim("presets", timeout=60)
    assert r.returncode == 0
    for name, p in list_presets().items():
        line = next(line for line in r.stdout.splitlines() if line[2:].startswith(name + " "))
        assert p.description[:40] in line


def test_config_command_prints_loadable_toml(tmp_path):
    r = gradsim("config", "--preset", "exploding", "--set", "clip=norm", timeout=60)
    assert r.returncode == 0
    data = tomllib.loads(r.stdout)
    assert data["clip"] == "norm" and data["init_gain"] == 3.0
    p = tmp_path / "c.toml"
    p.write_text(r.stdout)
    assert load_config(p) == load_preset("exploding").replace(clip="norm")


def test_fields_lists_every_field():
    from gradsim.config import field_specs

    r = gradsim("fields", timeout=60)
    assert r.returncode == 0
    for name in field_specs():
        assert f"\n{name} = " in "\n" + r.stdout


def test_help_mentions_every_command():
    r = gradsim("--help", timeout=60)
    assert r.returncode == 0
    for cmd in ("run", "presets", "fields", "config", "gui"):
        assert cmd in r.stdout


def test_cliff_command_writes_the_figure(tmp_path):
    r = gradsim("cliff", "--out", str(tmp_path / "cliff.png"), "--steps", "12", timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "cliff.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.stderr == ""  # the offscreen platform's noise is filtered


def test_cliff_command_unwritable(tmp_path):
    r = gradsim("cliff", "--out", str(tmp_path / "missing" / "cliff.png"), timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "cliff.png" in r.stderr


def test_animate_command_writes_a_gif(tmp_path):
    out = tmp_path / "run.gif"
    r = gradsim("animate", "--preset", "seed002-sine", "--steps", "12", "--frames", "6", "--size", "320x180",
                "--out", str(out), "--quiet", timeout=180)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:6] in (b"GIF89a", b"GIF87a")


def test_report_command_writes_html(tmp_path):
    out = tmp_path / "report.html"
    r = gradsim("report", "--preset", "seed002-sine", "--steps", "10", "--out", str(out), "--quiet", timeout=180)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "<html" in text.lower() and "data:image/png;base64," in text and "seed" in text


def test_help_does_not_import_torch():
    code = "import sys; from gradsim.cli import build_parser; build_parser(); print('torch' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "False"


def test_run_logs_to_tensorboard_too(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from cli_support import call_cli

    tb = tmp_path / "tb"
    code = call_cli("run", "--set", "seq_len=8", "--set", "hidden_size=4", "--set", "batch_size=2", "--steps", "3",
                    "--no-figures", "--quiet", "--out", str(tmp_path / "run"), "--tensorboard", str(tb))
    assert code == 0
    acc = EventAccumulator(str(tb))
    acc.Reload()
    loss = [e.value for e in acc.Scalars("loss")]
    csv_loss = [float(line.split(",")[1]) for line in (tmp_path / "run" / "metrics.csv").read_text().splitlines()[1:]]
    assert len(loss) == 3 and np.allclose(loss, csv_loss, rtol=1e-6)  # the same run, step by step
