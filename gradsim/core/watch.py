"""Exact per-time-step gradients of a user's own ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``.

:func:`watch` hooks a torch recurrent module inside the user's own training loop (their
model around it, their loss, their optimiser) and, at every ``backward`` that reaches the
module, computes gradsim's three views per layer and time step, exactly:

* ``total``  ‖∂L/∂h_t‖, the whole error signal back-propagation delivers to step t of
  each layer (Frobenius norm over batch × hidden units);
* ``last``   ‖∂L_T/∂h_t‖: back-propagation of the gradient that enters the module at
  its **last time step only** (∂L/∂out_{T−1}, plus ∂L/∂h_n, the final states);
* ``weight`` ‖step t's term of ∂L/∂W_hh‖ = ‖dA_tᵀ h_{t−1}‖ (dA_t: the gradient of the
  recurrent pre-activations of step t).

How: a forward hook keeps the call's input, initial state and output (references, no
copies); :func:`torch.autograd.graph.register_multi_grad_hook` on the module's outputs
hands over ∂L/∂output (all steps at once) and ∂L/∂h_n during the user's own backward,
before torch back-propagates through the module; gradsim's hand-written BPTT recursions
(:mod:`gradsim.core.bptt`) then run on the module's own weights and hidden states. Cost:
about one extra backward recursion (plus, for ``num_layers > 1``, a no-grad forward of the
lower layers to get their hidden states; the top layer's are the module's output). The
hooks read and never write: a watched model trains bit-identically to an unwatched one.

What ``last`` means for a user's loss
    The hook sees ∂L/∂out_t for every t, not how the loss was built. ``last`` is the
    BPTT of the gradient entering at t = T−1 alone. When the loss is a sum over steps
    L = Σ_t L_t(out_t) (a loss at every step) that is exactly ∂L_{T−1}/∂h_t, the classic
    decaying picture; when the loss is at the last step only, ``last`` equals ``total``.
    When the loss mixes time steps (e.g. a loss on the mean of the outputs over time),
    there is no "last step's loss" and ``last`` is "the error entering at the last
    step's output", still exact in that sense.

Refused, with a message naming what is wrong (never silently wrong)
    bidirectional modules, ``proj_size > 0``, ``PackedSequence`` input, dropout between
    layers in training mode, dtypes other than float32/float64, autocast, and (LSTM) a
    loss that depends on the final cell state ``c_n`` (raised from ``backward``).

A module called several times before one backward
    The views describe the **last** call (``Watch.calls`` says how many there were); each
    view is exact for that call's hidden states. A call without autograd (``no_grad``,
    evaluation) is ignored.

Example
-------
>>> import torch
>>> from gradsim.core.watch import watch
>>> rnn = torch.nn.LSTM(3, 8, num_layers=2, batch_first=True)
>>> w = watch(rnn)
>>> out, _ = rnn(torch.randn(4, 10, 3))
>>> out.pow(2).sum().backward()
>>> w.views["total"].shape   # (layers, time steps)
(2, 10)
>>> w.close()

Theory beside measurement
    Each snapshot carries σ_max of layer 0's W_hh as the forward used it (measured in the
    backward hook, before the user's optimiser step, every iteration) and ρ every
    ``spectrum_every``; :meth:`Watch.badge` is the app's theory badge
    (:func:`gradsim.core.theory.theory_badge`: the measured regime first) for the newest one.
"""

from __future__ import annotations

import atexit
import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, SimpleNamespace
from typing import Any, Self

import numpy as np
import torch
from torch import nn

from gradsim.core.bptt import release_scratch
from gradsim.core.bptt._common import Recursion, _bookkeep
from gradsim.core.bptt.gru import _gru_backward
from gradsim.core.bptt.lstm import _lstm_loop
from gradsim.core.bptt.rnn import _rnn_backward
from gradsim.core.snapshot import Snapshot
from gradsim.core.theory import (
    SigmaTracker, Theory, measured_rate, module_architecture, theory_badge, theory_for_architecture,
)

__all__ = ["Watch", "WatchError", "check_watchable", "describe_module", "watch"]

