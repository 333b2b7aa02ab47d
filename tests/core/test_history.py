"""Bounded history: DecimatingBuffer keeps a fixed number of aligned rows for any run
length, merges by max keep spikes, and History's memory stays flat."""

from __future__ import annotations

from types import MappingProxyType, SimpleNamespace

import numpy as np
import pytest

from gradsim.core.history import SCALARS, DecimatingBuffer, History


def _fill(buf: DecimatingBuffer, n: int, start: int = 0, value=None) -> None:
    for i in range(start, start + n):
        buf.append(i, np.full(buf.width, float(i) if value is None else value))


@pytest.mark.parametrize("capacity", [2, 4, 16])
@pytest.mark.parametrize("n", [1, 3, 4, 5, 16, 17, 100, 1000, 4097])
def test_at_most_capacity_rows_with_aligned_steps(capacity, n):
    buf = DecimatingBuffer(capacity, 3, "max")
    _fill(buf, n)
    assert 1 <= len(buf) <= capacity
    assert buf.data.shape == (len(buf), 3)
    s = buf.stride
    # every completed row covers exactly `stride` consecutive iterations from 0 on
    assert buf.steps.tolist() == [i * s for i in range(len(buf))]
    # rows cover the run up to the iterations of the incomplete row
    assert len(buf) * s <= n < (len(buf) + 1) * s
    # with max-merge of an increasing series each row holds its last iteration
    assert buf.data[:, 0].tolist() == [float(i * s + s - 1) for i in range(len(buf))]
    assert buf.nbytes == capacity * 3 * 4 + capacity * 8


def test_stride_doubles_and_generation_counts_merges():
    buf = DecimatingBuffer(4, 1, "mean")
    _fill(buf, 4)
    assert (buf.stride, buf.generation, len(buf)) == (1, 0, 4)
    _fill(buf, 1, start=4)
    assert buf.stride == 2 and buf.generation == 1
    _fill(buf, 100, start=5)
    assert buf.stride == 32 and buf.generation == 5
    # mean of equal-length, aligned blocks: row i = mean of i*32 .. i*32+31
    assert buf.data[:, 0].tolist() == [i * 32 + 15.5 for i in range(len(buf))]


@pytest.mark.parametrize("spike_at", [0, 1, 517, 998, 4095])
def test_max_merge_keeps_a_single_spike_visible(spike_at):
    buf = DecimatingBuffer(8, 5, "max")
    n = 4096
    for i in range(n):
        row = np.full(5, 1e-3, dtype=np.float32)
        if i == spike_at:
            row[2] = 1e30
        buf.append(i, row)
    data = buf.data
    hits = np.argwhere(data == np.float32(1e30))
    assert len(hits) == 1
    r, c = hits[0]
    assert c == 2
    assert buf.steps[r] <= spike_at < buf.steps[r] + buf.stride


def test_max_merge_ignores_nan_unless_all_nan():
    buf = DecimatingBuffer(2, 1, "max", np.float64)
    for i, v in enumerate([np.nan, 2.0, np.nan, np.nan, 1.0, 3.0, np.nan, np.nan]):
        buf.append(i, np.array([v]))
    # rows of stride 4: fmax over (nan, 2, nan, nan) = 2 and over (1, 3, nan, nan) = 3
    assert buf.data[:, 0].tolist() == [2.0, 3.0]


def test_clear_restores_a_fresh_buffer():
    buf = DecimatingBuffer(4, 2, "mean", np.float64)
    _fill(buf, 37)
    buf.clear()
    assert len(buf) == 0 and buf.stride == 1 and buf.data.dtype == np.float64
    _fill(buf, 3)
    assert buf.steps.tolist() == [0, 1, 2]


@pytest.mark.parametrize("capacity", [0, 1, 3])
def test_capacity_must_be_even_and_at_least_two(capacity):
    with pytest.raises(ValueError):
        DecimatingBuffer(capacity, 1)


def _snapshot(step: int, T: int, layers: int = 1, spike: bool = False):
    base = np.linspace(1.0, 2.0, T)
    views = {
        v: np.tile(base * (1e6 if (spike and v == "last") else 1.0), (layers, 1)) for v in ("total", "last", "weight")
    }
    return SimpleNamespace(
        step=step, views=MappingProxyType(views), loss=1.0 / (step + 1), grad_norm=float(step),
        grad_norm_after=float("nan"),
        clipped=step % 7 == 0, spectral_radius=0.5, sigma_max=0.7, diverged=step == 13,
    )


def test_history_memory_is_flat_for_a_long_run():
    T = 1000
    hist = History(T, rows=16, scalar_rows=64)
    snaps = [_snapshot(i, T) for i in range(64)]
    size0 = hist.nbytes
    # the arithmetic of the issue: rows × T × 3 views × 4 B, plus the scalar rows
    assert size0 == 3 * (16 * T * 4 + 16 * 8) + len(SCALARS) * (64 * 8 + 64 * 8)
    for i in range(10_000):
        s = snaps[i % 64]
        s.step = i
        hist.append(s)
    size_10k = hist.nbytes
    arrays_10k = [id(b._data) for b in hist.views.values()]
    for i in range(10_000, 100_000):
        s = snaps[i % 64]
        s.step = i
        hist.append(s)
    assert hist.count == 100_000
    assert hist.nbytes == size_10k == size0
    assert [id(b._data) for b in hist.views.values()] == arrays_10k  # no reallocation
    for buf in hist.views.values():
        assert len(buf) <= 16 and buf.data.shape[1] == T
        assert buf.steps[0] == 0
    steps, loss = hist.scalar("loss")
    assert len(steps) <= 64 and len(loss) == len(steps)
    assert hist.diverged_at == 13


def test_default_history_size_for_an_hour_at_T_1000():
    # an hour at 66 steps/s would be ~950 MB stored naively; the default stays ~ 25 MB + scalars
    hist = History(1000)
    assert hist.nbytes < 60e6


def test_history_views_merge_by_max_and_scalars_by_their_rule():
    T = 20
    hist = History(T, rows=4, scalar_rows=4)
    for i in range(40):
        hist.append(_snapshot(i, T, layers=2, spike=(i == 17)))
    last = hist.views["last"].data
    assert np.isclose(last.max(), 2e6)  # the spike of iteration 17 is still there
    stride = hist.views["last"].stride
    row = np.argwhere(last.max(axis=1) > 1e5).ravel()
    assert len(row) == 1 and hist.views["last"].steps[row[0]] <= 17 < hist.views["last"].steps[row[0]] + stride
    steps, clipped = hist.scalar("clipped")
    assert set(np.unique(clipped)) <= {0.0, 1.0}
    assert clipped.max() == 1.0
    _, div = hist.scalar("diverged")
    assert div.max() == 1.0  # the one diverged iteration survives the merges
    _, gn = hist.scalar("grad_norm")
    # grad_norm merges by max: each row holds its last (largest) iteration
    assert gn.tolist() == [float(s + hist.scalars["grad_norm"].stride - 1) for s in steps]
    _, after = hist.scalar("grad_norm_after")
    assert np.isnan(after).all()


def test_history_takes_the_requested_layer():
    T = 6
    hist = History(T, rows=4, scalar_rows=4)
    snap = _snapshot(0, T, layers=2)
    views = {v: np.stack([np.zeros(T), np.ones(T)]) for v in ("total", "last", "weight")}
    snap.views = MappingProxyType(views)
    hist.append(snap, layer=1)
    assert hist.views["total"].data.tolist() == [[1.0] * T]
