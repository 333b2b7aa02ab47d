"""The LSTM cell: torch's fused kernel with its own backward, or a hand-written
recursion over time chunks (fast path)."""

from __future__ import annotations

import torch

from gradsim.core.bptt._common import (
    _SCRATCH, Recursion, _Layer, _Result, _flat, _outer_norms_shifted, _rows, _sigmoid_bw,
    _tanh_bw, _with_ones,
)


#: Largest B·H² for which the fused-kernel LSTM beats the loop (measured: benchmarks/).
_FUSED_MAX_BH2 = 64 * 64
#: The LSTM strategies: chosen by size, or forced (tests and benchmarks compare them).
LSTM_PATHS = ("auto", "fused", "loop")


def _lstm_fused_ok(x: torch.Tensor, B: int, n: int, cuts, path: str = "auto") -> bool:
    """Whether the LSTM goes through torch's fused kernel and autograd (_lstm_fused_*).

    That adds the work of a (T·B, 4H) × (4H, 4H) product three times, which pays off
    only while the per-step Python cost of the loop dominates (small B·H²); and it cannot
    detach the state at truncation boundaries inside the kernel.
    """
    if cuts:
        return False
    if path != "auto":
        return path == "fused"
    return x.dtype == torch.float32 and x.device.type == "cpu" and B * n * n <= _FUSED_MAX_BH2


def _lstm_fused_forward(layer, inp, h0, c0, li: int):
    """Fused forward with autograd, the input widened by 4H zero columns that an
    identity block of W_ih carries into the gates: their gradient is exactly ∂L/∂z_t,
    the gates' pre-activations (which the kernel computes anyway; in the forward the
    identity block adds exact zeros)."""
    T, SB, m = inp.shape
    n = layer.hidden_size
    xa = _SCRATCH.get(f"lstm.xa{li}", (T, SB, m + 4 * n), inp, init=torch.Tensor.zero_)
    xa[..., :m] = inp
    xa = xa.detach().requires_grad_(True)

    def eye(w):
        w[:, m:] = torch.eye(4 * n, dtype=w.dtype, device=w.device)

    wa = _SCRATCH.get(f"lstm.wa{li}", (4 * n, m + 4 * n), inp, init=eye)
    wa[:, :m] = layer.weight_ih
    # leaves sharing the parameters' memory, so that the kernel's own parameter
    # gradients (computed in any case) can be asked for
    w = [p.detach().requires_grad_(True) for p in (wa, layer.weight_hh, layer.bias_ih, layer.bias_hh)]
    with torch.enable_grad():
        out, hy, cy = torch.lstm(xa, (h0.unsqueeze(0), c0.unsqueeze(0)), w, True, 1, 0.0, False, False, False)
    return out, xa, w, hy[0], cy[0]


def _lstm_fused_backward(layer, fw, gs, S) -> _Layer:
    _, _, out, xa, w, hy, cy = fw
    T, (SB, n) = len(gs), gs[0].shape
    B = SB // S
    m = xa.shape[2] - 4 * n
    G = torch.stack(gs)
    with torch.enable_grad():
        # with S = 2 the kernel's parameter gradients would include the last-step rows
        res = torch.autograd.grad(out, [xa, *w] if S == 1 else [xa], grad_outputs=G)
    dZ = res[0][..., m:]
    grads = None
    if S == 1:
        grads = {"weight_ih": res[1][:, :m].contiguous(), "weight_hh": res[2], "bias_ih": res[3], "bias_hh": res[4]}
    dH = G
    if T > 1:
        dH[:-1].view(-1, n).addmm_(_flat(dZ[1:]), layer.weight_hh)
    return _Layer(dH, dZ, dZ, 0, (hy[:B].clone(), cy[:B].clone()), grads)


