"""The command line against a hostile user: every case is one clear line (exit 2), no hang,
no traceback, and nothing left behind; Ctrl-C is one line (exit 130) and a run folder that
is whole or absent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gradsim.config import RunConfig, config_to_toml
from cli_support import call_cli

TINY = ["--set", "seq_len=8", "hidden_size=4", "batch_size=2"]


def gradsim(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gradsim", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)


def _one_line_refusal(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def in_process(capsys, *args: str) -> subprocess.CompletedProcess:
    """``gradsim ARGS`` in this process (a subprocess costs seconds of torch import each)."""
    try:
        code = call_cli(*args)
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ refused before anything starts
@pytest.mark.parametrize("args, needles", [
    (["run", "--preset", "", "--out", "OUT"], ["--preset", "must not be empty"]),
    (["run", "--config", "", "--out", "OUT"], ["--config", "must not be empty"]),
    (["run", "--out", ""], ["--out", "must not be empty"]),
    (["run", "--out", "   "], ["--out", "must not be empty"]),
    (["compare", "--b-set", "clip=norm", "--out", ""], ["--out", "must not be empty"]),
    (["animate", "--preset", "", "--out", "OUT.gif"], ["--preset"]),
    (["report", "--config", "", "--out", "OUT.html"], ["--config"]),
    (["config", "--preset", ""], ["--preset"]),
    (["run", "--steps", "1000000000000", "--out", "OUT"], ["--steps = 1000000000000", "from 1 to 10000000"]),
    (["run", "--steps", "10000001", "--out", "OUT"], ["--steps = 10000001"]),
    (["run", "--steps", "1e30", "--out", "OUT"], ["--steps", "'1e30'"]),
    (["run", "--steps", "-5", "--out", "OUT"], ["--steps = -5"]),
    (["run", "--threads", "0", "--out", "OUT"], ["--threads = 0"]),
    (["run", "--threads", "100000", "--out", "OUT"], ["--threads = 100000"]),
    (["compare", "--b-set", "clip=norm", "--steps", "99999999999", "--out", "OUT"], ["--steps = 99999999999"]),
    (["animate", "--steps", "10000000000", "--out", "OUT.gif"], ["--steps = 10000000000"]),
    (["report", "--steps", "10000000000", "--out", "OUT.html"], ["--steps = 10000000000"]),
    (["cliff", "--steps", "10000000", "--out", "OUT.png"], ["--steps = 10000000", "from 1 to 1000"]),
    (["cliff", "--steps", "0", "--out", "OUT.png"], ["--steps = 0"]),
    (["run", "--set", "hidden_size=1024", "seq_len=2000", "batch_size=1024", "--out", "OUT"],
     ["needs about", "GB of memory", "available"]),
    (["compare", "--set", "hidden_size=1024", "seq_len=2000", "batch_size=1024", "--b-set", "clip=norm",
      "--out", "OUT"], ["needs about"]),
    (["animate", "--set", "hidden_size=1024", "seq_len=2000", "batch_size=1024", "--out", "OUT.gif"],
     ["needs about"]),
    (["report", "--set", "hidden_size=1024", "seq_len=2000", "batch_size=1024", "--out", "OUT.html"],
     ["needs about"]),
    (["run", "--set", "a=1", "b=2", "--out", "OUT"], ["unknown field"]),
    (["run", "--set", "lr", "--out", "OUT"], ["expected key=value"]),
])
def test_refused_with_one_line_and_nothing_created(tmp_path, capsys, monkeypatch, args, needles):
    """In process (a subprocess each would cost the suite a minute); the subprocess tests
    below cover the same path end to end for a few of them."""
    monkeypatch.chdir(tmp_path)
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    _one_line_refusal(in_process(capsys, *args), *needles)
    assert _listing(tmp_path) == []


def test_refusal_end_to_end(tmp_path):
    args = ["run", "--set", "hidden_size=1024", "seq_len=2000", "batch_size=1024", "--out", "o"]
    _one_line_refusal(gradsim(*args, cwd=tmp_path), "needs about")
    assert _listing(tmp_path) == []


def test_device_cuda_without_cuda_leaves_nothing(tmp_path, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the refusal cannot happen here")
    for args in (["run", "--out", "OUT"], ["compare", "--b-set", "clip=norm", "--out", "OUT"],
                 ["animate", "--out", "OUT.gif"], ["report", "--out", "OUT.html"]):
        argv = [a.replace("OUT", str(tmp_path / "out")) for a in args] + [*TINY, "device=cuda", "--quiet"]
        _one_line_refusal(in_process(capsys, *argv), "CUDA is not available")
        assert _listing(tmp_path) == [], args


def test_a_too_long_path_leaves_no_folder(tmp_path, capsys):
    long_name = "x" * 300
    for out in (tmp_path / long_name / "sub", tmp_path / "a" / "b" / long_name):
        for command in (["run"], ["compare", "--b-set", "clip=norm"]):
            r = in_process(capsys, *command, *TINY, "--steps", "2", "--out", str(out), "--quiet", "--no-figures")
            _one_line_refusal(r, "cannot write to output folder", "File name too long")
            assert _listing(tmp_path) == []


def test_out_that_is_a_file_or_a_folder_of_other_files_is_refused_and_untouched(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("keep")
    _one_line_refusal(in_process(capsys, "run", *TINY, "--steps", "2", "--out", str(blocker), "--quiet"),
                      "not a folder")
    assert blocker.read_text() == "keep"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    (mine / "config.toml").write_text("# mine\n")
    for command in (["run"], ["compare", "--b-set", "clip=norm"]):
        r = in_process(capsys, *command, *TINY, "--steps", "2", "--out", str(mine), "--quiet", "--no-figures")
        _one_line_refusal(r, "not a gradsim run")
    assert _listing(mine) == ["config.toml", "notes.txt"] and (mine / "config.toml").read_text() == "# mine\n"
    # "." is the current folder, never silently filled
    monkeypatch.chdir(mine)
    _one_line_refusal(in_process(capsys, "run", *TINY, "--steps", "2", "--out", ".", "--quiet", "--no-figures"),
                      "not a gradsim run")
    assert _listing(mine) == ["config.toml", "notes.txt"]


@pytest.mark.parametrize("kind", ["fifo", "zero", "deep", "digits", "folder", "huge"])
def test_hostile_config_files_in_run_config_and_compare(tmp_path, capsys, kind):
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        path = tmp_path / "pipe.toml"
        os.mkfifo(path)
    elif kind == "zero":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        path = Path("/dev/zero")
    elif kind == "folder":
        path = tmp_path / "dir.toml"
        path.mkdir()
    else:
        path = tmp_path / f"{kind}.toml"
        text = {"deep": "lr = " + "[" * 5000 + "]" * 5000, "digits": "seed = " + "9" * 5000,
                "huge": "#" * (2 << 20)}[kind]
        path.write_text(text + "\n")
    before = _listing(tmp_path)
    for args in (["run", "--config", str(path), "--out", str(tmp_path / "o")], ["config", "--config", str(path)],
                 ["compare", "--config", str(path), "--b-set", "clip=norm", "--out", str(tmp_path / "o")],
                 ["animate", "--config", str(path), "--out", str(tmp_path / "o.gif")]):
        line = _one_line_refusal(in_process(capsys, *args), repr(str(path)))
        assert "config file" in line
    assert _listing(tmp_path) == before
    if kind == "fifo":  # the whole command, as a user runs it: no hang
        _one_line_refusal(gradsim("run", "--config", str(path), "--out", str(tmp_path / "o"), timeout=60),
                          repr(str(path)))


# ------------------------------------------------------------------ silent wrong behaviour
def test_several_pairs_after_one_set(capsys):
    r = in_process(capsys, "config", "--set", "seq_len=8", "hidden_size=4", "--set", "lr=0.01", "clip=norm")
    assert r.returncode == 0, r.stderr
    import tomllib

    data = tomllib.loads(r.stdout)
    assert (data["seq_len"], data["hidden_size"], data["lr"], data["clip"]) == (8, 4, 0.01, "norm")


def test_no_preset_starts_from_the_documented_field_defaults(capsys):
    r = in_process(capsys, "config")
    assert r.returncode == 0, r.stderr
    assert r.stdout == config_to_toml(RunConfig())
    assert "spectral_radius" not in r.stdout  # `gradsim fields` says: none
    assert "field defaults" in in_process(capsys, "run", "--help").stdout


def test_a_field_another_field_overrides_gets_one_warning(capsys):
    r = in_process(capsys, "config", "--preset", "vanishing", "--set", "init=orthogonal", "--set", "init_gain=1.2")
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines() == [
        "gradsim: warning: init_gain = 1.2 has no effect with spectral_radius = 0.6"]
    quiet = in_process(capsys, "config", "--set", "init=orthogonal", "init_gain=1.2")  # no base radius: it counts
    assert quiet.returncode == 0 and quiet.stderr == ""


# ------------------------------------------------------------------ Ctrl-C
def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # SIGINT as at a terminal, even when the test runner itself was started in the background
    return subprocess.Popen([sys.executable, "-m", "gradsim", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_rows(folder: Path, proc: subprocess.Popen, rows: int, pattern: str = ".gradsim-*.part/metrics.csv",
                   deadline: float = 240) -> None:
    """Poll until a metrics.csv being written under ``folder`` has ``rows`` rows."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()
        for f in folder.glob(pattern):
            try:
                if f.read_text().count("\n") > rows:
                    return
            except OSError:
                pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("training never wrote its rows")


