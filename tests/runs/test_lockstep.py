"""A/B comparison (gradsim.runs.lockstep) and ``gradsim compare`` (gradsim.cli.compare)."""

from __future__ import annotations

import os

# Must precede the first Qt import (the CLI test renders the figure in this process).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gradsim.config import ConfigError, RunConfig  # noqa: E402
from gradsim.runs.lockstep import Comparison, check_compatible, diff_label, snapshots_equal  # noqa: E402
from gradsim.core.trainer import Trainer  # noqa: E402

BASE = RunConfig(task="adding", seq_len=20, batch_size=8, hidden_size=16, seed=5)


# --------------------------------------------------------------------------- lockstep
def test_identical_configs_give_bit_identical_snapshots_and_match_a_single_run():
    cfg = BASE.replace(optimizer="momentum", lr=0.05)
    cmp = Comparison(cfg, cfg)
    single = Trainer(cfg)
    assert cmp.diff_fields() == {} and cmp.labels() == ("A: same config", "B: same config")
    for step in range(4):
        a, b = cmp.step()
        assert a.step == b.step == step
        assert snapshots_equal(a, b)
        # run A sees exactly the batches (and so the numbers) of an ordinary run
        assert snapshots_equal(a, single.step())
    assert cmp.step_count == 4


def test_snapshots_equal_notices_a_difference():
    cmp = Comparison(BASE, BASE.replace(lr=0.05, optimizer="sgd"))
    cmp.step()
    a, b = cmp.step()
    assert not snapshots_equal(a, b)


def test_clip_none_vs_norm_share_every_batch_and_diverge_after_the_first_update():
    a_cfg = BASE.replace(optimizer="sgd", lr=0.5, clip_threshold=1e-3)
    cmp = Comparison(a_cfg, a_cfg.replace(clip="norm"))
    assert cmp.diff_fields() == {"clip": ("none", "norm")}
    assert cmp.labels() == ("A: clip=none", "B: clip=norm")
    losses = []
    for _ in range(4):
        a, b = cmp.step()
        np.testing.assert_array_equal(a.inputs, b.inputs)
        np.testing.assert_array_equal(a.target, b.target)
        assert not a.clipped and b.clipped
        losses.append((a.loss, b.loss))
    assert losses[0][0] == losses[0][1]  # same weights, same batch
    assert all(la != lb for la, lb in losses[1:])
    # the batches are those the seed gives, not a re-sample per run
    assert np.array_equal(a.inputs, cmp.last_batch.x[:, 0, :].double().numpy())


def test_different_dtype_and_cell_train_on_the_same_numbers():
    cmp = Comparison(BASE, BASE.replace(dtype="float64", cell="lstm"))
    for _ in range(2):
        a, b = cmp.step()
        np.testing.assert_array_equal(a.inputs, b.inputs)
    assert set(cmp.diff_fields()) == {"dtype", "cell"}


@pytest.mark.parametrize(
    "changes, named",
    [
        (dict(seq_len=30), ["seq_len"]),
        (dict(batch_size=4), ["batch_size"]),
        (dict(task="sine"), ["task"]),
        (dict(seed=6), ["seed"]),
        (dict(seq_len=30, batch_size=4), ["seq_len", "batch_size"]),
    ],
)
def test_runs_that_cannot_share_batches_are_refused(changes, named):
    with pytest.raises(ConfigError) as info:
        Comparison(BASE, BASE.replace(**changes))
    msg = str(info.value)
    assert "must match" in msg and "\n" not in msg
    for name in named:
        assert name in msg
    for name in {"seq_len", "batch_size", "task", "seed"} - set(named):
        assert f"{name}=" not in msg


def test_n_classes_must_match_only_for_recall():
    check_compatible(BASE, BASE.replace(n_classes=8))  # adding ignores n_classes
    rec = BASE.replace(task="recall")
    with pytest.raises(ConfigError, match="n_classes"):
        check_compatible(rec, rec.replace(n_classes=8))


def test_live_changes_and_reset():
    cmp = Comparison(BASE, BASE)
    cmp.step()
    wait_a, wait_b = cmp.apply_config(cfg_b=BASE.replace(lr=0.01, seq_len=30))
    assert wait_a == [] and wait_b == ["seq_len"]
    assert cmp.config_b.lr == 0.01 and cmp.diff_fields() == {"lr": (0.001, 0.01)}
    with pytest.raises(ConfigError, match="seq_len"):
        cmp.reset()  # the pending seq_len would break the shared batches
    assert cmp.step_count == 1  # nothing changed
    cmp.reset(BASE.replace(seq_len=30), BASE.replace(seq_len=30, clip="value"))
    assert cmp.step_count == 0
    a, b = cmp.step()
    assert a.inputs.shape[0] == 30 and np.array_equal(a.inputs, b.inputs)


def test_diff_label_is_shortened():
    d = {f"field{i}": (i, i + 1) for i in range(20)}
    text = diff_label(d, 1, max_len=40)
    assert len(text) <= 40 and text.endswith("…") and text.startswith("field0=1")
    assert diff_label({"lr": (1e-3, 0.01), "residual": (False, True)}, 0) == "lr=0.001, residual=false"
