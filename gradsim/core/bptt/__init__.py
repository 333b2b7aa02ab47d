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
    ops per step over time chunks that stay in cache (:func:`_lstm_loop`).

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
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import torch

from gradsim.config import VIEWS, RunConfig
from gradsim.core.cells import RecurrentNet, unrolled_forward
from gradsim.core.truncation import chunk_starts
from gradsim.core.tasks import Batch, Task

__all__ = ["VIEWS", "Capture", "capture", "capture_autograd", "capture_fast", "has_fast_path", "release_scratch"]



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
    # normalisation, and the skip connection of gated cells, are left to autograd
    return cfg.norm == "none" and (cfg.cell == "rnn" or not cfg.residual)


def capture(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig) -> Capture:
    """Forward, loss, parameter gradients and per-step views, by the fastest exact path."""
    if has_fast_path(cfg):
        return capture_fast(net, task, batch, state, cfg)
    return capture_autograd(net, task, batch, state, cfg)


# --------------------------------------------------------------------------- helpers


def _readout_grads(net: RecurrentNet, task: Task, batch: Batch, h_top: torch.Tensor):
    """Loss, ∂L/∂h_top and the readout's parameter gradients.

    Autograd runs on the loss alone (w.r.t. the readout's output and h_top); the
    readout's own backward is two plain products, so that for a last-step loss
    ∂L/∂h_top is formed at the last step only. Returns ``(loss, G, g_last, grads,
    out)``: G the (T, B, H) gradient, or None when only its last row, g_last, is nonzero.
    """
    T, B, n = h_top.shape
    ro = net.readout
    out = ro(h_top) if ro is not None else None
    o = out.requires_grad_(True) if out is not None else None
    ht = h_top.detach().requires_grad_(True)
    with torch.enable_grad():
        loss = task.loss(o, batch.y, ht)
        res = torch.autograd.grad(loss, [ht] if o is None else [o, ht], allow_unused=True)
    d_h = res[-1]  # the loss's direct dependence on h_top (toy3); None for readout tasks
    if ro is None:
        return loss.detach(), d_h, d_h[-1], {}, None
    d_out, w = res[0], ro.weight
    if task.last_only and d_h is None:
        # the loss sits at the last step: every other row of d_out is exactly zero
        d_last = d_out[-1]
        rg = {"readout.weight": d_last.t().mm(h_top[-1]), "readout.bias": d_last.sum(0)}
        return loss.detach(), None, d_last.mm(w), rg, out.detach()
    d_flat = _flat(d_out)
    G = d_flat.mm(w).view(T, B, n)
    if d_h is not None:
        G += d_h
    rg = {"readout.weight": d_flat.t().mm(_flat(h_top)), "readout.bias": d_flat.sum(0)}
    return loss.detach(), G, G[-1], rg, out.detach()


# --------------------------------------------------------------------------- fast path
#
# What costs what (one torch thread on the 2-core benchmark machine, benchmarks/): a
# torch call from Python ~0.8–1.5 µs, making a view (``X[t]``, or one element of
# ``X.unbind(0)``) ~0.45 µs, so at T = 1000 each of them inside a time loop adds
# 0.5–1.5 ms; a pass over a (T, B, H) tensor ~0.5–1 ns per element once it leaves the
# cache (the machine streams ~5 GB/s), a fresh allocation as much again in page faults.
# Hence: the loops do only what the recursion needs, on views made before the loop, with
# ``out=`` into buffers kept from call to call (:class:`_Scratch`); what does not depend
# on the recursion is batched over t (the LSTM in cache-sized chunks of time); and the
# right operand of every small matrix product is contiguous (``h @ W.t()`` takes MKL's
# slow path, 1.3–2× slower than ``h @ W.t().contiguous()`` for these shapes).


