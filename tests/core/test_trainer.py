"""Trainer (step -> immutable Snapshot, live config, divergence, determinism) and the
gradient remedies it applies."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from gradsim.config import RESET_FIELDS, RunConfig
from gradsim.core import trainer as trainer_mod
from gradsim.core.bptt import capture
from gradsim.core.remedies import apply_remedies, global_norm
from gradsim.core.trainer import Snapshot, Trainer, spectrum_interval

SMALL = dict(task="adding", seq_len=12, batch_size=4, hidden_size=8)


def _cfg(**kw) -> RunConfig:
    return RunConfig(**{**SMALL, **kw})


def _params(tr: Trainer) -> list[torch.Tensor]:
    return [p.detach().clone() for p in tr.net.parameters()]


def _same(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b))


# --------------------------------------------------------------------------- remedies


def _grads(seed=0, scale=10.0):
    g = torch.Generator().manual_seed(seed)
    return [
        torch.randn(5, 4, generator=g, dtype=torch.float64) * scale,
        torch.randn(7, generator=g, dtype=torch.float64) * scale,
    ]


@pytest.mark.parametrize("thr", [0.5, 3.0, 15.0])
def test_clip_by_value_caps_every_component(thr):
    grads = _grads()
    orig = [g.clone() for g in grads]
    res = apply_remedies(grads, RunConfig(clip="value", clip_threshold=thr))
    assert res.clipped
    for g, o in zip(grads, orig):
        assert float(g.abs().max()) <= thr
        assert torch.equal(g, o.clamp(-thr, thr))  # inside the band nothing moves
    assert res.norm_before == pytest.approx(math.sqrt(sum(float((o**2).sum()) for o in orig)), rel=1e-14)
    assert res.norm_after == pytest.approx(global_norm(grads), rel=1e-14)
    assert res.norm_after < res.norm_before


def test_clip_by_value_below_threshold_is_a_no_op():
    grads = _grads(scale=0.01)
    orig = [g.clone() for g in grads]
    res = apply_remedies(grads, RunConfig(clip="value", clip_threshold=15.0))
    assert not res.clipped and res.norm_after == res.norm_before
    assert _same(grads, orig)


@pytest.mark.parametrize("thr", [0.1, 1.0, 7.5])
def test_clip_by_norm_rescales_to_exactly_the_threshold(thr):
    grads = _grads()
    orig = [g.clone() for g in grads]
    before = global_norm(orig)
    res = apply_remedies(grads, RunConfig(clip="norm", clip_threshold=thr))
    assert res.clipped and res.norm_before == pytest.approx(before, rel=1e-14)
    assert global_norm(grads) == pytest.approx(thr, rel=1e-13)
    assert res.norm_after == pytest.approx(thr, rel=1e-13)
    for g, o in zip(grads, orig):  # direction kept
        torch.testing.assert_close(g, o * (thr / before), rtol=1e-14, atol=0)


def test_clip_by_norm_below_threshold_is_a_no_op():
    grads = _grads(scale=0.01)
    orig = [g.clone() for g in grads]
    res = apply_remedies(grads, RunConfig(clip="norm", clip_threshold=1.0))
    assert not res.clipped and res.norm_after == res.norm_before < 1.0
    assert _same(grads, orig)


@pytest.mark.parametrize("clip", ["none", "value", "norm"])
@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_grad_normalize_gives_unit_norm(clip, scale):
    grads = _grads(scale=scale)
    before = global_norm(grads)
    res = apply_remedies(grads, RunConfig(clip=clip, clip_threshold=2.0, grad_normalize=True))
    assert global_norm(grads) == pytest.approx(1.0, rel=1e-13)
    assert res.norm_after == pytest.approx(1.0, rel=1e-13)
    assert res.norm_before == pytest.approx(before, rel=1e-14)


def test_remedies_leave_non_finite_gradients_alone():
    grads = _grads()
    grads[1][3] = float("nan")
    res = apply_remedies(grads, RunConfig(clip="norm", clip_threshold=1.0, grad_normalize=True))
    assert math.isnan(res.norm_before) and not res.clipped


def test_global_norm_accumulates_in_float64():
    g = [torch.full((10,), 1e30, dtype=torch.float32)]  # its square overflows float32
    assert global_norm(g) == pytest.approx(math.sqrt(10) * 1e30, rel=1e-6)
    assert global_norm([]) == 0.0


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize(
    "kw, out_width, in_width",
    [
        (dict(task="adding"), 1, 2),
        (dict(task="sine", cell="lstm", num_layers=2), 1, 1),
        (dict(task="recall", cell="gru", n_classes=3), 3, 4),
        (dict(task="toy3", num_layers=3), 1, 10),
        (dict(task="sine", norm="layer"), 1, 1),
    ],
)
def test_step_returns_read_only_snapshot_of_right_shapes(kw, out_width, in_width):
    cfg = _cfg(**kw)
    tr = Trainer(cfg)
    snap = tr.step()
    assert isinstance(snap, Snapshot) and snap.step == 0 and tr.step_count == 1
    L, T = cfg.num_layers, cfg.seq_len
    assert set(snap.views) == {"total", "last", "weight"}
    for v, a in snap.views.items():
        assert isinstance(a, np.ndarray) and a.shape == (L, T) and a.dtype == np.float64
        assert not a.flags.writeable
        assert np.isfinite(a).all() and (a >= 0).all()
        with pytest.raises(ValueError):
            a[0, 0] = 1.0
    with pytest.raises(TypeError):
        snap.views["total"] = np.zeros((L, T))  # type: ignore[index]
    assert snap.prediction.shape == (T, out_width) and not snap.prediction.flags.writeable
    assert snap.target.shape == (T, out_width) and not snap.target.flags.writeable
    assert snap.inputs.shape == (T, in_width) and not snap.inputs.flags.writeable
    assert set(snap.param_grad_norms) == {n for n, _ in tr.net.named_parameters()}
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.loss = 0.0  # type: ignore[misc]
    assert math.isfinite(snap.loss) and snap.grad_norm > 0 and not snap.diverged and snap.diverged_at is None
    assert snap.grad_norm == pytest.approx(math.sqrt(sum(v * v for v in snap.param_grad_norms.values())), rel=1e-6)
    assert snap.fast_path is (cfg.norm == "none")  # which path computed it
    # numpy copies: the next step must not change this snapshot
    before = {v: a.copy() for v, a in snap.views.items()}
    tr.step()
    assert all(np.array_equal(before[v], snap.views[v]) for v in before)


def test_adding_target_is_nan_except_at_the_last_step():
    snap = Trainer(_cfg(task="adding")).step()
    assert np.isnan(snap.target[:-1]).all() and np.isfinite(snap.target[-1]).all()


def test_snapshot_views_are_measured_before_the_update():
    cfg = _cfg(dtype="float64", optimizer="sgd", lr=0.5)
    tr = Trainer(cfg)
    tr2 = Trainer(cfg)  # same weights and data; measure without updating
    batch = tr2.task.sample(tr2._rng)
    state = tr2._initial_state()
    cap = capture(tr2.net, tr2.task, batch, state, cfg)
    snap = tr.step()
    assert snap.loss == float(cap.loss)
    np.testing.assert_array_equal(snap.views["last"], cap.last.numpy())


@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(cell="lstm", task="sine", stateful=True, optimizer="rmsprop", clip="norm"),
        dict(cell="gru", task="recall", optimizer="momentum", tbptt=4, clip="value", clip_threshold=0.01),
        dict(norm="batch", residual=True, grad_normalize=True, num_layers=2),
    ],
)
def test_same_config_and_seed_are_bit_identical(kw):
    cfg = _cfg(**kw)
    a, b = Trainer(cfg), Trainer(cfg)
    for _ in range(20):
        sa, sb = a.step(), b.step()
        for f in ("loss", "grad_norm", "grad_norm_after", "clipped", "spectral_radius", "sigma_max", "diverged"):
            assert getattr(sa, f) == getattr(sb, f), f
        for v in sa.views:
            assert np.array_equal(sa.views[v], sb.views[v])
        assert dict(sa.param_grad_norms) == dict(sb.param_grad_norms)
        assert np.array_equal(sa.prediction, sb.prediction)
    assert _same(_params(a), _params(b))
    c = Trainer(cfg.replace(seed=cfg.seed + 1))
    assert c.step().loss != Trainer(cfg).step().loss


def test_training_reduces_the_loss():
    tr = Trainer(RunConfig(task="sine", seq_len=20, batch_size=8, hidden_size=16, lr=0.01))
    losses = [tr.step().loss for _ in range(60)]
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:5])


# --------------------------------------------------------------------------- divergence


def test_non_finite_loss_skips_the_update_and_reports():
    # identity activation, every singular value 20, T = 200: h overflows to inf at once
    cfg = _cfg(seq_len=200, activation="identity", init="orthogonal", init_gain=20.0, optimizer="sgd", lr=1.0)
    tr = Trainer(cfg)
    for i in range(3):
        before = _params(tr)
        snap = tr.step()
        assert not math.isfinite(snap.loss)
        assert snap.diverged and snap.diverged_at == 0 and tr.diverged_at == 0
        assert _same(before, _params(tr))
        assert math.isnan(snap.grad_norm_after) and not snap.clipped
        assert snap.step == i
    # a reset with a sane config trains again
    tr.reset(cfg.replace(init_gain=1.0, activation="tanh"))
    assert tr.diverged_at is None
    before = _params(tr)
    snap = tr.step()
    assert not snap.diverged and math.isfinite(snap.loss) and snap.diverged_at is None
    assert not _same(before, _params(tr))


@pytest.mark.parametrize("where", ["grad", "loss"])
def test_injected_non_finite_value_skips_only_that_update(monkeypatch, where):
    tr = Trainer(_cfg(optimizer="adam", lr=0.01))
    real = trainer_mod.capture

    def poisoned(net, task, batch, state, cfg):
        cap = real(net, task, batch, state, cfg)
        if where == "grad":
            cap.grads["layers.0.weight_hh"][0, 0] = float("inf")
        else:
            cap.loss = torch.tensor(float("nan"))
        return cap

    tr.step()
    tr.step()
    monkeypatch.setattr(trainer_mod, "capture", poisoned)
    before = _params(tr)
    snap = tr.step()
    assert snap.diverged and snap.diverged_at == 2
    assert _same(before, _params(tr))
    monkeypatch.setattr(trainer_mod, "capture", real)
    # training goes on after a live config change: finite, updating, the first divergence remembered
    tr.apply_config(tr.config.replace(lr=0.001))
    for _ in range(3):
        before = _params(tr)
        snap = tr.step()
        assert not snap.diverged and snap.diverged_at == 2 and math.isfinite(snap.loss)
        assert not _same(before, _params(tr))


def test_weights_that_overflow_in_the_update_are_restored(monkeypatch):
    # a finite gradient so large that momentum-SGD's update overflows float32
    tr = Trainer(_cfg(optimizer="momentum", lr=10.0, momentum=0.9))
    tr.step()
    real = trainer_mod.apply_remedies

    def huge(grads, cfg):
        for g in grads:
            g.mul_(1e38 / max(float(g.abs().max()), 1e-30))
        return real(grads, cfg)

    monkeypatch.setattr(trainer_mod, "apply_remedies", huge)
    before = _params(tr)
    snap = tr.step()
    assert snap.diverged and snap.diverged_at == 1
    assert _same(before, _params(tr))
    assert all(bool(torch.isfinite(p).all()) for p in tr.net.parameters())
    monkeypatch.setattr(trainer_mod, "apply_remedies", real)
    # the undone step must not live on in the optimiser's momentum either
    tr.apply_config(tr.config.replace(lr=0.01))
    for _ in range(3):
        snap = tr.step()
        assert not snap.diverged and math.isfinite(snap.loss)
        assert all(float(p.detach().abs().max()) < 1e3 for p in tr.net.parameters())


# --------------------------------------------------------------------------- live config


def test_apply_config_changes_lr_at_once():
    cfg = _cfg(optimizer="sgd", lr=0.01, dtype="float64")
    a = Trainer(cfg)
    a.step()
    waiting = a.apply_config(a.config.replace(lr=0.3))
    assert waiting == [] and a.pending_reset_fields == []
    assert a.config.lr == 0.3
    assert all(g["lr"] == 0.3 for g in a._opt.param_groups)
    # the very next update uses it: plain sgd moves p by lr × the gradient
    p0 = _params(a)
    sa = a.step()
    p1 = _params(a)
    # the update equals lr × the gradient whose norms the snapshot reports
    deltas = [float(torch.linalg.vector_norm(x - y)) for x, y in zip(p0, p1)]
    names = [n for n, _ in a.net.named_parameters()]
    for n, d in zip(names, deltas):
        assert d == pytest.approx(0.3 * sa.param_grad_norms[n], rel=1e-9), n


@pytest.mark.parametrize(
    "change",
    [dict(optimizer="momentum", momentum=0.5), dict(optimizer="adam", beta1=0.5, beta2=0.9, weight_decay=0.01),
     dict(optimizer="rmsprop", momentum=0.3)],
)
def test_apply_config_switches_optimizer_settings(change):
    tr = Trainer(_cfg(optimizer="sgd"))
    tr.step()
    tr.apply_config(tr.config.replace(**change))
    opt = tr._opt
    name = {"momentum": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}[change["optimizer"]]
    assert isinstance(opt, name)
    group = opt.param_groups[0]
    if "momentum" in change:
        assert group["momentum"] == change["momentum"]
    if "beta1" in change:
        assert group["betas"] == (0.5, 0.9) and group["weight_decay"] == 0.01
    assert not tr.step().diverged


def test_apply_config_live_remedies_apply_at_next_step():
    tr = Trainer(_cfg())
    tr.step()
    tr.apply_config(tr.config.replace(clip="norm", clip_threshold=1e-6))
    snap = tr.step()
    assert snap.clipped and snap.grad_norm_after == pytest.approx(1e-6, rel=1e-5)
    tr.apply_config(tr.config.replace(clip="none", tbptt=3))
    snap = tr.step()
    assert not snap.clipped and tr.config.tbptt == 3
    assert (snap.views["last"][0, : 12 - 3] == 0).all() and (snap.views["last"][0, -3:] > 0).all()


def test_shape_fields_wait_for_reset():
    cfg = _cfg()
    tr = Trainer(cfg)
    tr.step()
    new = cfg.replace(hidden_size=16, cell="gru", seq_len=20, lr=0.02)
    waiting = tr.apply_config(new)
    assert sorted(waiting) == ["cell", "hidden_size", "seq_len"]
    assert sorted(tr.pending_reset_fields) == sorted(waiting)
    assert set(waiting) <= RESET_FIELDS
    assert tr.config.lr == 0.02 and tr.config.hidden_size == 8 and tr.config.cell == "rnn"
    assert tr.pending_config == new
    snap = tr.step()  # still the old shape
    assert snap.views["total"].shape == (1, 12) and tr.net.layers[0].weight_hh.shape == (8, 8)
    tr.reset()
    assert tr.pending_reset_fields == [] and tr.config == new and tr.step_count == 0
    snap = tr.step()
    assert snap.views["total"].shape == (1, 20) and tr.net.layers[0].weight_hh.shape == (48, 16)


def test_tbptt_for_a_longer_pending_seq_len_waits_for_reset():
    cfg = _cfg(seq_len=10, tbptt=5)
    tr = Trainer(cfg)
    new = cfg.replace(seq_len=40, tbptt=30)
    waiting = tr.apply_config(new)  # valid as a whole: must not raise
    assert "seq_len" in waiting and tr.config.tbptt == 5 and tr.config.seq_len == 10
    assert not tr.step().diverged
    tr.reset()
    assert tr.config == new


def test_stateful_carries_the_state():
    cfg = RunConfig(task="sine", seq_len=15, batch_size=2, hidden_size=8, stateful=True, seed=4)
    a, b = Trainer(cfg), Trainer(cfg.replace(stateful=False))
    s0a, s0b = a.step(), b.step()
    assert s0a.loss == s0b.loss  # the first batch starts from zeros either way
    s1a, s1b = a.step(), b.step()
    assert s1a.loss != s1b.loss
    # and what it carries is the previous batch's final state, detached
    assert a._state is not None and not a._state[0][0].requires_grad
    assert b._state is None
    a.apply_config(a.config.replace(stateful=False))
    assert a._state is None


def test_stateful_lstm_carries_hidden_and_cell_state():
    cfg = RunConfig(task="sine", seq_len=10, batch_size=2, hidden_size=4, cell="lstm", num_layers=2, stateful=True)
    tr = Trainer(cfg)
    tr.step()
    assert len(tr._state) == 2 and all(len(s) == 2 for s in tr._state)
    assert not torch.equal(tr._state[0][0], tr._state[0][1])


@pytest.mark.parametrize(
    "kw", [dict(), dict(init="orthogonal", init_gain=1.7), dict(spectral_radius=0.6, init="xavier")]
)
def test_spectral_radius_and_sigma_max_match_numpy(kw):
    tr = Trainer(_cfg(optimizer="sgd", lr=0.5, **kw))
    assert spectrum_interval(tr.config) == 1
    for _ in range(3):
        w = tr.net.layers[0].weight_hh.detach().double().numpy().copy()
        snap = tr.step()
        assert snap.spectral_radius == pytest.approx(np.abs(np.linalg.eigvals(w)).max(), rel=1e-10)
        assert snap.sigma_max == pytest.approx(np.linalg.svd(w, compute_uv=False)[0], rel=1e-10)
        assert snap.spectrum_step == snap.step
    if "spectral_radius" in kw:
        tr.reset()
        assert tr.step().spectral_radius == pytest.approx(0.6, rel=1e-5)
    if "init_gain" in kw:
        tr.reset()
        s = tr.step()
        assert s.spectral_radius == pytest.approx(1.7, rel=1e-5) and s.sigma_max == pytest.approx(1.7, rel=1e-5)


def test_spectrum_is_refreshed_at_the_configured_interval():
    tr = Trainer(_cfg(spectrum_every=3, optimizer="sgd", lr=0.5))
    steps = [tr.step().spectrum_step for _ in range(7)]
    assert steps == [0, 0, 0, 3, 3, 3, 6]


def test_gamma_and_eigenvalues():
    tr = Trainer(_cfg(activation="sigmoid"))
    assert tr.gamma() == 0.25
    ev = tr.eigenvalues()
    w = tr.net.layers[0].weight_hh.detach().double().numpy()
    np.testing.assert_allclose(np.sort_complex(ev), np.sort_complex(np.linalg.eigvals(w)), rtol=1e-10, atol=1e-12)
    assert Trainer(_cfg(cell="lstm")).gamma() is None


def test_rollout_for_sine_only():
    tr = Trainer(RunConfig(task="sine", seq_len=10, batch_size=2, hidden_size=4))
    assert tr.rollout() is None  # nothing sampled yet
    tr.step()
    r = tr.rollout()
    assert r.shape == (10,) and np.isfinite(r).all()
    tr2 = Trainer(_cfg())
    tr2.step()
    assert tr2.rollout() is None


def test_reset_clears_step_count_and_divergence_and_reproduces():
    cfg = _cfg()
    tr = Trainer(cfg)
    first = [tr.step().loss for _ in range(3)]
    tr.reset()
    assert tr.step_count == 0 and tr.diverged_at is None
    assert [tr.step().loss for _ in range(3)] == first


def test_a_skipped_update_leaves_batch_norm_statistics_as_they_were(monkeypatch):
    tr = Trainer(_cfg(norm="batch", optimizer="adam", lr=0.01))
    tr.step()
    real = trainer_mod.capture

    def poisoned(net, task, batch, state, cfg):
        cap = real(net, task, batch, state, cfg)  # a finite forward: the statistics move here
        cap.loss = torch.tensor(float("nan"))
        return cap

    monkeypatch.setattr(trainer_mod, "capture", poisoned)
    before = [b.detach().clone() for b in tr.net.buffers()]
    assert before  # running_mean, running_var, num_batches_tracked
    snap = tr.step()
    assert snap.diverged
    assert all(torch.equal(a, b) for a, b in zip(before, tr.net.buffers()))
    monkeypatch.setattr(trainer_mod, "capture", real)
    tr.step()  # and a good step moves them again
    assert not all(torch.equal(a, b) for a, b in zip(before, tr.net.buffers()))
