"""The trainer: one call to :meth:`Trainer.step` = one training iteration, returning
an immutable :class:`Snapshot` of plain numpy copies (safe to hand to another thread).

Between steps it accepts a changed config (:meth:`Trainer.apply_config`): optimiser
settings, remedies, clipping, truncation and activation apply at the next step;
fields in :data:`gradsim.config.RESET_FIELDS` wait for :meth:`Trainer.reset`.
A non-finite loss or gradient skips that update (the weights, the optimiser's state and
batch norm's running statistics keep their last finite values) and the snapshot says
``diverged``; so does a finite gradient whose update overflows the weights or the
optimiser's state (Adam's second moment g² overflows float32 for |g| > 1.8e19).
Training may go on.

The trainer sets torch's thread count for the model's size (one thread for small
matrices, where more threads only add overhead): see :mod:`gradsim.core.threads`.
"""

from __future__ import annotations

import math
import time
from types import MappingProxyType

import numpy as np
import torch

from gradsim.config import RESET_FIELDS, ConfigError, RunConfig
from gradsim.core.bptt import VIEWS, capture, release_scratch, has_fast_path
from gradsim.core.cells import GAMMA, RecurrentNet, init_network, unrolled_forward
from gradsim.core.remedies import apply_remedies
from gradsim.core.snapshot import Snapshot
from gradsim.core.tasks import make_task
from gradsim.core.theory import SigmaTracker
from gradsim.core.threads import apply_threads