def _lstm_chunk(S: int, B: int, n: int) -> int:
    """Steps per chunk of the LSTM backward: its work buffers (~20 floats per row and
    unit) about fill a 2 MB cache, and each chunk's ~25 batched ops stay few per step."""
    return max(8, min(_LSTM_CHUNK_MAX, _LSTM_CHUNK_ROWS // (S * B * n)))


_LSTM_CHUNK_ROWS = 1 << 16
_LSTM_CHUNK_MAX = 128


def _lstm_loop(layer, inp, H, h0, c0, rec: Recursion, below: bool) -> _Result:
    """Hand-written LSTM BPTT over the fused forward's hidden states.

    Per step: dh_t = G_t + dz_{t+1} W_hh; dc_t = dh_t ∘ o(1 − tanh² c) + f_{t+1} dc_{t+1};
    dz_t = [dh ∘ Bo, dc ∘ Bi, dc ∘ Bf, dc ∘ Bg] with the B factors precomputed. A row
    buffer Y_t = [dz_t (gate order o, i, f, g), f_t dc_t] makes that three ops: a product
    of its first four blocks with [W_o; W_i; W_f; W_g] gives dh_t, one addcmul writes dc_t
    into four blocks of E = [dh, dc, dc, dc, dc], and one product E ∘ [Bo, Bi, Bf, Bg, f]
    gives Y_t.

    Time runs backwards in chunks of steps: each chunk's factors are computed just
    before its loop and its gradients, views and ∂L/∂input just after, while its buffers
    are in cache; the per-step views are made once, on the reused chunk buffers. Gates
    and factors are stored gate-major ((gate, t, b, unit)), because tanh and sigmoid
    run ~4× slower on rows of 16–64 strided units than on contiguous memory.
    """
    gs, S, starts, lo, g_sparse, li = rec.gs, rec.S, rec.starts, rec.lo, rec.g_sparse, rec.li
    want_grads = rec.grads
    T, (SB, n) = len(gs), gs[0].shape
    B, m = SB // S, inp.shape[2]
    dev, dt = H.device, H.dtype
    Tc = min(_lstm_chunk(S, B, n), T - lo)
    # the weights with their gate blocks in o, i, f, g order, and transposed
    w_hh = _SCRATCH.get(f"lstm.Whh{li}", (4 * n, n), H)
    w_hh[:n], w_hh[n:] = layer.weight_hh[3 * n :], layer.weight_hh[: 3 * n]
    w_ih = _SCRATCH.get(f"lstm.Wih{li}", (4 * n, m), H)
    w_ih[:n], w_ih[n:] = layer.weight_ih[3 * n :], layer.weight_ih[: 3 * n]
    b0 = layer.bias_ih + layer.bias_hh
    b = torch.cat([b0[3 * n :], b0[: 3 * n]]).view(4, 1, n)

    # forward order: gates (o, i, f, g; activated) and cell states, chunk by chunk, the
    # products batched over the four gates so that they land gate-major
    Z = _SCRATCH.get(f"lstm.Z{li}", (4, T, B, n), H)
    C = _SCRATCH.get(f"lstm.C{li}", (T, B, n), H)
    wi_g = _SCRATCH.get(f"lstm.WihG{li}", (4, m, n), H).copy_(w_ih.view(4, n, m).transpose(1, 2))
    wh_g = _SCRATCH.get(f"lstm.WhhG{li}", (4, n, n), H).copy_(w_hh.view(4, n, n).transpose(1, 2))
    cs, fs = _rows(f"lstm.c{li}", C), _rows(f"lstm.f{li}", Z[2])
    c = c0
    for a in range(0, T, Tc):
        e = min(T, a + Tc)
        z = Z[:, a:e].view(4, (e - a) * B, n)
        torch.baddbmm(b, _flat(inp[a:e]).expand(4, -1, -1), wi_g, out=z)
        if a:
            z.baddbmm_(_flat(H[a - 1 : e - 1]).expand(4, -1, -1), wh_g)
        else:
            z[:, :B].baddbmm_(h0.expand(4, -1, -1), wh_g)
            if e > 1:
                z[:, B:].baddbmm_(_flat(H[: e - 1]).expand(4, -1, -1), wh_g)
        Z[:3, a:e].sigmoid_()
        Z[3, a:e].tanh_()
        torch.mul(Z[1, a:e], Z[3, a:e], out=C[a:e])
        for t in range(a, e):
            c = cs[t].addcmul_(fs[t], c)

    # backward: chunk buffers and their per-step views, made once
    tcb = _SCRATCH.get("lstm.tc", (Tc, B, n), H)
    Ab = _SCRATCH.get("lstm.A", (Tc, B, n), H)
    Kb = _SCRATCH.get("lstm.K", (5, Tc, B, n), H)  # [Bo, Bi, Bf, Bg, f], gate-major
    Eb = _SCRATCH.get("lstm.E", (Tc, S, B, 5, n), H)  # [dh, dc, dc, dc, dc]
    Yb = [_SCRATCH.get(f"lstm.Y{k}", (Tc, S, B, 5 * n), H) for k in (0, 1)]  # ping-pong
    Db = _SCRATCH.get("lstm.D", (Tc, B, 4 * n), H) if S > 1 else None
    sq = (lambda v: v) if S > 1 else (lambda v: v.squeeze(1))  # no S axis when S = 1
    e_row = _rows("lstm.e", sq(Eb))
    e_dh = _rows("lstm.edh", Eb.view(Tc, SB, 5, n)[:, :, 0])
    e_dhu = _rows("lstm.edhu", sq(Eb[:, :, :, :1]))
    e_dc = _rows("lstm.edc", sq(Eb[:, :, :, 1:]))
    a4 = _rows("lstm.a4", Ab.view(Tc, B, 1, n).expand(Tc, B, 4, n))
    ks = _rows("lstm.k", Kb.permute(1, 2, 0, 3))
    y2 = [_rows(f"lstm.y2{k}", Y.view(Tc, SB, 5 * n)[:, :, : 4 * n]) for k, Y in enumerate(Yb)]  # dz_t
    y3 = [_rows(f"lstm.y3{k}", sq(Y.view(Tc, S, B, 5, n))) for k, Y in enumerate(Yb)]
    carry = [_rows(f"lstm.carry{k}", sq(Y.view(Tc, S, B, 5, n)[:, :, :, 4:])) for k, Y in enumerate(Yb)]

    # gradients transposed ((m × 4n) products run faster); the bias's is x1's ones row
    x1 = _with_ones(f"x1.{li}", _flat(inp))
    g_wih = torch.zeros(m + 1, 4 * n, dtype=dt, device=dev)
    g_whh = torch.zeros(n, 4 * n, dtype=dt, device=dev)
    total = torch.zeros(T, dtype=dt, device=dev)
    last = torch.zeros(T, dtype=dt, device=dev) if S > 1 else None
    weight = torch.zeros(T, dtype=dt, device=dev)
    g_below = torch.zeros(T, SB, m, dtype=dt, device=dev) if below else None
    mm, addmm, addcmul, mul = torch.mm, torch.addmm, torch.addcmul, torch.mul
    k = 0
    nxt_y2 = nxt_carry = None  # row t + 1 (in the chunk processed before)
    for e in range(T, lo, -Tc):
        a = max(lo, e - Tc, 0)
        L = e - a
        o, i, f, g = Z[:, a:e]
        tc = torch.tanh(C[a:e], out=tcb[:L])
        _tanh_bw(o, tc, grad_input=Ab[:L])  # ∂h/∂c = o (1 − tanh² c)
        K = Kb[:, :L]
        _sigmoid_bw(tc, o, grad_input=K[0])
        _sigmoid_bw(g, i, grad_input=K[1])
        if a:
            _sigmoid_bw(C[a - 1 : e - 1], f, grad_input=K[2])
        else:
            _sigmoid_bw(c0, f[0], grad_input=K[2, 0])
            if L > 1:
                _sigmoid_bw(C[: e - 1], f[1:], grad_input=K[2, 1:])
        _tanh_bw(i, g, grad_input=K[3])
        K[4].copy_(f)
        cy2, cy3, ccar = y2[k], y3[k], carry[k]
        j = L - 1
        while j >= 0:  # steps that start a truncation chunk (the last one at least) one by one
            t = a + j
            if not starts[t]:
                break
            e_dh[j].copy_(gs[t])
            torch.mul(e_dhu[j], a4[j], out=e_dc[j])
            torch.mul(e_row[j], ks[j], out=cy3[j])
            nxt_y2, nxt_carry = cy2[j], ccar[j]
            j -= 1
        if j >= 0:
            if any(starts[a : a + j + 1]):
                for jj in range(j, -1, -1):
                    t = a + jj
                    if starts[t]:
                        e_dh[jj].copy_(gs[t])
                        torch.mul(e_dhu[jj], a4[jj], out=e_dc[jj])
                    else:
                        torch.addmm(gs[t], nxt_y2, w_hh, out=e_dh[jj])
                        torch.addcmul(nxt_carry, e_dhu[jj], a4[jj], out=e_dc[jj])
                    torch.mul(e_row[jj], ks[jj], out=cy3[jj])
                    nxt_y2, nxt_carry = cy2[jj], ccar[jj]
            else:  # the common case, as lean as Python gets: three ops per step
                rows = zip(
                    e_dh[j::-1],
                    e_dhu[j::-1],
                    a4[j::-1],
                    e_dc[j::-1],
                    e_row[j::-1],
                    ks[j::-1],
                    cy3[j::-1],
                    cy2[j::-1],
                    ccar[j::-1],
                    gs[a + j :: -1] if a else gs[j::-1],
                )
                if g_sparse:
                    for dh, dhu, a4j, dc, er, kj, y3j, y2j, cj, _ in rows:
                        mm(nxt_y2, w_hh, out=dh)
                        addcmul(nxt_carry, dhu, a4j, out=dc)
                        mul(er, kj, out=y3j)
                        nxt_y2, nxt_carry = y2j, cj
                else:
                    for dh, dhu, a4j, dc, er, kj, y3j, y2j, cj, gt in rows:
                        addmm(gt, nxt_y2, w_hh, out=dh)
                        addcmul(nxt_carry, dhu, a4j, out=dc)
                        mul(er, kj, out=y3j)
                        nxt_y2, nxt_carry = y2j, cj
        # this chunk's gradients and views (rows of the full loss only)
        Y = Yb[k][:L]
        d = Y[:, 0, :, : 4 * n]
        if S > 1:  # contiguous, for the products below
            d = Db[:L].copy_(d)
        d2 = _flat(d)
        dh = Eb[:L, :, :, 0]
        torch.sqrt(dh[:, 0].square().sum((1, 2)), out=total[a:e])
        if S > 1:
            torch.sqrt(dh[:, 1].square().sum((1, 2)), out=last[a:e])
        if want_grads:
            g_wih.addmm_(x1[a * B : e * B].t(), d2)
        if a:
            hp = H[a - 1 : e - 1]
            if want_grads:
                g_whh.addmm_(_flat(hp).t(), d2)
            weight[a:e] = _outer_norms_shifted(d, hp)
        else:
            if want_grads:
                g_whh.addmm_(h0.t(), d[0])
            weight[0] = torch.linalg.vector_norm(d[0].t().mm(h0))
            if L > 1:
                if want_grads:
                    g_whh.addmm_(_flat(H[: e - 1]).t(), _flat(d[1:]))
                weight[1:e] = _outer_norms_shifted(d[1:], H[: e - 1])
        if below:
            torch.matmul(Y.view(L, SB, 5 * n)[..., : 4 * n], w_ih, out=g_below[a:e])
        k = 1 - k

    def back(g):  # gate blocks from o, i, f, g back to torch's i, f, g, o
        return torch.cat([g[n:], g[:n]])

    grads: dict[str, torch.Tensor] = {}
    if want_grads:
        g_b = back(g_wih[m])
        grads = {"weight_ih": back(g_wih[:m].t()), "weight_hh": back(g_whh.t()), "bias_ih": g_b,
                 "bias_hh": g_b.clone()}
    return _Result(grads, total, last, weight, g_below, (H[-1, :B].clone(), C[-1].clone()))
