"""The cliff: Pascanu, Mikolov & Bengio (2013)'s one-unit RNN and its error surface.

The model (their section 3, figure 6)::

    x_t = w · σ(x_{t−1}) + b,   x_0 = 0.5,   E(w, b) = (σ(x_T) − 0.7)²,   T = 50

For w > 4 the map x ↦ w·σ(x) + b is bistable over a range of b: x_T ends near a low or
a high fixed point depending on which basin x_0 = 0.5 falls in. Where that changes, E
jumps from ≈ 0.3–0.49 (σ(x_T) ≈ 0) to nearly 0 across a band in b narrower than 10⁻⁴:
a wall. Its slope is huge (thousands) while the plateaus around it are almost flat, so
one gradient step taken on the wall throws the parameters far away; clipping the
gradient's norm keeps that step to ``lr · threshold``.

Everything here is float64 numpy, vectorised over any array of (w, b): the surface of
200 × 200 points takes ~15 ms. The gradient is exact, by forward-mode differentiation
of the recursion (``∂x_t/∂w = σ(x_{t−1}) + w σ′(x_{t−1}) ∂x_{t−1}/∂w``, likewise for b);
tests check it against torch autograd and finite differences.

The demonstration (:data:`DEMO`, measured with this module)
-----------------------------------------------------------
Start ``(w, b) = (4.5, −2.75)`` on the plateau (E = 0.377), ``lr = 0.3``, threshold 1:

* steps 0–7: plain and clipped descent are identical (gradient norms 0.15–0.37 < 1).
  Steps 0–5 walk up b across the plateau, step 6 crosses the wall (E 0.294 → 0.0072),
  step 7 steps back onto its face, at (4.527, −2.319) with E = 0.078, where the
  gradient is (−83.8, −136.6), norm 160.
* step 8 without clipping: a step of length 48.1 throws the point to (29.66, 38.65),
  a flat plateau where σ(x_T) = 1, E = 0.09 and the gradient is 0: it never comes back.
* step 8 clipped by norm: a step of length 0.3 (160× shorter) to (4.684, −2.064);
  descent goes on, E = 0.0012 after 100 steps and 0.0002 after 300.
* step 8 clipped by value (each component to ±1): a step of length 0.42, bounded too,
  but the direction turns to (−1, −1)·lr; E = 0.047 after it, 0.043 after 300 steps.

:data:`SURFACE_RANGE` frames the start, the wall and the valley of minima (the line
b = 0.847 − 0.7 w, where the fixed point has σ(x*) = 0.7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = [
    "X0", "TARGET", "T_DEFAULT", "SURFACE_RANGE", "DEMO",
    "CliffDemo", "CliffStep", "CliffDescent",
    "final_state", "error", "error_and_gradient", "error_surface",
]

X0 = 0.5
TARGET = 0.7
T_DEFAULT = 50

#: ``(w_range, b_range)`` of the default view: start, wall and valley of :data:`DEMO`.
SURFACE_RANGE: tuple[tuple[float, float], tuple[float, float]] = ((3.5, 6.0), (-3.5, -1.0))

ClipMode = Literal["none", "norm", "value"]


@dataclass(frozen=True)
class CliffDemo:
    """A start point and learning rate where plain descent flies off the wall (see module docstring)."""

    w0: float = 4.5
    b0: float = -2.75
    lr: float = 0.3
    threshold: float = 1.0
    #: the step (0-based) at which the unclipped descent sits on the wall
    wall_step: int = 8


DEMO = CliffDemo()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # tanh form: no overflow warning for large |x| (1/(1+exp(−x)) overflows exp at x < −709)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _check_T(T: int) -> int:
    if isinstance(T, bool) or int(T) != T or T < 1:
        raise ValueError(f"T = {T!r}: must be an integer ≥ 1")
    return int(T)


def final_state(w, b, T: int = T_DEFAULT) -> np.ndarray:
    """x_T for every (w, b) (broadcast), float64."""
    T = _check_T(T)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    x = np.full(np.broadcast_shapes(w.shape, b.shape), X0)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            x = w * _sigmoid(x) + b
    return x


def error(w, b, T: int = T_DEFAULT) -> np.ndarray:
    """E(w, b) = (σ(x_T) − 0.7)², broadcast over arrays."""
    return (_sigmoid(final_state(w, b, T)) - TARGET) ** 2


def error_and_gradient(w, b, T: int = T_DEFAULT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(E, ∂E/∂w, ∂E/∂b)`` for every (w, b) (broadcast), exact, float64.

    Forward-mode: the tangents ∂x_t/∂w and ∂x_t/∂b ride along the recursion, so one
    pass gives the gradient at every grid point at once. Non-finite results (only for
    absurd parameters, |w| ≳ 10^6) are returned as they are, without warnings.
    """
    T = _check_T(T)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    shape = np.broadcast_shapes(w.shape, b.shape)
    x = np.full(shape, X0)
    dw = np.zeros(shape)
    db = np.zeros(shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            s = _sigmoid(x)
            k = w * s * (1.0 - s)  # ∂x_t/∂x_{t−1}
            dw = s + k * dw
            db = 1.0 + k * db
            x = w * s + b
        s = _sigmoid(x)
        r = s - TARGET
        g = 2.0 * r * s * (1.0 - s)  # ∂E/∂x_T
        return r * r, g * dw, g * db


def error_surface(w_range: tuple[float, float] = SURFACE_RANGE[0],
                  b_range: tuple[float, float] = SURFACE_RANGE[1],
                  n: int = 200, T: int = T_DEFAULT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E over an n × n grid: ``(W, B, E)``, each (n, n), rows = b, columns = w.

    ``W[i, j] = w_j``, ``B[i, j] = b_i`` (``np.meshgrid`` order), so ``E`` is an image
    with b upwards and w to the right (row-major, ``imageAxisOrder='row-major'``).
    """
    if isinstance(n, bool) or int(n) != n or n < 2:
        raise ValueError(f"n = {n!r}: must be an integer ≥ 2")
    (w_lo, w_hi), (b_lo, b_hi) = w_range, b_range
    for name, lo, hi in (("w_range", w_lo, w_hi), ("b_range", b_lo, b_hi)):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"{name} = ({lo}, {hi}): must be finite with low < high")
    W, B = np.meshgrid(np.linspace(w_lo, w_hi, int(n)), np.linspace(b_lo, b_hi, int(n)))
    return W, B, error(W, B, T)


@dataclass(frozen=True)
class CliffStep:
    """One gradient-descent step on the cliff.

    ``w_from, b_from, E_from`` are where the gradient was taken; ``w, b, E`` where the
    step landed. ``grad`` is the raw gradient (∂E/∂w, ∂E/∂b), ``update`` the change
    applied (−lr × the clipped gradient). ``diverged``: the gradient was not finite
    and the point stayed where it was.
    """

    index: int
    w_from: float
    b_from: float
    E_from: float
    grad: tuple[float, float]
    grad_norm: float
    clipped: bool
    update: tuple[float, float]
    w: float
    b: float
    E: float
    diverged: bool = False

    @property
    def step_length(self) -> float:
        """‖update‖, the distance moved in (w, b)."""
        return math.hypot(*self.update)


@dataclass
class CliffDescent:
    """Gradient descent on E(w, b), optionally with clipping; :meth:`step` one step at a time.

    Parameters
    ----------
    w0, b0 : float
        Start point.
    lr : float
        Learning rate (> 0).
    clip : {"none", "norm", "value"}
        Rescale the gradient to norm ``threshold`` when larger, or cap each component
        at ±``threshold`` (as the trainer's remedies do).
    threshold : float
        Clipping threshold (> 0).
    T : int
        Sequence length of the recursion.
    """

    w0: float = DEMO.w0
    b0: float = DEMO.b0
    lr: float = DEMO.lr
    clip: ClipMode = "none"
    threshold: float = DEMO.threshold
    T: int = T_DEFAULT
    steps: list[CliffStep] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.T = _check_T(self.T)
        if self.clip not in ("none", "norm", "value"):
            raise ValueError(f"clip = {self.clip!r}: must be one of none, norm, value")
        for name in ("w0", "b0", "lr", "threshold"):
            v = float(getattr(self, name))
            if not math.isfinite(v):
                raise ValueError(f"{name} = {v!r}: must be finite")
        if self.lr <= 0 or self.threshold <= 0:
            raise ValueError(f"lr = {self.lr!r}, threshold = {self.threshold!r}: both must be > 0")
        self.w, self.b = float(self.w0), float(self.b0)

    @property
    def position(self) -> tuple[float, float]:
        return self.w, self.b

    def path(self) -> np.ndarray:
        """Every point visited, start first: shape (steps + 1, 2), columns w, b."""
        pts = [(self.w0, self.b0)] + [(s.w, s.b) for s in self.steps]
        return np.asarray(pts, dtype=np.float64)

    def reset(self) -> None:
        self.w, self.b = float(self.w0), float(self.b0)
        self.steps.clear()

    def _clip(self, g: np.ndarray) -> tuple[np.ndarray, bool]:
        if self.clip == "norm":
            n = float(np.hypot(g[0], g[1]))
            if n > self.threshold:
                return g * (self.threshold / n), True
        elif self.clip == "value":
            if bool((np.abs(g) > self.threshold).any()):
                return np.clip(g, -self.threshold, self.threshold), True
        return g, False

    def step(self) -> CliffStep:
        """Take one step from the current point; return what happened."""
        E0, gw, gb = error_and_gradient(self.w, self.b, self.T)
        g = np.array([float(gw), float(gb)])
        norm = float(np.hypot(g[0], g[1]))
        w0, b0 = self.w, self.b
        if not np.isfinite(g).all():
            st = CliffStep(len(self.steps), w0, b0, float(E0), (float(g[0]), float(g[1])), norm, False,
                           (0.0, 0.0), w0, b0, float(E0), diverged=True)
        else:
            used, clipped = self._clip(g)
            upd = -self.lr * used
            self.w, self.b = w0 + float(upd[0]), b0 + float(upd[1])
            st = CliffStep(len(self.steps), w0, b0, float(E0), (float(g[0]), float(g[1])), norm, clipped,
                           (float(upd[0]), float(upd[1])), self.w, self.b, float(error(self.w, self.b, self.T)))
        self.steps.append(st)
        return st

    def run(self, n: int) -> list[CliffStep]:
        """Take ``n`` steps; return them."""
        return [self.step() for _ in range(int(n))]
