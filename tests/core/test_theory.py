"""Theory beside measurement: the (γλ₁)^(T−1−t) bound and ρ^(T−1−t) rate from W_hh
(gradsim.core.theory), checked against the trainer's measured ``last`` view."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gradsim.config import RunConfig
from gradsim.core.cells import GAMMA
from gradsim.core.theory import (
    BADGE_BOUNDARY,
    BADGE_EXPLOSION,
    BADGE_VANISHING,
    BOUND_LABEL,
    RATE_LABEL,
    spectrum,
    theory_for_trainer,
    theory_from_spectrum,
    theory_from_weights,
)
from gradsim.core.trainer import Trainer

SMALL = dict(seq_len=30, batch_size=4, hidden_size=12, dtype="float64")


def _measured_vs_bound(tr: Trainer, steps: int = 3, layer: int = 0) -> tuple[float, float]:
    """Largest log10(measured / bound) over t < T−1, and the bound's smallest log10 value."""
    worst, lowest = -np.inf, np.inf
    for _ in range(steps):
        th = theory_for_trainer(tr, layer=layer)  # the weights the next snapshot measures with
        assert th.applies
        snap = tr.step()
        last = snap.views["last"][layer]
        assert np.isfinite(last).all() and last[-1] > 0
        bound = th.log10_curves(last[-1])[BOUND_LABEL]
        with np.errstate(divide="ignore"):
            measured = np.log10(last)
        assert measured[-1] == pytest.approx(bound[-1], abs=1e-12)  # anchored at t = T−1
        worst = max(worst, float(np.max(measured[:-1] - bound[:-1])))
        lowest = min(lowest, float(bound[0]))
    return worst, lowest


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize(
    "init",
    [
        dict(init="normal", init_std=0.5),  # λ₁ ≈ 3.5: explosion possible for tanh
        dict(init="orthogonal", init_gain=3.0),
        dict(init="default"),  # λ₁ < 1: vanishing guaranteed
        dict(init="xavier", init_gain=2.0, task="sine"),  # a loss at every step
        dict(init="normal", init_std=0.4, task="recall", n_classes=3, seed=7),
    ],
)
def test_measured_last_view_never_exceeds_the_bound(activation, init):
    tr = Trainer(RunConfig(activation=activation, **{**SMALL, "seed": 3, **init}))
    worst, _ = _measured_vs_bound(tr)
    assert worst <= 1e-9  # log10 units: float64 rounding only


def test_bound_holds_for_the_top_layer_of_a_stack_and_in_float32():
    tr = Trainer(RunConfig(**{**SMALL, "num_layers": 2, "init": "normal", "init_std": 0.5, "seed": 1}))
    assert _measured_vs_bound(tr, layer=1)[0] <= 1e-9
    tr = Trainer(RunConfig(**{**SMALL, "dtype": "float32", "init": "normal", "init_std": 0.3, "seed": 2}))
    assert _measured_vs_bound(tr)[0] <= 1e-5  # float32 views


def test_sigmoid_bound_uses_gamma_one_quarter():
    # λ₁ = 3 with sigmoid: γλ₁ = 0.75, so the bound falls 0.75× per step, and the
    # measured profile (every f′ ≤ 1/4) still stays under it.
    cfg = RunConfig(**{**SMALL, "activation": "sigmoid", "init": "orthogonal", "init_gain": 3.0, "seed": 5})
    tr = Trainer(cfg)
    th = theory_for_trainer(tr)
    assert th.gamma == 0.25 and th.sigma_max == pytest.approx(3.0, rel=1e-12)
    assert th.regime == "vanishing" and th.badge == BADGE_VANISHING
    np.testing.assert_allclose(th.log10_bound, np.arange(29, -1, -1) * math.log10(0.75), rtol=1e-12)
    worst, lowest = _measured_vs_bound(tr)
    assert worst <= 1e-9 and lowest < -3.0  # the bound really bites (0.75^29 ≈ 2e-4)


