"""The run folder: every output column and every layer right, written whole or not at all,
Ctrl-C keeping a consistent folder up to step N, a full disk reported naming the file and
leaving nothing of the failed run."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import numpy as np
import pytest

import gradsim.fileio as fileio
from gradsim.config import ConfigError, RunConfig
from gradsim.fileio import WriteError, atomic_folder
from gradsim.runs.folder import METRIC_COLUMNS, check_out_folder, metrics_row, run_to_folder, write_outputs
from gradsim.runs.procedure import Interrupted, check_run, train

CFG = RunConfig(task="adding", seq_len=12, hidden_size=6, batch_size=4)


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ every column, every layer
def test_every_metrics_column_is_the_snapshot_field_it_names(tmp_path):
    """Each column against the snapshot it came from; grad_norm_after is the norm AFTER
    clipping (a run that clips every step: it equals the threshold, grad_norm exceeds it)."""
    cfg = CFG.replace(clip="norm", clip_threshold=1e-3)
    snaps = []
    run_to_folder(cfg, 6, tmp_path / "run", figures=False, sinks=[snaps.append])
    rows = _rows(tmp_path / "run" / "metrics.csv")
    assert list(rows[0])[: len(METRIC_COLUMNS)] == METRIC_COLUMNS and len(rows) == 6
    for row, snap in zip(rows, snaps):
        expected = metrics_row(snap)
        assert set(row) == set(expected)
        for column, value in expected.items():
            assert float(row[column]) == pytest.approx(float(value), rel=1e-12, abs=0), column
        assert float(row["grad_norm"]) > 1e-3 and row["clipped"] == "1"
        assert float(row["grad_norm_after"]) == pytest.approx(1e-3, rel=1e-6)  # float32 gradients
        assert row["grad_norm_after"] != row["grad_norm"]
        norms = [float(row[k]) for k in row if k.startswith("grad_norm[")]
        assert float(row["grad_norm"]) == pytest.approx(float(np.sqrt(np.sum(np.square(norms)))), rel=1e-9)


def test_metrics_row_maps_every_field_to_its_own_column():
    snap = train(CFG.replace(clip="value", clip_threshold=1e-4), 2).last
    row = metrics_row(snap)
    assert row["grad_norm"] == snap.grad_norm and row["grad_norm_after"] == snap.grad_norm_after
    assert row["grad_norm_after"] < row["grad_norm"]
    assert row["clipped"] == 1 and row["diverged"] == 0 and row["step"] == snap.step == 1
    assert (row["spectral_radius"], row["sigma_max"], row["spectrum_step"]) == (
        snap.spectral_radius, snap.sigma_max, snap.spectrum_step)
    assert row["loss"] == snap.loss and row["step_seconds"] == snap.step_seconds


def test_every_layer_keeps_its_own_views(tmp_path):
    cfg = CFG.replace(num_layers=3, seq_len=9)
    snaps = []
    result = run_to_folder(cfg, 4, tmp_path / "run", figures=False, sinks=[snaps.append])
    with np.load(tmp_path / "run" / "grad_steps.npz") as z:
        for li in range(3):
            suffix = "" if li == 0 else f"_l{li}"
            for view in ("total", "last", "weight"):
                want = np.stack([s.views[view][li] for s in snaps]).astype(np.float32)
                np.testing.assert_array_equal(z[view + suffix], want)
                np.testing.assert_array_equal(result.histories[li].views[view].data, want)
        # the layers differ: a copy of layer 0 into the others would pass nothing above by chance
        assert not np.array_equal(z["total"], z["total_l1"]) and not np.array_equal(z["total_l1"], z["total_l2"])


# ------------------------------------------------------------------ checked before anything is created
def test_check_out_folder(tmp_path):
    assert check_out_folder(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    check_out_folder(tmp_path / "empty")
    run = tmp_path / "old-run"
    run_to_folder(CFG, 2, run, figures=False)
    check_out_folder(run)
    (tmp_path / "file").write_text("x")
    for bad, words in ((tmp_path / "file", "not a folder"), ("", "no folder given"),
                       (tmp_path / ("y" * 300), "File name too long")):
        with pytest.raises(WriteError) as info:
            check_out_folder(bad)
        assert words in str(info.value) and "output folder" in str(info.value)
    (run / "notes.txt").write_text("mine")
    with pytest.raises(WriteError, match="not a gradsim run"):
        check_out_folder(run)


def test_a_refused_run_creates_nothing(tmp_path, monkeypatch):
    import gradsim.core.budget as budget

    monkeypatch.setattr(budget, "available_bytes", lambda: 10 << 20)
    with pytest.raises(ConfigError, match="needs about"):
        run_to_folder(CFG, 3, tmp_path / "a" / "b" / "run")
    with pytest.raises(ValueError, match="from 1 to 10000000"):
        run_to_folder(CFG, 10**12, tmp_path / "run")
    assert _listing(tmp_path) == []


def test_check_run_refuses_what_cannot_fit(monkeypatch):
    import gradsim.core.budget as budget

    monkeypatch.setattr(budget, "available_bytes", lambda: 8 * 10**9)
    with pytest.raises(ConfigError) as info:
        check_run(RunConfig(hidden_size=1024, seq_len=2000, batch_size=1024), 300)
    assert "8.0 GB is available" in str(info.value)
    assert check_run(RunConfig(hidden_size=1024, seq_len=2000, batch_size=32), 300) == 300


# ------------------------------------------------------------------ whole or not at all
def _enospc_on(name: str, monkeypatch):
    real = fileio.atomic_write_bytes

    def failing(path, data):
        if Path(path).name == name:
            raise fileio.write_error(path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        real(path, data)

    import gradsim.runs.folder as folder

    monkeypatch.setattr(folder, "atomic_write_bytes", failing)


@pytest.mark.parametrize("name", ["config.toml", "grad_steps.npz", "summary.json"])
def test_a_full_disk_names_the_file_and_leaves_nothing(tmp_path, monkeypatch, name):
    _enospc_on(name, monkeypatch)
    out = tmp_path / "new" / "run"
    with pytest.raises(WriteError) as info:
        run_to_folder(CFG, 3, out, figures=False)
    assert str(info.value) == f"cannot write {str(out / name)!r}: No space left on device"
    assert _listing(tmp_path) == []  # not the run, not its temporary, not the folder made above it


def test_a_failed_rerun_leaves_the_old_run_whole(tmp_path, monkeypatch):
    out = tmp_path / "run"
    run_to_folder(CFG, 3, out, figures=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _enospc_on("summary.json", monkeypatch)
    with pytest.raises(WriteError, match="No space left on device"):
        run_to_folder(CFG.replace(seed=9), 5, out, figures=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _listing(tmp_path) == ["run"]


def test_metrics_stream_failing_midway_names_metrics_csv(tmp_path, monkeypatch):
    import gradsim.runs.folder as folder

    real = folder.MetricsWriter.write

    def write(self, row):
        if row["step"] == 2:
            raise fileio.write_error(self.path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        real(self, row)

    monkeypatch.setattr(folder.MetricsWriter, "write", write)
    with pytest.raises(WriteError) as info:
        run_to_folder(CFG, 5, tmp_path / "run", figures=False)
    assert str(info.value) == f"cannot write {str(tmp_path / 'run' / 'metrics.csv')!r}: No space left on device"
    assert _listing(tmp_path) == []


def test_a_rerun_replaces_the_old_folder_whole(tmp_path):
    out = tmp_path / "run"
    run_to_folder(CFG, 3, out, figures=False)
    (out / "heatmap.png").write_bytes(b"an old figure")  # what an earlier run with figures left
    run_to_folder(CFG.replace(seed=4), 2, out, figures=False)
    assert "heatmap.png" not in _listing(out)  # never a mix of the old run and the new one
    assert json.loads((out / "summary.json").read_text())["steps"] == 2
    assert _listing(tmp_path) == ["run"]


def test_atomic_folder_keeps_old_content_until_the_new_one_is_complete(tmp_path):
    out = tmp_path / "f"
    out.mkdir()
    (out / "old").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_folder(out) as tmp:
            (tmp / "new").write_text("new")
            assert _listing(out) == ["old"]
            raise RuntimeError("boom")
    assert _listing(out) == ["old"] and _listing(tmp_path) == ["f"]
    with atomic_folder(out) as tmp:
        (tmp / "new").write_text("new")
    assert _listing(out) == ["new"] and _listing(tmp_path) == ["f"]


def test_write_outputs_failing_midway_takes_back_only_its_own_new_files(tmp_path, monkeypatch):
    """The app's Export → All writes into a folder of the user's choice, file by file."""
    result = train(CFG, 3)
    (tmp_path / "config.toml").write_text("# the user's old export\n")
    (tmp_path / "notes.txt").write_text("mine")
    _enospc_on("summary.json", monkeypatch)
    with pytest.raises(WriteError, match="summary.json"):
        write_outputs(tmp_path, CFG, result.histories, result.last, figures=False)
    # metrics.csv and grad_steps.npz were new: removed; config.toml was replaced atomically
    assert _listing(tmp_path) == ["config.toml", "notes.txt"]


# ------------------------------------------------------------------ Ctrl-C
def test_interrupt_between_steps_keeps_every_completed_step(tmp_path):
    fired = []

    def ctrl_c_at_step_4(snap):
        if snap.step == 4 and not fired:
            fired.append(1)
            signal.raise_signal(signal.SIGINT)  # arrives while this step's rows are written

    result = run_to_folder(CFG, 1000, tmp_path / "run", figures=False, sinks=[ctrl_c_at_step_4],
                           stop_on_interrupt=True)
    assert result.interrupted_at == 5 and result.summary["interrupted_at"] == 5
    out = tmp_path / "run"
    assert len(_rows(out / "metrics.csv")) == 5
    with np.load(out / "grad_steps.npz") as z:
        assert list(z["step"]) == [0, 1, 2, 3, 4]
    assert json.loads((out / "summary.json").read_text())["steps"] == 5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_interrupt_inside_a_step_abandons_that_step_only(tmp_path, monkeypatch):
    from gradsim.core.trainer import Trainer

    real = Trainer.step

    def step(self):
        if self.step_count == 3:
            signal.raise_signal(signal.SIGINT)  # the handler raises here, mid-step
        return real(self)

    monkeypatch.setattr(Trainer, "step", step)
    result = run_to_folder(CFG, 1000, tmp_path / "run", figures=False, stop_on_interrupt=True)
    assert result.interrupted_at == 3
    assert [int(r["step"]) for r in _rows(tmp_path / "run" / "metrics.csv")] == [0, 1, 2]


def test_interrupt_before_the_first_step_or_while_writing_leaves_nothing(tmp_path, monkeypatch):
    from gradsim.core.trainer import Trainer

    real = Trainer.step

    def step(self):
        if self.step_count == 0:
            signal.raise_signal(signal.SIGINT)
        return real(self)

    monkeypatch.setattr(Trainer, "step", step)
    with pytest.raises(Interrupted) as info:
        run_to_folder(CFG, 10, tmp_path / "run", figures=False, stop_on_interrupt=True)
    assert info.value.step == 0 and _listing(tmp_path) == []
    monkeypatch.setattr(Trainer, "step", real)

    import gradsim.runs.folder as folder

    def interrupted_write(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(folder, "write_outputs", interrupted_write)
    with pytest.raises(Interrupted) as info:
        run_to_folder(CFG, 4, tmp_path / "run", figures=False, stop_on_interrupt=True)
    assert info.value.step == 4 and _listing(tmp_path) == []


def test_without_stop_on_interrupt_ctrl_c_propagates_as_before():
    def ctrl_c(snap):
        signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        train(CFG, 100, sinks=[ctrl_c])


# ------------------------------------------------------------------ a real full disk
@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 200 kB tmpfs (root only, where mounting is permitted); skips elsewhere."""
    mount = tmp_path / f"full-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_real_full_disk_leaves_nothing(tiny_tmpfs):
    out = tiny_tmpfs / "run"
    with pytest.raises(WriteError) as info:
        run_to_folder(CFG.replace(seq_len=100, hidden_size=16), 300, out, figures=False)
    assert "No space left on device" in str(info.value) and str(out) in str(info.value)
    assert ".gradsim-" not in str(info.value)
    assert _listing(tiny_tmpfs) == []
