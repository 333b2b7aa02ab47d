"""Per-time-step gradient capture: the three views of DOMAIN.md, exactly, every step.

Two paths compute the same numbers:

* the **fast path** (:func:`capture_fast`): a forward without autograd, then a
  hand-written BPTT recursion whose per-step work is only what the recursion needs;
  everything that does not depend on it (derivative factors, parameter gradients as
  products over all t, the views' norms) is batched over t. The ``last`` view
  ∂L_T/∂h_t rides along as extra batch rows of the same recursion. Per cell:

  - ``rnn``: a Python loop forward (one ``addmm`` and the activation per step) and a
    backward of one matrix product and one elementwise op per step;
  - ``gru``: a Python loop forward keeping its gates (five ops per step) and a backward
    of three ops per step;
  - ``lstm``: torch's fused kernel (oneDNN on CPU) for the forward, then either the
    kernel's own backward, made to hand out ∂L/∂z_t for every gate pre-activation by
    4H zero input columns carried by an identity block of W_ih (small B·H², where any
    Python loop costs more than the extra product), or a hand-written backward of three
    ops per step over time chunks that stay in cache (:func:`gradsim.core.bptt.lstm._lstm_loop`).

  Measured against torch's own fused modules in ``benchmarks/bench_bptt.py``.
* the **general path** (:func:`capture_autograd`): an unrolled autograd forward and
  ``torch.autograd.grad`` with respect to every hidden state. It handles everything
  (layer / batch normalisation, residual gated cells) and is the reference the fast
  path is tested against.

Notation (row vectors, time-major): h_t = f(a_t), a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh.
δ_t = ∂L/∂h_t = ∂L_t/∂h_t + (f′(a_{t+1}) ⊙ δ_{t+1}) W_hh.
Views per layer and time step (norms are Frobenius over batch × features):

* ``total``  ‖δ_t‖
* ``last``   ‖∂L_T/∂h_t‖ (the last step's loss only; equals ``total`` when the loss is
  at the last step only)
* ``weight`` ‖step t's term of ∂L/∂W_hh‖ = ‖dA_tᵀ h_{t−1}‖ (dA_t: gradient of the
  recurrent pre-activation; the rank-one ‖f′⊙δ_t‖·‖h_{t−1}‖ when B = 1)

Layout: this module dispatches (:func:`capture`, :func:`capture_fast`); ``rnn``, ``gru``
and ``lstm`` hold each cell's forward and recursion, ``_common`` what they share (the
kept work buffers, :class:`Recursion`, the bookkeeping), ``reference`` the autograd path.
"""

from __future__ import annotations

import torch

from gradsim.config import VIEWS, RunConfig
from gradsim.core.bptt._common import Capture, Recursion, _bookkeep, _chunk_lo, _readout_grads, release_scratch
from gradsim.core.bptt.gru import _gru_backward, _gru_forward
from gradsim.core.bptt.lstm import LSTM_PATHS, _lstm_fused_backward, _lstm_fused_forward, _lstm_fused_ok, _lstm_loop
from gradsim.core.bptt.reference import capture_autograd
from gradsim.core.bptt.rnn import _rnn_backward, _rnn_forward
from gradsim.core.cells import RecurrentNet
from gradsim.core.fast_path import has_fast_path
from gradsim.core.tasks import Batch, Task
from gradsim.core.truncation import chunk_starts

__all__ = ["VIEWS", "LSTM_PATHS", "Capture", "capture", "capture_autograd", "capture_fast", "has_fast_path",
           "release_scratch"]


def capture(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig) -> Capture:
    """Forward, loss, parameter gradients and per-step views, by the fastest exact path."""
    if has_fast_path(cfg):
        return capture_fast(net, task, batch, state, cfg)
    return capture_autograd(net, task, batch, state, cfg)


