"""The trainer's torch thread count: one thread for small matrices, the ceiling for large."""

from __future__ import annotations

import pytest
import torch

import gradsim.core.threads as threads
from gradsim.config import RunConfig
from gradsim.core.threads import GATES, PARALLEL_FROM, threads_for
from gradsim.core.trainer import Trainer


def _hidden_at(macs: int, cell: str, batch: int) -> float:
    return (macs / (batch * GATES[cell])) ** 0.5


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_threshold_is_exact_and_counts_each_cells_gates(cell):
    # B·H·G·H multiply-adds per step: find a (B, H) pair exactly at the threshold for each cell
    batch = {"rnn": 50, "lstm": 50, "gru": 30}[cell]  # rnn: 50·400², lstm: 50·4·200²
    h = _hidden_at(PARALLEL_FROM, cell, batch)
    if cell == "gru":  # 8e6 / 90 is not a square: take the first H over it and the last under it
        over, under = RunConfig(cell=cell, hidden_size=int(h) + 1, batch_size=batch), RunConfig(
            cell=cell, hidden_size=int(h), batch_size=batch)
        assert threads_for(over, 6) == 6 and threads_for(under, 6) == 1
        return
    assert h == int(h), h
    at = RunConfig(cell=cell, hidden_size=int(h), batch_size=batch)
    below = RunConfig(cell=cell, hidden_size=int(h) - 1, batch_size=batch)
    assert threads_for(at, 6) == 6       # exactly at the threshold: parallel
    assert threads_for(below, 6) == 1
    assert threads_for(at, 1) == 1       # never more than available


def test_the_gate_count_decides_between_cells_of_one_size():
    # H = 256, B = 32: 2.1e6 multiply-adds for the RNN (one thread), 8.4e6 for the LSTM (parallel)
    assert threads_for(RunConfig(cell="rnn", hidden_size=256), 2) == 1
    assert threads_for(RunConfig(cell="lstm", hidden_size=256), 2) == 2
    assert threads_for(RunConfig(cell="gru", hidden_size=256), 2) == 1
    assert threads_for(RunConfig(cell="rnn", hidden_size=64), 0) == 1  # a bad ceiling is read as 1


@pytest.fixture
def ceiling_two(monkeypatch):
    old = torch.get_num_threads()
    monkeypatch.setattr(threads, "_ceiling", 2)
    yield
    torch.set_num_threads(old)


def test_the_trainer_sets_the_count_at_every_reset(ceiling_two):
    torch.set_num_threads(2)
    tr = Trainer(RunConfig(cell="rnn", hidden_size=256, seq_len=5))  # 2.1e6: one thread
    assert torch.get_num_threads() == 1
    tr.apply_config(tr.config.replace(batch_size=128))  # waits for the reset
    assert torch.get_num_threads() == 1
    tr.reset()  # 8.4e6: parallel
    assert torch.get_num_threads() == 2
    tr.step()
    tr.apply_config(tr.config.replace(lr=1e-4))  # a live change keeps it
    tr.step()
    assert torch.get_num_threads() == 2
    tr.reset(tr.config.replace(batch_size=32))
    assert torch.get_num_threads() == 1
    tr.reset(tr.config.replace(cell="lstm"))  # the LSTM's four gates: 8.4e6 again
    assert torch.get_num_threads() == 2


def test_the_ceiling_is_the_count_before_the_first_run(monkeypatch):
    old = torch.get_num_threads()
    monkeypatch.setattr(threads, "_ceiling", None)
    try:
        torch.set_num_threads(1)  # e.g. the user's torch.set_num_threads(1) in a notebook
        Trainer(RunConfig(cell="lstm", hidden_size=512, seq_len=3))
        assert torch.get_num_threads() == 1  # a large model does not raise it
        assert threads._ceiling == 1
    finally:
        torch.set_num_threads(old)
