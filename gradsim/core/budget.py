"""How much memory a run needs, estimated before it starts, and whether this machine has it.

A run that cannot fit must be refused with one line before it trains, not killed by the
OOM killer after a minute (or failing on "can't allocate 33854591752 bytes"). The
estimate (:func:`estimate_bytes`) adds up, in bytes:

* the capture's activations and work buffers, ``k · T · B · H · layers · dtype`` with a
  factor ``k`` per cell and path measured as peak RSS (``benchmarks/bench_memory.py``
  prints measured / estimated for a grid of sizes): the fast path keeps about 4 (rnn),
  8.5 (lstm) and 17 (gru) (T, B, H) tensors alive at its peak, the autograd path
  (normalisation, residual gated cells) about 12 (rnn) and 28 (lstm, gru); a loss at
  every step (sine, csv) adds
  the full (T, B, H) gradient and the readout's (T, B, out) terms;
* inputs and outputs, ``T · B · (in + out)`` a few times over;
* the parameters with their gradients, the optimiser's moments and the copies the
  trainer keeps to undo a diverged step (about 8 copies);
* the histories: ``rows × T × 3`` float32 views per layer and 7 float64 scalar series;
* a fixed ~110 MB that torch's first step costs (allocator, MKL / oneDNN work space).

Every factor is the measured maximum rounded up, and the sum gets 5 % more: a run that
the check lets through fits; it refuses only what exceeds the available memory (Linux:
``MemAvailable`` of ``/proc/meminfo``, lowered to the cgroup's limit inside a container;
elsewhere: no check).
"""

from __future__ import annotations

import os
from pathlib import Path

from gradsim.config import ConfigError, RunConfig
from gradsim.errors import Message
from gradsim.core.fast_path import has_fast_path
from gradsim.fileio import NotRead, read_regular_file

__all__ = ["estimate_bytes", "available_bytes", "check_memory", "format_bytes"]

#: (T, B, H) tensors alive at the capture's peak, per cell, on the fast path (measured).
FAST_FACTOR = {"rnn": 4.0, "lstm": 8.5, "gru": 17.5}
#: The same on the autograd path (layer / batch norm, residual gated cells).
AUTOGRAD_FACTOR = {"rnn": 14.0, "lstm": 30.0, "gru": 30.0}
#: Extra (T, B, H) tensors when the loss sits at every step (the full gradient G).
EVERY_STEP_FACTOR = 5.5
#: (T, B, in + out) tensors (inputs, outputs, their gradients).
IO_FACTOR = 4.0
#: Copies of the parameters: weights, gradients, optimiser moments, the undo backups.
PARAM_COPIES = 8
#: torch's first step: the caching allocator, MKL and oneDNN work space (measured ~100 MB).
FIXED_BYTES = 128 << 20
#: Margin on the whole estimate (measured / estimated stays at 0.75-0.9: bench_memory.py).
MARGIN = 1.05

_GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_VIEW_COUNT = 3
_SCALAR_COUNT = 7


def _io_sizes(cfg: RunConfig) -> tuple[int, int]:
    """(input_size, output_size) of ``cfg``'s task, without building it."""
    if cfg.task == "adding":
        return 2, 1
    if cfg.task == "recall":
        return cfg.n_classes + 1, cfg.n_classes
    if cfg.task == "toy3":
        return 10, 0
    if cfg.task == "csv":
        width = _csv_width(cfg.csv_path)
        return width, width
    return 1, 1


def _csv_width(path: str) -> int:
    """Columns of a CSV file's first line (the shipped sample has 3; unreadable: 8)."""
    if not path:
        return 3
    try:
        # never blocks: anything but a regular file is left to the csv task, which refuses it with one line
        first = read_regular_file(os.path.expanduser(path.strip()), 1 << 16, head=True).split(b"\n", 1)[0]
    except (OSError, NotRead):
        return 8
    return max(1, first.count(b",") + 1)


def _param_count(cfg: RunConfig, n_in: int, n_out: int) -> int:
    g, H = _GATES[cfg.cell], cfg.hidden_size
    count = 0
    for layer in range(cfg.num_layers):
        fan_in = n_in if layer == 0 else H
        count += g * H * (fan_in + H + 2)
    return count + n_out * (H + 1)