VIEWS = ("total", "last", "weight")
#: Layer index offset naming the recursions' kept work buffers (gradsim's own nets use 0–3).
_SCRATCH_LAYER = 100
_CELLS = ((nn.LSTM, "lstm"), (nn.GRU, "gru"), (nn.RNN, "rnn"))

class WatchError(ValueError):
    """A module, input or loss that :func:`watch` cannot follow exactly."""


def _cell_of(module: nn.Module) -> str:
    for cls, name in _CELLS:
        if isinstance(module, cls):
            return name
    if isinstance(module, (nn.RNNCell, nn.LSTMCell, nn.GRUCell)):
        raise WatchError(
            f"gradsim.watch: {type(module).__name__} is a single-step cell; watch the sequence module "
            "(nn.RNN, nn.LSTM or nn.GRU) that runs all time steps in one call")
    raise WatchError(f"gradsim.watch: expected a torch.nn.RNN, nn.LSTM or nn.GRU, got {type(module).__name__}")


def check_watchable(module: nn.Module) -> str:
    """The cell type (``"rnn"``, ``"lstm"``, ``"gru"``) of ``module``, or :class:`WatchError`.

    Raises
    ------
    WatchError
        For anything whose per-step gradients :func:`watch` cannot compute exactly: not a
        torch recurrent module, bidirectional, ``proj_size > 0``, or a dtype other than
        float32 / float64.
    """
    cell = _cell_of(module)
    if module.bidirectional:
        raise WatchError("gradsim.watch: bidirectional modules are not supported (the backward direction has "
                         "its own time axis); watch two unidirectional modules instead")
    if getattr(module, "proj_size", 0):
        raise WatchError(f"gradsim.watch: LSTM with proj_size = {module.proj_size} is not supported "
                         "(h_t is projected); use proj_size = 0")
    dt = module.weight_hh_l0.dtype
    if dt not in (torch.float32, torch.float64):
        raise WatchError(f"gradsim.watch: weights of dtype {dt} are not supported (float32 or float64)")
    return cell


def describe_module(module: nn.Module) -> dict[str, Any]:
    """A JSON-ready description of a watched module (the run folder's ``model.json``).

    Example
    -------
    >>> describe_module(torch.nn.GRU(2, 5))["cell"]
    'gru'
    """
    cell = _cell_of(module)
    return {
        "kind": "watched torch module",
        "module": f"{type(module).__module__}.{type(module).__qualname__}",
        "cell": cell,
        "input_size": module.input_size,
        "hidden_size": module.hidden_size,
        "num_layers": module.num_layers,
        "batch_first": bool(module.batch_first),
        "bias": bool(module.bias),
        "dropout": float(module.dropout),
        "nonlinearity": getattr(module, "nonlinearity", "tanh" if cell == "rnn" else None),
        "dtype": str(module.weight_hh_l0.dtype).removeprefix("torch."),
        "device": str(module.weight_hh_l0.device),
        "parameters": int(sum(p.numel() for p in module.parameters())),
    }


@dataclass
class _LayerWeights:
    """One layer of a torch module, in the layout gradsim's recursions read (torch's own:
    gate order i, f, g, o for LSTM, r, z, n for GRU)."""

    weight_ih: torch.Tensor
    weight_hh: torch.Tensor
    bias_ih: torch.Tensor
    bias_hh: torch.Tensor
    hidden_size: int


@dataclass
class _Call:
    """What one forward call leaves for the backward hook (references, detached)."""

    x: torch.Tensor  # (T, B, m) time-major
    h0: list[torch.Tensor]  # per layer (B, H)
    c0: list[torch.Tensor] | None
    out: torch.Tensor  # (T, B, H) time-major, the top layer's hidden states
    out_version: int
    layers: list[_LayerWeights]
    unbatched: bool
    t_forward: float
    inputs0: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def _time_major(t: torch.Tensor, batch_first: bool, unbatched: bool) -> torch.Tensor:
    if unbatched:
        return t.unsqueeze(1)
    return t.transpose(0, 1) if batch_first else t


#: A sink receives every watched iteration's Snapshot; it may also define ``start(info)``
#: (called once with :func:`describe_module`'s dict before the first snapshot) and
#: ``close()`` (called by :meth:`Watch.close`).
Sink = Callable[[Snapshot], None]