class _Scratch(threading.local):
    """Work buffers kept between calls (per thread), so that the steady state of a
    training run allocates, and page-faults, nothing big. Holds at most ``limit`` bytes;
    a buffer beyond that is allocated fresh each call."""

    limit = 256 << 20

    def __init__(self) -> None:
        self.bufs: dict[str, torch.Tensor] = {}
        self.rows: dict[str, tuple] = {}

    def get(self, name: str, shape: tuple[int, ...], like: torch.Tensor, init=None) -> torch.Tensor:
        """A buffer of this shape, dtype and device; ``init(buffer)`` runs when it is
        first allocated (its callers never write the parts that init sets)."""
        b = self.bufs.get(name)
        if b is not None and b.shape == shape and b.dtype == like.dtype and b.device == like.device:
            return b
        self.bufs.pop(name, None)
        b = torch.empty(shape, dtype=like.dtype, device=like.device)
        if init is not None:
            init(b)
        if sum(v.nbytes for v in self.bufs.values()) + b.nbytes <= self.limit:
            self.bufs[name] = b
        return b

    def clear(self) -> None:
        self.bufs.clear()
        self.rows.clear()


_SCRATCH = _Scratch()


def _rows(name: str, t: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """``t.unbind(0)``, made once and reused while ``t`` views the same memory the same
    way (the views are of work buffers kept between calls; each costs ~0.45 µs to make)."""
    key = (t.data_ptr(), t.shape, t.stride(), t.dtype, t.device)
    hit = _SCRATCH.rows.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    r = t.unbind(0)
    _SCRATCH.rows[name] = (key, r)
    return r


def release_scratch() -> None:
    """Free the work buffers that the fast path keeps between calls (this thread's)."""
    _SCRATCH.clear()


_ONES: dict[tuple, torch.Tensor] = {}


def _one(like: torch.Tensor) -> torch.Tensor:
    key = (like.dtype, like.device)
    if key not in _ONES:
        _ONES[key] = torch.ones((), dtype=like.dtype, device=like.device)
    return _ONES[key]


_sigmoid_bw = torch.ops.aten.sigmoid_backward.grad_input  # grad · y (1 − y), written to grad_input
_tanh_bw = torch.ops.aten.tanh_backward.grad_input  # grad · (1 − y²)

#: Override of the LSTM strategy for tests and benchmarks: None (chosen by size),
#: "fused" or "loop" (see :func:`_lstm_fused_ok`).
LSTM_PATH: str | None = None

#: Largest B·H² for which the fused-kernel LSTM beats the loop (measured: benchmarks/).
_FUSED_MAX_BH2 = 64 * 64


def _chunk_lo(g_lo: int, cuts: set[int]) -> int:
    """Start of the truncation chunk holding step ``g_lo``: nothing before it gets gradient."""
    return max([0, *(s for s in cuts if s <= g_lo)])


def _flat(t: torch.Tensor) -> torch.Tensor:
    return t.reshape(-1, t.shape[-1])


@dataclass
class _Layer:
    """A layer's backward, before the shared bookkeeping (gradients, views)."""

    dH: torch.Tensor  # (T, S·B, H): ∂L/∂h_t (rows B.. : the last step's loss only)
    dRec: torch.Tensor  # (T, S·B, G·H): ∂L/∂(recurrent pre-activation W_hh h_{t−1} + b_hh)
    # (T, S·B, G·H): ∂L/∂(input pre-activation W_ih x_t + b_ih); the GRU's equals dRec but
    # for its last H columns, so it gives only those (in_tail) and dIn is None
    dIn: torch.Tensor | None
    lo: int  # all of the above are zero before step lo
    final: tuple[torch.Tensor, ...]  # (h_T,) or (h_T, c_T), fresh tensors
    grads: dict[str, torch.Tensor] | None = None  # the parameter gradients, if already known
    in_tail: torch.Tensor | None = None  # (T, S·B, H), see dIn


@dataclass
class _Result:
    """One layer's share of a Capture."""

    grads: dict[str, torch.Tensor]  # weight_ih, weight_hh, bias_ih, bias_hh
    total: torch.Tensor  # (T,)
    last: torch.Tensor | None  # (T,), None when equal to total
    weight: torch.Tensor  # (T,)
    below: torch.Tensor | None  # (T, S·B, input size): ∂L/∂(this layer's input), if asked
    final: tuple[torch.Tensor, ...]


def _outer_norms_shifted(m: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """‖m_tᵀ p_t‖_F for every t; m (T, B, G), p (T, B, n). Exact for any B.

    Uses ‖mᵀp‖² = Σ_bb' (m mᵀ)_bb' (p pᵀ)_bb' when the B×B Gram matrices are cheaper
    than the G×n product, chunked over t so that memory stays small.
    """
    T, B, G = m.shape
    n = p.shape[2]
    if B == 1:
        return torch.linalg.vector_norm(m[:, 0], dim=-1) * torch.linalg.vector_norm(p[:, 0], dim=-1)
    out = torch.empty(T, dtype=m.dtype, device=m.device)
    gram = B * (G + n) <= G * n
    chunk = max(1, (1 << 22) // (B * B if gram else G * n))
    for s in range(0, T, chunk):
        e = min(T, s + chunk)
        mm, pp = m[s:e], p[s:e]
        if gram:
            sq = (torch.bmm(mm, mm.transpose(1, 2)) * torch.bmm(pp, pp.transpose(1, 2))).sum(dim=(1, 2))
            out[s:e] = sq.clamp_min(0).sqrt()
        else:
            out[s:e] = torch.linalg.vector_norm(torch.bmm(mm.transpose(1, 2), pp), dim=(1, 2))
    return out


def _outer_norms(m: torch.Tensor, H: torch.Tensor, h0: torch.Tensor, lo: int = 0) -> torch.Tensor:
    """‖m_tᵀ h_{t−1}‖_F for every t (h_{−1} = h0); m (T, B, G), H (T, B, n).
    Steps before ``lo`` (where m is zero) are left at zero."""
    T = m.shape[0]
    out = torch.zeros(T, dtype=m.dtype, device=m.device)
    if lo == 0 and T:
        out[0] = torch.linalg.vector_norm(m[0].t().mm(h0))
        lo = 1
    if lo < T:
        out[lo:] = _outer_norms_shifted(m[lo:], H[lo - 1 : T - 1])
    return out


def _with_ones(name: str, x: torch.Tensor) -> torch.Tensor:
    """[x | 1] (rows × (k + 1)) in a kept buffer: one product with it gives a weight's
    gradient and, in its last row, the bias's, in one pass over the gradient."""

    def ones(b):
        b[:, -1] = 1

    b = _SCRATCH.get(name, (x.shape[0], x.shape[1] + 1), x, init=ones)
    b[:, :-1] = x
    return b


def _bookkeep(lr: _Layer, inp, H, h0, B: int, S: int, w_ih, below: bool, li: int) -> _Result:
    """Parameter gradients, views and ∂L/∂input from one layer's pre-activation gradients."""
    T, _, n = H.shape
    m = inp.shape[2]
    lo, r0 = lr.lo, lr.lo * B
    rec = lr.dRec[:, :B]
    G = rec.shape[2]
    grads = lr.grads
    if grads is None:
        x1 = _with_ones(f"x1.{li}", _flat(inp))[r0:].t()
        if lr.dIn is not None:
            gi = x1.mm(_flat(lr.dIn[lo:, :B]))
        else:  # GRU: dIn = [dRec's first G − H columns | in_tail]
            gi = torch.cat([x1.mm(_flat(rec[lo:, :, : G - n])), x1.mm(_flat(lr.in_tail[lo:, :B]))], dim=1)
        grads = {"weight_ih": gi[:m].t().contiguous(), "bias_ih": gi[m].clone()}
        if lr.dIn is lr.dRec:  # the biases' gradients coincide
            t1 = max(lo, 1)
            w_hh = _flat(H[t1 - 1 : T - 1]).t().mm(_flat(rec[t1:]))  # transposed: faster when thin
            if lo == 0:
                w_hh.addmm_(h0.t(), rec[0])
            grads.update(weight_hh=w_hh.t().contiguous(), bias_hh=grads["bias_ih"].clone())
        else:
            hp = _SCRATCH.get(f"hp1.{li}", (T * B, n + 1), H, init=lambda b: b[:, -1].fill_(1))
            hp[:B, :n] = h0
            hp[B:, :n] = _flat(H[:-1])
            gh = hp[r0:].t().mm(_flat(rec[lo:]))
            grads.update(weight_hh=gh[:n].t().contiguous(), bias_hh=gh[n].clone())
    total = torch.linalg.vector_norm(lr.dH[:, :B], dim=(1, 2))
    last = torch.linalg.vector_norm(lr.dH[:, B:], dim=(1, 2)) if S > 1 else None
    weight = _outer_norms(rec, H, h0, lo)
    g_below = None
    if below:
        g_below = torch.zeros(T, lr.dRec.shape[1], m, dtype=H.dtype, device=H.device)
        if lr.dIn is not None:
            torch.matmul(lr.dIn[lo:], w_ih, out=g_below[lo:])
        else:
            torch.matmul(lr.dRec[lo:, :, : G - n], w_ih[: G - n], out=g_below[lo:])
            g_below[lo:] += torch.matmul(lr.in_tail[lo:], w_ih[G - n :])
    return _Result(grads, total, last, weight, g_below, lr.final)


# ---- plain RNN


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


def _rnn_backward(layer, fw, gs, S, starts, lo, g_sparse, cfg, li) -> _Layer:
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


# ---- GRU


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


def _gru_backward(layer, fw, h0, gs, S, starts, lo, g_sparse, li) -> _Layer:
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


# ---- LSTM


def _lstm_fused_ok(x: torch.Tensor, B: int, n: int, cuts) -> bool:
    """Whether the LSTM goes through torch's fused kernel and autograd (_lstm_fused_*).

    That adds the work of a (T·B, 4H) × (4H, 4H) product three times, which pays off
    only while the per-step Python cost of the loop dominates (small B·H²); and it cannot
    detach the state at truncation boundaries inside the kernel.
    """
    if cuts:
        return False
    if LSTM_PATH is not None:
        return LSTM_PATH == "fused"
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


def _lstm_loop(layer, inp, H, h0, c0, gs, S, starts, lo, g_sparse, li, below: bool) -> _Result:
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
        g_wih.addmm_(x1[a * B : e * B].t(), d2)
        if a:
            hp = H[a - 1 : e - 1]
            g_whh.addmm_(_flat(hp).t(), d2)
            weight[a:e] = _outer_norms_shifted(d, hp)
        else:
            g_whh.addmm_(h0.t(), d[0])
            weight[0] = torch.linalg.vector_norm(d[0].t().mm(h0))
            if L > 1:
                g_whh.addmm_(_flat(H[: e - 1]).t(), _flat(d[1:]))
                weight[1:e] = _outer_norms_shifted(d[1:], H[: e - 1])
        if below:
            torch.matmul(Y.view(L, SB, 5 * n)[..., : 4 * n], w_ih, out=g_below[a:e])
        k = 1 - k

    def back(g):  # gate blocks from o, i, f, g back to torch's i, f, g, o
        return torch.cat([g[n:], g[:n]])

    g_b = back(g_wih[m])
    grads = {"weight_ih": back(g_wih[:m].t()), "weight_hh": back(g_whh.t()), "bias_ih": g_b, "bias_hh": g_b.clone()}
    return _Result(grads, total, last, weight, g_below, (H[-1, :B].clone(), C[-1].clone()))


@torch.no_grad()
def capture_fast(net: RecurrentNet, task: Task, batch: Batch, state, cfg: RunConfig) -> Capture:
    """Hand-written BPTT over a no-grad forward (see module docstring)."""
    x = batch.x
    T, B, _ = x.shape
    cuts = chunk_starts(T, cfg.tbptt)
    starts = [t == T - 1 or (t + 1) in cuts for t in range(T)]
    S = 1 if task.last_only else 2
    L = net.num_layers
    cell = net.cell
    fused = cell == "lstm" and _lstm_fused_ok(x, B, net.hidden_size, cuts)
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
        g_sparse = li == L - 1 and task.last_only
        inp_l, H_l = (fw[0][:, :B], fw[1][:, :B]) if fused and S > 1 else fw[:2]
        if cell == "lstm" and not fused:
            r = _lstm_loop(layer, fw[0], fw[1], h0, state[li][1], gs, S, starts, lo, g_sparse, li, li > 0)
        else:
            if cell == "rnn":
                lr = _rnn_backward(layer, fw, gs, S, starts, lo, g_sparse, cfg, li)
            elif cell == "gru":
                lr = _gru_backward(layer, fw, h0, gs, S, starts, lo, g_sparse, li)
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
        Hs = torch.stack([h.detach() for h in fw.hs[li]])
        weight[li] = _outer_norms(torch.stack(dr[li * T : (li + 1) * T]), Hs, state[li][0])
    finals = [tuple(s.detach() for s in f) for f in fw.final]
    return Capture(
        loss.detach(),
        grads,
        total.detach(),
        last.detach(),
        weight.detach(),
        out.detach() if out is not None else None,
        finals,
    )
