"""Edges that realistic mistakes cross (issue 10; each found as a surviving mutant or made
by hand in a scratch copy): a threshold exactly hit, a task's semantics, the second layer,
the optimiser's state, the LSTM's gate layout."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gradsim.config import RunConfig
from gradsim.core import trainer as trainer_mod
from gradsim.core.history import History
from gradsim.core.remedies import apply_remedies, global_norm
from gradsim.core.tasks import make_task
from gradsim.core.trainer import Trainer

SMALL = dict(task="adding", seq_len=12, batch_size=4, hidden_size=8)


def _cfg(**kw) -> RunConfig:
    return RunConfig(**{**SMALL, **kw})


# --------------------------------------------------------------------------- clipping edges
def test_clip_by_value_at_exactly_the_threshold_is_not_clipping():
    thr = 0.5
    grads = [torch.tensor([thr, -thr, 0.25], dtype=torch.float64)]
    res = apply_remedies(grads, _cfg(clip="value", clip_threshold=thr))
    assert not res.clipped  # `>=` would say clipped
    assert grads[0].tolist() == [thr, -thr, 0.25]
    assert res.norm_after == res.norm_before == pytest.approx(math.sqrt(2 * thr**2 + 0.0625), rel=1e-15)
    grads = [torch.tensor([thr * (1 + 1e-12), 0.0], dtype=torch.float64)]
    assert apply_remedies(grads, _cfg(clip="value", clip_threshold=thr)).clipped  # just above: clipped
    assert grads[0][0].item() == thr


def test_clip_by_value_finds_a_large_component_in_any_tensor():
    grads = [torch.zeros(3, dtype=torch.float64), torch.tensor([0.1, -7.0], dtype=torch.float64)]
    res = apply_remedies(grads, _cfg(clip="value", clip_threshold=1.0))
    assert res.clipped and grads[1].tolist() == [0.1, -1.0]
    assert res.norm_after == pytest.approx(math.sqrt(0.01 + 1.0), rel=1e-12)  # measured after clipping
    assert res.norm_before == pytest.approx(math.sqrt(0.01 + 49.0), rel=1e-12)


def test_clip_by_norm_at_exactly_the_threshold_is_not_clipping():
    grads = [torch.tensor([3.0, 4.0], dtype=torch.float64)]  # norm exactly 5
    res = apply_remedies(grads, _cfg(clip="norm", clip_threshold=5.0))
    assert not res.clipped and grads[0].tolist() == [3.0, 4.0]  # `>=` would rescale and say clipped
    assert res.norm_before == res.norm_after == 5.0
    res = apply_remedies(grads, _cfg(clip="norm", clip_threshold=4.0))
    assert res.clipped and res.norm_after == pytest.approx(4.0, rel=1e-12)
    assert grads[0].tolist() == pytest.approx([2.4, 3.2], rel=1e-12)  # the direction kept


def test_normalising_after_clipping_reports_the_final_norm():
    grads = [torch.tensor([30.0, 40.0], dtype=torch.float64)]
    res = apply_remedies(grads, _cfg(clip="norm", clip_threshold=10.0, grad_normalize=True))
    assert res.clipped and res.norm_before == 50.0 and res.norm_after == pytest.approx(1.0, rel=1e-12)
    assert grads[0].tolist() == pytest.approx([0.6, 0.8], rel=1e-12)


def test_global_norm_covers_every_tensor():
    assert global_norm([]) == 0.0
    assert global_norm([torch.tensor([3.0]), torch.tensor([[4.0]]), torch.zeros(2)]) == 5.0


# --------------------------------------------------------------------------- task semantics
@pytest.mark.parametrize("T", [2, 3, 9, 10])
def test_adding_markers_one_in_each_half_and_the_target_is_their_sum(T):
    cfg = _cfg(seq_len=T, batch_size=400)
    task = make_task(cfg, torch.float64, torch.device("cpu"))
    batch = task.sample(np.random.default_rng(3))
    x, y = batch.x.numpy(), batch.y.numpy()[:, 0]
    half = T // 2
    marks = x[:, :, 1]
    assert set(np.unique(marks)) <= {0.0, 1.0} and (marks.sum(axis=0) == 2).all()
    first = marks.argmax(axis=0)
    second = T - 1 - marks[::-1].argmax(axis=0)
    assert (first < half).all() and (second >= half).all() and (second <= T - 1).all()
    # every allowed position is used (an off-by-one in a bound leaves one out)
    assert set(first) == set(range(half)) and set(second) == set(range(half, T))
    cols = np.arange(x.shape[1])
    assert np.allclose(y, x[first, cols, 0] + x[second, cols, 0], rtol=0, atol=1e-12)
    assert ((x[:, :, 0] >= 0) & (x[:, :, 0] < 1)).all()


def test_adding_with_one_step_marks_it_and_its_value_is_the_target():
    task = make_task(_cfg(seq_len=1, batch_size=50), torch.float64, torch.device("cpu"))
    batch = task.sample(np.random.default_rng(0))
    x, y = batch.x.numpy(), batch.y.numpy()[:, 0]
    assert (x[0, :, 1] == 1).all() and np.allclose(y, x[0, :, 0])


@pytest.mark.parametrize("T", [2, 5])
def test_recall_target_is_the_first_steps_symbol(T):
    K = 6
    task = make_task(_cfg(task="recall", seq_len=T, batch_size=300, n_classes=K), torch.float64,
                     torch.device("cpu"))
    batch = task.sample(np.random.default_rng(4))
    x, y = batch.x.numpy(), batch.y.numpy()
    assert x.shape == (T, 300, K + 1) and batch.y.dtype == torch.long
    assert (x[0, :, :K].argmax(axis=1) == y).all() and (x[0, :, :K].sum(axis=1) == 1).all()
    assert (x[-1, :, :K] == 0).all() and (x[-1, :, K] == 1).all()  # the query step: no symbol
    assert (x[:-1, :, K] == 0).all()  # no query before the last step
    if T > 2:  # the distractors are symbols too, one each, and not always the target's
        assert (x[1:-1, :, :K].sum(axis=2) == 1).all()
        assert (x[1, :, :K].argmax(axis=1) != y).any()
    assert set(np.unique(y)) == set(range(K))
    assert task.baseline == pytest.approx(math.log(K))


# --------------------------------------------------------------------------- every layer
def test_each_layers_history_holds_that_layers_views():
    tr = Trainer(_cfg(num_layers=2, task="sine", seq_len=10))
    hist = [History(10, rows=8), History(10, rows=8, scalar_rows=2)]
    snaps = [tr.step() for _ in range(3)]
    for s in snaps:
        for layer, h in enumerate(hist):
            h.append(s, layer=layer)
    for view in ("total", "last"):
        top = snaps[-1].views[view]
        assert top.shape[0] == 2 and not np.allclose(top[0], top[1])  # the layers differ, so a mix-up shows
        for layer, h in enumerate(hist):
            rows = h.views[view]
            assert np.array_equal(rows.data[len(rows) - 1], top[layer].astype(rows.data.dtype))


# --------------------------------------------------------------------------- optimiser state
def _opt_state(tr: Trainer) -> list[dict]:
    out = []
    for p in tr.net.parameters():
        st = tr._opt.state.get(p, {})
        out.append({k: (v.detach().clone() if torch.is_tensor(v) else v) for k, v in st.items()})
    return out


def _same_state(a, b) -> bool:
    return all(x.keys() == y.keys() and all(
        torch.equal(x[k], y[k]) if torch.is_tensor(x[k]) else x[k] == y[k] for k in x) for x, y in zip(a, b))


# inf: the update is skipped before the optimiser runs; 1e30 / 1e38: finite in float32, but
# Adam's second moment (1e-3·g²) and momentum-SGD's update at lr 10 overflow, so the step
# is undone, state included
@pytest.mark.parametrize("optimizer,bad,lr", [("adam", float("inf"), 0.01), ("momentum", float("inf"), 0.01),
                                              ("adam", 1e30, 0.01), ("momentum", 1e38, 10.0)])
def test_a_skipped_update_leaves_the_optimisers_state_as_it_was(monkeypatch, optimizer, bad, lr):
    tr = Trainer(_cfg(optimizer=optimizer, lr=lr))
    tr.step()
    tr.step()
    before = _opt_state(tr)
    weights = [p.detach().clone() for p in tr.net.parameters()]
    assert any(st for st in before), "no optimiser state to compare"
    real = trainer_mod.capture

    def poisoned(net, task, batch, state, cfg):
        cap = real(net, task, batch, state, cfg)
        cap.grads["layers.0.weight_hh"][0, 0] = bad
        return cap

    monkeypatch.setattr(trainer_mod, "capture", poisoned)
    snap = tr.step()
    assert snap.diverged
    assert _same_state(before, _opt_state(tr)), "the skipped update changed the optimiser's moments or step"
    assert all(torch.equal(a, b) for a, b in zip(weights, tr.net.parameters()))
    monkeypatch.setattr(trainer_mod, "capture", real)
    tr.apply_config(tr.config.replace(lr=0.01))
    tr.step()
    assert not _same_state(before, _opt_state(tr))  # a real update moves them again


# --------------------------------------------------------------------------- gate layout
@pytest.mark.parametrize("init", ["orthogonal", "xavier"])
def test_lstm_forget_bias_goes_to_the_forget_gate_only(init):
    H = 8
    tr = Trainer(_cfg(cell="lstm", hidden_size=H, init=init, forget_bias=1.5, num_layers=2))
    for layer in tr.net.layers:
        b_ih = layer.bias_ih.detach().numpy()
        b_hh = layer.bias_hh.detach().numpy()
        assert b_ih.shape == (4 * H,)
        assert (b_ih[H:2 * H] == 1.5).all()  # gate order i, f, g, o
        assert (b_ih[:H] == 0).all() and (b_ih[2 * H:] == 0).all()
        assert (b_hh == 0).all()


# --------------------------------------------------------------------------- seed 000's toy task
def test_toy3_repeats_one_input_and_its_loss_is_the_mean_sum_of_the_last_state():
    task = make_task(_cfg(task="toy3", seq_len=3, batch_size=4, hidden_size=5), torch.float64, torch.device("cpu"))
    batch = task.sample(np.random.default_rng(1))
    x = batch.x.numpy()
    assert x.shape == (3, 4, 10) and np.array_equal(x[0], x[1]) and np.array_equal(x[0], x[2])
    assert len(np.unique(x[0, :, 0])) == 4  # each sample its own input
    h = torch.arange(3 * 4 * 5, dtype=torch.float64).reshape(3, 4, 5)
    assert float(task.loss(None, batch.y, h)) == pytest.approx(float(h[-1].sum()) / 4)
    assert np.isnan(task.target_for_plot(batch.y)).all() and task.target_for_plot(batch.y).shape == (3, 1)
    assert np.isnan(task.output_for_plot(None)).all() and task.output_for_plot(None).shape == (3, 1)


# --------------------------------------------------------------------------- the run's summary
def test_run_summary_takes_the_newest_snapshot_and_the_first_layers_history():
    from gradsim.core.history import run_summary

    tr = Trainer(_cfg(num_layers=2, clip="norm", clip_threshold=1e-9))
    hist = [History(12, rows=8), History(12, rows=8, scalar_rows=2)]
    snaps = [tr.step() for _ in range(4)]
    for s in snaps:
        for layer, h in enumerate(hist):
            h.append(s, layer=layer)
    last = snaps[-1]
    out = run_summary(hist, last, wall_seconds=2.5, steps=99)
    assert out["final_loss"] == last.loss and out["final_grad_norm"] == last.grad_norm
    assert out["final_spectral_radius"] == last.spectral_radius and out["final_sigma_max"] == last.sigma_max
    assert out["diverged_at"] is None and out["clipped_fraction"] == 1.0
    assert out["wall_seconds"] == 2.5 and out["steps"] == 99  # extra wins
    assert run_summary(hist[0], last)["steps"] == 4
    empty = run_summary(History(12, rows=8), None)
    assert empty["final_loss"] is None and empty["clipped_fraction"] is None and empty["steps"] == 0
    half = History(12, rows=8)
    half.append(snaps[0])
    tr2 = Trainer(_cfg())
    half.append(tr2.step())  # not clipped
    assert run_summary(half, None)["clipped_fraction"] == 0.5
