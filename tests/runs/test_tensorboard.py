"""TensorBoardWriter: what it writes, read back with TensorBoard's own event reader."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch
from torch import nn

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from gradsim.config import RunConfig
from gradsim.core.watch import watch
from gradsim.runs.procedure import train
from gradsim.runs.tensorboard import MISSING_MESSAGE, TensorBoardWriter, heatmap_image, profile_image

ALL = {"scalars": 0, "images": 0, "histograms": 0, "tensors": 0}


def _read(logdir) -> EventAccumulator:
    ea = EventAccumulator(str(logdir), size_guidance=ALL)
    ea.Reload()
    return ea


def test_gradsim_run_reads_back(tmp_path):
    cfg = RunConfig(seq_len=12, hidden_size=6, batch_size=3, num_layers=2, task="sine")
    with TensorBoardWriter(tmp_path, image_every=4, histogram_every=2) as tb:
        result = train(cfg, 6, sinks=[tb])
    ea = _read(tmp_path)
    tags = ea.Tags()
    losses = ea.Scalars("loss")
    assert [e.step for e in losses] == list(range(6))
    assert np.allclose([e.value for e in losses], result.histories[0].scalar("loss")[1], rtol=1e-6)
    assert {"grad_norm", "spectral_radius", "sigma_max", "gradsim/last_decay_log10/l1"} <= set(tags["scalars"])
    for v in ("total", "last", "weight"):
        assert f"gradsim/{v}_log10/l0" in tags["histograms"]
        assert [e.step for e in ea.Histograms(f"gradsim/{v}_log10/l1")] == [0, 2, 4]
        imgs = ea.Images(f"gradsim/heatmap_{v}/l0")
        assert [e.step for e in imgs] == [0, 4, 5]  # every 4 steps, and the last at close
        assert imgs[-1].height >= 8 and imgs[-1].width >= 12
    assert [e.step for e in ea.Images("gradsim/profile/l1")] == [0, 4, 5]


def test_watched_module_reads_back(tmp_path):
    rnn = nn.LSTM(2, 5, batch_first=True)
    head = nn.Linear(5, 1)
    opt = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-2)
    with watch(rnn, sinks=[TensorBoardWriter(tmp_path, image_every=2)]) as w:
        for _ in range(3):
            out, _ = rnn(torch.randn(4, 7, 2))
            loss = head(out[:, -1]).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            w.log(loss)
    ea = _read(tmp_path)
    assert [e.step for e in ea.Scalars("loss")] == [0, 1, 2]
    assert "gradsim/model/text_summary" in ea.Tags()["tensors"]  # add_text: a text tensor
    assert [e.step for e in ea.Images("gradsim/heatmap_last/l0")] == [0, 2]


def test_images():
    data = np.exp(-np.arange(20.0))[None].repeat(3, 0)
    data[1, 3] = 0.0  # log of zero: shown black, no warning
    img = heatmap_image(data)
    assert img.dtype == np.uint8 and img.shape[2] == 3 and img.shape[1] >= 256 and img.shape[0] >= 8
    prof = profile_image({"total": data[0], "last": data[1], "weight": np.full(20, np.nan)})
    assert prof.shape == (160, 260, 3) and (prof != 255).any()


def test_missing_tensorboard_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(ImportError, match="gradsim\\[tensorboard\\]") as err:
        TensorBoardWriter(tmp_path)
    assert str(err.value) == MISSING_MESSAGE
