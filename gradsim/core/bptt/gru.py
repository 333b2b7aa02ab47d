"""The GRU cell's forward and BPTT recursion (fast path)."""

from __future__ import annotations

import torch

from gradsim.core.bptt._common import (
    _SCRATCH, Recursion, _Layer, _flat, _one, _rows, _sigmoid_bw,
    _tanh_bw,
)


def _gru_forward(layer, inp, h0, li: int):
    """No-grad forward keeping what the backward needs: H, Q = [r, z, W_hn h + b_hn], N."""
    T, B, _ = inp.shape
    n = layer.hidden_size
    wi, bi, bh = layer.weight_ih, layer.bias_ih, layer.bias_hh
    # Q starts as [x W_ir + b_ir + b_hr, x W_iz + b_iz + b_hz, b_hn] and N as x W_in + b_in;
    # the loop adds h W_hhᵀ to Q and applies the sigmoid in place: one addmm and four
    # elementwise ops per step
    wq = torch.cat([wi[: 2 * n], torch.zeros_like(wi[2 * n :])]).t().contiguous()
    bq = torch.cat([bi[: 2 * n] + bh[: 2 * n], bh[2 * n :]])
    Q = _SCRATCH.get(f"gru.Q{li}", (T, B, 3 * n), inp)
    torch.addmm(bq, _flat(inp), wq, out=Q.view(T * B, 3 * n))
    N = _SCRATCH.get(f"gru.N{li}", (T, B, n), inp)
    torch.addmm(bi[2 * n :], _flat(inp), wi[2 * n :].t(), out=N.view(T * B, n))
    H = _SCRATCH.get(f"gru.H{li}", (T, B, n), inp)
    wt = layer.weight_hh.t().contiguous()
    qs, rzs = _rows(f"gru.q{li}", Q), _rows(f"gru.rz{li}", Q[..., : 2 * n])
    rs, zs, hns = (
        _rows(f"gru.r{li}", Q[..., :n]),
        _rows(f"gru.z{li}", Q[..., n : 2 * n]),
        _rows(f"gru.hn{li}", Q[..., 2 * n :]),
    )
    ns, hs = _rows(f"gru.n{li}", N), _rows(f"gru.h{li}", H)
    h = h0
    for t in range(T):
        qs[t].addmm_(h, wt)
        rzs[t].sigmoid_()
        nt = ns[t].addcmul_(rs[t], hns[t]).tanh_()
        h = torch.lerp(nt, h, zs[t], out=hs[t])  # (1 − z) n + z h
    return H, Q, N


def _gru_backward(layer, fw, h0, rec: Recursion) -> _Layer:
    gs, S, starts, lo, g_sparse, li = rec.gs, rec.S, rec.starts, rec.lo, rec.g_sparse, rec.li
    _, H, Q, N = fw
    T, (SB, n) = len(gs), gs[0].shape
    B = SB // S
    r, z, hn = Q[..., :n], Q[..., n : 2 * n], Q[..., 2 * n :]
    # derivative factors, batched: Chh = [C3, C2, C1 r] takes δ_t to ∂L/∂(recurrent
    # pre-activations), [C3, C2, C1] to ∂L/∂(input ones), with C1 = (1−z)(1−n²),
    # C2 = (h_{t−1} − n) z(1−z), C3 = C1 hn r(1−r)
    Chh = _SCRATCH.get(f"gru.Chh{li}", (T, B, 3, n), H)
    C3, C2, C1r = Chh.unbind(2)
    C1 = _tanh_bw(torch.sub(_one(z), z, out=C1r), N, grad_input=_SCRATCH.get(f"gru.C1{li}", (T, B, n), H))
    torch.sub(H[:-1], N[1:], out=C2[1:])
    torch.sub(h0, N[0], out=C2[0])
    _sigmoid_bw(C2, z, grad_input=C2)
    _sigmoid_bw(hn, r, grad_input=C3).mul_(C1)
    torch.mul(C1, r, out=C1r)
    dH = _SCRATCH.get(f"gru.dH{li}", (T, SB, n), H)
    dGH = _SCRATCH.get(f"gru.dGH{li}", (T, S, B, 3, n), H)
    if lo:
        dH[:lo].zero_()
        dGH[:lo].zero_()
    dGH2 = dGH.view(T, SB, 3 * n)
    W = layer.weight_hh
    dhs, dgs = _rows(f"gru.dh{li}", dH), _rows(f"gru.dg{li}", dGH2)
    dhv, dgv, cs = _rows(f"gru.dhv{li}", dH.view(T, S, B, 1, n)), _rows(f"gru.dgv{li}", dGH), _rows(f"gru.c{li}", Chh)
    zv = _rows(f"gru.zv{li}", z.unsqueeze(1)) if S > 1 else _rows(f"gru.z{li}", z)
    dhz = _rows(f"gru.dhz{li}", dH.view(T, S, B, n)) if S > 1 else dhs
    for t in range(T - 1, lo - 1, -1):
        dh = dhs[t]
        if starts[t]:
            dh.copy_(gs[t])
        else:
            if g_sparse:
                torch.mm(dgs[t + 1], W, out=dh)
            else:
                torch.addmm(gs[t], dgs[t + 1], W, out=dh)
            dhz[t].addcmul_(dhz[t + 1], zv[t + 1])
        torch.mul(dhv[t], cs[t], out=dgv[t])
    dn = torch.mul(dH.view(T, S, B, n), C1.unsqueeze(1), out=_SCRATCH.get(f"gru.dn{li}", (T, S, B, n), H))
    return _Layer(dH, dGH2, None, lo, (H[-1].clone(),), in_tail=dn.view(T, SB, n))
