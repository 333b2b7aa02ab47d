"""Shared fixtures of the core tests (no Qt here: app fixtures live in tests/app/conftest.py)."""

from __future__ import annotations

import signal
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from gradsim.config import RunConfig
from gradsim.core.cells import RecurrentNet, init_network
from gradsim.core.tasks import Batch, Task, make_task


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    # The suite's time budget assumes one thread, and results must not depend on it.
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.fixture(autouse=True)
def _no_flush_denormal():
    # Trainer() turns flush-to-zero on globally; exactness tests must not depend on
    # which test ran before them.
    torch.set_flush_denormal(False)
    yield
    torch.set_flush_denormal(False)


@pytest.fixture(autouse=True)
def _ctrl_c_as_in_a_terminal():
    """Ctrl-C is Python's KeyboardInterrupt in every test, and children started by a test get
    the default disposition, whatever the suite inherited: a shell that starts it in the
    background without job control ignores SIGINT, and then the Ctrl-C tests (run folder,
    TensorBoard, `gradsim run` exit 130) would fail for a reason that is not gradsim's."""
    before = signal.getsignal(signal.SIGINT)
    if before is not signal.default_int_handler:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if before is not None and signal.getsignal(signal.SIGINT) is not before:
        signal.signal(signal.SIGINT, before)


@pytest.fixture
def as_nobody() -> list[str] | None:
    """A command prefix that runs a child as the unprivileged user ``nobody`` where the suite runs
    as root (root reads and writes any file, so a permission test would prove nothing), ``[]``
    where it already runs unprivileged, or None where root has no ``setpriv`` to drop it."""
    import os
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return None if setpriv is None else [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@dataclass
class Case:
    """One network, task, batch and initial state, ready for a capture."""

    cfg: RunConfig
    task: Task
    net: RecurrentNet
    batch: Batch
    state: list[tuple[torch.Tensor, ...]]


F64 = torch.float64
CPU = torch.device("cpu")


def build_case(random_state: bool = True, state_scale: float = 0.5, **fields) -> Case:
    """A float64 case built from RunConfig fields; a non-zero initial state by default
    (so that the first step's W_hh term is tested too)."""
    fields.setdefault("dtype", "float64")
    cfg = RunConfig(**fields)
    task = make_task(cfg, F64, CPU)
    net = RecurrentNet(cfg, task.input_size, task.output_size, F64, CPU)
    init_network(net, cfg, torch.Generator().manual_seed(cfg.seed))
    batch = task.sample(np.random.default_rng(cfg.seed + 1))
    n = 2 if cfg.cell == "lstm" else 1
    gen = torch.Generator().manual_seed(cfg.seed + 2)
    state = []
    for _ in range(cfg.num_layers):
        if random_state:
            state.append(tuple(
                torch.randn(cfg.batch_size, cfg.hidden_size, generator=gen, dtype=F64) * state_scale for _ in range(n)
            ))
        else:
            state.append(tuple(torch.zeros(cfg.batch_size, cfg.hidden_size, dtype=F64) for _ in range(n)))
    return Case(cfg, task, net, batch, state)


@pytest.fixture
def make_case():
    """Factory fixture: ``make_case(cell="lstm", seq_len=7, ...)`` -> :class:`Case`."""
    return build_case


def assert_close(
    actual: torch.Tensor, expected: torch.Tensor, rtol: float = 1e-10, what: str = "", atol: float = 0.0
) -> None:
    """Max-abs error relative to the largest entry of ``expected`` (scale-free, exact-ish).

    ``atol`` only for quantities that are zero analytically (round-off sized)."""
    actual = torch.as_tensor(actual, dtype=F64)
    expected = torch.as_tensor(expected, dtype=F64)
    assert actual.shape == expected.shape, f"{what}: shape {tuple(actual.shape)} != {tuple(expected.shape)}"
    scale = float(expected.abs().max()) if expected.numel() else 0.0
    err = float((actual - expected).abs().max()) if expected.numel() else 0.0
    assert torch.isfinite(actual).all(), f"{what}: non-finite values"
    assert err <= rtol * max(scale, 1e-300) + atol, f"{what}: max error {err:.3e} vs scale {scale:.3e} (rtol {rtol:g})"


@pytest.fixture
def close():
    """The :func:`assert_close` helper, as a fixture (tests do not import conftest)."""
    return assert_close
