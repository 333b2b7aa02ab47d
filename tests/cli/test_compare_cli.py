"""``gradsim compare`` (gradsim.cli.compare, gradsim.runs.compare) and its figure."""

from __future__ import annotations

import os

# Must precede the first Qt import (the CLI test renders the figure in this process).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gradsim.config import RunConfig, load_config  # noqa: E402
from gradsim.runs.lockstep import Comparison  # noqa: E402
from gradsim.runs.folder import OUTPUT_FILES  # noqa: E402

from cli_support import call_cli  # noqa: E402

BASE = RunConfig(task="adding", seq_len=20, batch_size=8, hidden_size=16, seed=5)


# --------------------------------------------------------------------------- CLI
def _run(*argv: str) -> int:
    return call_cli("compare", *argv)


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
    from gradsim.figures.compare import CompareFigure
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
    code = "import sys\nfrom gradsim.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}

    def call(*argv):
        return subprocess.run([sys.executable, "-c", code, "compare", *argv], capture_output=True, text=True,
                              timeout=120, env=env)

    bad = call("--b-set", "lr=-1", "--out", str(tmp_path / "bad"))
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.count("\n") == 1 and "lr" in bad.stderr and "Traceback" not in bad.stderr
    # bad input is refused before torch is even imported: the answer is quick
    assert "torch" not in bad.stderr


# --------------------------------------------------------------------------- colour levels
def test_cli_levels_are_the_given_then_the_presets_then_the_data(tmp_path, capsys):
    def levels(*argv):
        out = tmp_path / f"cmp{len(list(tmp_path.iterdir()))}"
        assert _run(*argv, *SMALL_SET, "--b-set", "clip=norm", "--steps", "3", "--out", str(out), "--no-figures",
                    "--quiet") == 0, capsys.readouterr().err
        s = json.loads((out / "summary.json").read_text())
        return tuple(s["heatmap_levels_log10"]), s["heatmap_levels_from"], s["heatmap_beyond_levels"]

    from gradsim.content.presets import preset_levels

    assert levels("--preset", "vanishing", "--levels", "-9", "2.5") == ((-9.0, 2.5), "fixed", 0.0)
    assert preset_levels("vanishing") is not None
    lv, source, _ = levels("--preset", "vanishing")
    assert (lv, source) == (preset_levels("vanishing"), "fixed")
    lv, source, beyond = levels()  # no preset: the range of both runs' data
    assert source == "data" and lv[0] < lv[1] and beyond == 0.0


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_cli_figure_draws_both_heatmaps_with_the_given_levels(tmp_path, monkeypatch, capsys, qapp):
    from gradsim.figures import compare as figure

    seen = []
    original = figure.CompareFigure.set_runs

    def spy(self, *a, **kw):
        lv = original(self, *a, **kw)
        seen.append((lv, self.heatmaps[0].levels(), self.heatmaps[1].levels()))
        return lv

    monkeypatch.setattr(figure.CompareFigure, "set_runs", spy)
    out = tmp_path / "cmp"
    assert _run(*SMALL_SET, "--b-set", "clip=norm", "--steps", "3", "--levels", "-7", "1", "--out", str(out),
                "--quiet") == 0, capsys.readouterr().err
    assert len(seen) == 1
    lv, a, b = seen[0]
    assert lv == (-7.0, 1.0) and a == pytest.approx(lv) and b == pytest.approx(lv)


@pytest.mark.parametrize("levels", [["2", "1"], ["1", "1"], ["nan", "1"], ["-3", "inf"], ["-400", "0"]])
def test_cli_bad_levels_exit_2_with_one_line(tmp_path, capsys, levels):
    assert _run("--b-set", "clip=norm", "--levels", *levels, "--out", str(tmp_path / "o"), "--no-figures") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gradsim compare: error: --levels"), err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("levels", [["1"], ["low", "1"]])
def test_cli_levels_that_are_not_two_numbers_exit_2_with_one_line(tmp_path, capsys, levels):
    with pytest.raises(SystemExit) as exc:
        _run("--b-set", "clip=norm", "--out", str(tmp_path / "o"), "--no-figures", "--levels", *levels)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gradsim compare: error:") and "--levels" in err, err
    assert not (tmp_path / "o").exists()