__all__ = ["Snapshot", "Trainer", "resolve_device", "spectrum_interval"]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def resolve_device(name: str) -> torch.device:
    """``cpu`` / ``cuda`` / ``auto`` -> a torch device (raises ConfigError if cuda is absent)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device = 'cuda': CUDA is not available on this machine (use cpu or auto)")
    return torch.device(name)


def spectrum_interval(cfg: RunConfig) -> int:
    """Steps between the exact spectrum computations (eigenvalues for ρ, an SVD for σ_max).

    The eigenvalues of W_hh cost ~0.8 ms at H = 64 (14 % of a 5.5 ms step at T = 200,
    B = 32) and ~27 ms at H = 256, growing ~H³ while the step grows ~H²: the automatic
    rule computes them every step up to H = 32 and then every (H/32)² steps (4 at H = 64,
    64 at H = 256), keeping the cost to a few percent. Between two computations a snapshot
    repeats the last ρ and says when it was taken (``spectrum_step``). σ_max is fresh at
    every step whatever the interval (warm-started power iteration, O(H²); see
    :class:`gradsim.core.theory.SigmaTracker` and ``benchmarks/bench_spectrum.py``).
    """
    if cfg.spectrum_every > 0:
        return cfg.spectrum_every
    return max(1, math.ceil((cfg.hidden_size / 32) ** 2))


def _all_finite(tensors) -> bool:
    """Whether every element of every tensor is finite (one sync, not one per tensor)."""
    flags = [torch.isfinite(t).all() for t in tensors]
    return bool(torch.stack(flags).all()) if flags else True


def _make_optimizer(cfg: RunConfig, params) -> torch.optim.Optimizer:
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    if cfg.optimizer == "momentum":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), weight_decay=cfg.weight_decay)
    return torch.optim.RMSprop(params, lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)


def _optimizer_hparams(cfg: RunConfig) -> dict:
    if cfg.optimizer == "sgd":
        return {"lr": cfg.lr, "weight_decay": cfg.weight_decay}
    if cfg.optimizer == "adam":
        return {"lr": cfg.lr, "betas": (cfg.beta1, cfg.beta2), "weight_decay": cfg.weight_decay}
    return {"lr": cfg.lr, "momentum": cfg.momentum, "weight_decay": cfg.weight_decay}


class Trainer:
    """Owns the model, optimiser, data stream and hidden state of one run.

    Parameters
    ----------
    cfg : RunConfig
        The run. Raises ConfigError if it cannot run here (e.g. cuda absent).
    """

    def __init__(self, cfg: RunConfig) -> None:
        # Vanishing gradients pass through float subnormals, which x86 handles ~20×
        # slower (measured: 23 -> 89 steps/s at H=64, T=200, B=32). Flushing them to zero
        # changes only values below 1e-38 (float32), which the heatmap shows as 0 anyway.
        torch.set_flush_denormal(True)
        self._cfg = cfg
        self._pending = cfg
        self.reset(cfg)

    # ------------------------------------------------------------------ config
    @property
    def config(self) -> RunConfig:
        """The config the model is running with."""
        return self._cfg

    @property
    def pending_config(self) -> RunConfig:
        """The latest requested config, including fields that wait for a reset."""
        return self._pending

    @property
    def pending_reset_fields(self) -> list[str]:
        """Fields of the pending config that differ from the running one and need a reset."""
        return [k for k in self._cfg.diff(self._pending) if k in RESET_FIELDS or k == "tbptt"]

    @property
    def step_count(self) -> int:
        return self._step

    @property
    def diverged_at(self) -> int | None:
        return self._diverged_at

    @property
    def net(self) -> RecurrentNet:
        return self._net

    @property
    def task(self):
        return self._task

    def apply_config(self, cfg: RunConfig) -> list[str]:
        """Apply every field that can change live; return the fields that wait for reset."""
        self._pending = cfg
        live = {k: v for k, v in cfg.to_dict().items() if k not in RESET_FIELDS}
        try:
            new = self._cfg.replace(**live)
        except ConfigError:
            # only tbptt ≤ seq_len ties a live field to a reset field: a tbptt meant for
            # the pending, longer seq_len waits for the reset with it
            live.pop("tbptt")
            new = self._cfg.replace(**live)
        old = self._cfg
        self._cfg = new
        if new.optimizer != old.optimizer:
            self._opt = _make_optimizer(new, self._net.parameters())
        else:
            for group in self._opt.param_groups:
                group.update(_optimizer_hparams(new))
        if new.stateful != old.stateful or new.batch_size != old.batch_size:
            self._state = None
        return self.pending_reset_fields

    def reset(self, cfg: RunConfig | None = None) -> None:
        """Rebuild model, optimiser and data stream from ``cfg`` (default: the pending one)."""
        cfg = cfg or self._pending
        device = resolve_device(cfg.device)
        dtype = torch.float64 if cfg.dtype == "float64" else torch.float32
        task = make_task(cfg, dtype, device)
        gen = torch.Generator().manual_seed(cfg.seed)
        net = RecurrentNet(cfg, task.input_size, task.output_size, dtype, torch.device("cpu"))
        init_network(net, cfg, gen)
        net.to(device)
        self._cfg = self._pending = cfg
        apply_threads(cfg)  # one thread for small matrices (2-4x faster), see gradsim.core.threads
        release_scratch()  # the fast path's work buffers were sized for the old model
        self._device, self._dtype = device, dtype
        self._task, self._net = task, net
        self._opt = _make_optimizer(cfg, net.parameters())
        self._rng = np.random.default_rng(cfg.seed)
        self._state = None
        self._step = 0
        self._diverged_at: int | None = None
        self._spectrum = (float("nan"), float("nan"), -1)
        self._last_batch = None

    # ------------------------------------------------------------------ step
    def _initial_state(self):
        cfg = self._cfg
        B, H = cfg.batch_size, cfg.hidden_size
        if cfg.stateful and self._state is not None:
            return self._state
        z = torch.zeros(B, H, dtype=self._dtype, device=self._device)
        n = 2 if cfg.cell == "lstm" else 1
        return [tuple(z for _ in range(n)) for _ in range(cfg.num_layers)]

    @torch.no_grad()
    def _measure_spectrum(self) -> tuple[float, float, int]:
        """``(ρ, σ_max, step of ρ)`` of layer 0's W_hh before this step's update.

        σ_max is measured at every step (the bound on this step's profile must come from
        the same weights): :class:`~gradsim.core.theory.SigmaTracker`'s warm-started power
        iteration, O(H²), exact (SVD) at the spectrum steps. ρ needs the eigenvalues,
        O(H³), and is refreshed every :func:`spectrum_interval` steps; ``spectrum_step``
        says when.
        """
        if self._spectrum[2] < 0 or self.__dict__.get("_sigma_tracker") is None:
            self._sigma_tracker = SigmaTracker()  # a new model: no warm vector, reproducible
        fresh = self._step % spectrum_interval(self._cfg) == 0 or self._spectrum[2] < 0
        w = self._net.layers[0].weight_hh.detach().double()
        sigma = self._sigma_tracker(w.cpu().numpy(), exact=fresh)
        if fresh:
            H = self._cfg.hidden_size
            # ρ is the largest |λ| of exactly these eigenvalues, kept for the spectrum plot:
            # its title and every snapshot's ρ are one computation (measured_eigenvalues)
            ev = np.concatenate([torch.linalg.eigvals(b).cpu().numpy() for b in w.split(H, dim=0)])
            rho = float(np.abs(ev).max())
            self._spectrum = (rho, sigma, self._step)
            self._measured_eig = ev
        return self._spectrum[0], sigma, self._spectrum[2]

    def step(self) -> Snapshot:
        """Run one training iteration and return its snapshot."""
        t0 = time.perf_counter()
        cfg, net = self._cfg, self._net
        batch = self._task.sample(self._rng)
        self._last_batch = batch
        state = self._initial_state()
        rho, sigma, spec_step = self._measure_spectrum()
        buffers = None
        if cfg.norm == "batch":
            net.train()
            # batch norm's running statistics move in the forward pass: kept, so that a
            # skipped (diverged) update leaves the whole model as it was
            buffers = [(b, b.detach().clone()) for b in net.buffers()]
        cap = capture(net, self._task, batch, state, cfg)
        names = [n for n, _ in net.named_parameters()]
        grads = [cap.grads[n] for n in names]
        loss = float(cap.loss)
        per_param = {n: float(torch.linalg.vector_norm(g.double())) for n, g in zip(names, grads)}
        finite = math.isfinite(loss) and all(math.isfinite(v) for v in per_param.values())
        rem = apply_remedies(grads, cfg) if finite else None
        if finite:
            params = list(net.parameters())
            backup = [p.detach().clone() for p in params]
            # the optimiser's state too (momentum, Adam's moments): an undone step that
            # stayed in the momentum buffer would throw the weights off at the next step
            opt_backup = {
                p: {k: (v.clone() if torch.is_tensor(v) else v) for k, v in st.items()}
                for p, st in self._opt.state.items()
            }
            for p, g in zip(params, grads):
                p.grad = g
            self._opt.step()
            if not (_all_finite(params) and _all_finite(self._opt_tensors())):
                # a finite gradient can still overflow the weights (huge lr) or the
                # optimiser's state (Adam's g² is inf for |g| > 1.8e19 in float32: its
                # update is then 0/inf = 0 and those weights would never move again):
                # undo the step, state included
                with torch.no_grad():
                    for p, b in zip(params, backup):
                        p.copy_(b)
                self._opt.state.clear()
                self._opt.state.update(opt_backup)
                finite = False
        diverged = not finite
        if diverged and buffers:
            with torch.no_grad():
                for b, saved in buffers:
                    b.copy_(saved)
        if diverged:
            if self._diverged_at is None:
                self._diverged_at = self._step
            self._state = None
            grad_norm = math.sqrt(sum(v * v for v in per_param.values())) if rem is None else rem.norm_before
            after, clipped = float("nan"), False
        else:
            grad_norm, after, clipped = rem.norm_before, rem.norm_after, rem.clipped
            if cfg.stateful:
                self._state = [tuple(s.detach() for s in f) for f in cap.final_state]
        views = MappingProxyType({v: _frozen(getattr(cap, v).detach().cpu().double().numpy()) for v in VIEWS})
        out = cap.out
        snap = Snapshot(
            step=self._step,
            loss=loss,
            grad_norm=grad_norm,
            grad_norm_after=after,
            clipped=clipped,
            diverged=diverged,
            diverged_at=self._diverged_at,
            spectral_radius=rho,
            sigma_max=sigma,
            spectrum_step=spec_step,
            views=views,
            param_grad_norms=MappingProxyType(per_param),
            prediction=_frozen(self._task.output_for_plot(out) if out is not None else np.full((cfg.seq_len, 1), np.nan)),
            target=_frozen(self._task.target_for_plot(batch.y)),
            inputs=_frozen(batch.x[:, 0, :].detach().cpu().double().numpy()),
            step_seconds=time.perf_counter() - t0,
            fast_path=has_fast_path(cfg),
        )
        self._step += 1
        return snap

    def _opt_tensors(self) -> list[torch.Tensor]:
        """The optimiser's floating-point state tensors (moments, momentum buffers)."""
        return [v for st in self._opt.state.values() for v in st.values()
                if torch.is_tensor(v) and v.is_floating_point()]

    # ------------------------------------------------------------------ extras
    @torch.no_grad()
    def eigenvalues(self, layer: int = 0) -> np.ndarray:
        """Eigenvalues of every H×H gate block of layer ``layer``'s W_hh (complex)."""
        w = self._net.layers[layer].weight_hh.detach().double().cpu()
        H = self._cfg.hidden_size
        return np.concatenate([torch.linalg.eigvals(b).numpy() for b in w.split(H, dim=0)])

    def measured_eigenvalues(self) -> tuple[int, np.ndarray]:
        """``(step, eigenvalues)`` of layer 0's W_hh as the newest spectrum measurement saw
        them: the ones whose largest |λ| is the snapshots' ``spectral_radius`` (before
        iteration ``step`` = their ``spectrum_step``). Before the first step: the current
        weights, which the first step measures."""
        if self._spectrum[2] < 0 or self.__dict__.get("_measured_eig") is None:
            return self._step, self.eigenvalues(0)
        return self._spectrum[2], self._measured_eig

    def gamma(self) -> float | None:
        """γ = sup |f′| of the current activation for the plain rnn cell, None for gated cells."""
        return GAMMA[self._cfg.activation] if self._cfg.cell == "rnn" else None

    @torch.no_grad()
    def rollout(self) -> np.ndarray | None:
        """Free-running roll-out for ``sine`` (seed 002): start from sample 0's first
        input of the last batch and feed each prediction back in. None for other tasks."""
        if self._cfg.task != "sine" or self._last_batch is None or self._net.readout is None:
            return None
        cfg, net = self._cfg, self._net
        x = self._last_batch.x[:1, :1, :].clone()
        n = 2 if cfg.cell == "lstm" else 1
        state = [tuple(torch.zeros(1, cfg.hidden_size, dtype=self._dtype, device=self._device) for _ in range(n))
                 for _ in range(cfg.num_layers)]
        preds = []
        one = cfg.replace(tbptt=0)
        was_training = net.training
        net.eval()
        try:
            for _ in range(cfg.seq_len):
                fw = unrolled_forward(net, x, state, one)
                y = net.readout(fw.h_top[-1])
                preds.append(float(y[0, 0]))
                state = fw.final
                x = y.view(1, 1, 1)
        finally:
            net.train(was_training)
        return np.asarray(preds)
