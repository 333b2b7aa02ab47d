"""A/B comparison (gradsim.core.compare) and ``gradsim compare`` (gradsim.compare_cli)."""

from __future__ import annotations

import os

# Must precede the first Qt import (the CLI test renders the figure in this process).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gradsim.config import ConfigError, RunConfig, load_config  # noqa: E402
from gradsim.core.compare import Comparison, check_compatible, diff_label, snapshots_equal  # noqa: E402
from gradsim.core.trainer import Trainer  # noqa: E402
from gradsim.outputs import OUTPUT_FILES  # noqa: E402

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


# --------------------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    from gradsim.compare_cli import add_parser

    parser = argparse.ArgumentParser(prog="gradsim")
    add_parser(parser.add_subparsers(dest="command"))
    return parser


def _run(*argv: str) -> int:
    from gradsim.compare_cli import run

    return run(_parser().parse_args(["compare", *argv]))


SMALL_SET = ["--set", "seq_len=12", "--set", "hidden_size=8", "--set", "batch_size=4", "--set", "lr=0.05",
             "--set", "optimizer=sgd", "--set", "clip_threshold=0.01"]


# The offscreen platform warns on every top-level show(); it is not our bug.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_cli_writes_every_file(tmp_path, capsys, qapp):
    out = tmp_path / "cmp"
    code = _run("--preset", "vanishing", *SMALL_SET, "--b-set", "clip=norm", "--steps", "6", "--out", str(out),
                "--quiet")
    assert code == 0
    stdout = capsys.readouterr().out
    assert "A: clip=none" in stdout and "B: clip=norm" in stdout
    for sub in ("a", "b"):
        for name in OUTPUT_FILES:
            assert (out / sub / name).stat().st_size > 0, f"{sub}/{name}"
    for name in ("compare.png", "compare.svg", "summary.json"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["differing_fields"] == {"clip": ["none", "norm"]}
    assert summary["a"]["label"] == "A: clip=none" and summary["b"]["label"] == "B: clip=norm"
    assert np.isfinite(summary["a"]["final_loss"]) and np.isfinite(summary["b"]["final_loss"])
    assert summary["a"]["final_loss"] != summary["b"]["final_loss"]
    assert summary["b"]["clipped_steps"] == 6 and summary["a"]["clipped_steps"] == 0
    lo, hi = summary["heatmap_levels_log10"]
    assert lo < hi
    cfg_a, cfg_b = load_config(out / "a" / "config.toml"), load_config(out / "b" / "config.toml")
    assert cfg_a.diff(cfg_b) == {"clip": ("none", "norm")}
    # each run's own grad_steps agree with the shared colour scale
    for sub in ("a", "b"):
        with np.load(out / sub / "grad_steps.npz") as z:
            v = np.log10(z["last"][z["last"] > 0])
            assert lo - 0.01 <= v.min() and v.max() <= hi + 0.01
    rows_a = (out / "a" / "metrics.csv").read_text().splitlines()
    assert len(rows_a) == 7


def test_cli_heatmaps_share_one_colour_scale(qapp):
    from gradsim.compare_cli import CompareFigure
    from gradsim.core.history import History

    hs = []
    for scale in (1e-6, 1e3):
        h = History(5, rows=4, scalar_rows=4)
        cmp_snapshots = Comparison(BASE.replace(seq_len=5), BASE.replace(seq_len=5))
        a, _ = cmp_snapshots.step()
        h.append(a)
        h.views["last"]._data[: len(h.views["last"])] *= scale
        hs.append(h)
    fig = CompareFigure()
    try:
        lv = fig.set_runs(hs[0], hs[1], ("A: x", "B: y"))
        assert fig.heatmaps[0].levels() == pytest.approx(lv) == fig.heatmaps[1].levels()
        both = np.concatenate([h.views["last"].data.ravel() for h in hs])
        assert lv == pytest.approx((np.log10(both.min()), np.log10(both.max())))
    finally:
        fig.close()
        fig.deleteLater()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--b-set", "clip=sometimes"], "clip"),
        (["--b-set", "seq_len=31"], "seq_len"),
        (["--b-set", "nonsense=1"], "nonsense"),
        ([], "--b-set"),
        (["--b-set", "clip=norm", "--steps", "0"], "--steps"),
        (["--preset", "no-such-preset", "--b-set", "clip=norm"], "no-such-preset"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, words):
    assert _run(*argv, "--out", str(tmp_path / "o"), "--no-figures") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gradsim compare: error:") and words in err
    assert not (tmp_path / "o" / "a").exists()


def test_cli_unwritable_out_exits_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert _run("--b-set", "clip=norm", "--out", str(blocker / "sub"), "--no-figures") == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_bad_input_in_a_subprocess(tmp_path):
    code = (
        "import argparse, sys\n"
        "from gradsim.compare_cli import add_parser, run\n"
        "p = argparse.ArgumentParser(prog='gradsim')\n"
        "add_parser(p.add_subparsers(dest='command'))\n"
        "sys.exit(run(p.parse_args(sys.argv[1:])))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}

    def call(*argv):
        return subprocess.run([sys.executable, "-c", code, "compare", *argv], capture_output=True, text=True,
                              timeout=120, env=env)

    bad = call("--b-set", "lr=-1", "--out", str(tmp_path / "bad"))
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.count("\n") == 1 and "lr" in bad.stderr and "Traceback" not in bad.stderr
    # bad input is refused before torch is even imported: the answer is quick
    assert "torch" not in bad.stderr
