"""The app as a user starts it: ``python main.py --preset vanishing --play``, closed mid-training."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Harmless platform noise of the offscreen plugin; anything else on stderr is a failure.
NOISE = re.compile(r"^This plugin does not support propagateSizeHints\(\)$")


def _launch(args: list[str], tmp_path: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GRADSIM_SETTINGS": str(tmp_path / "settings.ini")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the app did not exit: {err}")
    ended = time.monotonic()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), ended


@pytest.mark.parametrize("backend", ["process", "thread"])
def test_closing_mid_training_exits_promptly_and_quietly(tmp_path, backend):
    # thread: a regression test too; freeing torch buffers at the pool thread's exit
    # once segfaulted on close
    # closed on an event (the 20th iteration has arrived), not after a number of seconds that a
    # loaded machine may spend starting up; how fast it closes is benchmarks/bench_pause.py's
    done, _ = _launch(["--preset", "vanishing", "--play", "--backend", backend, "--close-at-iteration", "20"],
                      tmp_path, timeout=240)
    assert done.returncode == 0, done.stderr
    m = re.search(r"close requested at monotonic=([\d.]+) iteration=(\d+) state=(\w+)", done.stdout)
    assert m, done.stdout
    assert int(m.group(2)) >= 20 and m.group(3) == "running", "not closed mid-training"
    assert "QThread: Destroyed" not in done.stderr
    alarming = [line for line in done.stderr.splitlines() if line.strip() and not NOISE.match(line)]
    assert not alarming, done.stderr
    assert (tmp_path / "settings.ini").exists()  # UI prefs saved, in the private file


def test_a_bad_config_file_is_one_line_on_stderr(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("hidden_size = -3\n")
    done, _ = _launch(["--config", str(bad)], tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad.toml" in lines[0] and "hidden_size" in lines[0]


def _quiet(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not NOISE.match(line)]


def _wait_for_line(proc: subprocess.Popen, pattern: str, seen: list[str]) -> re.Match:
    """Read the app's stdout until a line matches (an event; the test's timeout guards a hang)."""
    for line in proc.stdout:
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    proc.wait(60)
    pytest.fail(f"the app ended (exit {proc.returncode}) before printing {pattern!r}: {''.join(seen)}"
                f"\nstderr: {proc.stderr.read()[-3000:]}")


# SIGINT three times: Ctrl-C segfaulted 2 runs in 5 (exit −11) before it went through the event loop
@pytest.mark.parametrize("signame", [pytest.param(name, id=f"{name}-{i}") for i, name in
                                     enumerate(["SIGINT", "SIGTERM", "SIGHUP", "SIGINT", "SIGINT"])])
def test_a_signal_closes_the_app_as_its_close_button_does(tmp_path, signame):
    import signal

    if not hasattr(signal, signame):
        pytest.skip(f"no {signame} here")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GRADSIM_SETTINGS": str(tmp_path / "settings.ini")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--preset", "vanishing", "--play", "--announce"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        m = _wait_for_line(proc, r"gradsim: training iteration=(\d+) pid=(\d+) worker=(\d+)", seen)
        worker = int(m.group(3))
        proc.send_signal(getattr(signal, signame))
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    out = "".join(seen) + out
    assert proc.returncode == 0, (proc.returncode, err)
    assert f"closing on {signame}" in out
    assert not _quiet(err), err  # no traceback, no "KeyboardInterrupt"
    assert (tmp_path / "settings.ini").exists()  # settings saved, as on close
    assert _gone(worker), "the training process outlived the app"


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended (polled: a killed orphan is reaped by init a moment later)."""
    deadline = time.monotonic() + 60  # a hang guard, not a speed claim
    while time.monotonic() < deadline:
        if os.path.isdir("/proc"):  # a zombie still answers kill(pid, 0)
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                        return True
            except FileNotFoundError:
                return True
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        time.sleep(0.05)
    return False


def _no_display_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "GRADSIM_SETTINGS": str(tmp_path / "settings.ini"), **extra}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux's")
def test_no_display_is_one_line_and_exit_2(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=_no_display_env(tmp_path),
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 2, (r.returncode, r.stderr)  # not Qt's abort (−6)
    lines = _quiet(r.stderr)
    assert len(lines) == 1 and "no display" in lines[0] and "xvfb-run" in lines[0] and "gradsim run" in lines[0], \
        r.stderr
    assert not (tmp_path / "settings.ini").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux's")
def test_an_unreachable_x_display_is_one_line_and_exit_2(tmp_path):
    number = next(n for n in range(97, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=tmp_path,
                       env=_no_display_env(tmp_path, DISPLAY=f":{number}"), capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = _quiet(r.stderr)
    assert len(lines) == 1 and f":{number}" in lines[0], r.stderr


def test_display_problem_names_the_missing_libraries_and_their_packages(monkeypatch):
    from gradsim.app import launch

    assert launch.display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert launch.display_problem({}, "darwin") is None and launch.display_problem({}, "win32") is None
    assert "WAYLAND_DISPLAY" in launch.display_problem({"QT_QPA_PLATFORM": "wayland"}, "linux")
    assert launch.display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    monkeypatch.setattr(launch, "_x_display_reachable", lambda d: True)
    monkeypatch.setattr(launch, "_missing_libraries", lambda names: [n for n in names if "icccm" in n[0]
                                                                     or "keysyms" in n[0]])
    msg = launch.display_problem({"DISPLAY": ":0"}, "linux")
    assert "libxcb-icccm.so.4" in msg and "libxcb-keysyms.so.1" in msg
    assert "apt install libxcb-icccm4 libxcb-keysyms1" in msg and "\n" not in msg
    monkeypatch.setattr(launch, "_missing_libraries", lambda names: [])
    assert launch.display_problem({"DISPLAY": ":0"}, "linux") is None
    assert {pkg for _, pkg in launch.XCB_LIBRARIES} >= {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
                                                       "libxkbcommon-x11-0", "libegl1"}


def test_a_config_too_big_for_this_machine_is_one_line_before_any_window(tmp_path, monkeypatch, capsys, qapp):
    """`gradsim gui --config huge.toml`: the memory check every run makes, before a window or a
    worker exists (the estimate and what is available, exit 2)."""
    from PySide6.QtWidgets import QApplication

    from gradsim.app import launch
    from gradsim.app.session import HISTORY_ROWS, SCALAR_ROWS
    from gradsim.config import RunConfig, save_config
    from gradsim.core import budget

    cfg = RunConfig(hidden_size=64, seq_len=50, batch_size=16)
    need = budget.estimate_bytes(cfg, HISTORY_ROWS, SCALAR_ROWS)
    big = tmp_path / "big.toml"
    save_config(cfg, big)
    monkeypatch.setenv("GRADSIM_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setattr(budget, "available_bytes", lambda: need - 1)
    windows = set(QApplication.topLevelWidgets())
    import signal

    before = {sig: signal.getsignal(sig) for sig in launch.CLOSING_SIGNALS}
    assert launch.run(["--config", str(big)]) == 2
    # without a window the signals go back to their handlers (a later test's Ctrl-C is its own)
    assert {sig: signal.getsignal(sig) for sig in launch.CLOSING_SIGNALS} == before
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and budget.format_bytes(need) in err[0] and budget.format_bytes(need - 1) in err[0], err
    assert set(QApplication.topLevelWidgets()) == windows  # no window was made
    assert not (tmp_path / "settings.ini").exists()
