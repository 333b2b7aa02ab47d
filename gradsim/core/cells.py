"""The recurrent network: parameters, activations, initialisation schemes and a
plain autograd forward (the general path).

Parameters use PyTorch's own layout and names (``weight_ih``, ``weight_hh``,
``bias_ih``, ``bias_hh``; gate order i, f, g, o for LSTM and r, z, n for GRU), so a
layer's weights load directly into ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` for checking.
Tensors are time-major: (T, B, features).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from gradsim.config import RunConfig
from gradsim.core.theory import GAMMA
from gradsim.core.truncation import chunk_starts

__all__ = [
    "GATES",
    "GAMMA",
    "RecurrentLayer",
    "RecurrentNet",
    "init_network",
    "activation_fn",
    "UnrolledForward",
]

#: Number of H×H blocks stacked in W_hh per cell type.
GATES = {"rnn": 1, "lstm": 4, "gru": 3}



def activation_fn(name: str, slope: float = 0.01):
    """The elementwise nonlinearity ``f`` of the plain RNN cell."""
    if name == "tanh":
        return torch.tanh
    if name == "sigmoid":
        return torch.sigmoid
    if name == "relu":
        return torch.relu
    if name == "leaky_relu":
        return lambda a: torch.nn.functional.leaky_relu(a, slope)
    if name == "identity":
        return lambda a: a
    raise ValueError(f"unknown activation {name!r}")


class RecurrentLayer(nn.Module):
    """One recurrent layer's parameters (and optional normalisation)."""

    def __init__(self, cell: str, input_size: int, hidden_size: int, norm: str, dtype, device) -> None:
        super().__init__()
        g = GATES[cell] * hidden_size
        kw = {"dtype": dtype, "device": device}
        self.cell = cell
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size, **kw))
        self.bias_ih = nn.Parameter(torch.empty(g, **kw))
        self.bias_hh = nn.Parameter(torch.empty(g, **kw))
        if norm == "layer":
            self.norm = nn.LayerNorm(g, **kw)
        elif norm == "batch":
            self.norm = nn.BatchNorm1d(g, **kw)
        else:
            self.norm = None

    def blocks(self) -> list[torch.Tensor]:
        """The H×H gate blocks of W_hh (one for rnn)."""
        return list(self.weight_hh.detach().split(self.hidden_size, dim=0))


class RecurrentNet(nn.Module):
    """A stack of recurrent layers and an optional linear readout."""

    def __init__(self, cfg: RunConfig, input_size: int, output_size: int, dtype, device) -> None:
        super().__init__()
        self.cell = cfg.cell
        self.hidden_size = cfg.hidden_size
        self.layers = nn.ModuleList(
            RecurrentLayer(cfg.cell, input_size if i == 0 else cfg.hidden_size, cfg.hidden_size, cfg.norm, dtype, device)
            for i in range(cfg.num_layers)
        )
        self.readout = nn.Linear(cfg.hidden_size, output_size, dtype=dtype, device=device) if output_size else None

    @property
    def num_layers(self) -> int:
        return len(self.layers)


def _orthogonal(shape, gen: torch.Generator, dtype) -> torch.Tensor:
    a = torch.randn(shape, generator=gen, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r)).unsqueeze(0)  # Haar-uniform (Mezzadri 2007)
    return q.to(dtype)


def _spectral_radius(m: torch.Tensor) -> float:
    return float(torch.linalg.eigvals(m.double()).abs().max())