@torch.no_grad()
def capture_fast(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig, *,
                 lstm_path: str = "auto") -> Capture:
    """Hand-written BPTT over a no-grad forward (see module docstring).

    ``lstm_path`` forces the LSTM strategy (``"fused"`` or ``"loop"``; default: by size).
    """
    if lstm_path not in LSTM_PATHS:
        raise ValueError(f"lstm_path = {lstm_path!r}: must be one of {', '.join(LSTM_PATHS)}")
    x = batch.x
    T, B, _ = x.shape
    cuts = chunk_starts(T, cfg.tbptt)
    starts = [t == T - 1 or (t + 1) in cuts for t in range(T)]
    S = 1 if task.last_only else 2
    L = net.num_layers
    cell = net.cell
    fused = cell == "lstm" and _lstm_fused_ok(x, B, net.hidden_size, cuts, lstm_path)
    fws = []
    inp = x.repeat(1, S, 1) if fused and S > 1 else x
    for li, layer in enumerate(net.layers):
        h0 = state[li][0]
        if cell == "rnn":
            Hs, Y = _rnn_forward(layer, inp, h0, cfg.activation, cfg.leaky_slope, cfg.residual, li)
            fws.append((inp, Hs, Y))
        elif cell == "gru":
            Hs, Q, N = _gru_forward(layer, inp, h0, li)
            fws.append((inp, Hs, Q, N))
        elif fused:
            h0s, c0s = (h0, state[li][1]) if S == 1 else (h0.repeat(S, 1), state[li][1].repeat(S, 1))
            out, xa, w, hy, cy = _lstm_fused_forward(layer, inp, h0s, c0s, li)
            Hs = out.detach()
            fws.append((inp, Hs, out, xa, w, hy, cy))
        else:
            w = [layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh]
            Hs = torch.lstm(inp, (h0.unsqueeze(0), state[li][1].unsqueeze(0)), w, True, 1, 0.0, False, False, False)[0]
            fws.append((inp, Hs))
        inp = Hs
    top = inp[:, :B] if fused and S > 1 else inp
    loss, G, g_last, grads, out = _readout_grads(net, task, batch, top)
    if S == 2:  # the last step's loss alone rides along as B more rows
        G2 = torch.zeros(T, 2 * B, G.shape[2], dtype=G.dtype, device=G.device)
        G2[:, :B] = G
        G2[-1, B:] = g_last
        gs = G2.unbind(0)
    elif G is None:  # all rows but the last are zero: share one
        gs = [torch.zeros_like(g_last)] * (T - 1) + [g_last]
    else:
        gs = G.unbind(0)
    total = torch.empty(L, T, dtype=x.dtype, device=x.device)
    last = torch.empty_like(total)
    weight = torch.empty_like(total)
    finals: list = [None] * L
    g_lo = T - 1 if task.last_only else 0
    for li in range(L - 1, -1, -1):
        layer = net.layers[li]
        fw = fws[li]
        h0 = state[li][0]
        lo = 0 if fused else _chunk_lo(g_lo, cuts)
        rec = Recursion(gs, S, starts, lo, li == L - 1 and task.last_only, li)
        inp_l, H_l = (fw[0][:, :B], fw[1][:, :B]) if fused and S > 1 else fw[:2]
        if cell == "lstm" and not fused:
            r = _lstm_loop(layer, fw[0], fw[1], h0, state[li][1], rec, li > 0)
        else:
            if cell == "rnn":
                lr = _rnn_backward(layer, fw, rec, cfg)
            elif cell == "gru":
                lr = _gru_backward(layer, fw, h0, rec)
            else:
                lr = _lstm_fused_backward(layer, fw, gs, S)
            r = _bookkeep(lr, inp_l, H_l, h0, B, S, layer.weight_ih, li > 0, li)
        p = f"layers.{li}."
        for k, v in r.grads.items():
            grads[p + k] = v
        total[li] = r.total
        last[li] = r.last if S > 1 else r.total
        weight[li] = r.weight
        finals[li] = r.final
        if li > 0:
            gs = r.below.unbind(0)  # ∂L/∂(input of this layer) = ∂L/∂h of the layer below
            g_lo = lo
    return Capture(loss, grads, total, last, weight, out, finals)
