"""Per-time-step gradient capture: the three views of DOMAIN.md, exactly, every step.

Two paths compute the same numbers:

* the **fast path** (:func:`capture_fast`): a fused forward (``torch.rnn_tanh``,
  ``torch.lstm``, ``torch.gru`` where they exist, a no-grad loop otherwise) with no
  autograd graph, then a hand-written BPTT recursion whose per-step work is only what
  the recursion needs (one ``addmm`` and one to three elementwise ops); everything that
  does not depend on the recursion (derivative factors, parameter gradients as one
  matmul over all t, the views' norms) is vectorised over t. The ``last`` view
  ∂L_T/∂h_t rides along as extra batch rows of the same recursion.
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
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from gradsim.config import RunConfig
from gradsim.core.cells import RecurrentNet, chunk_starts, unrolled_forward
from gradsim.core.tasks import Batch, Task

__all__ = ["Capture", "capture", "capture_fast", "capture_autograd", "has_fast_path", "VIEWS"]

VIEWS = ("total", "last", "weight")


@dataclass
class Capture:
    """Everything one forward/backward pass yields (tensors, detached)."""

    loss: torch.Tensor  # 0-d
    grads: dict[str, torch.Tensor]  # parameter name -> gradient
    total: torch.Tensor  # (layers, T)
    last: torch.Tensor  # (layers, T)
    weight: torch.Tensor  # (layers, T)
    out: torch.Tensor | None  # (T, B, out) readout outputs
    final_state: list[tuple[torch.Tensor, ...]]  # per layer (h_T,) or (h_T, c_T), detached


def has_fast_path(cfg: RunConfig) -> bool:
    """Whether the hand-written recursion covers this configuration."""
    if cfg.norm != "none":
        return False
    if cfg.cell != "rnn" and cfg.residual:
        return False
    return True


def capture(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig) -> Capture:
    """Forward, loss, parameter gradients and per-step views, by the fastest exact path."""
    if has_fast_path(cfg):
        return capture_fast(net, task, batch, state, cfg)
    return capture_autograd(net, task, batch, state, cfg)


# --------------------------------------------------------------------------- helpers


def _outer_norms(m: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """‖m_tᵀ p_t‖_F for every t; m (T, B, G), p (T, B, H). Exact for any B.

    Uses ‖mᵀp‖² = Σ_bb' (m mᵀ)_bb' (p pᵀ)_bb' when the B×B Gram matrices are cheaper
    than the G×H product, chunked over t so memory stays small.
    """
    T, B, G = m.shape
    H = p.shape[2]
    if B == 1:
        return m[:, 0].norm(dim=-1) * p[:, 0].norm(dim=-1)
    gram = B * (G + H) <= G * H
    per_t = B * B if gram else G * H
    chunk = max(1, (1 << 22) // per_t)
    out = torch.empty(T, dtype=m.dtype, device=m.device)
    for s in range(0, T, chunk):
        mm, pp = m[s : s + chunk], p[s : s + chunk]
        if gram:
            sq = (torch.bmm(mm, mm.transpose(1, 2)) * torch.bmm(pp, pp.transpose(1, 2))).sum(dim=(1, 2))
            out[s : s + chunk] = sq.clamp_min(0).sqrt()
        else:
            out[s : s + chunk] = torch.bmm(mm.transpose(1, 2), pp).flatten(1).norm(dim=1)
    return out


def _step_norms(d: torch.Tensor) -> torch.Tensor:
    """Frobenius norm over (B, features) for every t of a (T, B, F) tensor."""
    return d.flatten(1).norm(dim=1)


def _readout_grads(net: RecurrentNet, task: Task, batch: Batch, h_top: torch.Tensor):
    """Loss, ∂L/∂h_top (T, B, H) and the readout's parameter gradients."""
    ht = h_top.detach().requires_grad_(True)
    with torch.enable_grad():
        out = net.readout(ht) if net.readout is not None else None
        loss = task.loss(out, batch.y, ht)
        params = list(net.readout.parameters()) if net.readout is not None else []
        grads = torch.autograd.grad(loss, [ht, *params])
    rg = {}
    if net.readout is not None:
        rg = {"readout.weight": grads[1], "readout.bias": grads[2]}
    return loss.detach(), grads[0], rg, (out.detach() if out is not None else None)


