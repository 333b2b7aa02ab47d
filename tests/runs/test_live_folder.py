"""RunFolderWriter: the folder `gradsim run --out` writes, appended while training goes,
from gradsim's own runs and from a watched torch module."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch
from torch import nn

from gradsim.config import RunConfig
from gradsim.core.watch import watch
from gradsim.runs.folder import METRIC_COLUMNS, run_to_folder
from gradsim.runs.live_folder import RunFolderWriter
from gradsim.runs.procedure import train

CFG = RunConfig(seq_len=8, hidden_size=6, batch_size=3, num_layers=2, task="sine")


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_same_folder_as_gradsim_run(tmp_path):
    ref = tmp_path / "ref"
    run_to_folder(CFG, 5, ref, figures=False)
    live = tmp_path / "live"
    with RunFolderWriter(live, config=CFG, every_steps=2, every_seconds=None) as sink:
        train(CFG, 5, sinks=[sink])
    # metrics.csv: same header, same numbers (but the timing column)
    a, b = _rows(ref / "metrics.csv"), _rows(live / "metrics.csv")
    assert a[0] == b[0] and a[0][: len(METRIC_COLUMNS)] == METRIC_COLUMNS and len(a) == len(b) == 6
    t = a[0].index("step_seconds")
    assert [r[:t] + r[t + 1:] for r in a] == [r[:t] + r[t + 1:] for r in b]
    # grad_steps.npz: same arrays, dtypes, values
    with np.load(ref / "grad_steps.npz") as za, np.load(live / "grad_steps.npz") as zb:
        assert sorted(za.files) == sorted(zb.files) == sorted(
            ["total", "last", "weight", "total_l1", "last_l1", "weight_l1", "step", "stride"])
        for k in za.files:
            assert za[k].dtype == zb[k].dtype and np.array_equal(za[k], zb[k]), k
    sa, sb = (json.loads((d / "summary.json").read_text()) for d in (ref, live))
    assert set(sa) <= set(sb), set(sa) - set(sb)
    assert set(sa["versions"]) == set(sb["versions"])
    assert sb["running"] is False and sb["steps"] == sa["steps"] == 5
    assert sb["final_loss"] == sa["final_loss"] and sb["history_stride"] == sa["history_stride"]
    assert (live / "config.toml").read_text() == (ref / "config.toml").read_text()


def test_appends_while_training(tmp_path):
    out = tmp_path / "run"
    seen = []

    def look(snap):  # runs after the writer's own call for this snapshot
        n = len(_rows(out / "metrics.csv")) - 1
        summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else None
        seen.append((snap.step, n, summary and summary["steps"], summary and summary["running"]))

    with RunFolderWriter(out, config=CFG, every_steps=3, every_seconds=None) as sink:
        train(CFG, 7, sinks=[sink, look])
    assert [s[1] for s in seen] == list(range(1, 8))  # a row per iteration, at once
    assert [s[2] for s in seen] == [None, None, 3, 3, 3, 6, 6]  # heatmap files every 3 steps
    assert all(s[3] in (None, True) for s in seen)
    assert json.loads((out / "summary.json").read_text())["steps"] == 7


def test_bounded_history(tmp_path):
    out = tmp_path / "run"
    cfg = CFG.replace(num_layers=1)
    with RunFolderWriter(out, config=cfg, rows=4, every_seconds=None) as sink:
        train(cfg, 10, sinks=[sink])
    with np.load(out / "grad_steps.npz") as z:
        assert z["total"].shape[0] <= 4 and int(z["stride"]) == 4 and z["total"].shape[1] == 8
    assert len(_rows(out / "metrics.csv")) == 11  # metrics.csv keeps every iteration


def test_watched_module_folder(tmp_path):
    out = tmp_path / "watched"
    rnn = nn.GRU(2, 4, num_layers=2)
    opt = torch.optim.SGD(rnn.parameters(), lr=0.1)
    with watch(rnn, sinks=[RunFolderWriter(out, every_steps=2, every_seconds=None)]) as w:
        for _ in range(3):
            out_, _ = rnn(torch.randn(6, 3, 2))
            loss = out_.pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            w.log(loss)
    model = json.loads((out / "model.json").read_text())
    assert model["cell"] == "gru" and model["num_layers"] == 2 and model["seq_len"] == 6
    rows = _rows(out / "metrics.csv")
    assert rows[0][: len(METRIC_COLUMNS)] == METRIC_COLUMNS and "grad_norm[weight_hh_l1]" in rows[0]
    assert len(rows) == 4 and all(np.isfinite(float(r[1])) for r in rows[1:])
    with np.load(out / "grad_steps.npz") as z:
        assert z["total"].shape == (3, 6) and z["last_l1"].shape == (3, 6)
        np.testing.assert_allclose(z["total_l1"][-1], w.views["total"][1].astype(np.float32))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 3 and summary["running"] is False


def test_sequence_length_must_not_change(tmp_path):
    rnn = nn.RNN(2, 3)
    w = watch(rnn, sinks=[RunFolderWriter(tmp_path / "r", every_seconds=None)])
    for T in (5, 7):
        rnn(torch.randn(T, 2, 2))[0].sum().backward()
    with pytest.raises(ValueError, match="one sequence length"):
        w.flush()
    w.close()


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="every_steps"):
        RunFolderWriter(tmp_path / "a", every_steps=0)
    with pytest.raises(ValueError, match="rows"):
        RunFolderWriter(tmp_path / "b", rows=3)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError, match="file"):
        RunFolderWriter(blocker / "sub")
