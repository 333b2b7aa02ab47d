"""The memory check without torch: the app runs it in its GUI process, which never loads torch."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from gradsim.config import ConfigError, RunConfig
from gradsim.core import budget
from gradsim.core.bptt import has_fast_path


@pytest.mark.parametrize("cell, norm, residual",
                         list(itertools.product(["rnn", "lstm", "gru"], ["none", "layer", "batch"], [False, True])))
def test_the_estimate_takes_the_capture_s_own_path(cell, norm, residual):
    """One rule (core/fast_path.py, torch-free) decides the capture's path and the estimate's factor."""
    from gradsim.core import bptt, fast_path

    assert bptt.has_fast_path is fast_path.has_fast_path is has_fast_path
    cfg = RunConfig(cell=cell, norm=norm, residual=residual, batch_size=4)
    fast = cfg.norm == "none" and (cell == "rnn" or not residual)
    assert has_fast_path(cfg) is fast
    other = cfg.replace(norm="none", residual=False) if not fast else cfg.replace(norm="layer")
    # the autograd path keeps the whole graph: its estimate is larger for the same shapes
    assert (budget.estimate_bytes(cfg, 2048, 1 << 18) < budget.estimate_bytes(other, 2048, 1 << 18)) is fast


def test_the_check_imports_no_torch():
    code = ("import sys\nfrom gradsim.config import RunConfig\nfrom gradsim.core.budget import check_memory\n"
            "n = check_memory(RunConfig(), 2048, 1 << 18, available=10**12)\n"
            "assert n > 0 and 'torch' not in sys.modules, sorted(m for m in sys.modules if 'torch' in m)[:5]\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_a_refusal_names_the_estimate_and_what_is_available():
    cfg = RunConfig(hidden_size=256, seq_len=200, batch_size=64)
    need = budget.estimate_bytes(cfg, 2048, 1 << 18)
    with pytest.raises(ConfigError) as err:
        budget.check_memory(cfg, 2048, 1 << 18, available=need - 1)
    assert budget.format_bytes(need) in str(err.value) and budget.format_bytes(need - 1) in str(err.value)
    assert budget.check_memory(cfg, 2048, 1 << 18, available=need) == need  # exactly enough fits
