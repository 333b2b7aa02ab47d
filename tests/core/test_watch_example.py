"""examples/watch_lstm.py: a plain PyTorch LSTM script with three added lines.

In process: one training step of the example's own model under ``gradsim.watch`` gives
views equal to a step-by-step autograd reference. As a subprocess (tiny sizes): it runs,
writes a run folder in the ``gradsim run --out`` format and a TensorBoard log that
TensorBoard's reader reads.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import gradsim

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "watch_lstm.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("watch_lstm_example", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _needs_exports():
    missing = [n for n in ("watch", "RunFolderWriter", "TensorBoardWriter") if not hasattr(gradsim, n)]
    if missing:
        pytest.fail(f"gradsim/__init__.py must export {missing} (the example uses gradsim.{missing[0]})")


def test_example_views_equal_autograd_reference(close):
    _needs_exports()
    ex = _load_example()
    torch.manual_seed(0)
    model = ex.Model(hidden=6, layers=1).double()
    x, y = next(ex.batches(1, batch=3, seq_len=9, seed=1))
    x, y = x.double(), y.double()
    with gradsim.watch(model.lstm) as w:
        torch.nn.functional.mse_loss(model(x), y).backward()
        got = {k: torch.tensor(np.array(v)) for k, v in w.views.items()}
    # reference: the LSTM unrolled by hand on the module's weights, autograd w.r.t. each h_t
    m, n = model.lstm, 6
    h = torch.zeros(3, n, dtype=torch.float64)
    c = torch.zeros_like(h)
    hs, rs = [], []
    for t in range(9):
        r = h @ m.weight_hh_l0.T + m.bias_hh_l0
        z = x[:, t] @ m.weight_ih_l0.T + m.bias_ih_l0 + r
        i, f, g, o = z.split(n, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        rs.append(r)
        hs.append(h := torch.sigmoid(o) * torch.tanh(c))
    loss = torch.nn.functional.mse_loss(model.head(hs[-1]), y)
    grads = torch.autograd.grad(loss, hs + rs)
    prev = [torch.zeros_like(h)] + hs[:-1]
    total = torch.stack([g.norm() for g in grads[:9]])
    weight = torch.stack([(grads[9 + t].T @ prev[t]).norm() for t in range(9)])
    close(got["total"][0], total, 1e-12, "total")
    close(got["last"][0], total, 1e-12, "last (the loss is at the last step)")
    close(got["weight"][0], weight.detach(), 1e-12, "weight")


def test_example_script_writes_folder_and_tensorboard(tmp_path):
    _needs_exports()
    out, tb = tmp_path / "run", tmp_path / "tb"
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE), "--steps", "6", "--batch", "4", "--seq-len", "10",
         "--hidden", "8", "--layers", "2", "--out", str(out), "--tb", str(tb)],
        capture_output=True, text=True, timeout=240, cwd=tmp_path, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "step    0" in proc.stdout
    rows = (out / "metrics.csv").read_text().splitlines()
    assert rows[0].startswith("step,loss,grad_norm,") and len(rows) == 7
    with np.load(out / "grad_steps.npz") as z:
        assert z["total"].shape == (6, 10) and z["last_l1"].shape == (6, 10)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 6 and summary["running"] is False
    assert json.loads((out / "model.json").read_text())["cell"] == "lstm"
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(str(tb), size_guidance={"scalars": 0, "images": 0})
    ea.Reload()
    assert [e.step for e in ea.Scalars("loss")] == list(range(6))
    assert "gradsim/heatmap_total/l1" in ea.Tags()["images"]
