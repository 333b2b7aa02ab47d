"""Theory beside measurement: the Pascanu et al. (2013) bounds of DOMAIN.md, from W_hh.

For the plain rnn cell ``h_t = f(a_t)``, ``a_t = U x_t + W h_{t−1} + b``, the Jacobian of
one step is ``diag(f′(a_t)) W``; with ``|f′| ≤ γ`` and λ₁ the largest singular value of
W, every product of ``k`` such Jacobians has spectral norm at most ``(γλ₁)^k``. Hence,
for each sequence of the batch, ``‖∂L_T/∂h_t‖ ≤ (γλ₁)^(T−1−t) · ‖∂L_T/∂h_{T−1}‖``, and,
summing squares over the batch, the same holds for the trainer's ``last`` view (a
Frobenius norm over batch × features). Normalised to the last step, that is the curve
:attr:`Theory.log10_bound` returns. It is a rigorous upper bound, for any input, any
weights and any number of steps; truncated BPTT only lowers the measured curve.

ρ^(T−1−t) (ρ = spectral radius of W) is the eigenvalue version of seed 001. It is
not an upper bound for a finite number of steps (‖W^k‖ can exceed ρ^k by a lot for a
non-normal W); it is the asymptotic rate of the LINEAR part, ‖W^k‖^(1/k) → ρ, drawn
for comparison. For an orthogonal W scaled by ``g`` both curves equal ``g^(T−1−t)``,
and with the identity activation the measured profile follows them exactly.

The bound needs ``∂h_t/∂h_{t−1} = diag(f′) W``. It does not apply, and no curve is
returned, for LSTM / GRU (gates), a residual connection (``I + diag(f′)W``), layer or
batch normalisation (the normalisation's Jacobian sits in the product), or a layer
below the top of a stack (the last step's loss also reaches it through the layers
above).

Everything is computed in log10 space: ``(γλ₁)^(T−1−t)`` with γλ₁ = 3 and T = 2000
is 10^954, beyond float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Upper bound γ of |f'| per activation (DOMAIN.md); leaky_relu's is 1 as well. Here, not in
#: :mod:`gradsim.core.cells`, so that the theory (and the app's GUI process) needs no torch.
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "leaky_relu": 1.0, "identity": 1.0}

__all__ = [
    "BADGE_VANISHING",
    "BADGE_EXPLOSION",
    "BADGE_BOUNDARY",
    "BOUND_LABEL",
    "RATE_LABEL",
    "Theory",
    "spectrum",
    "theory_from_spectrum",
    "theory_from_weights",
    "theory_for_config",
    "theory_for_trainer",
    "MeasuredRate",
    "measured_rate",
    "SigmaTracker",
    "STABLE_DECADES",
    "BADGE_TEXTS",
    "theory_badge",
    "profile_curves",
    "module_architecture",
    "theory_for_architecture",
]

BADGE_VANISHING = "vanishing guaranteed: λ₁ < 1/γ"
BADGE_EXPLOSION = "explosion possible: λ₁ > 1/γ"
BADGE_BOUNDARY = "boundary: λ₁ = 1/γ (no explosion; vanishing not guaranteed)"

#: Curve names, as a legend shows them.
BOUND_LABEL = "(γλ₁)^(T−1−t) bound"
RATE_LABEL = "ρ^(T−1−t) (eigenvalue rate)"

#: |γλ₁ − 1| at or below this (relative) counts as the boundary: float32 weights of an
#: orthogonal W_hh have singular values 1 ± ~1e-7, which must not flip the badge.
BOUNDARY_RTOL = 1e-6

_GATED = {"lstm": "LSTM", "gru": "GRU"}


@dataclass(frozen=True)
class Theory:
    """The bounds for one W_hh and activation over ``seq_len`` steps, or why there are none.

    Attributes
    ----------
    applies : bool
        False for gated cells and the other cases the bound does not cover; then every
        array is None and :attr:`badge` says so plainly.
    regime : str
        ``"vanishing"``, ``"explosion_possible"``, ``"boundary"`` or ``"not_applicable"``.
    badge : str
        Short text for the badge (one of the ``BADGE_*`` constants, or the reason).
    detail : str
        One line with the numbers (λ₁, ρ, γ, γλ₁) or the longer reason.
    seq_len : int
        T; arrays have this length, index t = 0 … T−1.
    gamma, sigma_max, spectral_radius : float or None
        γ = sup |f′|, λ₁ and ρ of W_hh (None where they do not apply or are unknown).
    log10_bound : np.ndarray or None
        ``(T−1−t)·log10(γλ₁)``: log10 of the bound normalised to the last step.
    log10_rate : np.ndarray or None
        ``(T−1−t)·log10 ρ``.
    """

    applies: bool
    regime: str
    badge: str
    detail: str
    seq_len: int
    activation: str | None = None
    cell: str = "rnn"
    gamma: float | None = None
    sigma_max: float | None = None
    spectral_radius: float | None = None
    log10_bound: np.ndarray | None = field(default=None, repr=False)
    log10_rate: np.ndarray | None = field(default=None, repr=False)

    @property
    def gamma_sigma(self) -> float | None:
        """γλ₁, the per-step factor of the bound."""
        if self.gamma is None or self.sigma_max is None:
            return None
        return self.gamma * self.sigma_max

    @property
    def bound(self) -> np.ndarray | None:
        """``(γλ₁)^(T−1−t)`` (linear; entries beyond float64 are inf, use :attr:`log10_bound`)."""
        return _pow10(self.log10_bound)

    @property
    def rate(self) -> np.ndarray | None:
        """``ρ^(T−1−t)`` (linear; may hold inf, see :attr:`bound`)."""
        return _pow10(self.log10_rate)

    def log10_curves(self, anchor: float = 1.0) -> dict[str, np.ndarray]:
        """Named log10 curves scaled so that step T−1 sits at ``anchor`` (empty if not applicable).

        Pass the measured ``‖∂L_T/∂h_{T−1}‖`` (the last entry of the ``last`` view) to draw
        the bounds on the same axis as the measured profile. A non-finite or
        non-positive anchor gives no curves.
        """
        if not self.applies or not (math.isfinite(anchor) and anchor > 0):
            return {}
        shift = math.log10(anchor)
        out = {}
        if self.log10_bound is not None:
            out[BOUND_LABEL] = self.log10_bound + shift
        if self.log10_rate is not None:
            out[RATE_LABEL] = self.log10_rate + shift
        return out

    def curves(self, anchor: float = 1.0) -> dict[str, np.ndarray]:
        """Like :meth:`log10_curves`, linear (for ``ProfilePlot.set_data(bounds=...)``).

        Values beyond float64 become inf and 0; a plot on a log axis drops them.
        """
        return {k: _pow10(v) for k, v in self.log10_curves(anchor).items()}

    def to_dict(self) -> dict[str, Any]:
        """The scalars as a plain dict (for summary.json or a report)."""
        return {
            "applies": self.applies, "regime": self.regime, "badge": self.badge, "detail": self.detail,
            "seq_len": self.seq_len, "activation": self.activation, "cell": self.cell, "gamma": self.gamma,
            "sigma_max": self.sigma_max, "spectral_radius": self.spectral_radius,
            "gamma_sigma": self.gamma_sigma,
        }


def _pow10(a: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return None
    with np.errstate(over="ignore", under="ignore"):
        return np.power(10.0, a)


def _as_matrix(w: Any) -> np.ndarray:
    """A float64 numpy copy of a numpy array or torch tensor (no torch import needed)."""
    if hasattr(w, "detach"):  # torch.Tensor
        w = w.detach().cpu().double().numpy()
    m = np.array(w, dtype=np.float64, copy=True)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"W_hh must be a non-empty square matrix, got shape {m.shape}")
    return m


def spectrum(w_hh: Any) -> tuple[float, float]:
    """``(λ₁, ρ)`` of a square matrix: largest singular value and spectral radius (float64).

    Cost grows as H³: about 1 ms at H = 64, 0.1–0.3 s at H = 512. A caller that redraws
    often can reuse the trainer's ``Snapshot.sigma_max`` / ``spectral_radius`` instead
    (:func:`theory_from_spectrum`).
    """
    m = _as_matrix(w_hh)
    if not np.isfinite(m).all():
        return float("nan"), float("nan")
    sigma = float(np.linalg.svd(m, compute_uv=False)[0])
    rho = float(np.abs(np.linalg.eigvals(m)).max())
    return sigma, rho


def _log10_power(base: float, distance: np.ndarray) -> np.ndarray:
    """``distance · log10(base)`` with ``base^0 = 1`` also for base 0."""
    if base > 0:
        return distance * math.log10(base)
    out = np.full(distance.shape, -np.inf)
    out[distance == 0] = 0.0
    return out


def _not_applicable(seq_len: int, badge: str, detail: str, *, cell: str = "rnn",
                    activation: str | None = None) -> Theory:
    return Theory(applies=False, regime="not_applicable", badge=badge, detail=detail, seq_len=seq_len,
                  activation=activation, cell=cell)


def _check_seq_len(seq_len: int) -> int:
    if isinstance(seq_len, bool) or int(seq_len) != seq_len or seq_len < 1:
        raise ValueError(f"seq_len = {seq_len!r}: must be an integer ≥ 1")
    return int(seq_len)


def _inapplicable_reason(cell: str, residual: bool, norm: str, layer: int, num_layers: int
                         ) -> tuple[str, str] | None:
    if cell in _GATED:
        name = _GATED[cell]
        return (f"bound does not apply to {name}",
                f"The (γλ₁)^(T−1−t) bound is for the plain rnn cell h_t = f(W h_(t−1) + …); "
                f"{name}'s gates make the step Jacobian depend on the gate values, not on W_hh alone, "
                f"so no bound is drawn.")
    if cell != "rnn":
        raise ValueError(f"unknown cell {cell!r}")
    if residual:
        return ("bound does not apply with residual connections",
                "With h_t = h_(t−1) + f(…) the step Jacobian is I + diag(f′)·W, not diag(f′)·W, "
                "so the (γλ₁)^(T−1−t) bound does not hold.")
    if norm != "none":
        return (f"bound does not apply with {norm} normalisation",
                f"{norm.capitalize()} normalisation puts its own Jacobian into every step, "
                f"so the (γλ₁)^(T−1−t) bound does not hold.")
    if not 0 <= layer < num_layers:
        raise ValueError(f"layer = {layer}: must be between 0 and {num_layers - 1}")
    if layer != num_layers - 1:
        return ("bound applies to the top layer only",
                f"Layer {layer + 1} of {num_layers}: the last step's loss also reaches it through the layers "
                f"above, so ‖∂L_T/∂h_t‖ is not bounded by this layer's W_hh alone.")
    return None


def theory_from_spectrum(
    sigma_max: float,
    spectral_radius: float | None,
    activation: str,
    seq_len: int,
    *,
    cell: str = "rnn",
    residual: bool = False,
    norm: str = "none",
    layer: int = 0,
    num_layers: int = 1,
    rtol: float = BOUNDARY_RTOL,
) -> Theory:
    """The bounds from an already known λ₁ (and ρ), e.g. a Snapshot's ``sigma_max``.

    Parameters
    ----------
    sigma_max : float
        λ₁, the largest singular value of W_hh.
    spectral_radius : float or None
        ρ; None draws no ρ curve.
    activation : str
        The rnn cell's activation (a key of ``GAMMA``).
    seq_len : int
        T.
    cell, residual, norm, layer, num_layers
        The architecture; anything but a plain rnn (top layer, no residual, no
        normalisation) gives a "does not apply" result.
    rtol : float
        Relative tolerance around γλ₁ = 1 that counts as the boundary case.
    """
    T = _check_seq_len(seq_len)
    reason = _inapplicable_reason(cell, residual, norm, layer, num_layers)
    if reason is not None:
        return _not_applicable(T, *reason, cell=cell, activation=activation if cell == "rnn" else None)
    if activation not in GAMMA:
        raise ValueError(f"unknown activation {activation!r} (known: {', '.join(GAMMA)})")
    gamma = GAMMA[activation]
    sigma = float(sigma_max)
    rho = None if spectral_radius is None else float(spectral_radius)
    if not (math.isfinite(sigma) and sigma >= 0) or (rho is not None and not (math.isfinite(rho) and rho >= 0)):
        return _not_applicable(T, "bound unavailable: W_hh is not finite",
                               f"λ₁ = {sigma_max}, ρ = {spectral_radius}: no bound can be computed.",
                               activation=activation)
    distance = np.arange(T - 1, -1, -1, dtype=np.float64)  # T−1−t for t = 0 … T−1
    gs = gamma * sigma
    if abs(gs - 1.0) <= rtol:
        regime, badge = "boundary", BADGE_BOUNDARY
    elif gs < 1.0:
        regime, badge = "vanishing", BADGE_VANISHING
    else:
        regime, badge = "explosion_possible", BADGE_EXPLOSION
    rel = {"vanishing": "<", "explosion_possible": ">", "boundary": "="}[regime]
    rho_text = "" if rho is None else f", ρ = {rho:.4g}"
    detail = (f"λ₁ = {sigma:.4g}{rho_text}, γ = {gamma:g} ({activation}), 1/γ = {1 / gamma:g}: "
              f"γλ₁ = {gs:.4g} {rel} 1")
    return Theory(
        applies=True, regime=regime, badge=badge, detail=detail, seq_len=T, activation=activation, cell=cell,
        gamma=gamma, sigma_max=sigma, spectral_radius=rho,
        log10_bound=_log10_power(gs, distance),
        log10_rate=None if rho is None else _log10_power(rho, distance),
    )


def theory_from_weights(w_hh: Any, activation: str, seq_len: int, *, cell: str = "rnn", **kw: Any) -> Theory:
    """The bounds from W_hh itself (numpy array or torch tensor, H×H for the rnn cell).

    Gated cells are answered "does not apply" without looking at the matrix (their
    W_hh stacks 3 or 4 gate blocks). Other keywords as :func:`theory_from_spectrum`.
    """
    if cell != "rnn" or kw.get("residual") or kw.get("norm", "none") != "none":
        return theory_from_spectrum(float("nan"), None, activation, seq_len, cell=cell, **kw)
    sigma, rho = spectrum(w_hh)
    return theory_from_spectrum(sigma, rho, activation, seq_len, cell=cell, **kw)


def theory_for_config(cfg: Any, w_hh: Any, layer: int = 0) -> Theory:
    """The bounds for a :class:`~gradsim.config.RunConfig` and one layer's W_hh."""
    return theory_from_weights(w_hh, cfg.activation, cfg.seq_len, cell=cfg.cell, residual=cfg.residual,
                               norm=cfg.norm, layer=layer, num_layers=cfg.num_layers)


