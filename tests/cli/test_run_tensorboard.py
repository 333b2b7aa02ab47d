"""``gradsim run --tensorboard DIR`` when the run fails: what this run wrote under DIR goes
(DIR itself if the run created it, else only its own event files), what was there before
stays, and stderr has one line. Divergence is a result, not a failure."""

from __future__ import annotations

import errno
import json
import os
import signal
from pathlib import Path

import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

from cli_support import call_cli  # noqa: E402

TINY = ["--set", "seq_len=8", "hidden_size=4", "batch_size=2"]
#: Diverges within a few steps (identity activation, every singular value of W_hh 3, T = 200).
DIVERGING = ["--set", "task=sine", "seq_len=200", "batch_size=4", "cell=rnn", "hidden_size=16",
             "activation=identity", "init=orthogonal", "init_gain=3.0", "optimizer=sgd", "lr=0.01"]


def _run(capsys, *args: str) -> tuple[int, list[str]]:
    try:
        code = call_cli("run", *args, "--quiet", "--no-figures")
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    return code, capsys.readouterr().err.strip().splitlines()


def _events(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("events.out.tfevents."))


def _logged_steps(folder: Path, tag: str = "loss") -> list[int]:
    ea = EventAccumulator(str(folder), size_guidance={"scalars": 0})
    ea.Reload()
    return [e.step for e in ea.Scalars(tag)]


@pytest.fixture
def a_stranger_s_log(tmp_path) -> Path:
    """A TensorBoard folder that already holds another run's event file and a note."""
    tb = tmp_path / "tb"
    tb.mkdir()
    (tb / "events.out.tfevents.1700000000.elsewhere.1.0").write_bytes(b"their run")
    (tb / "notes.txt").write_text("mine")
    return tb


def _disk_full_after(monkeypatch, calls: int) -> None:
    """The event writer fails with ENOSPC from its ``calls``-th scalar on (a full disk)."""
    from torch.utils.tensorboard import SummaryWriter

    real = SummaryWriter.add_scalar
    count = [0]

    def add_scalar(self, *args, **kw):
        count[0] += 1
        if count[0] >= calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kw)

    monkeypatch.setattr(SummaryWriter, "add_scalar", add_scalar)


@pytest.mark.parametrize("where", ["new", "nested", "existing"])
def test_a_full_disk_removes_what_this_run_wrote_and_nothing_else(tmp_path, capsys, monkeypatch, a_stranger_s_log,
                                                                  where):
    tb = {"new": tmp_path / "new_tb", "nested": tmp_path / "a" / "b" / "tb", "existing": a_stranger_s_log}[where]
    _disk_full_after(monkeypatch, 20)  # a few steps in
    code, lines = _run(capsys, *TINY, "--steps", "50", "--out", str(tmp_path / "out"), "--tensorboard", str(tb))
    assert code == 2 and len(lines) == 1, lines
    assert repr(str(tb)) in lines[0] and "No space left on device" in lines[0], lines
    assert "Errno" not in lines[0] and "output folder" not in lines[0]  # the log failed, named as such
    assert not (tmp_path / "out").exists()
    if where == "existing":
        assert sorted(p.name for p in tb.iterdir()) == ["events.out.tfevents.1700000000.elsewhere.1.0", "notes.txt"]
        assert (tb / "notes.txt").read_text() == "mine"
    else:  # the folders this run created are gone, the ones that were there stay
        assert sorted(p.name for p in tmp_path.iterdir()) == ["tb"]


def test_a_full_disk_under_the_writer_thread_is_reported_once(tmp_path, capsys, monkeypatch):
    """The event file is written by tensorboard's own thread: its error comes back through the
    writer, in one line, and the thread prints no traceback of its own."""
    from tensorboard.summary.writer import record_writer

    real = record_writer.RecordWriter.write
    writes = []

    def write(self, data):
        writes.append(len(data))
        if len(writes) > 30:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(record_writer.RecordWriter, "write", write)
    tb = tmp_path / "tb"
    code, lines = _run(capsys, *TINY, "--steps", "200", "--out", str(tmp_path / "out"), "--tensorboard", str(tb))
    assert code == 2 and lines == [f"gradsim: error: cannot write {str(tb)!r}: No space left on device"], lines
    assert len(writes) > 30 and sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_full_disk_at_the_final_images_keeps_the_whole_run_folder_and_says_so(tmp_path, capsys, monkeypatch):
    from torch.utils.tensorboard import SummaryWriter

    real = SummaryWriter.add_image
    calls = []

    def add_image(self, *args, **kw):
        calls.append(args[0])
        if len(calls) > 4:  # step 0's three heatmaps and profile went through; the final ones fail
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kw)

    monkeypatch.setattr(SummaryWriter, "add_image", add_image)
    out, tb = tmp_path / "out", tmp_path / "tb"
    code, lines = _run(capsys, *TINY, "--steps", "3", "--out", str(out), "--tensorboard", str(tb))
    assert code == 2 and len(lines) == 1, lines
    assert "No space left on device" in lines[0]
    assert lines[0].endswith(f"{out} was written, the TensorBoard log removed")
    assert len(calls) == 5 and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert json.loads((out / "summary.json").read_text())["steps"] == 3  # the run folder is whole


