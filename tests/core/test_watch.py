"""gradsim.watch on torch's own nn.RNN / nn.LSTM / nn.GRU against a plain autograd reference.

The reference never touches gradsim's recursions: it unrolls each layer step by step with
its own cell equations on the module's own weights, and asks ``torch.autograd.grad`` for
∂L/∂h_t (every layer), ∂L_T/∂h_t (the last step's part of the loss, on a retained graph)
and ∂L/∂r_t (r_t = W_hh h_{t−1} + b_hh, whose outer product with h_{t−1} is step t's term
of ∂L/∂W_hh).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from gradsim.core.watch import WatchError, watch

F64 = torch.float64
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def _make(cell: str, layers: int, batch_first: bool, dtype=F64, hidden: int = 5, inp: int = 3, seed: int = 0, **kw):
    torch.manual_seed(seed)
    m = CELLS[cell](inp, hidden, num_layers=layers, batch_first=batch_first, **kw).to(dtype)
    with torch.no_grad():  # weights large enough that the views vary along t
        for name, p in m.named_parameters():
            if "weight_hh" in name:
                p.mul_(2.0)
    return m


def _reference_forward(m: nn.Module, cell: str, x: torch.Tensor, hx=None):
    """Step-by-step autograd forward with the module's own weights. x time-major (T, B, m).
    Returns (out (T,B,H), hs [layer][t], rs [layer][t], h_n list, c_n list)."""
    T, B, _ = x.shape
    n = m.hidden_size
    inp = x
    hs_all, rs_all, hn, cn = [], [], [], []
    for k in range(m.num_layers):
        w_ih, w_hh = getattr(m, f"weight_ih_l{k}"), getattr(m, f"weight_hh_l{k}")
        b_ih = getattr(m, f"bias_ih_l{k}") if m.bias else torch.zeros(w_ih.shape[0], dtype=x.dtype)
        b_hh = getattr(m, f"bias_hh_l{k}") if m.bias else torch.zeros(w_hh.shape[0], dtype=x.dtype)
        if hx is None:
            h = torch.zeros(B, n, dtype=x.dtype)
            c = torch.zeros(B, n, dtype=x.dtype)
        elif cell == "lstm":
            h, c = hx[0][k], hx[1][k]
        else:
            h, c = hx[k], None
        hs, rs = [], []
        for t in range(T):
            gi = inp[t] @ w_ih.T + b_ih
            r = h @ w_hh.T + b_hh
            rs.append(r)
            if cell == "rnn":
                a = gi + r
                h = torch.tanh(a) if m.nonlinearity == "tanh" else torch.relu(a)
            elif cell == "lstm":
                i, f, g, o = (gi + r).split(n, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            else:
                ir, iz, in_ = gi.split(n, dim=1)
                hr, hz, hn_ = r.split(n, dim=1)
                rg, zg = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                nn_ = torch.tanh(in_ + rg * hn_)
                h = (1 - zg) * nn_ + zg * h
            hs.append(h)
        hs_all.append(hs)
        rs_all.append(rs)
        hn.append(h)
        cn.append(c)
        inp = torch.stack(hs)
    return inp, hs_all, rs_all, hn, cn


def _losses(out_tm: torch.Tensor, head: nn.Linear, y: torch.Tensor, kind: str, h_n=None):
    """(full loss, the last step's part). out_tm time-major (T, B, H); y (T, B, 1)."""
    pred = head(out_tm)
    per_step = ((pred - y) ** 2).sum(dim=(1, 2))  # (T,)
    if kind == "every":
        full, last = per_step.sum(), per_step[-1]
    elif kind == "last":
        full = last = per_step[-1]
    else:  # "hn": every step plus a loss on h_n of every layer (the final states)
        extra = sum(((k + 1) * h).sin().sum() for k, h in enumerate(h_n))
        full, last = per_step.sum() + extra, per_step[-1] + extra
    return full, last


def _reference_views(m, cell, x_tm, hx, head, y, kind):
    out, hs, rs, hn, _ = _reference_forward(m, cell, x_tm, hx)
    full, last = _losses(out, head, y, kind, hn)
    L, T = m.num_layers, x_tm.shape[0]
    flat_h = [h for layer in hs for h in layer]
    flat_r = [r for layer in rs for r in layer]
    g = torch.autograd.grad(full, flat_h + flat_r, retain_graph=True, allow_unused=True)
    gl = torch.autograd.grad(last, flat_h, allow_unused=True)
    z = lambda v, like: torch.zeros_like(like) if v is None else v
    dh = [z(v, h) for v, h in zip(g[: len(flat_h)], flat_h)]
    dr = [z(v, r) for v, r in zip(g[len(flat_h):], flat_r)]
    dl = [z(v, h) for v, h in zip(gl, flat_h)]
    total = torch.stack([v.norm() for v in dh]).view(L, T)
    lastv = torch.stack([v.norm() for v in dl]).view(L, T)
    weight = torch.empty(L, T, dtype=x_tm.dtype)
    for k in range(L):
        h0 = hx[k] if (hx is not None and cell != "lstm") else (hx[0][k] if hx is not None else torch.zeros_like(hs[k][0]))
        prev = [h0] + hs[k][:-1]
        for t in range(T):
            weight[k, t] = (dr[k * T + t].T @ prev[t]).norm().detach()
    return {"total": total, "last": lastv, "weight": weight}, out


def _watched_views(m, x, hx, head, y, kind, batch_first):
    w = watch(m)
    try:
        out, fin = m(x) if hx is None else m(x, hx)
        out_tm = out.transpose(0, 1) if batch_first else out
        h_n = fin[0] if isinstance(fin, tuple) else fin
        full, _ = _losses(out_tm, head, y, kind, list(h_n.unbind(0)))
        full.backward()
        return {k: torch.tensor(np.array(v)) for k, v in w.views.items()}, out_tm
    finally:
        w.close()


def _case(cell, layers, batch_first, kind, dtype=F64, T=6, B=3, with_state=True, **kw):
    m = _make(cell, layers, batch_first, dtype, **kw)
    g = torch.Generator().manual_seed(1)
    x_tm = torch.randn(T, B, m.input_size, generator=g, dtype=dtype)
    y = torch.randn(T, B, 1, generator=g, dtype=dtype)
    head = nn.Linear(m.hidden_size, 1).to(dtype)
    hx = None
    if with_state:
        h0 = 0.5 * torch.randn(layers, B, m.hidden_size, generator=g, dtype=dtype)
        hx = (h0, 0.5 * torch.randn(layers, B, m.hidden_size, generator=g, dtype=dtype)) if cell == "lstm" else h0
    ref, ref_out = _reference_views(m, cell, x_tm, hx, head, y, kind)
    x = x_tm.transpose(0, 1).contiguous() if batch_first else x_tm
    got, out = _watched_views(m, x, hx, head, y, kind, batch_first)
    return ref, got, ref_out, out


@pytest.mark.parametrize("kind", ["every", "last"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_views_equal_autograd_reference_float64(cell, layers, batch_first, kind, close):
    ref, got, ref_out, out = _case(cell, layers, batch_first, kind)
    close(out.detach(), ref_out.detach(), 1e-12, "the reference forward is the module's")
    for v in ("total", "last", "weight"):
        close(got[v], ref[v], 1e-12, f"{cell} L={layers} bf={batch_first} {kind}: {v}")
    if kind == "last":
        assert torch.equal(got["total"], got["last"])


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_final_state_loss_and_no_initial_state(cell, close):
    ref, got, _, _ = _case(cell, 2, True, "hn", with_state=False)
    for v in ("total", "last", "weight"):
        close(got[v], ref[v], 1e-12, f"{cell} h_n loss: {v}")


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_float32_within_tolerance(cell, close):
    ref, got, _, _ = _case(cell, 2, False, "every", dtype=torch.float32, T=12, B=4, hidden=16)
    for v in ("total", "last", "weight"):
        close(got[v], ref[v], 1e-4, f"{cell} float32: {v}")


def test_relu_and_no_bias(close):
    ref, got, _, _ = _case("rnn", 2, False, "every", nonlinearity="relu", bias=False)
    for v in ("total", "last", "weight"):
        close(got[v], ref[v], 1e-12, f"relu, no bias: {v}")


def test_unbatched_input(close):
    m = _make("gru", 2, False)
    x = torch.randn(5, 3, dtype=F64)
    head = nn.Linear(5, 1).to(F64)
    y = torch.randn(5, 1, 1, dtype=F64)
    ref, _ = _reference_views(m, "gru", x.unsqueeze(1), None, head, y, "every")
    w = watch(m)
    out, _ = m(x)
    _losses(out.unsqueeze(1), head, y, "every")[0].backward()
    for v in ("total", "last", "weight"):
        close(torch.tensor(np.array(w.views[v])), ref[v], 1e-12, f"unbatched: {v}")
    w.close()


def _train(cell: str, watched: bool, steps: int = 4):
    m = _make(cell, 2, True, torch.float32, hidden=8)
    head = nn.Linear(8, 1)
    opt = torch.optim.Adam([*m.parameters(), *head.parameters()], lr=1e-2)
    g = torch.Generator().manual_seed(3)
    w = watch(m) if watched else None
    for _ in range(steps):
        x = torch.randn(4, 9, 3, generator=g)
        y = torch.randn(4, 9, 1, generator=g)
        out, _ = m(x)
        loss = ((head(out) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if w is not None:
            w.log(loss)
    if w is not None:
        assert w.views["total"].shape == (2, 9)
        w.close()
        assert w.steps == steps
    return [p.detach().clone() for p in [*m.parameters(), *head.parameters()]]


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_watched_training_is_bit_identical(cell):
    plain, watched = _train(cell, False), _train(cell, True)
    assert all(torch.equal(a, b) for a, b in zip(plain, watched))


def test_close_removes_every_hook():
    m = _make("lstm", 2, False)
    before = {k: len(getattr(m, k)) for k in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks")}
    w = watch(m)
    assert len(m._forward_hooks) == 1
    out, _ = m(torch.randn(4, 2, 3, dtype=F64))  # the graph keeps the multi-grad hook
    w.close()
    assert {k: len(getattr(m, k)) for k in before} == before
    assert all(not p._post_accumulate_grad_hooks for p in m.parameters())
    steps = w.steps
    out.sum().backward()  # a backward after close: no hook of the watch runs
    assert w.steps == steps and w._done is None
    w.close()  # idempotent


def test_context_manager_and_sinks():
    seen, closed = [], []

    class Sink:
        def __init__(self):
            self.info = None

        def start(self, info):
            self.info = info

        def __call__(self, snap):
            seen.append(snap)

        def close(self):
            closed.append(True)

    m = _make("gru", 1, False)
    sink = Sink()
    with watch(m, sinks=[sink]) as w:
        for i in range(3):
            out, _ = m(torch.randn(5, 2, 3, dtype=F64))
            loss = out.pow(2).sum()
            w.log(loss)
            loss.backward()
            with torch.no_grad():  # evaluation calls are ignored
                m(torch.randn(5, 2, 3, dtype=F64))
    assert [s.step for s in seen] == [0, 1, 2] and closed == [True]
    assert sink.info["cell"] == "gru" and sink.info["hidden_size"] == 5
    assert all(np.isfinite(s.loss) and s.views["total"].shape == (1, 5) for s in seen)
    assert set(seen[0].param_grad_norms) == {n for n, _ in m.named_parameters()}
    assert all(np.isfinite(s.grad_norm) for s in seen)


def test_module_called_twice_gives_views_of_last_call(close):
    m = _make("rnn", 1, False)
    w = watch(m)
    x1, x2 = torch.randn(4, 2, 3, dtype=F64), torch.randn(4, 2, 3, dtype=F64)
    o1, _ = m(x1)
    o2, _ = m(x2)
    (o1.pow(2).sum() + (3 * o2).sin().sum()).backward()
    assert w.calls == 2
    got = torch.tensor(np.array(w.views["total"]))
    w.close()
    # reference: the gradient with respect to the second call's hidden states
    _, hs, _, _, _ = _reference_forward(m, "rnn", x2)
    out1, _ = m(x1)
    loss = out1.pow(2).sum() + (3 * torch.stack(hs[0])).sin().sum()
    g = torch.autograd.grad(loss, hs[0])
    close(got[0], torch.stack([v.norm() for v in g]), 1e-12, "second call")


def test_refusals():
    with pytest.raises(WatchError, match="bidirectional"):
        watch(nn.LSTM(3, 4, bidirectional=True))
    with pytest.raises(WatchError, match="proj_size"):
        watch(nn.LSTM(3, 4, proj_size=2))
    with pytest.raises(WatchError, match="single-step cell"):
        watch(nn.LSTMCell(3, 4))
    with pytest.raises(WatchError, match="nn.RNN, nn.LSTM or nn.GRU"):
        watch(nn.Linear(3, 4))
    with pytest.raises(WatchError, match="float32 or float64"):
        watch(nn.GRU(3, 4).half())
    m = nn.GRU(3, 4)
    with watch(m):
        packed = nn.utils.rnn.pack_padded_sequence(torch.randn(5, 2, 3), [5, 3])
        with pytest.raises(WatchError, match="PackedSequence"):
            m(packed)
    m = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    with watch(m):
        with pytest.raises(WatchError, match="dropout"):
            m(torch.randn(5, 2, 3))
        m.eval()
        m(torch.randn(5, 2, 3))  # no dropout in evaluation mode
    m = nn.LSTM(3, 4)
    with watch(m):
        out, (_, c) = m(torch.randn(5, 2, 3))
        with pytest.raises(WatchError, match="c_n"):
            (out.sum() + c.sum()).backward()


def test_views_before_backward_say_why():
    with watch(nn.RNN(2, 3)) as w, pytest.raises(RuntimeError, match="after the first backward"):
        _ = w.views


def test_logged_nan_loss_is_a_divergence_unlogged_is_not():
    seen = []
    m = _make("rnn", 1, False)
    with watch(m, sinks=[seen.append]) as w:
        for loss_value in (None, float("nan"), 1.0):
            out, _ = m(torch.randn(3, 2, 3, dtype=F64))
            out.sum().backward()
            if loss_value is not None:
                w.log(loss_value)
    assert [s.diverged for s in seen] == [False, True, False]
    assert np.isnan(seen[0].loss) and seen[2].loss == 1.0


# --------------------------------------------------------------------------- σ_max and the badge
@pytest.mark.parametrize("hidden", [6, 160])  # an exact SVD, and the warm-started power iteration
def test_sigma_max_is_the_pre_update_w_hh_of_every_iteration(hidden):
    """The bound on an iteration's profile must come from the weights that made it: σ_max of
    W_hh before the user's optimiser step, at every iteration (not every spectrum_every)."""
    m = _make("rnn", 1, True, hidden=hidden)
    with torch.no_grad():  # σ_max 0.9: an update of lr 1 moves it by a few percent
        q, _ = torch.linalg.qr(torch.randn(hidden, hidden, dtype=F64, generator=torch.Generator().manual_seed(1)))
        m.weight_hh_l0.copy_(0.9 * q)
    opt = torch.optim.SGD(m.parameters(), lr=1.0)
    before = []
    seen = []
    with watch(m, sinks=[seen.append], spectrum_every=1000) as w:
        for i in range(4):
            out, _ = m(torch.randn(4, 7, 3, dtype=F64, generator=torch.Generator().manual_seed(i)))
            opt.zero_grad()
            (out.pow(2).sum() * 5).backward()
            before.append(float(torch.linalg.matrix_norm(m.weight_hh_l0.detach(), ord=2)))
            opt.step()
    after_last = float(torch.linalg.matrix_norm(m.weight_hh_l0.detach(), ord=2))
    assert [s.step for s in seen] == [0, 1, 2, 3]
    assert [s.sigma_max for s in seen] == pytest.approx(before, rel=1e-4)
    assert abs(after_last - before[-1]) > 1e-3 * before[-1]  # the update moved σ_max: the test can tell
    assert {s.spectrum_step for s in seen} == {0}  # ρ at its own interval, σ_max every iteration


def test_badge_is_the_live_apps_for_the_same_snapshot():
    from gradsim.core.theory import measured_rate, theory_badge, theory_from_spectrum

    m = _make("rnn", 1, False, hidden=8)
    with torch.no_grad():
        m.weight_hh_l0.mul_(0.25)  # a vanishing network: its bound says so too
    w = watch(m)
    with pytest.raises(RuntimeError, match="no iteration yet"):
        w.badge()
    out, _ = m(torch.randn(20, 4, 3, dtype=F64))
    out.pow(2).sum().backward()
    w.flush()
    snap = w.snapshot
    # what the live app's plots panel computes from a snapshot of a plain tanh rnn
    theory = theory_from_spectrum(snap.sigma_max, snap.spectral_radius, "tanh", 20, cell="rnn", residual=False,
                                  norm="none", layer=0, num_layers=1)
    live = theory_badge(theory, measured_rate(snap.views["last"][0], tbptt=0), view="last")
    assert w.badge() == live
    text, kind, tip = live
    assert text.startswith("vanishing, measured ×") and "the bound guarantees vanishing: γσ_max = " in text
    assert kind == "vanishing" and "fitted over t" in tip
    w.close()


def test_badge_of_a_gated_or_stacked_module_names_what_the_bound_does_not_cover():
    for cell, layers, words in (("lstm", 1, "bound does not apply to LSTM"),
                                ("rnn", 2, "bound applies to the top layer only")):
        m = _make(cell, layers, False, hidden=4)
        with watch(m) as w:
            out, _ = m(torch.randn(6, 2, 3, dtype=F64))
            out.pow(2).sum().backward()
            w.flush()
            text, _, _ = w.badge()
        assert words in text and "measured" in text.split(";")[0], text