@pytest.mark.parametrize("gain", [0.8, 1.0, 1.25])
def test_identity_activation_with_orthogonal_init_follows_the_rate_exactly(gain):
    # With f = identity, ∂L_T/∂h_t = ∂L_T/∂h_{T−1} W^(T−1−t), and W = g·Q (Q orthogonal)
    # scales every norm by g per step: the measured profile IS g^(T−1−t) = (γλ₁)^(…) = ρ^(…).
    cfg = RunConfig(**{**SMALL, "seq_len": 40, "activation": "identity", "init": "orthogonal",
                       "init_gain": gain, "seed": 11})
    tr = Trainer(cfg)
    th = theory_for_trainer(tr)
    assert th.sigma_max == pytest.approx(gain, rel=1e-12)
    assert th.spectral_radius == pytest.approx(gain, rel=1e-12)
    last = tr.step().views["last"][0]
    expected = gain ** np.arange(39, -1, -1, dtype=np.float64)
    np.testing.assert_allclose(last / last[-1], expected, rtol=1e-10)
    np.testing.assert_allclose(th.bound, expected, rtol=1e-10)
    np.testing.assert_allclose(th.rate, expected, rtol=1e-10)
    curves = th.curves(anchor=float(last[-1]))
    np.testing.assert_allclose(curves[BOUND_LABEL], last, rtol=1e-10)
    np.testing.assert_allclose(curves[RATE_LABEL], last, rtol=1e-10)
    if gain == 1.0:
        assert th.regime == "boundary" and th.badge == BADGE_BOUNDARY


@pytest.mark.parametrize(
    "sigma, activation, regime, badge",
    [
        (0.6, "tanh", "vanishing", BADGE_VANISHING),
        (3.0, "tanh", "explosion_possible", BADGE_EXPLOSION),
        (3.0, "sigmoid", "vanishing", BADGE_VANISHING),  # 3 < 1/γ = 4
        (4.5, "sigmoid", "explosion_possible", BADGE_EXPLOSION),
        (4.0, "sigmoid", "boundary", BADGE_BOUNDARY),
        (1.0 + 1e-8, "tanh", "boundary", BADGE_BOUNDARY),  # float32 rounding of an orthogonal W
        (1.01, "relu", "explosion_possible", BADGE_EXPLOSION),
        (0.99, "leaky_relu", "vanishing", BADGE_VANISHING),
        (1.0, "identity", "boundary", BADGE_BOUNDARY),
        (0.0, "tanh", "vanishing", BADGE_VANISHING),
    ],
)
def test_regime_and_badge(sigma, activation, regime, badge):
    th = theory_from_spectrum(sigma, sigma, activation, 10)
    assert th.applies and th.regime == regime and th.badge == badge
    assert th.gamma == GAMMA[activation]
    assert f"{sigma:.4g}" in th.detail and activation in th.detail
    assert th.log10_bound.shape == (10,) and th.log10_bound[-1] == 0.0


def test_badge_texts_name_the_condition():
    assert BADGE_VANISHING == "vanishing guaranteed: λ₁ < 1/γ"
    assert BADGE_EXPLOSION == "explosion possible: λ₁ > 1/γ"


@pytest.mark.parametrize(
    "fields, words",
    [
        (dict(cell="lstm"), "LSTM"),
        (dict(cell="gru"), "GRU"),
        (dict(residual=True), "residual"),
        (dict(norm="layer"), "layer normalisation"),
    ],
)
def test_cases_outside_the_theorem_say_the_bound_does_not_apply(fields, words):
    tr = Trainer(RunConfig(**{**SMALL, **fields}))
    th = theory_for_trainer(tr)
    assert not th.applies and th.regime == "not_applicable"
    assert "does not apply" in th.badge and words in th.badge
    assert th.log10_bound is None and th.log10_rate is None and th.bound is None and th.rate is None
    assert th.curves(1.0) == {} and th.log10_curves(1.0) == {}
    assert th.sigma_max is None and th.gamma is None


def test_lower_layer_of_a_stack_gets_no_bound():
    tr = Trainer(RunConfig(**{**SMALL, "num_layers": 2}))
    th = theory_for_trainer(tr, layer=0)
    assert not th.applies and "top layer" in th.badge
    assert theory_for_trainer(tr, layer=1).applies


def test_log_space_survives_what_float64_cannot_hold():
    th = theory_from_spectrum(3.0, 2.5, "tanh", 2000)
    assert np.isfinite(th.log10_bound).all()
    assert th.log10_bound[0] == pytest.approx(1999 * math.log10(3.0), rel=1e-12)  # 10^953.8
    assert th.bound[0] == np.inf and th.bound[-1] == 1.0  # linear view overflows, silently
    vanish = theory_from_spectrum(0.01, 0.01, "tanh", 2000)
    assert vanish.log10_bound[0] == pytest.approx(-3998.0) and vanish.bound[0] == 0.0
    zero = theory_from_spectrum(0.0, 0.0, "tanh", 5)
    assert list(zero.log10_bound) == [-np.inf] * 4 + [0.0]
    assert theory_from_spectrum(3.0, 2.5, "tanh", 5).curves(anchor=0.0) == {}