class Watch:
    """Hooks on one torch recurrent module; see :func:`watch` (the way to make one).

    Attributes
    ----------
    steps : int
        Watched iterations so far (backward passes that reached the module).
    calls : int
        Forward calls with autograd since the previous backward, for the newest views
        (1 in the usual loop; the views describe the last of them).
    overhead_seconds : float
        Time spent in the watch's hooks so far (the recursion, mostly).
    """

    def __init__(self, module: nn.Module, *, sinks: Iterable[Sink] = (), spectrum_every: int = 0) -> None:
        self.cell = check_watchable(module)
        self.module = module
        self.sinks = list(sinks)
        self.spectrum_every = int(spectrum_every) if spectrum_every > 0 else max(
            1, math.ceil((module.hidden_size / 32) ** 2))  # trainer.spectrum_interval's rule
        self.steps = 0
        self.calls = 0
        self.overhead_seconds = 0.0
        self._closed = False
        self._started = False
        self._pending_call: _Call | None = None  # the newest forward call with autograd
        self._grad_handle = None  # its multi-grad hook
        self._fired = False  # whether that hook has run
        self._done: dict[str, Any] | None = None  # newest backward's results, not yet emitted
        self._snapshot: Snapshot | None = None
        self._loss: float = float("nan")
        self._loss_logged = False
        self._spectrum = (float("nan"), float("nan"), -1)
        self._sigma_tracker = SigmaTracker()  # warm-started σ_max, as the trainer's
        self._param_norms: dict[str, torch.Tensor] = {}
        self._handles = [module.register_forward_hook(self._on_forward, with_kwargs=True)]
        for name, p in module.named_parameters():
            if p.requires_grad:
                self._handles.append(p.register_post_accumulate_grad_hook(self._grad_norm_hook(name)))
        # a script that never calls close() still gets its last iteration and closed sinks
        # (this keeps the watch alive until close or exit, as its hooks keep it anyway)
        atexit.register(self.close)

    # ------------------------------------------------------------------ public
    @property
    def views(self) -> Mapping[str, np.ndarray]:
        """The newest backward's views: ``{"total", "last", "weight"}`` → (layers, T) float64.

        Raises
        ------
        RuntimeError
            Before the first backward that reached the module.
        """
        if self._done is not None:
            return self._done["views"]
        if self._snapshot is not None:
            return self._snapshot.views
        raise RuntimeError("gradsim.watch: no views yet; they appear after the first backward through the module")

    @property
    def snapshot(self) -> Snapshot | None:
        """The newest iteration handed to the sinks, as a :class:`~gradsim.core.snapshot.Snapshot`
        (None before the first)."""
        return self._snapshot

    def theory(self) -> Theory | None:
        """The (γλ₁)^(T−1−t) bound of the newest snapshot (None before the first): from its
        σ_max and ρ, layer 0's W_hh before that iteration's update, as the live app's."""
        snap = self._snapshot
        if snap is None:
            return None
        arch = module_architecture(describe_module(self.module))
        if arch is None:
            return None
        return theory_for_architecture(snap.sigma_max, snap.spectral_radius, snap.views["last"].shape[-1], arch)

    def badge(self) -> tuple[str, str, str]:
        """The live app's theory badge for the newest snapshot: ``(text, kind, tooltip)`` of
        :func:`gradsim.core.theory.theory_badge`, the measured regime first
        ("vanishing, measured ×0.71/step; the bound guarantees vanishing: γσ_max = 0.6").

        Raises
        ------
        RuntimeError
            Before the first iteration was handed over (see :meth:`flush`).
        """
        snap = self._snapshot
        if snap is None:
            raise RuntimeError("gradsim.watch: no iteration yet; the badge appears after the first backward "
                               "(and flush(), or the next forward)")
        return theory_badge(self.theory(), measured_rate(snap.views["last"][0]))

    def log(self, loss: float | torch.Tensor) -> None:
        """Record the current iteration's loss for the sinks (metrics.csv, TensorBoard).

        Call it anywhere between the module's forward and the next iteration's forward
        (before or after ``backward``); without it the loss column is NaN.

        Example
        -------
        >>> w.log(loss)            # doctest: +SKIP
        """
        self._loss = float(loss.detach()) if torch.is_tensor(loss) else float(loss)
        self._loss_logged = True

    def flush(self) -> None:
        """Hand the newest finished iteration to the sinks now (it goes at the next forward otherwise)."""
        self._emit_pending()

    def close(self) -> None:
        """Emit the last iteration, remove every hook and close the sinks. Idempotent."""
        if self._closed:
            return
        try:
            self._emit_pending()
        finally:
            self._closed = True
            for h in self._handles:
                h.remove()
            self._handles.clear()
            if self._grad_handle is not None:
                self._grad_handle.remove()
                self._grad_handle = None
            self._pending_call = None
            release_scratch()  # the recursion's kept work buffers (this thread's)
            atexit.unregister(self.close)
            for s in self.sinks:
                close = getattr(s, "close", None)
                if close is not None:
                    close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ hooks
    def _grad_norm_hook(self, name: str):
        def hook(p: torch.Tensor) -> None:
            # the norm of the accumulated gradient, before any clipping by the user; a
            # tensor, so that nothing waits for the device here
            self._param_norms[name] = torch.linalg.vector_norm(p.grad.detach())
        return hook

    def _on_forward(self, module: nn.Module, args: tuple, kwargs: dict, output: Any) -> None:
        x = args[0] if args else kwargs.get("input")
        if isinstance(x, nn.utils.rnn.PackedSequence):
            raise WatchError("gradsim.watch: PackedSequence input is not supported (sequences of different "
                             "lengths have no common last step); pad the batch to one length")
        out = output[0]
        if not (torch.is_grad_enabled() and out.requires_grad):
            return  # evaluation: nothing will reach a backward
        if torch.is_autocast_enabled() or torch.is_autocast_enabled("cpu"):
            raise WatchError("gradsim.watch: autocast (mixed precision) is not supported; run the watched "
                             "module in float32 or float64")
        if module.training and module.dropout > 0 and module.num_layers > 1:
            raise WatchError(f"gradsim.watch: dropout = {module.dropout} between layers draws masks that the "
                             "exact recursion cannot see; use dropout = 0 or module.eval()")
        if out.dtype not in (torch.float32, torch.float64):
            raise WatchError(f"gradsim.watch: output of dtype {out.dtype} is not supported (float32 or float64)")
        t0 = time.perf_counter()
        if self._done is not None:  # a new iteration starts: the previous one is complete
            self._emit_pending()
        hx = args[1] if len(args) > 1 else kwargs.get("hx")
        unbatched = x.dim() == 2
        bf = bool(module.batch_first)
        L, n = module.num_layers, module.hidden_size
        xt = _time_major(x.detach(), bf, unbatched)
        B = xt.shape[1]
        if self.cell == "lstm":
            h_all, c_all = (None, None) if hx is None else hx
        else:
            h_all, c_all = hx, None
        def per_layer(s):
            if s is None:
                return [torch.zeros(B, n, dtype=out.dtype, device=out.device)] * L
            s = s.detach()
            s = s.unsqueeze(1) if unbatched else s
            return list(s.unbind(0))
        h0 = per_layer(h_all)
        c0 = per_layer(c_all) if self.cell == "lstm" else None
        layers = []
        for k in range(L):
            w_ih = getattr(module, f"weight_ih_l{k}").detach()
            w_hh = getattr(module, f"weight_hh_l{k}").detach()
            if module.bias:
                b_ih, b_hh = getattr(module, f"bias_ih_l{k}").detach(), getattr(module, f"bias_hh_l{k}").detach()
            else:
                b_ih = b_hh = torch.zeros(w_hh.shape[0], dtype=w_hh.dtype, device=w_hh.device)
            layers.append(_LayerWeights(w_ih, w_hh, b_ih, b_hh, n))
        top = _time_major(out.detach(), bf, unbatched)
        call = _Call(xt, h0, c0, top, out._version, layers, unbatched, t0)
        if self._grad_handle is not None:
            # the previous call's hook: fired (a finished iteration) or not (the module is
            # called again before a backward: the views describe the last call)
            self._grad_handle.remove()
        self.calls = 1 if self._fired or self._pending_call is None else self.calls + 1
        self._fired = False
        self._pending_call = call
        if self.cell == "lstm":
            outs = [out, output[1][0], output[1][1]]
        else:
            outs = [out, output[1]]
        self._grad_handle = torch.autograd.graph.register_multi_grad_hook(
            outs, lambda grads, call=call: self._on_grads(call, grads), mode="all")
        if not self._started:
            self._started = True
            info = describe_module(module)
            for s in self.sinks:
                start = getattr(s, "start", None)
                if start is not None:
                    start(info)
        self.overhead_seconds += time.perf_counter() - t0

    def _on_grads(self, call: _Call, grads) -> None:
        if self._closed:
            return
        t0 = time.perf_counter()
        g_out, g_hn = grads[0], grads[1]
        g_cn = grads[2] if len(grads) > 2 else None
        if g_cn is not None and bool(g_cn.detach().ne(0).any()):
            raise WatchError("gradsim.watch: the loss depends on the LSTM's final cell state c_n, which gradsim's "
                             "recursion cannot inject; use the output or h_n, or close the watch")
        with torch.no_grad():
            views = self._compute(call, g_out, g_hn)
        spectrum = self._done["spectrum"] if self._done is not None and self._done["call"] is call else None
        if spectrum is None:
            # now, inside the user's backward: W_hh is still the one this forward used (their
            # optimiser step comes after), so the bound is drawn from the weights that made
            # the profile, as the trainer's is
            spectrum = self._measure_spectrum(call.layers[0])
        self._done = {"views": views, "call": call, "calls": self.calls, "spectrum": spectrum}
        self._fired = True  # the hook stays (a retain_graph backward fires it again) until the next forward
        self.overhead_seconds += time.perf_counter() - t0

    # ------------------------------------------------------------------ the recursion
    def _compute(self, call: _Call, g_out, g_hn) -> Mapping[str, np.ndarray]:
        mod = self.module
        cell, L = self.cell, mod.num_layers
        x, H_top = call.x, call.out
        T, B, n = H_top.shape
        if call.out._version != call.out_version:
            H_top = None  # the user changed the output in place: recompute it below
        dt, dev = call.layers[0].weight_hh.dtype, call.layers[0].weight_hh.device
        # every layer's hidden states: the module's output for the top, torch's own fused
        # kernel (no autograd) for the layers below
        Hs: list[torch.Tensor] = []
        inp = x
        for k, lw in enumerate(call.layers):
            if k == L - 1 and H_top is not None:
                Hk = H_top.contiguous()
            else:
                Hk = _layer_forward(cell, getattr(mod, "nonlinearity", "tanh"), lw, inp, call.h0[k],
                                    call.c0[k] if call.c0 is not None else None)
            Hs.append(Hk)
            inp = Hk
        inps = [x.contiguous()] + Hs[:-1]
        G = torch.zeros(T, B, n, dtype=dt, device=dev)
        if g_out is not None:
            G.copy_(_time_major(g_out.detach(), mod.batch_first, call.unbatched))
        dhn = None
        if g_hn is not None:
            dhn = g_hn.detach()
            dhn = dhn.unsqueeze(1) if call.unbatched else dhn  # (L, B, H)
        # all gradient entering at the last step: total = last, and one pass does both
        last_only = T == 1 or not bool(G[:-1].ne(0).any())
        S = 1 if last_only else 2
        if dhn is not None:
            G[-1] += dhn[-1]
        if S == 2:  # the last step's gradient alone rides along as B more rows
            G2 = torch.zeros(T, 2 * B, n, dtype=dt, device=dev)
            G2[:, :B] = G
            G2[-1, B:] = G[-1]
            gs = G2.unbind(0)
        else:
            gs = G.unbind(0)
        starts = [t == T - 1 for t in range(T)]
        total = torch.empty(L, T, dtype=dt, device=dev)
        last = torch.empty_like(total)
        weight = torch.empty_like(total)
        rnn_cfg = SimpleNamespace(activation=getattr(mod, "nonlinearity", "tanh"), leaky_slope=0.0, residual=False)
        for li in range(L - 1, -1, -1):
            lw, Hl, il, h0 = call.layers[li], Hs[li], inps[li], call.h0[li]
            # work buffers of its own (named by layer index): gradsim's trainer may share the thread
            rec = Recursion(gs, S, starts, 0, li == L - 1 and last_only, _SCRATCH_LAYER + li, grads=False)  # views only
            if cell == "lstm":
                r = _lstm_loop(lw, il, Hl, h0, call.c0[li], rec, li > 0)
            else:
                if cell == "rnn":
                    lr = _rnn_backward(lw, (il, Hl, Hl), rec, rnn_cfg)
                else:
                    Q, N = _gru_gates(lw, il, Hl, h0)
                    lr = _gru_backward(lw, (il, Hl, Q, N), h0, rec)
                # views only: the user's own autograd computes the parameter gradients
                r = _bookkeep(lr, il, Hl, h0, B, S, lw.weight_ih, li > 0, _SCRATCH_LAYER + li, grads=False)
            total[li] = r.total
            last[li] = r.last if S > 1 else r.total
            weight[li] = r.weight
            if li > 0:
                below = r.below  # ∂L/∂(input of this layer) = ∂L/∂h of the layer below
                if dhn is not None:
                    below[-1, :B] += dhn[li - 1]
                    if S > 1:
                        below[-1, B:] += dhn[li - 1]
                gs = below.unbind(0)
        if not call.inputs0.size:
            call.inputs0 = x[:, 0, :].detach().double().cpu().numpy()
        arrays = torch.stack([total, last, weight]).double().cpu().numpy()
        return MappingProxyType({v: _frozen(arrays[i]) for i, v in enumerate(VIEWS)})

    # ------------------------------------------------------------------ snapshots
    @torch.no_grad()
    def _measure_spectrum(self, layer0: _LayerWeights) -> tuple[float, float, int]:
        """``(ρ, σ_max, step of ρ)`` of layer 0's W_hh as it is now (called during the
        backward, before the user's update), as :meth:`gradsim.core.trainer.Trainer` measures
        them: σ_max at every iteration (:class:`~gradsim.core.theory.SigmaTracker`, O(H²),
        exact at the spectrum steps), ρ (eigenvalues, O(H³)) every ``spectrum_every``."""
        fresh = self.steps % self.spectrum_every == 0 or self._spectrum[2] < 0
        w = layer0.weight_hh.double()
        sigma = self._sigma_tracker(w.cpu().numpy(), exact=fresh)
        if fresh:
            n = layer0.hidden_size
            rho = max(float(torch.linalg.eigvals(b).abs().max()) for b in w.split(n, dim=0))
            self._spectrum = (rho, sigma, self.steps)
        return self._spectrum[0], sigma, self._spectrum[2]

    def _emit_pending(self) -> None:
        """Turn the newest finished backward into a Snapshot and hand it to the sinks (the
        iteration is over: a new forward, flush or close)."""
        done = self._done
        if done is None:
            return
        self._done = None
        call: _Call = done["call"]
        views = done["views"]
        rho, sigma, spec_step = done["spectrum"]
        per_param = {k: float(v) for k, v in self._param_norms.items()}
        self._param_norms = {}
        grad_norm = math.sqrt(sum(v * v for v in per_param.values())) if per_param else float("nan")
        # from this iteration's forward to now: the start of the next one (the user's whole
        # loop iteration, data included), or flush / close
        step_seconds = time.perf_counter() - call.t_forward
        T = call.out.shape[0]
        finite = all(bool(np.isfinite(a).all()) for a in views.values())
        # a loss never logged is unknown (NaN), not a divergence; a logged NaN / inf is one
        diverged = not finite or (self._loss_logged and not math.isfinite(self._loss))
        snap = Snapshot(
            step=self.steps,
            loss=self._loss,
            grad_norm=grad_norm,
            grad_norm_after=float("nan"),  # the user's clipping is not seen
            clipped=False,
            diverged=diverged,
            diverged_at=None,
            spectral_radius=rho,
            sigma_max=sigma,
            spectrum_step=spec_step,
            views=views,
            param_grad_norms=MappingProxyType(per_param),
            prediction=_frozen(np.full((T, 1), np.nan)),
            target=_frozen(np.full((T, 1), np.nan)),
            inputs=_frozen(call.inputs0),
            step_seconds=step_seconds,
        )
        self.steps += 1
        self._loss, self._loss_logged = float("nan"), False
        self._snapshot = snap
        for s in self.sinks:
            s(snap)


