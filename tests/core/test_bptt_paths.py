"""The fast path's internal strategies (fused-kernel LSTM, chunked LSTM loop, float32)
against the float64 general path, and the work buffers it keeps between calls."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gradsim.config import RunConfig
from gradsim.core import bptt
from gradsim.core.cells import RecurrentNet, init_network
from gradsim.core.tasks import make_task


def _setup(cfg: RunConfig, dtype: torch.dtype, seed: int = 0):
    task = make_task(cfg, dtype, torch.device("cpu"))
    net = RecurrentNet(cfg, task.input_size, task.output_size, dtype, torch.device("cpu"))
    init_network(net, cfg, torch.Generator().manual_seed(seed))
    batch = task.sample(np.random.default_rng(seed))
    n = 2 if cfg.cell == "lstm" else 1
    g = torch.Generator().manual_seed(seed + 1)
    state = [tuple((0.3 * torch.randn(cfg.batch_size, cfg.hidden_size, generator=g, dtype=torch.float64)).to(dtype)
                   for _ in range(n)) for _ in range(cfg.num_layers)]
    return task, net, batch, state


def _reference(cfg: RunConfig):
    """The float64 general path on the float32 run's exact weights, inputs and state."""
    cfg64 = cfg.replace(dtype="float64")
    task32, net32, batch32, state32 = _setup(cfg, torch.float32)
    task64, net64, batch64, _ = _setup(cfg64, torch.float64)
    with torch.no_grad():
        for p64, p32 in zip(net64.parameters(), net32.parameters()):
            p64.copy_(p32.double())
    batch64 = type(batch64)(batch32.x.double(), batch32.y.double() if batch32.y.is_floating_point() else batch32.y)
    state64 = [tuple(s.double() for s in f) for f in state32]
    ref = bptt.capture_autograd(net64, task64, batch64, state64, cfg64)
    return (task32, net32, batch32, state32), ref


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b).abs().max() / b.abs().max().clamp_min(1e-30))


@pytest.mark.parametrize("lstm_path", ["fused", "loop"])
@pytest.mark.parametrize("task", ["sine", "adding"])
@pytest.mark.parametrize("layers", [1, 2])
def test_float32_lstm_strategies_match_float64_reference(lstm_path, task, layers):
    cfg = RunConfig(cell="lstm", task=task, seq_len=25, batch_size=3, hidden_size=6, num_layers=layers,
                    forget_bias=1.0)
    (t, net, batch, state), ref = _reference(cfg)
    got = bptt.capture_fast(net, t, batch, state, cfg, lstm_path=lstm_path)
    for k, g in ref.grads.items():
        assert _rel(got.grads[k], g) < 1e-4, k
    for v in bptt.VIEWS:
        # float32 rounding only: relative to each profile's own scale, per time step where it is not tiny
        a, b = getattr(got, v).double(), getattr(ref, v)
        big = b > 1e-6 * b.max()
        assert torch.allclose(a[big], b[big], rtol=1e-3), v


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_float32_fast_path_matches_float64_reference(cell):
    cfg = RunConfig(cell=cell, task="sine", seq_len=40, batch_size=4, hidden_size=8, num_layers=2)
    (t, net, batch, state), ref = _reference(cfg)
    got = bptt.capture_fast(net, t, batch, state, cfg)
    for k, g in ref.grads.items():
        assert _rel(got.grads[k], g) < 1e-4, k


def test_chunked_lstm_loop_equals_general_path(monkeypatch):
    # force chunks of 8 steps over T = 37 so chunk boundaries fall inside the sequence
    monkeypatch.setattr(bptt.lstm, "_LSTM_CHUNK_ROWS", 1)
    cfg = RunConfig(cell="lstm", task="sine", seq_len=37, batch_size=2, hidden_size=5, dtype="float64", tbptt=0)
    t, net, batch, state = _setup(cfg, torch.float64)
    got = bptt.capture_fast(net, t, batch, state, cfg, lstm_path="loop")
    ref = bptt.capture_autograd(net, t, batch, state, cfg)
    for k in ref.grads:
        torch.testing.assert_close(got.grads[k], ref.grads[k], rtol=1e-10, atol=1e-14)
    for v in bptt.VIEWS:
        torch.testing.assert_close(getattr(got, v), getattr(ref, v), rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_results_do_not_alias_the_kept_work_buffers(cell, dtype):
    """A Capture must survive the next call: the fast path reuses buffers between calls."""
    cfg = RunConfig(cell=cell, task="sine", dtype=dtype, seq_len=30, batch_size=4, hidden_size=8, num_layers=2)
    dt = torch.float64 if dtype == "float64" else torch.float32
    t, net, _, state = _setup(cfg, dt)
    rng = np.random.default_rng(0)
    a = bptt.capture_fast(net, t, t.sample(rng), state, cfg)
    grads = {k: v.clone() for k, v in a.grads.items()}
    views = {v: getattr(a, v).clone() for v in bptt.VIEWS}
    finals = [tuple(s.clone() for s in f) for f in a.final_state]
    bptt.capture_fast(net, t, t.sample(rng), state, cfg)
    for k, g in grads.items():
        assert torch.equal(g, a.grads[k]), k
    for v, x in views.items():
        assert torch.equal(x, getattr(a, v)), v
    for f0, f1 in zip(finals, a.final_state):
        assert all(torch.equal(x, y) for x, y in zip(f0, f1))