@torch.no_grad()
def init_network(net: RecurrentNet, cfg: RunConfig, gen: torch.Generator) -> None:
    """Initialise every parameter of ``net`` from ``gen`` following ``cfg``.

    ``default`` reproduces torch's U(−1/√H, 1/√H) for every recurrent tensor; ``normal``
    draws every recurrent tensor (biases included, as seed 002 does) from N(0, init_std²);
    ``xavier``, ``orthogonal`` and ``identity`` set W_hh per gate block and zero the
    biases (identity: W_ih ~ N(0, 0.001²) as in IRNN). Then W_hh is multiplied by
    ``init_gain``, and, if ``spectral_radius`` is set, each gate block is rescaled to
    that spectral radius. The readout uses torch's Linear default bound 1/√H.
    """
    H = cfg.hidden_size
    for layer in net.layers:
        params = [layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh]
        if cfg.init == "default":
            k = 1.0 / math.sqrt(H)
            for p in params:
                p.copy_(torch.rand(p.shape, generator=gen, dtype=torch.float64).mul(2 * k).sub(k))
        elif cfg.init == "normal":
            for p in params:
                p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64) * cfg.init_std)
        else:
            fan_in, fan_out = layer.weight_ih.shape[1], H
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            wih = torch.rand(layer.weight_ih.shape, generator=gen, dtype=torch.float64) * 2 * bound - bound
            blocks = []
            for _ in range(GATES[net.cell]):
                if cfg.init == "xavier":
                    b = math.sqrt(6.0 / (2 * H))
                    blocks.append(torch.rand((H, H), generator=gen, dtype=torch.float64) * 2 * b - b)
                elif cfg.init == "orthogonal":
                    blocks.append(_orthogonal((H, H), gen, torch.float64))
                else:  # identity
                    blocks.append(torch.eye(H, dtype=torch.float64))
            if cfg.init == "identity":
                wih = torch.randn(layer.weight_ih.shape, generator=gen, dtype=torch.float64) * 1e-3
            layer.weight_ih.copy_(wih)
            layer.weight_hh.copy_(torch.cat(blocks, dim=0))
            layer.bias_ih.zero_()
            layer.bias_hh.zero_()
        if net.cell == "lstm" and cfg.forget_bias:
            layer.bias_ih[H : 2 * H].add_(cfg.forget_bias)  # gate order i, f, g, o
        layer.weight_hh.mul_(cfg.init_gain)
        if cfg.spectral_radius is not None:
            for blk in layer.weight_hh.split(H, dim=0):
                rho = _spectral_radius(blk)
                if rho > 0:
                    blk.mul_(cfg.spectral_radius / rho)
    if net.readout is not None:
        k = 1.0 / math.sqrt(H)
        for p in (net.readout.weight, net.readout.bias):
            p.copy_(torch.rand(p.shape, generator=gen, dtype=torch.float64).mul(2 * k).sub(k))


@dataclass
class UnrolledForward:
    """Result of the autograd forward: per layer, the hidden states h_0..h_{T−1}
    (list of (B, H) tensors) and the recurrent pre-activations r_t = W_hh h_{t−1} + b_hh
    whose gradients give each step's contribution to ∂L/∂W_hh."""

    hs: list[list[torch.Tensor]]
    rs: list[list[torch.Tensor]]
    h_top: torch.Tensor  # (T, B, H)
    final: list[tuple[torch.Tensor, ...]]  # per layer: (h_T,) or (h_T, c_T)


def unrolled_forward(
    net: RecurrentNet,
    x: torch.Tensor,
    state: list[tuple[torch.Tensor, ...]],
    cfg: RunConfig,
) -> UnrolledForward:
    """Autograd forward, one step at a time: the reference path, and the only path for
    layer/batch normalisation and residual gated cells.

    ``state``: per layer (h0,) or (h0, c0), each (B, H). Truncation (``cfg.tbptt``)
    detaches the state at chunk starts.
    """
    T = x.shape[0]
    f = activation_fn(cfg.activation, cfg.leaky_slope)
    cuts = chunk_starts(T, cfg.tbptt)
    inp = x
    hs_all, rs_all, finals = [], [], []
    for li, layer in enumerate(net.layers):
        H = layer.hidden_size
        h = state[li][0]
        c = state[li][1] if net.cell == "lstm" else None
        xi = torch.nn.functional.linear(inp, layer.weight_ih, layer.bias_ih)  # (T, B, G·H)
        hs, rs = [], []
        for t in range(T):
            if t in cuts:
                h = h.detach()
                c = c.detach() if c is not None else None
            r = torch.nn.functional.linear(h, layer.weight_hh, layer.bias_hh)
            rs.append(r)
            if net.cell == "rnn":
                a = xi[t] + r
                if layer.norm is not None:
                    a = layer.norm(a)
                out = f(a)
            elif net.cell == "lstm":
                z = xi[t] + r
                if layer.norm is not None:
                    z = layer.norm(z)
                i, fg, g, o = z.split(H, dim=-1)
                c = torch.sigmoid(fg) * c + torch.sigmoid(i) * torch.tanh(g)
                out = torch.sigmoid(o) * torch.tanh(c)
            else:  # gru
                ir, iz, in_ = xi[t].split(H, dim=-1)
                hr, hz, hn = r.split(H, dim=-1)
                pr, pz = ir + hr, iz + hz
                if layer.norm is not None:
                    # Normalise the pre-activations like rnn/lstm do: the sums of both sides
                    # for r and z (so the recurrent path is normalised too) and n's input
                    # side; n's hidden side stays split because r gates it.
                    pr, pz, in_ = layer.norm(torch.cat([pr, pz, in_], dim=-1)).split(H, dim=-1)
                rg = torch.sigmoid(pr)
                zg = torch.sigmoid(pz)
                n = torch.tanh(in_ + rg * hn)
                out = (1 - zg) * n + zg * h
            h = h + out if cfg.residual else out
            hs.append(h)
        hs_all.append(hs)
        rs_all.append(rs)
        finals.append((h, c) if c is not None else (h,))
        inp = torch.stack(hs)
    return UnrolledForward(hs_all, rs_all, inp, finals)