def _layer_forward(cell: str, nonlinearity: str, lw: _LayerWeights, inp: torch.Tensor, h0: torch.Tensor,
                   c0: torch.Tensor | None) -> torch.Tensor:
    """One layer's hidden states (T, B, H) by torch's own fused kernel, without autograd."""
    w = [lw.weight_ih, lw.weight_hh, lw.bias_ih, lw.bias_hh]
    with warnings.catch_warnings():
        # cuDNN warns that these weights are not one flattened chunk (they are the
        # module's, per layer); the copy it makes is what this call needs anyway
        warnings.simplefilter("ignore", UserWarning)
        if cell == "lstm":
            return torch.lstm(inp, (h0.unsqueeze(0), c0.unsqueeze(0)), w, True, 1, 0.0, False, False, False)[0]
        if cell == "gru":
            return torch.gru(inp, h0.unsqueeze(0), w, True, 1, 0.0, False, False, False)[0]
        fn = torch.rnn_tanh if nonlinearity == "tanh" else torch.rnn_relu
        return fn(inp, h0.unsqueeze(0), w, True, 1, 0.0, False, False, False)[0]


def _gru_gates(lw: _LayerWeights, inp: torch.Tensor, H: torch.Tensor, h0: torch.Tensor):
    """The GRU's gates from known hidden states, batched over t (no time loop):
    Q = [r, z, W_hn h_{t−1} + b_hn] and N = n_t, as gradsim's GRU backward reads them."""
    T, B, _ = inp.shape
    n = lw.hidden_size
    hp = torch.cat([h0.unsqueeze(0), H[:-1]]).view(T * B, n)
    gi = torch.addmm(lw.bias_ih, inp.reshape(T * B, -1), lw.weight_ih.t()).view(T, B, 3 * n)
    Q = torch.addmm(lw.bias_hh, hp, lw.weight_hh.t()).view(T, B, 3 * n)
    Q[..., : 2 * n] += gi[..., : 2 * n]
    Q[..., : 2 * n].sigmoid_()
    N = torch.addcmul(gi[..., 2 * n :], Q[..., :n], Q[..., 2 * n :]).tanh_()
    return Q, N


