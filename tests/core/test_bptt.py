"""Exactness of the per-time-step gradient capture (gradsim.core.bptt), in float64.

Three independent references:

* PyTorch's own ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (+ ``nn.Linear`` readout) loaded
  with the same weights, for the loss and the parameter gradients;
* a plain autograd unroll written here (``retain_grad`` on every h_t and on every
  recurrent pre-activation r_t = W_hh h_{t-1} + b_hh, a second backward for L_T),
  for the three per-step views;
* the closed forms of DOMAIN.md.
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gradsim.core import bptt
from gradsim.core.truncation import chunk_starts

F64 = torch.float64
TASKS = ("sine", "adding", "recall", "toy3")


# --------------------------------------------------------------------------- references


def torch_module_reference(case):
    """Loss, parameter gradients (gradsim names), outputs and final state from torch's
    own fused modules, with the truncation done by running chunk after chunk and
    detaching the state between them (chunks end-aligned, as the issue specifies)."""
    cfg, task, net = case.cfg, case.task, case.net
    L, H = cfg.num_layers, cfg.hidden_size
    if cfg.cell == "rnn":
        mod = nn.RNN(task.input_size, H, L, nonlinearity=cfg.activation, dtype=F64)
    elif cfg.cell == "lstm":
        mod = nn.LSTM(task.input_size, H, L, dtype=F64)
    else:
        mod = nn.GRU(task.input_size, H, L, dtype=F64)
    with torch.no_grad():
        for li in range(L):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(mod, f"{name}_l{li}").copy_(getattr(net.layers[li], name))
    readout = None
    if net.readout is not None:
        readout = nn.Linear(H, task.output_size, dtype=F64)
        readout.load_state_dict(net.readout.state_dict())
    T = case.batch.x.shape[0]
    k = cfg.tbptt
    bounds = [0] + sorted(s for s in range(1, T) if 0 < k < T and (T - s) % k == 0) + [T]
    h = torch.stack([s[0] for s in case.state])
    c = torch.stack([s[1] for s in case.state]) if cfg.cell == "lstm" else None
    ys = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        if a > 0:
            h = h.detach()
            c = c.detach() if c is not None else None
        if cfg.cell == "lstm":
            y, (h, c) = mod(case.batch.x[a:b], (h, c))
        else:
            y, h = mod(case.batch.x[a:b], h)
        ys.append(y)
    y = torch.cat(ys)
    out = readout(y) if readout is not None else None
    loss = task.loss(out, case.batch.y, y)
    loss.backward()
    grads = {}
    for li in range(L):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            grads[f"layers.{li}.{name}"] = getattr(mod, f"{name}_l{li}").grad
    if readout is not None:
        grads["readout.weight"] = readout.weight.grad
        grads["readout.bias"] = readout.bias.grad
    final = [(h[li].detach(), c[li].detach()) if c is not None else (h[li].detach(),) for li in range(L)]
    return loss.detach(), grads, (out.detach() if out is not None else None), final


def _act(name, slope):
    return {
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "leaky_relu": lambda a: F.leaky_relu(a, slope),
        "identity": lambda a: a,
    }[name]


def _unroll(case):
    """Plain autograd unroll, written independently of gradsim.core.cells.

    Returns the loss, outputs, and per layer the lists of h_t and r_t (all with
    retain_grad) and h_{t-1} values."""
    cfg, net = case.cfg, case.net
    T = case.batch.x.shape[0]
    k = cfg.tbptt
    cuts = {s for s in range(1, T) if 0 < k < T and (T - s) % k == 0}
    f = _act(cfg.activation, cfg.leaky_slope)
    inp = [case.batch.x[t] for t in range(T)]
    hs_all, rs_all, prev_all = [], [], []
    for li, layer in enumerate(net.layers):
        H = cfg.hidden_size
        h = case.state[li][0]
        c = case.state[li][1] if cfg.cell == "lstm" else None
        hs, rs, prevs = [], [], []
        for t in range(T):
            if t in cuts:
                h = h.detach()
                c = c.detach() if c is not None else None
            prevs.append(h.detach().clone())
            r = h @ layer.weight_hh.T + layer.bias_hh
            r.retain_grad()
            xin = inp[t] @ layer.weight_ih.T + layer.bias_ih
            if cfg.cell == "rnn":
                a = xin + r
                if layer.norm is not None:
                    a = layer.norm(a)
                new = f(a)
            elif cfg.cell == "lstm":
                z = xin + r
                if layer.norm is not None:
                    z = layer.norm(z)
                zi, zf, zg, zo = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
                c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
                new = torch.sigmoid(zo) * torch.tanh(c)
            else:
                if layer.norm is not None:
                    # the sums of both sides for r and z, and n's input side, are normalised;
                    # n's hidden side stays split (it is gated by r)
                    pre = torch.cat([xin[:, :2 * H] + r[:, :2 * H], xin[:, 2 * H:]], dim=1)
                    pre = layer.norm(pre)
                    rg = torch.sigmoid(pre[:, :H])
                    zg = torch.sigmoid(pre[:, H:2 * H])
                    n = torch.tanh(pre[:, 2 * H:] + rg * r[:, 2 * H:])
                else:
                    rg = torch.sigmoid(xin[:, :H] + r[:, :H])
                    zg = torch.sigmoid(xin[:, H:2 * H] + r[:, H:2 * H])
                    n = torch.tanh(xin[:, 2 * H:] + rg * r[:, 2 * H:])
                new = (1 - zg) * n + zg * h
            h = h + new if cfg.residual else new
            h.retain_grad()
            hs.append(h)
            rs.append(r)
        hs_all.append(hs)
        rs_all.append(rs)
        prev_all.append(prevs)
        inp = hs
    h_top = torch.stack(inp)
    out = net.readout(h_top) if net.readout is not None else None
    return h_top, out, hs_all, rs_all, prev_all


def _last_step_loss(case, out, h_top):
    """L_T: the part of the loss that comes from the output at the last step."""
    task = case.task
    if task.last_only:
        return task.loss(out, case.batch.y, h_top)
    assert case.cfg.task == "sine"  # MSE averaged over every step, batch row and output
    return ((out[-1] - case.batch.y[-1]) ** 2).sum() / out.numel()


def autograd_reference(case):
    """Loss, parameter gradients and the three views (layers, T) by plain autograd."""
    net = case.net
    for p in net.parameters():
        p.grad = None
    h_top, out, hs, rs, prevs = _unroll(case)
    loss = case.task.loss(out, case.batch.y, h_top)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in net.named_parameters()}

    def norm_or_zero(g):
        return 0.0 if g is None else float(g.norm())

    total = torch.tensor([[norm_or_zero(h.grad) for h in layer] for layer in hs], dtype=F64)
    weight = torch.tensor(
        [
            [0.0 if r.grad is None else float((r.grad.T @ hp).norm()) for r, hp in zip(lr, lp)]
            for lr, lp in zip(rs, prevs)
        ],
        dtype=F64,
    )
    for p in net.parameters():
        p.grad = None
    h_top, out, hs, _, _ = _unroll(case)
    _last_step_loss(case, out, h_top).backward()
    last = torch.tensor([[norm_or_zero(h.grad) for h in layer] for layer in hs], dtype=F64)
    for p in net.parameters():
        p.grad = None
    return loss.detach(), grads, {"total": total, "last": last, "weight": weight}


# --------------------------------------------------------------------------- configs

FAST_CELLS = [("rnn", a, r) for a in ("tanh", "sigmoid", "relu", "leaky_relu", "identity") for r in (False, True)]
FAST_CELLS += [("lstm", "tanh", False), ("gru", "tanh", False)]
SLOW_CELLS = [("lstm", "tanh", True), ("gru", "tanh", True)]


def _cfg(cell, act, residual, tbptt, layers, B, task, **extra):
    d = dict(
        task=task, seq_len=7, batch_size=B, hidden_size=5, num_layers=layers, cell=cell, activation=act,
        residual=residual, tbptt=tbptt, init="normal", init_std=0.45, seed=3,
    )
    d.update(extra)
    return d


def _ids(d):
    bits = [d["cell"]]
    if d["cell"] == "rnn":
        bits.append(d["activation"])
    if d.get("residual"):
        bits.append("res")
    if d.get("norm", "none") != "none":
        bits.append(d["norm"])
    bits += [f"k{d['tbptt']}", f"L{d['num_layers']}", f"B{d['batch_size']}", d["task"]]
    return "-".join(bits)


VIEW_CONFIGS = [
    _cfg(c, a, r, k, L, B, task)
    for (c, a, r), k, L, B, task in itertools.product(
        FAST_CELLS + SLOW_CELLS, (0, 3), (1, 2), (1, 2), ("sine", "adding")
    )
]
# B = 5 with H = 5 takes _outer_norms' direct branch for rnn, B = 2 its Gram branch.
VIEW_CONFIGS += [_cfg(c, a, False, 3, 2, 5, "sine") for c, a, _ in FAST_CELLS[::2] + [("lstm", "tanh", 0)]]
NORM_CONFIGS = [
    _cfg(c, "tanh", False, k, L, 3, "sine", norm=nm)
    for c, nm, k, L in itertools.product(("rnn", "lstm", "gru"), ("layer", "batch"), (0, 3), (1, 2))
]
FAST_VIEW_CONFIGS = [d for d in VIEW_CONFIGS if (d["cell"], d["activation"], d["residual"]) in FAST_CELLS]


# --------------------------------------------------------------------------- 1. torch modules

MODULE_CONFIGS = [
    dict(task=task, seq_len=6, batch_size=B, hidden_size=4, num_layers=L, cell=c, activation=a, tbptt=k,
         init="normal", init_std=0.5, seed=11, n_classes=3)
    for (c, a), L, B, task, k in itertools.product(
        (("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")), (1, 2), (1, 3), TASKS, (0, 4)
    )
    if not (k and task in ("recall", "toy3"))
]


@pytest.mark.parametrize("path", ["fast", "general"])
@pytest.mark.parametrize(
    "fields", MODULE_CONFIGS,
    ids=[f"{d['cell']}-{d['activation']}-L{d['num_layers']}-B{d['batch_size']}-{d['task']}-k{d['tbptt']}"
         for d in MODULE_CONFIGS],
)
def test_param_grads_equal_torch_modules(make_case, close, fields, path):
    case = make_case(**fields)
    loss, grads, out, final = torch_module_reference(case)
    fn = bptt.capture_fast if path == "fast" else bptt.capture_autograd
    cap = fn(case.net, case.task, case.batch, case.state, case.cfg)
    close(cap.loss, loss, 1e-12, "loss")
    assert set(cap.grads) == set(grads) == {n for n, _ in case.net.named_parameters()}
    for name, g in grads.items():
        close(cap.grads[name], g, 1e-10, name)
    if out is None:
        assert cap.out is None
    else:
        close(cap.out, out, 1e-12, "out")
    assert len(cap.final_state) == len(final)
    for li, (mine, ref) in enumerate(zip(cap.final_state, final)):
        assert len(mine) == len(ref)
        for a, b in zip(mine, ref):
            close(a, b, 1e-12, f"final state of layer {li}")


# --------------------------------------------------------------------------- 2. per-step views

def _check_against_reference(cap, case, close):
    loss, grads, views = autograd_reference(case)
    L, T = case.cfg.num_layers, case.cfg.seq_len
    close(cap.loss, loss, 1e-12, "loss")
    assert set(cap.grads) == set(grads)
    # batch normalisation makes the biases' gradients zero analytically (round-off remains)
    atol = 1e-13 if case.cfg.norm == "batch" else 0.0
    for name, g in grads.items():
        close(cap.grads[name], g, 1e-10, name, atol=atol if "bias" in name else 0.0)
    for v in bptt.VIEWS:
        got = getattr(cap, v)
        assert tuple(got.shape) == (L, T), v
        for li in range(L):
            close(got[li], views[v][li], 1e-10, f"{v} of layer {li}")


@pytest.mark.parametrize("fields", FAST_VIEW_CONFIGS, ids=[_ids(d) for d in FAST_VIEW_CONFIGS])
def test_fast_path_views_equal_plain_autograd(make_case, close, fields):
    case = make_case(**fields)
    assert bptt.has_fast_path(case.cfg)
    cap = bptt.capture_fast(case.net, case.task, case.batch, case.state, case.cfg)
    _check_against_reference(cap, case, close)


@pytest.mark.parametrize("fields", VIEW_CONFIGS + NORM_CONFIGS, ids=[_ids(d) for d in VIEW_CONFIGS + NORM_CONFIGS])
def test_general_path_views_equal_plain_autograd(make_case, close, fields):
    case = make_case(**fields)
    case.net.train()
    cap = bptt.capture_autograd(case.net, case.task, case.batch, case.state, case.cfg)
    _check_against_reference(cap, case, close)


@pytest.mark.parametrize("fields", FAST_VIEW_CONFIGS, ids=[_ids(d) for d in FAST_VIEW_CONFIGS])
def test_fast_path_equals_general_path(make_case, close, fields):
    case = make_case(**fields)
    fast = bptt.capture_fast(case.net, case.task, case.batch, case.state, case.cfg)
    gen = bptt.capture_autograd(case.net, case.task, case.batch, case.state, case.cfg)
    close(fast.loss, gen.loss, 1e-12, "loss")
    for name in gen.grads:
        close(fast.grads[name], gen.grads[name], 1e-10, name)
    for v in bptt.VIEWS:
        close(getattr(fast, v), getattr(gen, v), 1e-10, v)
    for a, b in zip(fast.final_state, gen.final_state):
        for x, y in zip(a, b):
            close(x, y, 1e-12, "final state")


@pytest.mark.parametrize(
    "fields, fast",
    [
        (dict(cell="rnn", residual=True), True),
        (dict(cell="rnn", activation="identity"), True),
        (dict(cell="lstm"), True),
        (dict(cell="gru", tbptt=5), True),
        (dict(cell="rnn", norm="layer"), False),
        (dict(cell="rnn", norm="batch"), False),
        (dict(cell="lstm", norm="layer"), False),
        (dict(cell="gru", norm="batch"), False),
        (dict(cell="lstm", residual=True), False),
        (dict(cell="gru", residual=True), False),
    ],
)
def test_capture_dispatches_on_has_fast_path(make_case, monkeypatch, fields, fast):
    case = make_case(seq_len=6, batch_size=2, hidden_size=3, task="adding", **fields)
    assert bptt.has_fast_path(case.cfg) is fast
    calls = []
    real_fast, real_general = bptt.capture_fast, bptt.capture_autograd
    monkeypatch.setattr(bptt, "capture_fast", lambda *a: calls.append("fast") or real_fast(*a))
    monkeypatch.setattr(bptt, "capture_autograd", lambda *a: calls.append("general") or real_general(*a))
    cap = bptt.capture(case.net, case.task, case.batch, case.state, case.cfg)
    assert calls == ["fast" if fast else "general"]
    assert tuple(cap.last.shape) == (1, 6)


def test_capture_leaves_no_grad_on_parameters(make_case):
    # the trainer assigns .grad itself; a capture must not accumulate into it
    case = make_case(seq_len=5, batch_size=2, hidden_size=3, task="sine")
    for fn in (bptt.capture_fast, bptt.capture_autograd):
        fn(case.net, case.task, case.batch, case.state, case.cfg)
        assert all(p.grad is None for p in case.net.parameters())


# --------------------------------------------------------------------------- 3. closed forms


@pytest.mark.parametrize("path", ["fast", "general"])
@pytest.mark.parametrize("gain", [0.9, 1.0, 1.1])
@pytest.mark.parametrize("B", [1, 3])
def test_identity_orthogonal_last_profile_is_exact_power_of_gain(make_case, gain, B, path):
    T = 30
    case = make_case(task="sine", seq_len=T, batch_size=B, hidden_size=6, activation="identity",
                     init="orthogonal", init_gain=gain, seed=5)
    w = case.net.layers[0].weight_hh.detach()
    sv = torch.linalg.svdvals(w)
    assert torch.allclose(sv, torch.full_like(sv, gain), rtol=1e-13, atol=0)  # the premise
    fn = bptt.capture_fast if path == "fast" else bptt.capture_autograd
    last = fn(case.net, case.task, case.batch, case.state, case.cfg).last[0]
    expected = last[-1] * gain ** torch.arange(T - 1, -1, -1, dtype=F64)
    rel = ((last - expected).abs() / expected).max()
    assert float(rel) < 1e-12, float(rel)


BOUND_CASES = [
    dict(activation="tanh", init="normal", init_std=0.3),
    dict(activation="tanh", init="orthogonal", init_gain=1.5),  # λ1 > 1: the bound grows, still holds
    dict(activation="tanh", init="default"),
    dict(activation="tanh", init="xavier", num_layers=2),
    dict(activation="sigmoid", init="orthogonal", init_gain=2.0),
    dict(activation="sigmoid", init="normal", init_std=1.0),
    dict(activation="relu", init="normal", init_std=0.4),
    dict(activation="leaky_relu", init="orthogonal", init_gain=0.8),
]


@pytest.mark.parametrize("path", ["fast", "general"])
@pytest.mark.parametrize("extra", BOUND_CASES, ids=lambda d: "-".join(str(v) for v in d.values()))
@pytest.mark.parametrize("task", ["sine", "adding"])
def test_last_profile_never_exceeds_pascanu_bound(make_case, extra, task, path):
    T = 25
    case = make_case(task=task, seq_len=T, batch_size=3, hidden_size=8, seed=9, **extra)
    gamma = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "leaky_relu": 1.0}[case.cfg.activation]
    fn = bptt.capture_fast if path == "fast" else bptt.capture_autograd
    last = fn(case.net, case.task, case.batch, case.state, case.cfg).last
    # layer 0 when there is only one layer; with two, the top layer's own recursion
    top = case.cfg.num_layers - 1
    lam = float(torch.linalg.matrix_norm(case.net.layers[top].weight_hh.detach(), ord=2))
    bound = last[top, -1] * (gamma * lam) ** torch.arange(T - 1, -1, -1, dtype=F64)
    assert float(last[top, -1]) > 0
    assert bool((last[top] <= bound * (1 + 1e-12)).all()), (last[top] / bound).max()
    # and it is not vacuous: the profile does decay where γλ₁ < 1
    if gamma * lam < 1:
        assert float(last[top, 0]) < float(last[top, -1])


@pytest.mark.parametrize("fields", VIEW_CONFIGS[::3], ids=[_ids(d) for d in VIEW_CONFIGS[::3]])
def test_total_equals_last_at_the_last_step(make_case, fields):
    case = make_case(**fields)
    for fn in (bptt.capture_fast, bptt.capture_autograd) if bptt.has_fast_path(case.cfg) else (bptt.capture_autograd,):
        cap = fn(case.net, case.task, case.batch, case.state, case.cfg)
        for li in range(case.cfg.num_layers):
            assert math.isclose(float(cap.total[li, -1]), float(cap.last[li, -1]), rel_tol=1e-12)
        if case.task.last_only:  # the whole loss is L_T
            assert torch.equal(cap.total, cap.last)
        else:  # a loss at every step: each step's own term reaches h_t, so no earlier column is zero
            assert bool((cap.total[:, :-1] > 0).all())


def test_sine_total_differs_from_last_before_the_last_step(make_case):
    case = make_case(task="sine", seq_len=10, batch_size=2, hidden_size=4)
    cap = bptt.capture_fast(case.net, case.task, case.batch, case.state, case.cfg)
    assert bool((cap.total[0, :-1] > cap.last[0, :-1]).any())


# --------------------------------------------------------------------------- 4. truncation


@pytest.mark.parametrize("path", ["fast", "general"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("T, k", [(12, 5), (12, 4), (12, 1), (12, 11), (9, 9)])
@pytest.mark.parametrize("task", ["sine", "adding"])
def test_truncation_zeroes_last_view_outside_the_window(make_case, close, cell, T, k, task, path):
    case = make_case(task=task, seq_len=T, batch_size=2, hidden_size=4, cell=cell, tbptt=k, num_layers=2)
    fn = bptt.capture_fast if path == "fast" else bptt.capture_autograd
    cap = fn(case.net, case.task, case.batch, case.state, case.cfg)
    for li in range(2):
        assert bool((cap.last[li, : T - k] == 0).all()), cap.last[li]
        assert bool((cap.last[li, T - k:] > 0).all()), cap.last[li]
    # the parameter gradients are those of a forward that detaches h at chunk starts
    _, grads, _, _ = torch_module_reference(case)
    for name, g in grads.items():
        close(cap.grads[name], g, 1e-10, name)


@pytest.mark.parametrize(
    "T, k, starts",
    [(10, 0, set()), (10, 10, set()), (10, 3, {1, 4, 7}), (10, 5, {5}), (7, 1, set(range(1, 7))), (7, 2, {1, 3, 5})],
)
def test_chunk_starts_are_end_aligned(T, k, starts):
    assert chunk_starts(T, k) == starts