def test_weights_as_numpy_or_torch_give_the_same_spectrum():
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    v, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    w = u @ np.diag([2.5, 1.0, 0.5, 0.3, 0.2, 0.1]) @ v.T
    sigma, rho = spectrum(w)
    assert sigma == pytest.approx(2.5, rel=1e-12)
    assert rho == pytest.approx(np.abs(np.linalg.eigvals(w)).max(), rel=1e-12) and rho <= sigma
    a = theory_from_weights(w, "tanh", 8)
    b = theory_from_weights(torch.tensor(w, dtype=torch.float32, requires_grad=True), "tanh", 8)
    assert a.regime == b.regime == "explosion_possible"
    assert b.sigma_max == pytest.approx(2.5, rel=1e-6)
    with pytest.raises(ValueError, match="square"):
        theory_from_weights(np.zeros((3, 4)), "tanh", 8)
    with pytest.raises(ValueError, match="activation"):
        theory_from_spectrum(1.0, 1.0, "softplus", 8)
    bad = theory_from_weights(np.full((2, 2), np.nan), "tanh", 8)
    assert not bad.applies and "not finite" in bad.badge


def test_spectrum_matches_the_trainers_snapshot():
    tr = Trainer(RunConfig(**{**SMALL, "init": "normal", "init_std": 0.3}))
    th = theory_for_trainer(tr)
    snap = tr.step()
    assert th.sigma_max == pytest.approx(snap.sigma_max, rel=1e-10)
    assert th.spectral_radius == pytest.approx(snap.spectral_radius, rel=1e-10)
    d = th.to_dict()
    assert d["gamma_sigma"] == pytest.approx(th.sigma_max) and d["badge"] == th.badge


# --------------------------------------------------------------------------- the measured rate
from gradsim.core.theory import SigmaTracker, measured_rate  # noqa: E402


@pytest.mark.parametrize("factor", [0.3, 0.71, 1.0, 1.25])
def test_measured_rate_recovers_a_geometric_profile(factor):
    T = 80
    y = factor ** (T - 1 - np.arange(T, dtype=np.float64))
    r = measured_rate(y)
    assert r.factor == pytest.approx(factor, rel=1e-9)
    expected = "vanishing" if factor < 0.9 else "exploding" if factor > 1.1 else "stable"
    assert r.regime == expected
    line = r.line(T)
    fitted = np.isfinite(line)
    np.testing.assert_allclose(line[fitted], y[fitted], rtol=1e-8)


def test_measured_rate_ignores_underflow_non_finite_entries_and_the_edges():
    T = 100
    y = 0.5 ** (T - 1 - np.arange(T, dtype=np.float64))
    y[:30] = 0.0  # underflowed
    y[-1] *= 50.0  # the last step has the loss's own term: an outlier the fit must leave out
    y[31] = np.inf  # a non-finite entry breaks the run: the fit starts after it
    r = measured_rate(y)
    assert r.t0 > 31 and r.t1 <= T - 2
    assert r.factor == pytest.approx(0.5, rel=1e-9)


def test_measured_rate_inside_the_truncation_window_and_when_nothing_reaches_back():
    T, k = 49, 10
    y = np.zeros(T)
    y[T - k:] = 0.8 ** (T - 1 - np.arange(T - k, T))
    r = measured_rate(y, tbptt=k)
    assert r.t0 >= T - k and r.factor == pytest.approx(0.8, rel=1e-9)
    dead = np.zeros(T)
    dead[-1] = 3.0
    r = measured_rate(dead)
    assert (r.factor, r.regime, r.points) == (0.0, "vanishing", 1)
    assert np.isnan(r.line(T)).all()
    assert measured_rate(np.zeros(T)) is None and measured_rate(np.array([])) is None


def test_the_vanishing_preset_measures_vanishing_where_the_bound_allows_growth():
    # the case: the badge spoke of the bound only and turned red while every plot vanished
    from gradsim.content.presets import load_preset

    tr = Trainer(load_preset("vanishing"))
    for _ in range(30):
        snap = tr.step()
    r = measured_rate(snap.views["last"][0])
    assert r.regime == "vanishing" and r.factor < 0.9
    theory = theory_from_spectrum(snap.sigma_max, snap.spectral_radius, "tanh", 100)
    assert r.factor < theory.gamma_sigma  # the measurement is inside the bound