def history_bytes(seq_len: int, rows: int, scalar_rows: int) -> int:
    """Bytes of one :class:`gradsim.core.history.History` of these sizes."""
    views = _VIEW_COUNT * rows * (seq_len * 4 + 8)
    scalars = _SCALAR_COUNT * scalar_rows * (8 + 8)
    return views + scalars


def estimate_bytes(cfg: RunConfig, history_rows: int = 2, scalar_rows: int = 2, runs: int = 1) -> int:
    """Peak bytes a run of ``cfg`` is expected to need (see the module docstring).

    ``history_rows`` / ``scalar_rows``: the sizes of each layer's history; ``runs``: trainers
    alive at once (2 for an A/B comparison).
    """
    dtype = 8 if cfg.dtype == "float64" else 4
    T, B, H, L = cfg.seq_len, cfg.batch_size, cfg.hidden_size, cfg.num_layers
    n_in, n_out = _io_sizes(cfg)
    k = FAST_FACTOR[cfg.cell] if has_fast_path(cfg) else AUTOGRAD_FACTOR[cfg.cell]
    if cfg.task in ("sine", "csv"):
        k += EVERY_STEP_FACTOR
    activations = k * T * B * H * L * dtype
    io = IO_FACTOR * T * B * (n_in + n_out) * dtype
    params = PARAM_COPIES * _param_count(cfg, n_in, n_out) * dtype
    history = L * history_bytes(T, history_rows, scalar_rows)
    per_run = activations + io + params + history
    return int(MARGIN * (FIXED_BYTES + runs * per_run))


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max" (no limit) is not a number


def _inactive_file(stat: Path, key: str) -> int:
    """Reclaimable page cache counted in a cgroup's usage."""
    try:
        for line in stat.read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(" ")
            if name == key and value.strip().isdigit():
                return int(value)
    except OSError:
        pass
    return 0


def _cgroup_available() -> int | None:
    """What the process's cgroup (v2, else v1) still allows, or None without a limit."""
    root = Path("/sys/fs/cgroup")
    for limit, usage, stat, key in ((root / "memory.max", root / "memory.current", root / "memory.stat",
                                     "inactive_file"),
                                    (root / "memory" / "memory.limit_in_bytes", root / "memory" / "memory.usage_in_bytes",
                                     root / "memory" / "memory.stat", "total_inactive_file")):
        cap, used = _read_int(limit), _read_int(usage)
        if cap is not None and used is not None and cap < (1 << 60):
            return max(0, cap - max(0, used - _inactive_file(stat, key)))
    return None


def available_bytes() -> int | None:
    """Memory this process can still get (Linux ``MemAvailable``, capped by the cgroup's
    limit), or None where it cannot be read."""
    found = [v for v in (_meminfo_available(), _cgroup_available()) if v is not None]
    return min(found) if found else None


def format_bytes(n: float) -> str:
    """``1.2 GB``-style text (decimal units, as ``free -h --si`` and file managers show)."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover - the loop returns


def check_memory(cfg: RunConfig, history_rows: int = 2, scalar_rows: int = 2, runs: int = 1,
                 available: int | None = None) -> int:
    """Refuse a run that cannot fit: raises ConfigError with the estimate and what is available.

    ``available`` defaults to :func:`available_bytes` (no check when it is unknown); on a
    CUDA device the activations are compared with the GPU's free memory too. Returns the
    estimate.
    """
    need = estimate_bytes(cfg, history_rows, scalar_rows, runs)
    have = available_bytes() if available is None else available
    if have is not None and need > have:
        raise ConfigError(Message(
            "this run needs about %1 of memory but %2 is available (lower batch_size, seq_len or hidden_size)",
            (format_bytes(need), format_bytes(have))))
    _check_gpu(cfg, runs)
    return need


def _check_gpu(cfg: RunConfig, runs: int) -> None:
    if cfg.device == "cpu":
        return
    import torch

    if not torch.cuda.is_available():
        return  # device = cuda is refused by resolve_device; auto falls back to the cpu
    free, _total = torch.cuda.mem_get_info()
    need = estimate_bytes(cfg, runs=runs) - int(MARGIN * FIXED_BYTES)
    if need > free:
        raise ConfigError(Message(
            "this run needs about %1 of GPU memory but %2 is free (lower batch_size, seq_len or hidden_size)",
            (format_bytes(need), format_bytes(free))))