# --------------------------------------------------------------------------- fast path


def _rnn_forward(layer, inp, h0, cfg):
    """No-grad forward of a plain RNN layer: returns H (T,B,H), Y = f(a) (T,B,H)."""
    w = [layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh]
    if cfg.activation in ("tanh", "relu") and not cfg.residual:
        fn = torch.rnn_tanh if cfg.activation == "tanh" else torch.rnn_relu
        H = fn(inp, h0.unsqueeze(0), w, True, 1, 0.0, False, False, False)[0]
        return H, H
    T, B, _ = inp.shape
    xi = torch.addmm(layer.bias_ih + layer.bias_hh, inp.reshape(T * B, -1), layer.weight_ih.t()).view(T, B, -1)
    Y = torch.empty_like(xi)
    H = torch.empty_like(xi) if cfg.residual else Y
    whh_t = layer.weight_hh.t()
    act = cfg.activation
    slope = cfg.leaky_slope
    h = h0
    for t in range(T):
        a = torch.addmm(xi[t], h, whh_t, out=Y[t])
        if act == "sigmoid":
            torch.sigmoid(a, out=a)
        elif act == "tanh":
            torch.tanh(a, out=a)
        elif act == "relu":
            torch.relu_(a)
        elif act == "leaky_relu":
            torch.nn.functional.leaky_relu_(a, slope)
        if cfg.residual:
            h = torch.add(h, a, out=H[t])
        else:
            h = a
    return H, Y


def _act_derivative(y: torch.Tensor, act: str, slope: float) -> torch.Tensor:
    """f′(a) from y = f(a), for every supported activation."""
    if act == "tanh":
        return 1 - y * y
    if act == "sigmoid":
        return y * (1 - y)
    if act == "relu":
        return (y > 0).to(y.dtype)
    if act == "leaky_relu":
        return torch.where(y > 0, torch.ones_like(y), torch.full_like(y, slope))
    return torch.ones_like(y)


def _backward_rnn(layer, inp, H, Hprev, Y, G, S, cuts, cfg):
    T, SB, Hn = G.shape
    B = SB // S
    D = _act_derivative(Y, cfg.activation, cfg.leaky_slope)
    dH = torch.empty_like(G)
    dA = torch.empty_like(G)
    W = layer.weight_hh
    for t in range(T - 1, -1, -1):
        if t == T - 1 or (t + 1) in cuts:
            dH[t].copy_(G[t])
        else:
            torch.addmm(G[t], dA[t + 1], W, out=dH[t])
            if cfg.residual:
                dH[t].add_(dH[t + 1])
        torch.mul(dH[t].view(S, B, Hn), D[t], out=dA[t].view(S, B, Hn))
    return dH, dA, dA  # grad wrt recurrent pre-activation and wrt input pre-activation coincide


def _backward_lstm(layer, inp, H, Hprev, c0, G, S, cuts):
    T, SB, Hn = G.shape
    B = SB // S
    Z = torch.addmm(layer.bias_ih + layer.bias_hh, inp.reshape(T * B, -1), layer.weight_ih.t())
    Z.addmm_(Hprev.reshape(T * B, Hn), layer.weight_hh.t())
    Z = Z.view(T, B, 4, Hn)
    i = torch.sigmoid(Z[:, :, 0])
    f = torch.sigmoid(Z[:, :, 1])
    g = torch.tanh(Z[:, :, 2])
    o = torch.sigmoid(Z[:, :, 3])
    ig = i * g
    C = torch.empty_like(ig)
    c = c0
    for t in range(T):
        c = torch.addcmul(ig[t], f[t], c, out=C[t])
    Cprev = torch.cat([c0.unsqueeze(0), C[:-1]])
    tc = torch.tanh(C)
    A = o * (1 - tc * tc)
    Bifg = torch.stack([g * i * (1 - i), Cprev * f * (1 - f), i * (1 - g * g)], dim=2)  # (T, B, 3, H)
    Bo = tc * o * (1 - o)
    dH = torch.empty_like(G)
    dC = torch.empty_like(G)
    dZ = torch.empty(T, S, B, 4, Hn, dtype=G.dtype, device=G.device)
    dZ2 = dZ.view(T, SB, 4 * Hn)
    W = layer.weight_hh
    for t in range(T - 1, -1, -1):
        first = t == T - 1 or (t + 1) in cuts
        if first:
            dH[t].copy_(G[t])
        else:
            torch.addmm(G[t], dZ2[t + 1], W, out=dH[t])
        dh = dH[t].view(S, B, Hn)
        dc = dC[t].view(S, B, Hn)
        torch.mul(dh, A[t], out=dc)
        if not first:
            dc.addcmul_(dC[t + 1].view(S, B, Hn), f[t + 1])
        torch.mul(dc.unsqueeze(2), Bifg[t], out=dZ[t, :, :, :3])
        torch.mul(dh, Bo[t], out=dZ[t, :, :, 3])
    return dH, dZ2, dZ2, C[-1]


