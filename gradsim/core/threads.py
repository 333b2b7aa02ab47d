"""How many torch threads a run trains with.

torch starts one intra-op thread per core, which pays off for large matrices. gradsim's
are usually small: at H = 64, B = 32 one time step of an LSTM multiplies a 32×64 matrix by
a 64×256 one, and splitting each of the thousands of such operations in a step over
threads costs more than it saves. Measured with ``benchmarks/bench_threads.py`` (2026-12-02,
2 cores, T = 100, B = 32, Adam), one thread against torch's two: at H = 64 the step takes
0.48× the time for the plain RNN, 0.28× for the LSTM, 0.50× for the GRU (an earlier run:
LSTM 0.35×, GRU 0.54×); two threads win from about 8·10⁶ multiply-adds per time step
(H = 512: 1.16–1.27×, 1.38× for the LSTM in the earlier run). Another machine's ratios are
what the benchmark prints there.

:func:`apply_threads` is called by the trainer at every reset (the size fields, batch
size included, change only there). It never raises the count above what the process had when
gradsim first trained (``torch.set_num_threads`` before that is the user's ceiling).
"""

from __future__ import annotations

import torch

__all__ = ["GATES", "PARALLEL_FROM", "apply_threads", "threads_for"]

#: Matrices per gate in W_hh: the per-step product is B × H by H × (GATES · H).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}

#: Multiply-adds of one time step's recurrent product from which more threads pay off.
PARALLEL_FROM = 8_000_000

_ceiling: int | None = None


def threads_for(cfg, available: int) -> int:
    """Threads for ``cfg``: 1 below :data:`PARALLEL_FROM` multiply-adds per step, else ``available``.

    On a GPU the CPU only launches kernels, and the count is left at ``available``.
    """
    available = max(1, int(available))
    if cfg.device != "cpu" and torch.cuda.is_available():
        return available
    macs = cfg.batch_size * cfg.hidden_size * GATES[cfg.cell] * cfg.hidden_size
    return 1 if macs < PARALLEL_FROM else available


def apply_threads(cfg) -> int:
    """Set torch's intra-op thread count for ``cfg`` (see :func:`threads_for`); return it."""
    global _ceiling
    if _ceiling is None:
        _ceiling = torch.get_num_threads()
    n = threads_for(cfg, _ceiling)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