def watch(module: nn.Module, *, sinks: Iterable[Sink] = (), spectrum_every: int = 0) -> Watch:
    """Follow a torch ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` in the user's own training loop.

    Parameters
    ----------
    module : nn.RNN | nn.LSTM | nn.GRU
        Any ``num_layers``, ``batch_first`` either way, with or without bias, batched or
        unbatched input. Refused (:class:`WatchError`): bidirectional, ``proj_size``,
        dtypes other than float32 / float64.
    sinks : iterable of callables
        Each gets every iteration's :class:`~gradsim.core.snapshot.Snapshot` (e.g.
        :class:`gradsim.runs.live_folder.RunFolderWriter`,
        :class:`gradsim.runs.tensorboard.TensorBoardWriter`). An iteration is handed over
        when the next one's forward starts, or at :meth:`Watch.flush` / :meth:`Watch.close`,
        so that :meth:`Watch.log` may come before or after ``backward``. Sinks are closed
        with the watch.
    spectrum_every : int
        Iterations between the eigenvalue (ρ) and exact σ_max computations of layer 0's W_hh
        (0: gradsim's rule, every (H/32)² iterations). σ_max itself is measured at every
        iteration, on the W_hh of that iteration's forward (before the user's update), by the
        trainer's warm-started power iteration, so the bound belongs to the profile's weights.

    Returns
    -------
    Watch
        ``w.views`` after each backward; ``w.close()`` (or ``with``) removes every hook.

    Example
    -------
    >>> import torch, gradsim                                   # doctest: +SKIP
    >>> w = gradsim.watch(model.rnn)                            # doctest: +SKIP
    >>> for x, y in loader:                                     # doctest: +SKIP
    ...     out, _ = model.rnn(x); loss = criterion(model.head(out), y)
    ...     opt.zero_grad(); loss.backward(); opt.step()
    ...     w.views["last"]       # (layers, T): ‖∂L_T/∂h_t‖ of this batch
    """
    return Watch(module, sinks=sinks, spectrum_every=spectrum_every)