def _backward_gru(layer, inp, H, Hprev, G, S, cuts):
    T, SB, Hn = G.shape
    B = SB // S
    GI = torch.addmm(layer.bias_ih, inp.reshape(T * B, -1), layer.weight_ih.t()).view(T, B, 3, Hn)
    GH = torch.addmm(layer.bias_hh, Hprev.reshape(T * B, Hn), layer.weight_hh.t()).view(T, B, 3, Hn)
    r = torch.sigmoid(GI[:, :, 0] + GH[:, :, 0])
    z = torch.sigmoid(GI[:, :, 1] + GH[:, :, 1])
    hn = GH[:, :, 2]
    n = torch.tanh(GI[:, :, 2] + r * hn)
    C1 = (1 - z) * (1 - n * n)
    C2 = (Hprev - n) * z * (1 - z)
    C3 = C1 * hn * r * (1 - r)
    Chh = torch.stack([C3, C2, C1 * r], dim=2)  # (T, B, 3, H)
    dH = torch.empty_like(G)
    dHH = torch.empty(T, S, B, 3, Hn, dtype=G.dtype, device=G.device)
    dHH2 = dHH.view(T, SB, 3 * Hn)
    W = layer.weight_hh
    for t in range(T - 1, -1, -1):
        if t == T - 1 or (t + 1) in cuts:
            dH[t].copy_(G[t])
        else:
            torch.addmm(G[t], dHH2[t + 1], W, out=dH[t])
            dH[t].view(S, B, Hn).addcmul_(dH[t + 1].view(S, B, Hn), z[t + 1])
        torch.mul(dH[t].view(S, B, 1, Hn), Chh[t], out=dHH[t])
    Cih = torch.stack([C3, C2, C1], dim=2)
    dGI = (dH.view(T, S, B, 1, Hn) * Cih.unsqueeze(1)).view(T, SB, 3 * Hn)
    return dH, dHH2, dGI


