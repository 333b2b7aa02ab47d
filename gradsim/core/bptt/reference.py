"""The general path and the reference: an unrolled autograd forward and
``torch.autograd.grad`` with respect to every hidden state. It handles everything
(layer / batch normalisation, residual gated cells) and is what the fast path is tested
against."""

from __future__ import annotations

import torch

from gradsim.config import RunConfig
from gradsim.core.bptt._common import Capture, _outer_norms
from gradsim.core.cells import RecurrentNet, unrolled_forward
from gradsim.core.tasks import Batch, Task


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
