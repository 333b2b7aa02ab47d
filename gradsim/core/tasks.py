"""Seeded sequence tasks.

Every task produces time-major tensors: inputs ``x`` of shape (T, B, input_size) and
targets whose form depends on the loss. A task also knows its loss, whether the loss
sits at the last step only, and its trivial baseline (the loss of a model that has
learned nothing about the sequence), drawn as a reference line on the loss plot.

Losses are written so that ``L = Σ_t L_t``: :meth:`Task.loss` returns that total and
the instrumentation derives the last step's share ``L_T`` from the output gradient
at t = T − 1 (outputs at step t only feed L_t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from gradsim.config import RunConfig

__all__ = ["Task", "make_task", "Batch"]


@dataclass(frozen=True)
class Batch:
    """One batch: inputs (T, B, in) and targets (task-specific)."""

    x: torch.Tensor
    y: torch.Tensor


class Task:
    """Base class. Subclasses set the sizes and implement :meth:`sample` and :meth:`loss`."""

    name = ""
    input_size = 1
    output_size = 1
    last_only = False  # loss only at the last time step
    baseline: float | None = None
    baseline_label = "trivial baseline"

    def __init__(self, cfg: RunConfig, dtype: torch.dtype, device: torch.device) -> None:
        self.T = cfg.seq_len
        self.B = cfg.batch_size
        self.dtype = dtype
        self.device = device

    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=self.dtype, device=self.device)

    def sample(self, rng: np.random.Generator) -> Batch:  # pragma: no cover - abstract
        raise NotImplementedError

    def loss(self, out: torch.Tensor, y: torch.Tensor, h_top: torch.Tensor) -> torch.Tensor:  # pragma: no cover
        """Total loss from outputs (T, B, out) and the top hidden states (T, B, H)."""
        raise NotImplementedError

    def target_for_plot(self, y: torch.Tensor, b: int = 0) -> np.ndarray:
        """Targets of sample ``b`` as (T, out), NaN where a step has no target."""
        raise NotImplementedError  # pragma: no cover

    def output_for_plot(self, out: torch.Tensor, b: int = 0) -> np.ndarray:
        """Outputs of sample ``b`` as (T, out) (probabilities for classification)."""
        return out[:, b, :].detach().cpu().double().numpy()


class SineTask(Task):
    """Seed 002: ``seq_len + 1`` points of sin over [s, s+10], s a random integer 0–9;
    predict the next value at every step (MSE averaged over batch and steps, as
    ``nn.MSELoss`` in the seed). With ``seq_len = 49`` this is the seed's 50 points."""

    name = "sine"
    baseline = 0.5
    baseline_label = "predict 0 (MSE 0.5)"

    def sample(self, rng: np.random.Generator) -> Batch:
        starts = rng.integers(0, 10, size=self.B)
        t = np.linspace(starts, starts + 10, self.T + 1, axis=0)  # (T+1, B)
        data = np.sin(t)
        return Batch(self._tensor(data[:-1, :, None]), self._tensor(data[1:, :, None]))

    def loss(self, out, y, h_top):
        return F.mse_loss(out, y)

    def target_for_plot(self, y, b=0):
        return y[:, b, :].detach().cpu().double().numpy()


class AddingTask(Task):
    """Adding problem (Hochreiter & Schmidhuber 1997). Channel 0: values U(0, 1);
    channel 1: exactly two markers, one in each half of the sequence (with T = 1 the
    single step is marked and its value is the target). Target: the sum of the two marked values, MSE at the last step only. Predicting the
    mean (1) gives MSE = Var(U1 + U2) = 1/6."""

    name = "adding"
    input_size = 2
    last_only = True
    baseline = 1.0 / 6.0
    baseline_label = "predict the mean (MSE 1/6)"

    def sample(self, rng: np.random.Generator) -> Batch:
        T, B = self.T, self.B
        vals = rng.random((T, B))
        marks = np.zeros((T, B))
        half = max(T // 2, 1)
        first = rng.integers(0, half, size=B)
        second = rng.integers(half, T, size=B) if T > 1 else first
        cols = np.arange(B)
        marks[first, cols] = 1.0
        marks[second, cols] = 1.0
        target = vals[first, cols] + (vals[second, cols] if T > 1 else 0.0)
        x = np.stack([vals, marks], axis=-1)
        return Batch(self._tensor(x), self._tensor(target[:, None]))

    def loss(self, out, y, h_top):
        return F.mse_loss(out[-1], y)

    def target_for_plot(self, y, b=0):
        t = np.full((self.T, 1), np.nan)
        t[-1, 0] = float(y[b, 0])
        return t


class RecallTask(Task):
    """Long-range recall: step 0 shows one of ``n_classes`` symbols (one-hot), steps
    1..T−2 show random distractor symbols, the last step raises a query channel; the
    class of the FIRST symbol must be output at the last step (cross-entropy). Only
    gradient that survives T − 1 steps can teach it. Chance level: ln(n_classes)."""

    name = "recall"
    last_only = True

    def __init__(self, cfg, dtype, device):
        super().__init__(cfg, dtype, device)
        self.K = cfg.n_classes
        self.input_size = self.K + 1
        self.output_size = self.K
        self.baseline = math.log(self.K)
        self.baseline_label = f"chance (ln {self.K})"

    def sample(self, rng: np.random.Generator) -> Batch:
        T, B, K = self.T, self.B, self.K
        symbols = rng.integers(0, K, size=(T, B))
        x = np.zeros((T, B, K + 1))
        x[np.arange(T)[:, None], np.arange(B)[None, :], symbols] = 1.0
        if T > 1:
            x[-1, :, :K] = 0.0  # the query step shows no symbol
        x[-1, :, K] = 1.0
        y = torch.as_tensor(symbols[0], dtype=torch.long, device=self.device)
        return Batch(self._tensor(x), y)

    def loss(self, out, y, h_top):
        return F.cross_entropy(out[-1], y)

    def target_for_plot(self, y, b=0):
        t = np.full((self.T, self.K), np.nan)
        t[-1] = 0.0
        t[-1, int(y[b])] = 1.0
        return t

    def output_for_plot(self, out, b=0):
        return torch.softmax(out[:, b, :].detach().double(), dim=-1).cpu().numpy()


class Toy3Task(Task):
    """Seed 000: the same random input (input_size 10) at every step, no readout, and
    ``loss = sum(h_T)``. Seed 000 uses T = 3, H = 5, randn weights, zero bias."""

    name = "toy3"
    input_size = 10
    output_size = 0
    last_only = True

    def sample(self, rng: np.random.Generator) -> Batch:
        x = rng.standard_normal((1, self.B, self.input_size)).repeat(self.T, axis=0)
        return Batch(self._tensor(x), torch.zeros(0, device=self.device))

    def loss(self, out, y, h_top):
        return h_top[-1].sum() / self.B

    def target_for_plot(self, y, b=0):
        return np.full((self.T, 1), np.nan)

    def output_for_plot(self, out, b=0):
        return np.full((self.T, 1), np.nan)


_TASKS = {"sine": SineTask, "adding": AddingTask, "recall": RecallTask, "toy3": Toy3Task}


def make_task(cfg: RunConfig, dtype: torch.dtype, device: torch.device) -> Task:
    """The task named by ``cfg.task``."""
    return _TASKS[cfg.task](cfg, dtype, device)