def test_ctrl_c_in_the_first_step_removes_the_log(tmp_path, capsys, monkeypatch, a_stranger_s_log):
    from gradsim.core.trainer import Trainer

    def interrupted_step(self):
        raise KeyboardInterrupt  # SIGINT inside the step: the step is abandoned

    monkeypatch.setattr(Trainer, "step", interrupted_step)
    for tb in (tmp_path / "new_tb", a_stranger_s_log):
        code, lines = _run(capsys, *TINY, "--steps", "50", "--out", str(tmp_path / "out"), "--tensorboard", str(tb))
        assert code == 130 and lines == ["gradsim: interrupted at step 0; nothing written"], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tb"]
    assert _events(a_stranger_s_log) == ["events.out.tfevents.1700000000.elsewhere.1.0"]


def test_ctrl_c_that_keeps_the_run_folder_keeps_the_log_of_the_same_steps(tmp_path, capsys, monkeypatch):
    import gradsim.cli.run as run_cli

    real = run_cli.train_progress

    def progress_then_ctrl_c(bar):
        move = real(bar)

        def progress(done, total):
            move(done, total)
            if done == 4:
                os.kill(os.getpid(), signal.SIGINT)  # between steps: the loop stops after step 4
        return progress

    monkeypatch.setattr(run_cli, "train_progress", progress_then_ctrl_c)
    tb = tmp_path / "tb"
    code, lines = _run(capsys, *TINY, "--steps", "50", "--out", str(tmp_path / "out"), "--tensorboard", str(tb))
    assert code == 130 and lines == [f"gradsim: interrupted at step 4; {tmp_path / 'out'} holds steps 0-3"], lines
    assert len(_events(tb)) == 1 and _logged_steps(tb) == [0, 1, 2, 3]


def test_a_refused_run_creates_no_log(tmp_path, capsys):
    tb = tmp_path / "tb"
    for args in (["--set", "hidden_size=1024", "seq_len=2000", "batch_size=1024"],  # the memory estimate
                 [*TINY, "device=cuda"] if not _has_cuda() else [*TINY, "lr=-1"]):
        code, lines = _run(capsys, *args, "--out", str(tmp_path / "out"), "--tensorboard", str(tb))
        assert code == 2 and len(lines) == 1, lines
    # the output folder is refused only once the log exists (a path too long): the log goes again
    code, lines = _run(capsys, *TINY, "--steps", "2", "--out", str(tmp_path / ("x" * 300) / "out"),
                       "--tensorboard", str(tb))
    assert code == 2 and len(lines) == 1 and "File name too long" in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def test_bad_tensorboard_folders_are_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("keep")
    code, lines = _run(capsys, *TINY, "--steps", "2", "--out", str(tmp_path / "out"), "--tensorboard", str(blocker))
    assert code == 2 and len(lines) == 1 and repr(str(blocker)) in lines[0], lines
    assert blocker.read_text() == "keep" and sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    code, lines = _run(capsys, *TINY, "--steps", "2", "--out", str(tmp_path / "out"), "--tensorboard", "")
    assert code == 2 and len(lines) == 1 and "--tensorboard" in lines[0] and "must not be empty" in lines[0], lines


def test_divergence_is_a_result_and_keeps_the_log(tmp_path, capsys):
    tb = tmp_path / "tb"
    code, lines = _run(capsys, *DIVERGING, "--steps", "30", "--out", str(tmp_path / "out"), "--tensorboard", str(tb))
    assert code == 0 and lines == [], lines
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["diverged_at"] is not None
    # every step is logged (step_seconds is always finite; a non-finite loss is left out)
    assert len(_events(tb)) == 1 and _logged_steps(tb, "step_seconds") == list(range(30))


@pytest.mark.parametrize("where", ["same", "inside", "inside_an_earlier_run", "through_a_link"])
def test_a_log_inside_the_run_folder_is_refused_before_anything_is_written(tmp_path, capsys, where):
    """The run folder is replaced whole at the end: a log inside it would vanish with the swap
    (or, refused later as "files that are not a gradsim run", blame the user's folder)."""
    out = tmp_path / "out"
    if where == "inside_an_earlier_run":
        assert _run(capsys, *TINY, "--steps", "2", "--out", str(out))[0] == 0
    tb = {"same": out, "inside": out / "tb", "inside_an_earlier_run": out / "tb",
          "through_a_link": tmp_path / "ln" / "tb"}[where]
    if where == "through_a_link":
        os.symlink(out, tmp_path / "ln")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    code, lines = _run(capsys, *TINY, "--steps", "2", "--out", str(out), "--tensorboard", str(tb))
    assert code == 2 and len(lines) == 1, lines
    assert "--tensorboard" in lines[0] and "inside --out" in lines[0] and repr(str(tb)) in lines[0], lines
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
