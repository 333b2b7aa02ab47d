"""The core against hostile input and against realistic mistakes: each test here fails for
one mistake a person could make (a ``>=`` for a ``>``, an index off by one, a slice of the
wrong gate) and says which in its name."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gradsim.config import ConfigError, RunConfig
from gradsim.core.budget import check_memory, estimate_bytes, format_bytes, history_bytes
from gradsim.core.cells import RecurrentNet, init_network
from gradsim.core.history import History
from gradsim.core.remedies import apply_remedies
from gradsim.core.tasks import make_task
from gradsim.core.trainer import Trainer

F64, CPU = torch.float64, torch.device("cpu")


# ------------------------------------------------------------------ clipping at the threshold
def test_clip_by_norm_at_exactly_the_threshold_is_not_clipped():
    g = [torch.tensor([3.0, 4.0], dtype=F64)]  # norm 5, exactly
    rem = apply_remedies(g, RunConfig(clip="norm", clip_threshold=5.0))
    assert rem.clipped is False and rem.norm_after == rem.norm_before == 5.0
    assert g[0].tolist() == [3.0, 4.0]


def test_clip_by_norm_just_above_the_threshold_is_clipped():
    g = [torch.tensor([3.0, 4.0 + 1e-9], dtype=F64)]
    rem = apply_remedies(g, RunConfig(clip="norm", clip_threshold=5.0))
    assert rem.clipped is True and rem.norm_after == pytest.approx(5.0, rel=1e-12)


def test_clip_by_value_at_exactly_the_threshold_is_not_clipped():
    g = [torch.tensor([[-2.0, 2.0], [0.5, -1.0]], dtype=F64)]  # |g| reaches 2 and no more
    rem = apply_remedies(g, RunConfig(clip="value", clip_threshold=2.0))
    assert rem.clipped is False
    assert g[0].tolist() == [[-2.0, 2.0], [0.5, -1.0]]


def test_clip_by_value_one_component_above_is_clipped():
    g = [torch.tensor([0.1], dtype=F64), torch.tensor([[-2.0, 2.0 + 1e-9]], dtype=F64)]
    rem = apply_remedies(g, RunConfig(clip="value", clip_threshold=2.0))
    assert rem.clipped is True and g[1].tolist() == [[-2.0, 2.0]]


# ------------------------------------------------------------------ task semantics
@pytest.mark.parametrize("T", [2, 3, 10, 101])
def test_adding_task_marks_one_step_in_each_half_and_sums_those_two(T):
    task = make_task(RunConfig(task="adding", seq_len=T, batch_size=256), F64, CPU)
    for seed in range(5):
        batch = task.sample(np.random.default_rng(seed))
        vals, marks = batch.x[..., 0].numpy(), batch.x[..., 1].numpy()
        assert marks.sum(axis=0).tolist() == [2.0] * 256  # exactly two markers, never one twice
        half = T // 2
        first = marks[:half].argmax(axis=0)
        second = half + marks[half:].argmax(axis=0)
        assert (marks[:half].sum(axis=0) == 1).all() and (marks[half:].sum(axis=0) == 1).all()
        cols = np.arange(256)
        np.testing.assert_allclose(batch.y[:, 0].numpy(), vals[first, cols] + vals[second, cols], rtol=0, atol=0)
    # over all draws the second marker reaches the last step and the first the first step
    many = task.sample(np.random.default_rng(99)).x[..., 1].numpy()
    assert many[0].any() and many[-1].any()


@pytest.mark.parametrize("T", [2, 5, 40])
def test_recall_target_is_the_symbol_shown_at_step_0(T):
    K = 6
    task = make_task(RunConfig(task="recall", seq_len=T, batch_size=128, n_classes=K), F64, CPU)
    batch = task.sample(np.random.default_rng(3))
    x, y = batch.x.numpy(), batch.y.numpy()
    assert (x[0, :, :K].sum(axis=1) == 1).all()
    np.testing.assert_array_equal(y, x[0, :, :K].argmax(axis=1))
    if T > 2:  # a distractor at step 1 differs from the first symbol in most sequences
        assert (x[1, :, :K].argmax(axis=1) != y).any()
    assert (x[-1, :, K] == 1).all() and (x[-1, :, :K] == 0).all()  # the query step
    assert (x[:-1, :, K] == 0).all()


# ------------------------------------------------------------------ gate layout
def test_lstm_forget_bias_goes_to_the_forget_gate_only():
    H = 5
    nets = []
    for fb in (0.0, 2.5):
        cfg = RunConfig(cell="lstm", hidden_size=H, forget_bias=fb, task="adding", dtype="float64")
        net = RecurrentNet(cfg, 2, 1, F64, CPU)
        init_network(net, cfg, torch.Generator().manual_seed(7))
        nets.append(net)
    for layer0, layer1 in zip(nets[0].layers, nets[1].layers):
        diff = (layer1.bias_ih - layer0.bias_ih).detach()
        # torch's gate order i, f, g, o: only f moves, by exactly the forget bias
        np.testing.assert_allclose(diff[H:2 * H].numpy(), 2.5, rtol=0, atol=1e-15)
        assert torch.equal(diff[:H], torch.zeros(H, dtype=F64))
        assert torch.equal(diff[2 * H:], torch.zeros(2 * H, dtype=F64))
        assert torch.equal(layer1.bias_hh, layer0.bias_hh)


@torch.no_grad()
def test_lstm_forget_bias_scales_the_cell_state_in_the_forward_pass():
    """Through torch's own LSTM: with zero input and h_0 = 0, c_1 = σ(b_f)·c_0 + σ(b_i)·tanh(b_g),
    so the forget bias changes c_1 by exactly (σ(b_f + fb) − σ(b_f))·c_0, proportional to c_0
    (a bias on the input gate would change it by a multiple of tanh(b_g) instead)."""
    H, fb = 3, 4.0
    cells = []
    for bias in (0.0, fb):
        cfg = RunConfig(cell="lstm", hidden_size=H, forget_bias=bias, task="adding", dtype="float64")
        net = RecurrentNet(cfg, 2, 1, F64, CPU)
        init_network(net, cfg, torch.Generator().manual_seed(1))
        layer = net.layers[0]
        ref = torch.nn.LSTM(2, H, dtype=F64)
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(ref, f"{name}_l0").copy_(getattr(layer, name))
        c0 = torch.tensor([[[0.7, -1.3, 2.0]]], dtype=F64)
        _, (_, c1) = ref(torch.zeros(1, 1, 2, dtype=F64), (torch.zeros(1, 1, H, dtype=F64), c0))
        cells.append((c1, layer))
    (c_plain, layer0), (c_open, _) = cells
    b_f = layer0.bias_ih[H:2 * H] + layer0.bias_hh[H:2 * H]
    expected = (torch.sigmoid(b_f + fb) - torch.sigmoid(b_f)) * c0[0, 0]
    torch.testing.assert_close(c_open[0, 0] - c_plain[0, 0], expected, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ optimiser state on a skipped update
def _opt_state(trainer: Trainer) -> dict:
    return {id(p): {k: v.clone() for k, v in st.items() if torch.is_tensor(v)} for p, st in trainer._opt.state.items()}


def test_adam_second_moment_overflow_is_divergence_and_state_is_restored():
    """The issue's case: identity activation, orthogonal gain 2, T = 50, Adam: |g| ≈ 1e29 is
    finite but g² overflows float32; the step must be flagged, undone whole, and training
    must be able to go on (weights move again once the gradient is tamed)."""
    cfg = RunConfig(task="adding", activation="identity", init="orthogonal", init_gain=2.0, seq_len=50,
                    optimizer="adam", hidden_size=16, batch_size=8)
    t = Trainer(cfg)
    w_before = [p.detach().clone() for p in t.net.parameters()]
    snap = t.step()
    assert math.isfinite(snap.grad_norm) and snap.grad_norm > 1.9e19
    assert snap.diverged and t.diverged_at == 0
    assert all(torch.equal(p, w) for p, w in zip(t.net.parameters(), w_before))
    assert all(torch.isfinite(v).all() for st in t._opt.state.values() for v in st.values() if torch.is_tensor(v))
    t.apply_config(cfg.replace(clip="norm", clip_threshold=1.0))
    snap2 = t.step()
    assert not snap2.diverged and snap2.clipped
    moved = {n: not torch.equal(p, w) for (n, p), w in zip(t.net.named_parameters(), w_before)}
    # the recurrent weights, whose g² overflowed, move again: no moment is stuck at inf
    # (a parameter whose clipped gradient is ~1e-30 may stay put: Adam's eps dominates it)
    assert moved["layers.0.weight_hh"] and moved["layers.0.weight_ih"], moved
    assert all(torch.isfinite(v).all() for st in t._opt.state.values() for v in st.values() if torch.is_tensor(v))


def test_a_skipped_update_restores_the_optimiser_state_exactly(monkeypatch):
    """After some finite steps (Adam's moments non-zero), an update that overflows the weights
    is undone: moments and step counts are those from before it."""
    cfg = RunConfig(task="adding", seq_len=10, hidden_size=8, batch_size=4, optimizer="adam")
    t = Trainer(cfg)
    for _ in range(3):
        t.step()
    before = _opt_state(t)
    assert before and all(float(st["exp_avg_sq"].abs().sum()) > 0 for st in before.values())
    real_step = t._opt.step

    def exploding_step(*a, **k):
        real_step(*a, **k)
        with torch.no_grad():
            next(iter(t.net.parameters())).fill_(float("inf"))

    monkeypatch.setattr(t._opt, "step", exploding_step)
    snap = t.step()
    assert snap.diverged
    after = _opt_state(t)
    assert after.keys() == before.keys()
    for key in before:
        for name, value in before[key].items():
            assert torch.equal(after[key][name], value), name


def test_momentum_buffer_is_restored_after_an_overflowing_step(monkeypatch):
    cfg = RunConfig(task="adding", seq_len=10, hidden_size=8, batch_size=4, optimizer="momentum", lr=0.01)
    t = Trainer(cfg)
    t.step()
    before = _opt_state(t)
    real_step = t._opt.step

    def overflow_state(*a, **k):
        real_step(*a, **k)
        for st in t._opt.state.values():
            st["momentum_buffer"].fill_(float("nan"))

    monkeypatch.setattr(t._opt, "step", overflow_state)
    assert t.step().diverged
    for key, st in _opt_state(t).items():
        assert torch.equal(st["momentum_buffer"], before[key]["momentum_buffer"])


# ------------------------------------------------------------------ the memory estimate
def test_history_bytes_is_what_a_history_holds():
    for T, rows, scalar_rows in ((10, 4, 6), (200, 2048, 300), (2000, 4096, 100_000)):
        assert history_bytes(T, rows, scalar_rows) == History(T, rows=rows, scalar_rows=scalar_rows).nbytes


def test_estimate_grows_with_every_size_and_the_cell():
    base = RunConfig(hidden_size=64, seq_len=200, batch_size=32)
    e0 = estimate_bytes(base)
    for change in ({"hidden_size": 128}, {"seq_len": 400}, {"batch_size": 64}, {"num_layers": 2},
                   {"dtype": "float64"}, {"cell": "lstm"}, {"cell": "gru"}, {"norm": "layer"}, {"task": "sine"}):
        assert estimate_bytes(base.replace(**change)) > e0, change
    assert estimate_bytes(base, history_rows=4096, scalar_rows=10_000) > e0
    assert estimate_bytes(base, runs=2) > e0


def test_the_issue_sizes_are_refused_and_the_presets_pass():
    huge = RunConfig(hidden_size=1024, seq_len=2000, batch_size=1024)
    assert estimate_bytes(huge) > 30e9  # torch asked for 33.9 GB in one allocation
    with pytest.raises(ConfigError) as info:
        check_memory(huge, available=16 * 10**9)
    text = str(info.value)
    assert "about" in text and format_bytes(16 * 10**9) in text and "16.0 GB" in text
    # H=1024, T=2000, B=32 peaks at ~1.0 GB measured: it must pass on a 4 GB machine
    assert check_memory(RunConfig(hidden_size=1024, seq_len=2000, batch_size=32), 4096, 300,
                        available=4 * 10**9) < 2e9
    from gradsim.content.presets import list_presets, load_preset

    for name in list_presets():
        check_memory(load_preset(name), 300, 300, available=2 * 10**9)


def test_check_memory_without_a_known_limit_does_not_refuse(monkeypatch):
    import gradsim.core.budget as budget

    monkeypatch.setattr(budget, "available_bytes", lambda: None)
    assert check_memory(RunConfig(hidden_size=1024, seq_len=2000, batch_size=1024)) > 0


def test_available_memory_is_read_on_linux():
    import sys

    from gradsim.core.budget import available_bytes

    have = available_bytes()
    if sys.platform.startswith("linux"):
        assert have is not None and have > 0
