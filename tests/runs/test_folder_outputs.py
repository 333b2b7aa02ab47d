"""Every column of a run folder's metrics.csv holds what its name says (issue 10: e.g. a
`grad_norm_after` column holding the pre-clip norm passed the suite)."""

from __future__ import annotations

import csv
import math

import pytest

from gradsim.config import RunConfig
from gradsim.core.trainer import Trainer
from gradsim.runs.folder import METRIC_COLUMNS, metrics_row, run_to_folder

#: Clipped at every step (a tiny threshold), two layers, a spectrum every 2 steps.
CFG = dict(task="sine", seq_len=10, batch_size=4, hidden_size=6, num_layers=2, clip="norm", clip_threshold=1e-3,
           spectrum_every=2)


def _rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _close(a: str, b) -> bool:
    x = float(a)
    return (math.isnan(x) and math.isnan(float(b))) or x == pytest.approx(float(b), rel=1e-12, abs=0)


def test_every_metrics_column_matches_the_trainers_snapshots(tmp_path):
    cfg = RunConfig(**CFG)
    steps = 5
    run_to_folder(cfg, steps, tmp_path / "run", figures=False)
    rows = _rows(tmp_path / "run" / "metrics.csv")
    tr = Trainer(cfg)  # the same config and seed train bit-identically
    snaps = [tr.step() for _ in range(steps)]
    assert len(rows) == steps
    header = list(rows[0])
    assert header[:len(METRIC_COLUMNS)] == METRIC_COLUMNS
    params = [n for n, _ in tr.net.named_parameters()]
    assert header[len(METRIC_COLUMNS):] == [f"grad_norm[{n}]" for n in params]
    assert any(".1." in n or "layers.1" in n for n in params)  # the second layer has columns too
    for row, snap in zip(rows, snaps):
        assert int(row["step"]) == snap.step
        assert _close(row["loss"], snap.loss)
        assert _close(row["grad_norm"], snap.grad_norm)
        assert _close(row["grad_norm_after"], snap.grad_norm_after)
        assert int(row["clipped"]) == int(snap.clipped) == 1
        assert float(row["grad_norm_after"]) == pytest.approx(1e-3, rel=1e-6)
        assert float(row["grad_norm_after"]) < float(row["grad_norm"])  # the pre-clip norm is the larger
        assert _close(row["spectral_radius"], snap.spectral_radius)
        assert _close(row["sigma_max"], snap.sigma_max)
        assert int(row["spectrum_step"]) == snap.spectrum_step
        assert int(row["diverged"]) == int(snap.diverged) == 0
        assert float(row["step_seconds"]) > 0
        for n in params:
            assert _close(row[f"grad_norm[{n}]"], snap.param_grad_norms[n]), n
    # the spectrum is refreshed every 2 steps: the column says when it was measured
    assert [int(r["spectrum_step"]) for r in rows] == [s.spectrum_step for s in snaps]
    assert len({int(r["spectrum_step"]) for r in rows}) >= 2


def test_metrics_row_keys_are_the_columns_in_order():
    tr = Trainer(RunConfig(**CFG))
    snap = tr.step()
    row = metrics_row(snap)
    assert list(row)[:len(METRIC_COLUMNS)] == METRIC_COLUMNS
    assert row["grad_norm_after"] == snap.grad_norm_after != snap.grad_norm
    assert row["clipped"] == 1 and row["diverged"] == 0 and isinstance(row["clipped"], int)


def test_metrics_csv_from_a_history_has_every_scalar_column(tmp_path):
    """write_outputs without a streamed metrics.csv (the app's Export → All) writes it from
    the history: a row per kept iteration, integers as integers, every scalar column."""
    from gradsim.core.history import History
    from gradsim.runs.folder import write_outputs

    cfg = RunConfig(**CFG)
    tr = Trainer(cfg)
    hist = [History(cfg.seq_len, rows=64), History(cfg.seq_len, rows=64, scalar_rows=2)]
    snaps = [tr.step() for _ in range(3)]
    for s in snaps:
        for layer, h in enumerate(hist):
            h.append(s, layer=layer)
    write_outputs(tmp_path / "out", cfg, hist, snaps[-1], figures=False)
    rows = _rows(tmp_path / "out" / "metrics.csv")
    assert [int(r["step"]) for r in rows] == [0, 1, 2]
    assert set(hist[0].scalars) <= set(rows[0])
    for row, snap in zip(rows, snaps):
        assert _close(row["loss"], snap.loss)
        assert _close(row["grad_norm_after"], snap.grad_norm_after) and _close(row["grad_norm"], snap.grad_norm)
        assert row["clipped"] == "1" and row["diverged"] == "0"  # written as integers, not 1.0
