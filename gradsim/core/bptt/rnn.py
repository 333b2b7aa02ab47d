"""The plain RNN cell's forward and BPTT recursion (fast path)."""

from __future__ import annotations

import torch

from gradsim.core.bptt._common import (
    _SCRATCH, Recursion, _Layer, _flat, _one, _rows, _sigmoid_bw,
    _tanh_bw,
)


def _rnn_forward(layer, inp, h0, act: str, slope: float, residual: bool, li: int):
    """No-grad forward: H (T,B,H) hidden states and Y = f(a) (the same tensor unless residual)."""
    T, B, _ = inp.shape
    n = layer.hidden_size
    Y = _SCRATCH.get(f"rnn.Y{li}", (T, B, n), inp)
    torch.addmm(layer.bias_ih + layer.bias_hh, _flat(inp), layer.weight_ih.t(), out=Y.view(T * B, n))
    H = _SCRATCH.get(f"rnn.H{li}", (T, B, n), inp) if residual else Y
    wt = layer.weight_hh.t().contiguous()
    f = {
        "tanh": torch.tanh_,
        "sigmoid": torch.sigmoid_,
        "relu": torch.relu_,
        "leaky_relu": lambda a: torch._C._nn.leaky_relu_(a, slope),
        "identity": None,
    }[act]
    ys, hs = _rows(f"rnn.ys{li}", Y), _rows(f"rnn.hs{li}", H)
    h = h0
    for t in range(T):
        y = ys[t]
        y.addmm_(h, wt)
        if f is not None:
            f(y)
        h = torch.add(h, y, out=hs[t]) if residual else y
    return H, Y


def _act_derivative(y: torch.Tensor, act: str, slope: float, li: int) -> torch.Tensor:
    """f′(a) from y = f(a), in one pass."""
    D = _SCRATCH.get(f"rnn.D{li}", y.shape, y)
    if act == "tanh":
        return torch.addcmul(_one(y), y, y, value=-1, out=D)
    if act == "sigmoid":
        return torch.addcmul(y, y, y, value=-1, out=D)
    if act == "relu":
        return D.copy_(y > 0)
    return D.fill_(slope).masked_fill_(y > 0, 1.0)  # leaky_relu


def _rnn_backward(layer, fw, rec: Recursion, cfg) -> _Layer:
    gs, S, starts, lo, g_sparse, li = rec.gs, rec.S, rec.starts, rec.lo, rec.g_sparse, rec.li
    _, H, Y = fw
    T, (SB, n) = len(gs), gs[0].shape
    B = SB // S
    act = cfg.activation
    dH = _SCRATCH.get(f"rnn.dH{li}", (T, SB, n), Y)
    dA = dH if act == "identity" else _SCRATCH.get(f"rnn.dA{li}", (T, SB, n), Y)
    if lo:
        dH[:lo].zero_()
        dA[:lo].zero_()
    # f′ as a product with a precomputed factor (one pass, cheap while B·H is small), or
    # for large B·H straight from y inside the loop, where the rows are in cache
    inline = act in ("tanh", "sigmoid") and B * n >= 4096
    mul = None
    if act != "identity":
        if inline:
            bw = _tanh_bw if act == "tanh" else _sigmoid_bw
            fac = _rows(f"rnn.ys{li}", Y)

            def mul(d, y, out):
                bw(d, y, grad_input=out)
        else:
            fac = _rows(f"rnn.D{li}", _act_derivative(Y, act, cfg.leaky_slope, li))
            mul = torch.mul
        if S > 1:
            dhv, dav = _rows(f"rnn.dhv{li}", dH.view(T, S, B, n)), _rows(f"rnn.dav{li}", dA.view(T, S, B, n))
    W = layer.weight_hh
    res = cfg.residual
    dhs, das = _rows(f"rnn.dH{li}", dH), _rows(f"rnn.dA{li}", dA)
    if S == 1 and mul is not None:
        dhv, dav = dhs, das
    for t in range(T - 1, lo - 1, -1):
        dh = dhs[t]
        if starts[t]:
            dh.copy_(gs[t])
        else:
            if g_sparse:
                torch.mm(das[t + 1], W, out=dh)
            else:
                torch.addmm(gs[t], das[t + 1], W, out=dh)
            if res:
                dh.add_(dhs[t + 1])
        if mul is not None:
            mul(dhv[t], fac[t], out=dav[t])
    # the gradients w.r.t. the recurrent and the input pre-activation coincide
    return _Layer(dH, dA, dA, lo, (H[-1].clone(),))