def theory_for_trainer(trainer: Any, layer: int = 0) -> Theory:
    """The bounds from a :class:`~gradsim.core.trainer.Trainer`'s current weights and config.

    Call it between steps (on the worker thread, or with the trainer idle): it reads
    the live W_hh.
    """
    cfg = trainer.config
    return theory_for_config(cfg, trainer.net.layers[layer].weight_hh, layer=layer)


# --------------------------------------------------------------------------- the measured rate
#: Total change over the sequence, in decades, below which the measured regime is "stable".
STABLE_DECADES = 1.0


@dataclass(frozen=True)
class MeasuredRate:
    """The per-step rate of one profile: the fitted slope of log10‖view‖ over t.

    Attributes
    ----------
    factor : float
        What one step back in time multiplies the gradient by (``×0.71 per step``); 0 when
        nothing reaches back past the last step (every earlier entry is exactly 0).
    regime : str
        ``"vanishing"``, ``"stable"`` or ``"exploding"``: whether the fitted rate, carried
        over the whole sequence (T−1 steps), changes the gradient by more than
        :data:`STABLE_DECADES` decades down or up.
    t0, t1 : int
        The time steps the fit used (inclusive); equal when there was nothing to fit.
    points : int
        How many entries the fit used.
    log10_slope : float
        Slope of log10‖view‖ per time step (−log10 factor).
    log10_intercept : float
        Fitted log10‖view‖ at t = 0 (for drawing the fitted line).
    """

    factor: float
    regime: str
    t0: int
    t1: int
    points: int
    log10_slope: float
    log10_intercept: float

    def log10_line(self, seq_len: int) -> np.ndarray:
        """The fitted line over t = 0 … T−1, NaN outside the steps the fit used."""
        t = np.arange(seq_len, dtype=np.float64)
        if not math.isfinite(self.log10_slope):  # nothing before the last step: no line
            return np.full(seq_len, np.nan)
        out = self.log10_intercept + self.log10_slope * t
        out[(t < self.t0) | (t > self.t1)] = np.nan
        return out

    def line(self, seq_len: int) -> np.ndarray:
        """:meth:`log10_line`, linear (a plot on a log axis drops the NaN)."""
        with np.errstate(over="ignore", under="ignore"):
            return np.power(10.0, self.log10_line(seq_len))


