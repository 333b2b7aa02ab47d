"""gradsim.runs.replay: a run folder read back, also while it is being written (no Qt, no torch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from replay_folders import make_run, metrics_line, npz_bytes, write_metrics, write_npz  # noqa: E402

from gradsim.runs.replay import (  # noqa: E402
    ReplayError, RunFolderReader, check_run_folder, note_text, read_run, task_baseline,
)


def codes(rec) -> set[str]:
    return {c for c, _ in rec.notes}


def test_reads_a_whole_folder(tmp_path):
    rec = read_run(make_run(tmp_path / "r", 20))
    assert rec.n_rows == 20 and rec.n_grad_rows == 20
    assert rec.num_layers == 1 and rec.seq_len == 12 and rec.stride == 1
    assert rec.first_step == 0 and rec.last_step == 19
    assert rec.param_names == ("layers.0.weight_hh",)
    assert rec.config is not None and rec.config.task == "adding"
    assert rec.complete and rec.notes == ()
    np.testing.assert_allclose(rec.metric("loss"), 1.0 / (1 + np.arange(20)))
    assert rec.rows_until(4) == 5 and rec.grad_rows_until(-1) == 0
    assert not rec.metric("loss").flags.writeable


def test_deeper_layers_are_read(tmp_path):
    rec = read_run(make_run(tmp_path / "r", 5, layers=3))
    assert rec.num_layers == 3
    assert rec.layers[2]["total"].shape == (5, 12)
    assert not np.array_equal(rec.layers[0]["total"], rec.layers[1]["total"])


def test_zero_rows_and_missing_files(tmp_path):
    folder = tmp_path / "empty-run"
    folder.mkdir()
    (folder / "metrics.csv").write_text("step,loss\n")
    rec = read_run(folder)
    assert rec.n_rows == 0 and rec.last_step == -1 and rec.first_step == 0
    assert {"no_npz", "no_config"} <= codes(rec)
    assert rec.num_layers == 1 and rec.seq_len is None


def test_waits_for_a_folder_that_does_not_exist_yet(tmp_path):
    reader = RunFolderReader(tmp_path / "later")
    reader.refresh()
    assert "no_folder" in codes(reader.record)
    make_run(tmp_path / "later", 3)
    assert reader.refresh()
    assert reader.record.n_rows == 3 and reader.record.notes == ()


def test_a_truncated_last_line_waits_for_its_newline(tmp_path):
    folder = make_run(tmp_path / "r", 5, summary=False)
    with open(folder / "metrics.csv", "a") as fh:
        fh.write(metrics_line(5)[:7])  # half a row, no newline
    reader = RunFolderReader(folder)
    reader.refresh()
    assert reader.record.n_rows == 5
    with open(folder / "metrics.csv", "a") as fh:
        fh.write(metrics_line(5)[7:])
    assert reader.refresh()
    assert reader.record.n_rows == 6 and reader.record.steps[-1] == 5
    assert not reader.refresh()  # nothing new: nothing changes, the same record


def test_refresh_reads_only_appended_rows(tmp_path):
    folder = make_run(tmp_path / "r", 5, summary=False)
    reader = RunFolderReader(folder)
    reader.refresh()
    first = reader.record
    write_metrics(folder, range(5, 400), header=False, mode="a")
    assert reader.refresh()
    rec = reader.record
    assert rec.n_rows == 400 and rec.version > first.version
    assert first.n_rows == 5  # the earlier record is unchanged (immutable)
    np.testing.assert_array_equal(rec.steps, np.arange(400))


def test_a_replaced_metrics_file_is_read_from_the_start(tmp_path):
    folder = make_run(tmp_path / "r", 10)
    reader = RunFolderReader(folder)
    reader.refresh()
    tmp = folder / "m.tmp"
    tmp.write_text("step,loss\n0,5\n1,4\n")
    tmp.replace(folder / "metrics.csv")  # an atomic rewrite (Export → All)
    assert reader.refresh()
    assert reader.record.columns == ("step", "loss") and reader.record.n_rows == 2


def test_a_broken_npz_keeps_the_old_arrays_and_is_retried(tmp_path):
    folder = make_run(tmp_path / "r", 8)
    reader = RunFolderReader(folder)
    reader.refresh()
    assert reader.record.n_grad_rows == 8
    good = npz_bytes(12)
    (folder / "grad_steps.npz").write_bytes(good[: len(good) // 2])  # caught mid-write
    reader.refresh()
    assert reader.record.n_grad_rows == 8 and "npz_retry" in codes(reader.record)
    (folder / "grad_steps.npz").write_bytes(good)  # same size class, new content: read again
    reader.refresh()
    assert reader.record.n_grad_rows == 12 and "npz_retry" not in codes(reader.record)


def test_an_npz_with_fewer_rows_than_metrics(tmp_path):
    folder = make_run(tmp_path / "r", 30)
    write_npz(folder, 10)
    rec = read_run(folder)
    assert rec.n_rows == 30 and rec.n_grad_rows == 10
    assert rec.last_step == 29 and rec.grad_rows_until(25) == 10


def test_a_strided_npz(tmp_path):
    folder = make_run(tmp_path / "r", 40)
    write_npz(folder, 10, stride=4)
    rec = read_run(folder)
    assert rec.stride == 4 and rec.grad_rows_until(7) == 2


def test_a_foreign_npz_says_so(tmp_path):
    folder = make_run(tmp_path / "r", 4)
    np.savez(folder / "grad_steps.npz", other=np.zeros(3))
    rec = read_run(folder)
    assert "npz_bad" in codes(rec) and rec.n_grad_rows == 0
    assert "total" in note_text(next(n for n in rec.notes if n[0] == "npz_bad"))


def test_a_user_model_without_config(tmp_path):
    folder = make_run(tmp_path / "r", 6, config=False)
    (folder / "model.json").write_text(json.dumps({"cell": "lstm", "num_layers": 1, "seq_len": 12}))
    rec = read_run(folder)
    assert rec.config is None and rec.model["cell"] == "lstm"
    assert "no_config" in codes(rec)
    assert task_baseline(rec.config) == (None, "")


def test_a_bad_config_is_a_note_not_an_error(tmp_path):
    folder = make_run(tmp_path / "r", 3)
    (folder / "config.toml").write_text("seq_len = -4\n")
    rec = read_run(folder)
    assert rec.config is None
    assert any(c == "config_bad" and "seq_len" in d for c, d in rec.notes)


def test_rows_with_the_wrong_field_count_are_skipped_and_counted(tmp_path):
    folder = make_run(tmp_path / "r", 3)
    with open(folder / "metrics.csv", "a") as fh:
        fh.write("3,0.5\n")
        fh.write(metrics_line(4))
    rec = read_run(folder)
    assert rec.n_rows == 4 and ("bad_rows", "1") in rec.notes


def test_not_a_run_folder(tmp_path):
    with pytest.raises(ReplayError, match="no such folder"):
        check_run_folder(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ReplayError, match="not a folder"):
        check_run_folder(tmp_path / "file.txt")
    with pytest.raises(ReplayError, match="not a run folder") as info:
        check_run_folder(tmp_path)
    assert info.value.reason == "not_run" and str(tmp_path) in str(info.value)


def test_baselines_match_the_tasks():
    torch = pytest.importorskip("torch")
    from gradsim.config import RunConfig
    from gradsim.core.tasks import make_task

    for task in ("sine", "adding", "recall", "toy3"):
        cfg = RunConfig(task=task, seq_len=10, n_classes=5)
        t = make_task(cfg, torch.float32, torch.device("cpu"))
        value, label = task_baseline(cfg)
        assert value == t.baseline and (value is None or label == t.baseline_label), task


def test_reads_a_real_gradsim_run_folder(tmp_path):
    from gradsim.config import RunConfig
    from gradsim.runs.folder import run_to_folder

    cfg = RunConfig(task="adding", seq_len=10, batch_size=4, hidden_size=8, num_layers=2)
    run_to_folder(cfg, 6, tmp_path / "run", figures=False)
    rec = read_run(tmp_path / "run")
    assert rec.config == cfg and rec.n_rows == 6 and rec.n_grad_rows == 6 and rec.num_layers == 2
    assert rec.complete and rec.notes == ()
    assert len(rec.param_names) == 10


def test_the_reader_never_imports_torch():
    code = ("import sys; from gradsim.runs.replay import read_run; import gradsim.app.replay; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "False"
