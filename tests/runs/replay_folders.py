"""Hand-written run folders for the replay tests (no torch: fast, and any shape we like).

Imported by name from tests/runs and tests/app (both put this folder on sys.path via
their test modules)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np

HEADER = ["step", "loss", "grad_norm", "grad_norm_after", "clipped", "spectral_radius", "sigma_max",
          "spectrum_step", "diverged", "step_seconds", "grad_norm[layers.0.weight_hh]"]


def metrics_line(step: int) -> str:
    loss = 1.0 / (1 + step)
    return f"{step},{loss},{2.0 + step % 3},{2.0 + step % 3},{int(step % 10 == 0)},0.9,1.1,{step},0,0.01,0.5\n"


def write_metrics(folder: Path, steps: range, *, header: bool = True, mode: str = "w") -> None:
    with open(folder / "metrics.csv", mode, encoding="utf-8") as fh:
        if header:
            fh.write(",".join(HEADER) + "\n")
        for s in steps:
            fh.write(metrics_line(s))


def npz_bytes(rows: int, T: int = 12, layers: int = 1, stride: int = 1, first: int = 0) -> bytes:
    arrays = {}
    t = np.arange(T, dtype=np.float32)
    for li in range(layers):
        suffix = "" if li == 0 else f"_l{li}"
        base = np.power(10.0, -(T - 1 - t) * (0.5 + li)).astype(np.float32)
        for k, v in enumerate(("total", "last", "weight")):
            arrays[v + suffix] = np.tile(base * (k + 1), (rows, 1)) * (1 + np.arange(rows, dtype=np.float32))[:, None]
    arrays["step"] = first + stride * np.arange(rows, dtype=np.int64)
    arrays["stride"] = np.array(stride)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def write_npz(folder: Path, rows: int, **kw) -> None:
    tmp = folder / ".grad_steps.npz.tmp"
    tmp.write_bytes(npz_bytes(rows, **kw))
    os.replace(tmp, folder / "grad_steps.npz")


def write_config(folder: Path, **fields) -> None:
    from gradsim.config import RunConfig, config_to_toml

    cfg = RunConfig(**{"task": "adding", "seq_len": 12, "hidden_size": 8, **fields})
    (folder / "config.toml").write_text(config_to_toml(cfg), encoding="utf-8")


def write_summary(folder: Path, steps: int) -> None:
    (folder / "summary.json").write_text(json.dumps({"steps": steps, "final_loss": 0.1, "diverged_at": None}))


def make_run(folder: Path, steps: int = 20, *, layers: int = 1, config: bool = True, summary: bool = True,
             T: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_metrics(folder, range(steps))
    write_npz(folder, steps, T=T, layers=layers)
    if config:
        write_config(folder, num_layers=layers, seq_len=T)
    if summary:
        write_summary(folder, steps)
    return folder