def _check_run_folder(out: Path, figures: bool) -> int:
    """A whole, consistent run folder; returns its step count."""
    summary = json.loads((out / "summary.json").read_text())
    n = summary["steps"]
    assert summary["interrupted_at"] == n > 0
    rows = (out / "metrics.csv").read_text().splitlines()
    assert len(rows) == n + 1 and [int(r.split(",")[0]) for r in rows[1:]] == list(range(n))
    with np.load(out / "grad_steps.npz") as z:
        assert list(z["step"]) == list(range(n))
    assert any(p.suffix == ".png" for p in out.iterdir()) == figures
    assert not any(p.name.startswith(".gradsim-") for p in out.parent.iterdir())
    return n


@pytest.mark.parametrize("command", ["run", "compare"])
def test_ctrl_c_keeps_a_whole_folder_up_to_step_n(tmp_path, command):
    extra = ["--b-set", "clip=norm"] if command == "compare" else []
    proc = _start([command, *TINY, *extra, "--steps", "10000000", "--out", "out", "--quiet", "--no-figures"],
                  tmp_path)
    _wait_for_rows(tmp_path, proc, 3, ".gradsim-*.part/metrics.csv" if command == "run" else ".gradsim-*.part/a/metrics.csv")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    n = int(lines[0].split("interrupted at step ")[1].split(";")[0])
    assert lines[0].endswith(f"out holds steps 0-{n - 1}")
    if command == "run":
        assert _check_run_folder(tmp_path / "out", figures=False) == n
    else:
        for run in ("a", "b"):
            assert _check_run_folder(tmp_path / "out" / run, figures=False) == n
        assert json.loads((tmp_path / "out" / "summary.json").read_text())["interrupted_at"] == n
    assert _listing(tmp_path) == ["out"]


