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