@torch.no_grad()
def capture_fast(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig) -> Capture:
    """Fused forward + hand-written BPTT (see module docstring)."""
    x = batch.x
    T, B, _ = x.shape
    cuts = chunk_starts(T, cfg.tbptt)
    caches = []
    inp = x
    finals = []
    for li, layer in enumerate(net.layers):
        h0 = state[li][0]
        if net.cell == "rnn":
            H, Y = _rnn_forward(layer, inp, h0, cfg)
            caches.append((inp, H, Y))
            finals.append((H[-1].clone(),))
        elif net.cell == "lstm":
            w = [layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh]
            H = torch.lstm(inp, (h0.unsqueeze(0), state[li][1].unsqueeze(0)), w, True, 1, 0.0, False, False, False)[0]
            caches.append((inp, H, state[li][1]))
        else:
            w = [layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh]
            H = torch.gru(inp, h0.unsqueeze(0), w, True, 1, 0.0, False, False, False)[0]
            caches.append((inp, H, None))
            finals.append((H[-1].clone(),))
        inp = H
    loss, G, grads, out = _readout_grads(net, task, batch, inp)
    S = 1 if task.last_only else 2
    if S == 2:
        Glast = torch.zeros_like(G)
        Glast[-1] = G[-1]
        G = torch.cat([G, Glast], dim=1)
    L = net.num_layers
    total = torch.empty(L, T, dtype=x.dtype, device=x.device)
    last = torch.empty_like(total)
    weight = torch.empty_like(total)
    lstm_finals = [None] * L
    for li in range(L - 1, -1, -1):
        layer = net.layers[li]
        inp_l, H, extra = caches[li]
        Hprev = torch.cat([state[li][0].unsqueeze(0), H[:-1]])
        if net.cell == "rnn":
            dH, dRec, dIn = _backward_rnn(layer, inp_l, H, Hprev, extra, G, S, cuts, cfg)
        elif net.cell == "lstm":
            dH, dRec, dIn, cT = _backward_lstm(layer, inp_l, H, Hprev, extra, G, S, cuts)
            lstm_finals[li] = (H[-1].clone(), cT.clone())
        else:
            dH, dRec, dIn = _backward_gru(layer, inp_l, H, Hprev, G, S, cuts)
        rec_tot = dRec[:, :B]
        in_tot = dIn[:, :B]
        p = f"layers.{li}."
        grads[p + "weight_hh"] = rec_tot.reshape(T * B, -1).t().mm(Hprev.reshape(T * B, -1))
        grads[p + "weight_ih"] = in_tot.reshape(T * B, -1).t().mm(inp_l.reshape(T * B, -1))
        grads[p + "bias_hh"] = rec_tot.sum(dim=(0, 1))
        grads[p + "bias_ih"] = in_tot.sum(dim=(0, 1))
        total[li] = _step_norms(dH[:, :B])
        last[li] = _step_norms(dH[:, B:]) if S == 2 else total[li]
        weight[li] = _outer_norms(rec_tot, Hprev)
        if li > 0:
            G = torch.matmul(dIn, layer.weight_ih)  # ∂/∂(input of this layer) = ∂/∂h of the layer below
    if net.cell == "lstm":
        finals = lstm_finals
    return Capture(loss, grads, total, last, weight, out, finals)


# --------------------------------------------------------------------------- general path


def capture_autograd(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig) -> Capture:
    """Unrolled autograd forward and ``autograd.grad`` w.r.t. every hidden state."""
    with torch.enable_grad():
        fw = unrolled_forward(net, batch.x, state, cfg)
        out = net.readout(fw.h_top) if net.readout is not None else None
        loss = task.loss(out, batch.y, fw.h_top)
        names, params = zip(*net.named_parameters())
        flat_h = [h for hs in fw.hs for h in hs]
        flat_r = [r for rs in fw.rs for r in rs]
        need_last = not task.last_only
        res = torch.autograd.grad(loss, [*params, *flat_h, *flat_r], allow_unused=True, retain_graph=need_last)
        if need_last:
            h_last = fw.hs[-1][-1]
            d_last = res[len(params) + len(flat_h) - 1]
            res_last = torch.autograd.grad(h_last, flat_h, grad_outputs=d_last, allow_unused=True)
    T = batch.x.shape[0]
    L = net.num_layers

    def _z(g, like):
        return torch.zeros_like(like) if g is None else g

    grads = {n: _z(g, p).detach() for n, g, p in zip(names, res[: len(params)], params)}
    dh = [_z(g, h) for g, h in zip(res[len(params) : len(params) + len(flat_h)], flat_h)]
    dr = [_z(g, r) for g, r in zip(res[len(params) + len(flat_h) :], flat_r)]
    total = torch.stack(dh).view(L, T, -1).norm(dim=2)
    if need_last:
        el = [_z(g, h) for g, h in zip(res_last, flat_h)]
        last = torch.stack(el).view(L, T, -1).norm(dim=2)
    else:
        last = total.clone()
    weight = torch.empty_like(total)
    for li in range(L):
        h0 = state[li][0]
        Hprev = torch.stack([h0, *[h.detach() for h in fw.hs[li][:-1]]])
        weight[li] = _outer_norms(torch.stack(dr[li * T : (li + 1) * T]), Hprev)
    finals = [tuple(s.detach() for s in f) for f in fw.final]
    return Capture(loss.detach(), grads, total.detach(), last.detach(), weight.detach(),
                   out.detach() if out is not None else None, finals)