def test_ctrl_c_of_a_rerun_replaces_the_old_run_whole_never_a_mix(tmp_path):
    r = gradsim("run", *TINY, "--steps", "3", "--out", "out", "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "heatmap.png" in _listing(tmp_path / "out")
    proc = _start(["run", *TINY, "seed=5", "--steps", "10000000", "--out", "out", "--quiet", "--no-figures"],
                  tmp_path)
    _wait_for_rows(tmp_path, proc, 3)
    assert "heatmap.png" in _listing(tmp_path / "out")  # the old run stays whole meanwhile
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode == 130
    _check_run_folder(tmp_path / "out", figures=False)  # the new run, whole: no old figure beside it
    assert "seed = 5" in (tmp_path / "out" / "config.toml").read_text()


def test_ctrl_c_of_animate_writes_nothing(tmp_path):
    proc = _start(["animate", *TINY, "--steps", "10000000", "--out", "a.gif", "--quiet"], tmp_path)
    # the animation's hidden temporary file is opened just before training starts
    end = time.monotonic() + 240
    while not any(p.name.startswith(".") for p in tmp_path.iterdir()):
        assert time.monotonic() < end and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradsim: interrupted") and lines[0].endswith("nothing written"), err
    assert _listing(tmp_path) == []


def test_ctrl_c_of_report_is_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    """In process: the interrupt arrives during training, after 5 steps."""
    import gradsim.runs.media as media

    real_train = media.train

    def train_then_interrupt(cfg, steps, progress=None, **kw):
        def stop(done, total):
            progress(done, total)
            if done == 5:
                raise KeyboardInterrupt
        return real_train(cfg, steps, progress=stop, **kw)

    monkeypatch.setattr(media, "train", train_then_interrupt)
    code = call_cli("report", *TINY, "--steps", "50", "--out", str(tmp_path / "r.html"), "--quiet")
    assert code == 130
    assert capsys.readouterr().err == "gradsim: interrupted at step 5; nothing written\n"
    assert _listing(tmp_path) == []



def test_a_ctrl_c_while_the_model_is_built_waits_for_the_build_then_is_one_line(tmp_path, capsys, monkeypatch):
    """Under load the Ctrl-C of `gradsim animate` landed inside the ~800 imports of building a
    model (torch._dynamo, sympy) 1 time in 30, and the run then ended by SIGINT (exit −2) or
    with an ImportError traceback after its "interrupted" line. The build finishes first;
    the Ctrl-C is then one KeyboardInterrupt: exit 130, one line, nothing written."""
    import gradsim.core.trainer as trainer_module

    real_init = trainer_module.Trainer.__init__
    built = []

    def init_interrupted(self, cfg):
        os.kill(os.getpid(), signal.SIGINT)  # as the user's Ctrl-C, at the start of the build
        exec("for _ in range(20000): pass")  # code a library execs, where it used to land
        real_init(self, cfg)
        built.append(True)

    monkeypatch.setattr(trainer_module.Trainer, "__init__", init_interrupted)
    r = in_process(capsys, "animate", *TINY, "--steps", "50", "--out", str(tmp_path / "a.gif"), "--quiet")
    assert built == [True], "the Ctrl-C broke into the build"
    assert r.returncode == 130, (r.returncode, r.stderr)
    assert r.stderr == "gradsim: interrupted at step 0; nothing written\n"
    assert _listing(tmp_path) == []


def test_deferred_interrupt_holds_ctrl_c_until_the_block_ends_and_an_ignored_one_stays_ignored():
    from gradsim.fileio import deferred_interrupt

    done = []
    with pytest.raises(KeyboardInterrupt):
        with deferred_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
            exec("for _ in range(20000): pass")
            done.append("end of the block")
    assert done == ["end of the block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    with deferred_interrupt():  # no Ctrl-C: nothing raised
        done.append("quiet")
    assert done[-1] == "quiet"
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignored (nohup): stays ignored
    try:
        with deferred_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
            exec("for _ in range(20000): pass")
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, old)


# ------------------------------------------------------------------ more hostile files and folders
def _symlink_loop(folder: Path) -> Path:
    a, b = folder / "loop_a.toml", folder / "loop_b.toml"
    os.symlink(b, a)
    os.symlink(a, b)
    return a


@pytest.mark.parametrize("kind, needle", [
    ("array", "seq_len = [8]: must be an integer"),  # an array where a number belongs
    ("mixed_array", "csv_columns = ['a', 1]: must be a text"),  # a wrong type inside an array
    ("inline_table", "lr = {'x': 1}: must be a number"),
    ("nan", "lr = nan: must be a number"),
    ("bool", "seq_len = True: must be an integer"),
    ("date", "seed = datetime.date(1979, 5, 27)"),
    ("duplicate", "not valid TOML"),
    ("utf16", "UTF-16 text; save the file as UTF-8"),  # with its BOM, as Windows editors save it
    ("utf16_no_bom", "UTF-16 text; save the file as UTF-8"),
    ("latin1", "not valid TOML"),
    ("nul", "not valid TOML"),
    ("symlink_loop", "Too many levels of symbolic links"),
    ("dangling_symlink", "No such file or directory"),
    ("fifo_behind_a_symlink", "not a regular file"),
])
def test_more_hostile_config_files_are_one_line_and_create_nothing(tmp_path, capsys, kind, needle):
    path = tmp_path / f"{kind}.toml"
    texts = {"array": "seq_len = [8]\n", "mixed_array": 'csv_columns = ["a", 1]\n', "inline_table": "[lr]\nx = 1\n",
             "nan": "lr = nan\n", "bool": "seq_len = true\n", "date": "seed = 1979-05-27\n",
             "duplicate": "seq_len = 8\nseq_len = 9\n"}
    if kind in texts:
        path.write_text(texts[kind])
    elif kind in ("utf16", "utf16_no_bom", "latin1", "nul"):
        data = {"utf16": "seq_len = 8\n".encode("utf-16"), "utf16_no_bom": "seq_len = 8\n".encode("utf-16-le"),
                "latin1": "# café\nseq_len = 8\n".encode("latin-1"), "nul": b"seq_len = 8\x00\n"}[kind]
        path.write_bytes(data)
    elif kind == "symlink_loop":
        path = _symlink_loop(tmp_path)
    elif kind == "dangling_symlink":
        os.symlink(tmp_path / "nowhere.toml", path)
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(tmp_path / "pipe")
        os.symlink(tmp_path / "pipe", path)
    before = _listing(tmp_path)
    for args in (["run", "--config", str(path), "--out", str(tmp_path / "o")], ["config", "--config", str(path)],
                 ["compare", "--config", str(path), "--b-set", "clip=norm", "--out", str(tmp_path / "o")]):
        line = _one_line_refusal(in_process(capsys, *args), repr(str(path)), needle)
        assert "config file" in line
    assert _listing(tmp_path) == before


def test_out_in_or_at_a_read_only_folder_is_refused_and_untouched(tmp_path, as_nobody):
    import shutil
    import tempfile

    prefix = as_nobody
    if prefix is None:
        pytest.skip("running as root without setpriv: every folder is writable")
    # pytest's own folders are private to root: the unprivileged user gets one it can reach
    base = Path(tempfile.mkdtemp(prefix="gradsim-ro-")) if prefix else tmp_path
    base.chmod(0o777)
    locked = base / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(base)}
    try:
        for out in (locked / "run", locked):
            argv = ["run", *TINY, "--steps", "2", "--out", str(out), "--quiet", "--no-figures"]
            r = subprocess.run([*prefix, sys.executable, "-m", "gradsim", *argv], capture_output=True, text=True,
                               timeout=240, env=env, cwd=base)
            # an empty read-only folder is not replaced, though its parent would let the rename through
            _one_line_refusal(r, "cannot write to output folder", repr(str(out)), "Permission denied")
            assert _listing(base) == ["locked"] and _listing(locked) == []
            assert (locked.stat().st_mode & 0o777) == 0o555 and locked.stat().st_uid == os.geteuid()
    finally:
        locked.chmod(0o755)
        if prefix:
            shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("name, text, needles", [
    ("nan", "a,b\n" + "1,2\nnan,3\n" * 20, ["line 3", "'nan'"]),
    ("inf", "a,b\n" + "1,2\n" * 20 + "inf,1\n", ["'inf'"]),
    ("ragged", "a,b\n1,2\n3\n" + "1,2\n" * 20, ["line 3 has 1 fields"]),
    ("one_row", "a,b\n1,2\n", ["1 data rows", "seq_len = 8"]),
    ("header_only", "a,b\n", ["no data rows"]),
    ("empty", "", ["no rows"]),
    ("text_only", "a,b\n" + "x,y\n" * 20, ["no numeric column"]),
])
def test_hostile_csv_files_are_one_line_and_create_nothing(tmp_path, capsys, name, text, needles):
    """The CSV task's own checks, as the command line shows them (exit 2, one line naming the file)."""
    path = tmp_path / f"{name}.csv"
    path.write_text(text)
    r = in_process(capsys, "run", *TINY, "task=csv", f"csv_path={path}", "--steps", "2", "--out", str(tmp_path / "o"),
                   "--quiet", "--no-figures")
    line = _one_line_refusal(r, "csv_path", repr(str(path)), *needles)
    assert "Traceback" not in line
    assert _listing(tmp_path) == [path.name]