def measured_rate(profile: Any, *, tbptt: int = 0, edge: int | None = None) -> MeasuredRate | None:
    """Fit the per-step rate of a profile (the ``last`` view: ‖∂L_T/∂h_t‖ over t).

    Robust to what a live run produces: zeros (underflow, flushed subnormals) and
    non-finite entries are ignored; the fit uses the contiguous run of positive, finite
    entries that ends at the last step (what lies before an exact zero never reached the
    picture through the chain); with truncated BPTT (``tbptt`` = k > 0) only the last k
    steps, where the ``last`` view can be non-zero; and it leaves out ``edge`` steps at
    each end of that run (default: 1 per 20 steps, at least 1 at the last step, where the
    loss's own term and the first Jacobians differ from the bulk). Least squares on
    log10; a profile too short to fit (fewer than 3 points) gives a rate from its two
    ends, or 0 when nothing before the last step is non-zero.

    Returns None for an empty profile or one whose last entry is not positive and finite.
    """
    y = np.asarray(profile, dtype=np.float64).ravel()
    T = len(y)
    if T == 0 or not (math.isfinite(y[-1]) and y[-1] > 0):
        return None
    if T == 1:
        return MeasuredRate(1.0, "stable", 0, 0, 1, 0.0, math.log10(y[-1]))
    lo = T - tbptt if 0 < tbptt < T else 0
    good = np.isfinite(y) & (y > 0)
    start = T - 1
    while start - 1 >= lo and good[start - 1]:
        start -= 1
    if start == T - 1:  # nothing reaches back past the last step
        return MeasuredRate(0.0, "vanishing", T - 1, T - 1, 1, math.inf, math.log10(y[-1]))
    n = T - start
    cut = max(1, n // 20) if edge is None else max(0, int(edge))
    # the last step always goes (∂L_T/∂h_{T−1} has no Jacobian in it) unless edge = 0
    a, b = start + cut, T - 1 - (max(1, cut) if edge is None else cut)
    if b - a + 1 < 3:
        a, b = start, T - 1
    t = np.arange(a, b + 1, dtype=np.float64)
    ly = np.log10(y[a:b + 1])
    if len(t) >= 3:
        slope, intercept = np.polyfit(t, ly, 1)
    else:
        slope = (ly[-1] - ly[0]) / (t[-1] - t[0])
        intercept = ly[0] - slope * t[0]
    slope, intercept = float(slope), float(intercept)
    decades = -slope * (T - 1)  # > 0: grows going back in time
    regime = "exploding" if decades > STABLE_DECADES else "vanishing" if decades < -STABLE_DECADES else "stable"
    with np.errstate(over="ignore", under="ignore"):
        factor = float(10.0 ** (-slope))
    return MeasuredRate(factor, regime, int(a), int(b), len(t), slope, intercept)


# --------------------------------------------------------------------------- σ_max every step
class SigmaTracker:
    """σ_max of a matrix that changes a little from call to call, in O(H²) per call.

    The trainer measures σ_max (λ₁) of the pre-update W_hh at every step, so the bound
    drawn on a profile always comes from the weights that produced it. A full SVD costs
    O(H³) (~0.3 s at H = 1024); this tracker runs a warm-started block power iteration
    instead: a block of two vectors, the previous call's top right singular vector and one
    fresh random vector (it finds a new top direction that the update created, e.g. the
    first step of the ``exploding`` preset, where λ₁ jumps from 3 to thousands), iterated
    on A = WᵀW with Rayleigh–Ritz until the residual ``‖A x − θ x‖ ≤ rtol·θ`` (measured on
    the shipped presets: 1–5 iterations on average; the top singular vector moves little
    between two training steps). With the default rtol = 10⁻⁴ the value is at most 5·10⁻⁵
    (relative) above the singular value it converged to: over T = 1000 steps the drawn bound
    (γσ_max)^(T−1−t) moves by at most 5 %.

    What is returned is ``√(θ + ‖r‖)``: for a symmetric A and a unit x, the interval
    ``[θ − ‖r‖, θ + ‖r‖]`` holds an eigenvalue of A, so the value is a rigorous upper bound
    of the singular value the iteration converged to, at most ``rtol/2`` (relative) above it,
    and never above ``‖W‖_F`` (also rigorous). That the converged value is the *largest*
    singular value is what the warm start plus the random vector make (overwhelmingly)
    likely, and what a check makes sure of: whenever the iteration has not converged within
    ``max_iter`` iterations (a cluster of nearly equal top singular values), and at every
    call with ``exact=True`` (the trainer's spectrum steps, where it computes the
    eigenvalues anyway), the exact value comes from an SVD, which also restarts the warm
    vector if the iteration had lost the top direction (:attr:`misses` counts those).

    In a tight cluster of top singular values (an identity or orthogonal W_hh after a few
    updates) the iteration may stop on a member of the cluster just below the largest; the
    value is then at most ``rtol/2`` below σ_max (tested), and the next exact step corrects it.

    Parameters
    ----------
    rtol : float
        Relative residual at which the iteration stops (the returned value is at most
        ``rtol/2`` above the singular value it converged to).
    max_iter : int
        Iterations before it falls back to the SVD.
    seed : int
        Seed of the random second vector (runs are reproducible).
    exact_below : int
        Matrices with at most this many columns (H) get the exact SVD at every call: below
        H ≈ 128 it is cheaper than the iterations' overhead (measured: 0.4 ms at H = 64).
    """

    def __init__(self, rtol: float = 1e-4, max_iter: int = 10, block: int = 3, seed: int = 0,
                 exact_below: int = 128) -> None:
        self.rtol = float(rtol)
        self.exact_below = int(exact_below)
        self.block = max(1, int(block))
        self.max_iter = int(max_iter)
        self._rng = np.random.default_rng(seed)
        self._v: np.ndarray | None = None
        #: Iterations of the last call (0: answered by the SVD alone).
        self.iterations = 0
        #: Calls answered by an SVD (fallback or ``exact``), and the exact checks that found
        #: the iteration below the true σ_max (restarted from the SVD's vector).
        self.svd_calls = 0
        self.misses = 0

    def reset(self) -> None:
        """Forget the warm vector (a new model)."""
        self._v = None

    def _svd(self, m: np.ndarray) -> float:
        self.svd_calls += 1
        _, s, vt = np.linalg.svd(m, full_matrices=False)
        self._v = vt[: self.block].T.copy()
        return float(s[0])

    def __call__(self, w: Any, *, exact: bool = False) -> float:
        """σ_max of ``w`` (a 2-D numpy array or torch tensor; rectangular is fine)."""
        m = w if isinstance(w, np.ndarray) and w.dtype == np.float64 else _as_array(w)
        if m.ndim != 2 or 0 in m.shape:
            raise ValueError(f"need a non-empty matrix, got shape {m.shape}")
        if not np.isfinite(m).all():
            self._v = None
            return float("nan")
        frob = float(np.linalg.norm(m))
        if frob == 0.0:
            self.iterations = 0
            return 0.0
        n = m.shape[1]
        if n <= self.exact_below:  # a small SVD costs less than the iterations' overhead
            self.iterations = 0
            return self._svd(m)
        estimate = self._power(m, n, frob)
        if exact or estimate is None:
            if estimate is None:
                self.iterations = self.max_iter
            sigma = self._svd(m)
            if estimate is not None and estimate < sigma * (1.0 - 1e-9):
                self.misses += 1  # the iteration had converged to a lower singular value
            return sigma
        return estimate

    def _power(self, m: np.ndarray, n: int, frob: float) -> float | None:
        p = min(n, self.block)
        keep = self._v if self._v is not None and self._v.ndim == 2 and self._v.shape[0] == n else None
        fresh = self._rng.standard_normal((n, p if keep is None else max(1, p - keep.shape[1])))
        block = fresh if keep is None else np.column_stack([keep[:, : p - 1], fresh])
        x, _ = np.linalg.qr(block)
        for it in range(1, self.max_iter + 1):
            y = m @ x                   # W X
            z = m.T @ y                 # A X
            small = y.T @ y             # Xᵀ A X: Rayleigh–Ritz on span X
            vals, vecs = np.linalg.eigh((small + small.T) * 0.5)
            vals, vecs = vals[::-1], vecs[:, ::-1]
            theta, c = float(vals[0]), vecs[:, 0]
            res = float(np.linalg.norm(z @ c - theta * (x @ c)))
            if theta > 0 and res <= self.rtol * theta:
                self.iterations = it
                self._v = x @ vecs      # the Ritz vectors, best first: the next call's start
                return min(math.sqrt(theta + res), frob)
            x, _ = np.linalg.qr(z)
        return None


def _as_array(w: Any) -> np.ndarray:
    if hasattr(w, "detach"):  # torch.Tensor
        w = w.detach().cpu().double().numpy()
    return np.array(w, dtype=np.float64, copy=False)


# --------------------------------------------------------------------------- the badge
#: The badge's English templates (``%1`` … are filled in), in the order :func:`theory_badge`
#: uses them. A front end that speaks another language translates each template (the app:
#: :func:`gradsim.app.i18n.translate_badge`, which lists them for lupdate).
BADGE_TEXTS = (
    "no gradient at the last step",
    "vanishing: nothing reaches back past the last step",
    "vanishing, measured %1/step",
    "neither vanishing nor exploding, measured %1/step",
    "exploding, measured %1/step",
    "the bound guarantees vanishing: γσ_max = %1",
    "the bound allows growth: γσ_max = %1",
    "at the bound's boundary: γσ_max = %1",
    "measured: the slope of log‖∂L_T/∂h_t‖ fitted over t = %1…%2 (%3 steps)",
)
_MEASURED = {"vanishing": (2, "vanishing"), "stable": (3, "boundary"), "exploding": (4, "explosion_possible")}
_BOUND = {"vanishing": 5, "explosion_possible": 6, "boundary": 7}


def _same(text: str) -> str:
    return text


def theory_badge(theory: Theory | None, rate: MeasuredRate | None, *, view: str = "last",
                 tr: Any = None, tr_theory: Any = None) -> tuple[str, str, str]:
    """``(text, kind, tooltip)`` of the theory badge: the measured regime first, then what
    the bound allows ("vanishing, measured ×0.71/step; the bound allows growth: γσ_max = 1.13").

    THE badge: the live app, the replay of a run folder and :meth:`gradsim.core.watch.Watch.badge`
    all call it, so one snapshot reads the same everywhere. ``kind`` is the measured regime's
    colour key (``"vanishing"``, ``"boundary"``, ``"explosion_possible"``, or ``""`` without a
    measurement): red only when the measurement explodes, never because the (loose) bound
    allows growth.

    Parameters
    ----------
    theory : Theory or None
        The bound for the snapshot's W_hh (None: nothing is said about a bound).
    rate : MeasuredRate or None
        :func:`measured_rate` of the snapshot's ``last`` view.
    view : str
        The view the profile shows; the bound's curves are drawn on ``last`` only.
    tr, tr_theory : callable, optional
        Translate one of :data:`BADGE_TEXTS` / a :class:`Theory` badge or detail (default:
        English as it is).
    """
    from gradsim.core.numbers import format_factor, format_value

    tr = tr or _same
    tr_theory = tr_theory or _same
    if rate is None:
        measured, kind = tr(BADGE_TEXTS[0]), ""
    elif rate.factor == 0:
        measured, kind = tr(BADGE_TEXTS[1]), "vanishing"
    else:
        i, kind = _MEASURED[rate.regime]
        measured = tr(BADGE_TEXTS[i]).replace("%1", format_factor(rate.factor))
    tip = []
    if theory is None:
        bound = ""
    elif theory.applies and theory.gamma_sigma is not None:
        bound = tr(BADGE_TEXTS[_BOUND[theory.regime]]).replace("%1", format_value(theory.gamma_sigma, 3))
        tip.append(tr_theory(theory.detail))
    else:
        bound = tr_theory(theory.badge)
        tip.append(tr_theory(theory.detail))
    if rate is not None and rate.points > 1:
        tip.insert(0, tr(BADGE_TEXTS[8]).replace("%1", str(rate.t0)).replace("%2", str(rate.t1))
                   .replace("%3", str(rate.points)))
    text = measured + ("; " + bound if bound else "")
    if theory is not None and theory.applies and view != "last":
        text += "  " + tr_theory("(curves on the 'last' view)")
    return text, kind, "\n".join(tip)


def profile_curves(profile: Any, theory: Theory | None, rate: MeasuredRate | None = None) -> dict[str, np.ndarray]:
    """The curves drawn over a ``last``-view profile, by legend label: (γλ₁)^(T−1−t) and
    ρ^(T−1−t) anchored at the measured last value (where the theory applies) and the fitted
    measured rate (any cell: it is a measurement). Every number in a label is the one its
    curve is drawn with, in the one format (3.61·10⁴). The live panel, the exported figures
    and the animation all draw these."""
    from gradsim.core.numbers import format_factor, format_value

    prof = np.asarray(profile, dtype=np.float64)
    if len(prof) < 2 or not (np.isfinite(prof[-1]) and prof[-1] > 0):
        return {}
    curves: dict[str, np.ndarray] = {}
    if theory is not None and theory.applies:
        for k, v in theory.curves(float(prof[-1])).items():
            if k == BOUND_LABEL and theory.gamma_sigma is not None:
                k = f"{BOUND_LABEL}, γλ₁ = {format_value(theory.gamma_sigma, 3)}"
            elif k == RATE_LABEL and theory.spectral_radius is not None:
                k = f"{RATE_LABEL}, ρ = {format_value(theory.spectral_radius, 3)}"
            curves[k] = v
    if rate is not None and rate.points > 1 and math.isfinite(rate.log10_slope):
        curves[f"measured rate, {format_factor(rate.factor)}/step"] = rate.line(len(prof))
    return curves


def module_architecture(model: Any) -> dict[str, Any] | None:
    """The network a watched torch module's description (:func:`gradsim.core.watch.describe_module`,
    a run folder's ``model.json``) gives the bound, as keywords of :func:`theory_from_spectrum`
    (``activation``, ``cell``, ``num_layers``), or None when it does not say.

    Example
    -------
    >>> module_architecture({"cell": "rnn", "nonlinearity": "relu", "num_layers": 2})
    {'activation': 'relu', 'cell': 'rnn', 'num_layers': 2}
    """
    cell, layers = model.get("cell"), model.get("num_layers")
    if cell not in ("rnn", "lstm", "gru") or isinstance(layers, bool) or not isinstance(layers, int) or layers < 1:
        return None
    activation = model.get("nonlinearity") if cell == "rnn" else "tanh"  # a gated cell's is not used
    if activation not in GAMMA:
        return None
    return {"activation": activation, "cell": cell, "num_layers": layers}


def theory_for_architecture(sigma_max: float, spectral_radius: float | None, seq_len: int,
                            arch: Any) -> Theory:
    """:func:`theory_from_spectrum` for layer 0's W_hh of the network ``arch`` describes
    (``activation``, ``cell``, ``num_layers`` and optionally ``residual``, ``norm``: a
    RunConfig's fields or :func:`module_architecture`'s dict), as the live app draws it:
    a snapshot's σ_max and ρ belong to layer 0, so a stack is answered "top layer only"."""
    return theory_from_spectrum(sigma_max, spectral_radius, arch["activation"], seq_len, cell=arch["cell"],
                                residual=arch.get("residual", False), norm=arch.get("norm", "none"), layer=0,
                                num_layers=arch["num_layers"])
