"""The seeds' own code, run beside gradsim's presets: same numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from gradsim.core.bptt import capture
from gradsim.core.cells import RecurrentNet, init_network
from gradsim.core.tasks import make_task
from gradsim.content.presets import load_preset


def _build(cfg):
    task = make_task(cfg, torch.float64, torch.device("cpu"))
    net = RecurrentNet(cfg, task.input_size, task.output_size, torch.float64, torch.device("cpu"))
    init_network(net, cfg, torch.Generator().manual_seed(cfg.seed))
    return task, net


def test_seed000_toy_gradients_match_the_seed_cell():
    """Seed 000: h_next = tanh(Wxh·x + Whh·h + bh), 3 steps, loss = sum(h)."""
    cfg = load_preset("seed000-toy").replace(dtype="float64")
    task, net = _build(cfg)
    batch = task.sample(np.random.default_rng(0))
    layer = net.layers[0]
    state = [(torch.zeros(1, 5, dtype=torch.float64),)]
    cap = capture(net, task, batch, state, cfg)

    # the seed's column-vector code, with the bias as a column (the seed's (5,) bias
    # broadcasts a (5,1) column to (5,5); gradsim implements the intended cell)
    Wxh = layer.weight_ih.detach().clone().requires_grad_(True)
    Whh = layer.weight_hh.detach().clone().requires_grad_(True)
    bh = (layer.bias_ih + layer.bias_hh).detach().clone().view(5, 1).requires_grad_(True)
    x = batch.x[0, 0].view(10, 1)
    h = torch.zeros(5, 1, dtype=torch.float64)
    for _ in range(3):
        h = torch.tanh(torch.mm(Wxh, x) + torch.mm(Whh, h) + bh)
    torch.sum(h).backward()
    # the fast forward sums in another order than the seed: equal to rounding
    assert float(cap.loss) == pytest.approx(float(torch.sum(h).detach()), rel=1e-14)
    torch.testing.assert_close(cap.grads["layers.0.weight_ih"], Wxh.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(cap.grads["layers.0.weight_hh"], Whh.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(cap.grads["layers.0.bias_hh"], bh.grad.view(5), rtol=1e-12, atol=1e-14)
    # seed 000's set-up: randn weights (std 1), 10 inputs, 5 hidden, 3 steps
    assert layer.weight_hh.shape == (5, 5) and layer.weight_ih.shape == (5, 10) and cfg.seq_len == 3


def test_seed002_training_step_matches_the_seed_net():
    """Seed 002: nn.RNN(1→16) + Linear(16→1), MSELoss over the 49 next values."""
    cfg = load_preset("seed002-sine").replace(dtype="float64")
    task, net = _build(cfg)
    batch = task.sample(np.random.default_rng(5))
    # the seed's data: 50 points of sin over [s, s+10], inputs data[:-1], targets data[1:]
    x = batch.x[:, 0, 0].numpy()
    y = batch.y[:, 0, 0].numpy()
    assert x.shape == (49,) and np.allclose(x[1:], y[:-1])
    grid = np.linspace(0, 10, 50)
    s = next(s for s in range(10) if np.allclose(np.sin(grid + s)[:-1], x))  # StopIteration: not the seed's data
    assert np.allclose(np.sin(grid + s)[1:], y)  # and the targets are the same curve, one step on

    rnn = nn.RNN(1, 16, num_layers=1, batch_first=True).double()
    linear = nn.Linear(16, 1).double()
    layer = net.layers[0]
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(layer.weight_ih)
        rnn.weight_hh_l0.copy_(layer.weight_hh)
        rnn.bias_ih_l0.copy_(layer.bias_ih)
        rnn.bias_hh_l0.copy_(layer.bias_hh)
        linear.weight.copy_(net.readout.weight)
        linear.bias.copy_(net.readout.bias)
    hidden_prev = torch.zeros(1, 1, 16, dtype=torch.float64)
    out, _ = rnn(batch.x.transpose(0, 1), hidden_prev)
    out = linear(out.reshape(-1, 16)).unsqueeze(0)
    loss = nn.MSELoss()(out, batch.y.transpose(0, 1))
    loss.backward()

    cap = capture(net, task, batch, [(hidden_prev[0],)], cfg)
    assert abs(float(cap.loss) - float(loss.detach())) < 1e-14
    torch.testing.assert_close(cap.grads["layers.0.weight_hh"], rnn.weight_hh_l0.grad, rtol=1e-10, atol=1e-15)
    torch.testing.assert_close(cap.grads["layers.0.weight_ih"], rnn.weight_ih_l0.grad, rtol=1e-10, atol=1e-15)
    torch.testing.assert_close(cap.grads["readout.weight"], linear.weight.grad, rtol=1e-10, atol=1e-15)
    # the seed's initialisation: every RNN tensor N(0, 0.001²)
    for p in (layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh):
        assert float(p.detach().abs().max()) < 0.006