def test_a_csv_run_says_what_it_read_and_records_it(tmp_path, capsys):
    """The columns that hold no number are left out, and `gradsim run` says so (with rows,
    inputs, target) on a line of its own; summary.json holds the same facts."""
    path = tmp_path / "days.csv"
    path.write_text("day,a,note\n" + "".join(f"d{i},{i % 4},n{i}\n" for i in range(24)))
    r = in_process(capsys, "run", *TINY, "task=csv", f"csv_path={path}", "--steps", "2", "--out", str(tmp_path / "o"),
                   "--quiet", "--no-figures")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (f"read {str(path)!r}: 24 rows; inputs a; predicts a, 1 row(s) ahead; "
                        "left out (not numeric): day, note"), r.stdout
    assert lines[1].startswith(f"wrote {tmp_path / 'o'}: 2 steps") and len(lines) == 2
    data = json.loads((tmp_path / "o" / "summary.json").read_text())["data"]
    assert data == {"rows": 24, "inputs": ["a"], "targets": ["a"], "horizon": 1, "skipped": ["day", "note"]}
    r = in_process(capsys, "run", *TINY, "--steps", "1", "--out", str(tmp_path / "p"), "--quiet", "--no-figures")
    assert r.returncode == 0 and "read" not in r.stdout  # a generated task read nothing
    assert "data" not in json.loads((tmp_path / "p" / "summary.json").read_text())


def test_a_utf16_csv_file_says_to_save_it_as_utf8(tmp_path, capsys):
    path = tmp_path / "u16.csv"
    path.write_bytes(("a,b\n" + "1,2\n" * 40).encode("utf-16"))
    r = in_process(capsys, "run", *TINY, "task=csv", f"csv_path={path}", "--steps", "2", "--out", str(tmp_path / "o"),
                   "--quiet", "--no-figures")
    _one_line_refusal(r, "UTF-16", "UTF-8")
    assert _listing(tmp_path) == ["u16.csv"]
