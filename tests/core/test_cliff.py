"""The cliff (gradsim.core.cliff): Pascanu et al. 2013's one-unit RNN, its error surface,
exact gradients, and the descent that flies off the wall unless clipped."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gradsim.core.cliff import (
    DEMO,
    SURFACE_RANGE,
    CliffDescent,
    error,
    error_and_gradient,
    error_surface,
    final_state,
)


def _torch_error(w: torch.Tensor, b: torch.Tensor, T: int = 50) -> torch.Tensor:
    x = torch.full_like(w, 0.5)
    for _ in range(T):
        x = w * torch.sigmoid(x) + b
    return (torch.sigmoid(x) - 0.7) ** 2


POINTS = [(1.0, 0.0), (-2.0, 1.5), (4.5, -2.75), (DEMO.w0, DEMO.b0), (4.527246689, -2.319298941), (6.0, -3.2347),
          (8.0, -1.0), (12.0, -7.0)]


def test_model_is_the_papers_recursion():
    # x_1 = w σ(0.5) + b by hand, and E at T = 1
    w, b = 2.0, -0.3
    x1 = w / (1 + math.exp(-0.5)) + b
    assert float(final_state(w, b, T=1)) == pytest.approx(x1, rel=1e-15)
    assert float(error(w, b, T=1)) == pytest.approx((1 / (1 + math.exp(-x1)) - 0.7) ** 2, rel=1e-14)


@pytest.mark.parametrize("T", [1, 5, 50])
def test_gradient_matches_autograd(T):
    w = torch.tensor([p[0] for p in POINTS], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([p[1] for p in POINTS], dtype=torch.float64, requires_grad=True)
    E_t = _torch_error(w, b, T)
    gw_t, gb_t = torch.autograd.grad(E_t.sum(), [w, b])
    E, gw, gb = error_and_gradient(w.detach().numpy(), b.detach().numpy(), T)
    np.testing.assert_allclose(E, E_t.detach().numpy(), rtol=1e-12, atol=1e-300)
    scale = np.maximum(np.abs(gw_t.numpy()), np.abs(gb_t.numpy())) + 1e-300
    np.testing.assert_array_less(np.abs(gw - gw_t.numpy()) / scale, 1e-8)
    np.testing.assert_array_less(np.abs(gb - gb_t.numpy()) / scale, 1e-8)


def test_gradient_matches_finite_differences_off_the_wall():
    h = 1e-6
    for w, b in [(1.0, 0.0), (-2.0, 1.5), (4.5, -2.75), (3.0, -1.0)]:
        _, gw, gb = error_and_gradient(w, b)
        fw = (error(w + h, b) - error(w - h, b)) / (2 * h)
        fb = (error(w, b + h) - error(w, b - h)) / (2 * h)
        assert float(gw) == pytest.approx(float(fw), rel=1e-5, abs=1e-10)
        assert float(gb) == pytest.approx(float(fb), rel=1e-5, abs=1e-10)


def test_surface_is_vectorised_and_oriented():
    # how fast (40 000 evaluations of 50 steps: ~10 ms): benchmarks/bench_speed_claims.py
    W, B, E = error_surface(SURFACE_RANGE[0], SURFACE_RANGE[1], 200)
    assert W.shape == B.shape == E.shape == (200, 200) and E.dtype == np.float64
    assert W[0, 0] == SURFACE_RANGE[0][0] and W[0, -1] == SURFACE_RANGE[0][1]  # w along columns
    assert B[0, 0] == SURFACE_RANGE[1][0] and B[-1, 0] == SURFACE_RANGE[1][1]  # b along rows
    assert E[7, 3] == pytest.approx(float(error(W[7, 3], B[7, 3])), rel=1e-15)
    assert np.isfinite(E).all() and (E >= 0).all() and E.max() < 0.49 + 1e-12
    with pytest.raises(ValueError):
        error_surface((1.0, 1.0), (0.0, 1.0), 10)
    with pytest.raises(ValueError):
        error_surface(n=1)


def test_the_surface_has_a_cliff():
    W, B, _ = error_surface(n=200)
    _, gw, _ = error_and_gradient(W, B)
    slope = np.abs(gw)
    assert slope.max() > 1e3 * np.median(slope)
    # and at w = 5, E falls from the plateau (0.32) to 0.009 within Δb = 10⁻⁴
    E = error(5.0, np.linspace(-3.2, -2.2, 10001))
    assert np.abs(np.diff(E)).max() > 0.3


def test_plain_descent_flies_off_the_wall_where_clipping_does_not():
    plain = CliffDescent(DEMO.w0, DEMO.b0, DEMO.lr, clip="none")
    clipped = CliffDescent(DEMO.w0, DEMO.b0, DEMO.lr, clip="norm", threshold=DEMO.threshold)
    k = DEMO.wall_step
    for i in range(k):  # before the wall the gradient is below the threshold: the same path
        p, c = plain.step(), clipped.step()
        assert (p.w, p.b) == (c.w, c.b) and not c.clipped and p.grad_norm < DEMO.threshold
    p, c = plain.step(), clipped.step()
    assert (p.w_from, p.b_from) == (c.w_from, c.b_from)
    assert p.grad_norm > 100 * DEMO.threshold  # on the wall
    assert c.clipped and not p.clipped
    assert c.step_length == pytest.approx(DEMO.lr * DEMO.threshold, rel=1e-12)
    assert p.step_length > 10 * c.step_length
    assert math.hypot(p.w - p.w_from, p.b - p.b_from) > 10  # thrown far away
    # ... onto a flat plateau it never leaves, while the clipped run keeps descending
    for _ in range(100):
        plain.step()
        clipped.step()
    assert plain.steps[-1].E == pytest.approx(0.09, abs=1e-6) and plain.steps[-1].grad_norm < 1e-12
    assert clipped.steps[-1].E < 0.01
    path = plain.path()
    assert path.shape == (k + 102, 2) and tuple(path[0]) == (DEMO.w0, DEMO.b0)


def test_clip_by_value_caps_each_component():
    d = CliffDescent(DEMO.w0, DEMO.b0, DEMO.lr, clip="value", threshold=DEMO.threshold)
    steps = d.run(DEMO.wall_step + 1)
    s = steps[-1]
    assert s.clipped and not any(t.clipped for t in steps[:-1])
    assert max(abs(u) for u in s.update) == pytest.approx(DEMO.lr * DEMO.threshold, rel=1e-12)
    assert all(math.copysign(1, u) == -math.copysign(1, g) for u, g in zip(s.update, s.grad))


def test_descent_validates_and_survives_absurd_parameters():
    with pytest.raises(ValueError):
        CliffDescent(clip="sometimes")
    with pytest.raises(ValueError):
        CliffDescent(lr=0.0)
    with pytest.raises(ValueError):
        CliffDescent(w0=float("nan"))
    with pytest.raises(ValueError):
        CliffDescent(T=0)
    d = CliffDescent(w0=1e300, b0=-1e300, lr=10.0)  # overflow inside: no warning escapes
    s = d.step()
    assert s.diverged or np.isfinite([s.w, s.b]).all()
    d.reset()
    assert d.position == (1e300, -1e300) and d.steps == []
