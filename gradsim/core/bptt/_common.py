"""What the hand-written recursions share: kept work buffers, the layer results, the
bookkeeping that turns pre-activation gradients into parameter gradients and views.

What costs what (one torch thread on the 2-core benchmark machine, benchmarks/): a
torch call from Python ~0.8–1.5 µs, making a view (``X[t]``, or one element of
``X.unbind(0)``) ~0.45 µs, so at T = 1000 each of them inside a time loop adds
0.5–1.5 ms; a pass over a (T, B, H) tensor ~0.5–1 ns per element once it leaves the
cache (the machine streams ~5 GB/s), a fresh allocation as much again in page faults.
Hence: the loops do only what the recursion needs, on views made before the loop, with
``out=`` into buffers kept from call to call (:class:`_Scratch`); what does not depend
on the recursion is batched over t (the LSTM in cache-sized chunks of time); and the
right operand of every small matrix product is contiguous (``h @ W.t()`` takes MKL's
slow path, 1.3–2× slower than ``h @ W.t().contiguous()`` for these shapes).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gradsim.core.cells import RecurrentNet
from gradsim.core.tasks import Batch, Task


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


def _bookkeep(lr: _Layer, inp, H, h0, B: int, S: int, w_ih, below: bool, li: int, grads: bool = True) -> _Result:
    """Parameter gradients, views and ∂L/∂input from one layer's pre-activation gradients."""
    T, _, n = H.shape
    m = inp.shape[2]
    lo, r0 = lr.lo, lr.lo * B
    rec = lr.dRec[:, :B]
    G = rec.shape[2]
    want_grads, grads = grads, lr.grads
    if grads is None and not want_grads:
        grads = {}
    elif grads is None:
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

@dataclass
class Recursion:
    """What one layer's backward recursion is given besides the layer and its forward."""

    gs: Sequence[torch.Tensor]  # ∂L/∂h_t injected at every step: T tensors of (S·B, H)
    S: int  # 1, or 2 when the last step's loss alone rides along as B more rows
    starts: list[bool]  # starts[t]: no gradient flows into step t from t + 1 (sequence end, truncation)
    lo: int  # steps before lo receive no gradient
    g_sparse: bool  # only gs[T − 1] is nonzero (the top layer of a last-step loss)
    li: int  # the layer's index (names its kept work buffers)
    grads: bool = True  # also the parameter gradients (gradsim.core.watch needs only the views)