# --------------------------------------------------------------------------- σ_max every step
def test_sigma_tracker_follows_a_changing_matrix_and_stays_an_upper_bound():
    rng = np.random.default_rng(1)
    H = 48
    w = rng.standard_normal((H, H)) / np.sqrt(H)
    tracker = SigmaTracker(exact_below=0)  # the power iteration itself, not the small-H SVD
    for i in range(40):
        w = w + 0.01 * rng.standard_normal((H, H)) / np.sqrt(H)
        if i == 20:
            w = w + 30.0 * np.outer(rng.standard_normal(H), rng.standard_normal(H)) / H  # a jump
        exact = np.linalg.svd(w, compute_uv=False)[0]
        s = tracker(w)
        assert exact * (1 - tracker.rtol) <= s <= exact * (1 + tracker.rtol), (i, s, exact)
    assert tracker.svd_calls < 30  # warm starts answer most calls without an SVD (random W: close top pair)
    assert tracker(np.zeros((4, 4))) == 0.0
    assert math.isnan(tracker(np.full((4, 4), np.nan)))
    rect = rng.standard_normal((12, 4))  # a gated cell's stacked W_hh is 3H × H or 4H × H
    assert tracker(rect) == pytest.approx(np.linalg.svd(rect, compute_uv=False)[0], rel=1e-4)


def test_the_bound_uses_the_weights_of_its_own_step_at_any_hidden_size():
    # exploding at H = 64, float64: ρ is refreshed every 4 steps, but σ_max at every step, so
    # the bound drawn on step 1's profile uses step 1's W_hh (σ in the thousands, not 3.0)
    from gradsim.content.presets import load_preset

    cfg = load_preset("exploding").replace(dtype="float64")
    tr = Trainer(cfg)
    for _ in range(6):
        w = tr.net.layers[0].weight_hh.detach().double().numpy().copy()
        snap = tr.step()
        exact = np.linalg.svd(w, compute_uv=False)[0]
        assert snap.sigma_max == pytest.approx(exact, rel=1e-4)
        theory = theory_from_spectrum(snap.sigma_max, snap.spectral_radius, "tanh", cfg.seq_len)
        last = snap.views["last"][0]
        bound = theory.curves(float(last[-1]))[BOUND_LABEL]
        assert np.all(last <= bound * (1 + 1e-9)), snap.step
    assert snap.spectrum_step == 4  # ρ's own interval


def test_profile_curves_label_each_curve_with_the_number_it_is_drawn_with():
    """One builder for the live panel, the exported figure and the animation: the bound is
    (γσ_max)^(T−1−t) anchored at the last measured value, its label says γσ_max in the one format."""
    from gradsim.core.numbers import format_value
    from gradsim.core.theory import BOUND_LABEL, RATE_LABEL, measured_rate, profile_curves, theory_from_spectrum

    T = 30
    prof = 0.8 ** (T - 1 - np.arange(T)) * 2.0
    theory = theory_from_spectrum(36088.4, 17000.2, "tanh", T)
    curves = profile_curves(prof, theory, measured_rate(prof))
    bound = next(k for k in curves if k.startswith(BOUND_LABEL))
    assert bound == f"{BOUND_LABEL}, γλ₁ = {format_value(36088.4, 3)}" and "e+" not in bound
    np.testing.assert_allclose(curves[bound][-1], 2.0)
    np.testing.assert_allclose(curves[bound][0], 2.0 * 36088.4 ** (T - 1), rtol=1e-9)
    assert any(k.startswith(RATE_LABEL) and format_value(17000.2, 3) in k for k in curves)
    rate = next(k for k in curves if k.startswith("measured rate"))
    assert "0.8" in rate
    drawn = np.isfinite(curves[rate])  # the fit's range (it leaves the edge step out)
    assert drawn.sum() >= T - 2
    np.testing.assert_allclose(curves[rate][drawn], prof[drawn], rtol=1e-9)
    # nothing to anchor at: no curves; a gated cell: the measurement only
    assert profile_curves(np.r_[prof[:-1], 0.0], theory) == {}
    lstm = theory_from_spectrum(3.0, 2.0, "tanh", T, cell="lstm")
    assert list(profile_curves(prof, lstm, measured_rate(prof))) == [rate]
