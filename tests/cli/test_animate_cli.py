"""``gradsim animate`` (gradsim.cli.animate, gradsim.runs.media)."""

import os

# Must precede the first Qt import, or a display-less CI machine aborts on the xcb plugin.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import imageio.v3 as iio  # noqa: E402
import pytest  # noqa: E402
from cli_support import call_cli  # noqa: E402


def _listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- CLI
def _cli(argv: list[str]) -> int:
    return call_cli("animate", *argv)


@pytest.mark.parametrize("argv, needle", [
    (["--size", "321x180"], "even"),
    (["--size", "big"], "WIDTHxHEIGHT"),
    (["--fps", "0"], "--fps"),
    (["--frames", "1000"], "--frames"),
    (["--steps", "0"], "--steps"),
    (["--set", "lr=-1"], "lr"),
    (["--set", "nonsense=1"], "unknown field"),
    (["--preset", "no-such-preset"], "no-such-preset"),
    (["--levels", "1", "-1"], "--levels"),
    (["--levels", "nan", "0"], "--levels"),
    (["--levels", "-2", "-2"], "--levels"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, needle):
    code = _cli([*argv, "--out", str(tmp_path / "a.gif"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("gradsim: error:") and needle in err, err
    assert _listing(tmp_path) == []


def test_cli_bad_suffix_and_unwritable_out_exit_2(tmp_path, capsys):
    assert _cli(["--out", str(tmp_path / "a.avi"), "--quiet"]) == 2
    assert ".gif or .mp4" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert _cli(["--steps", "2", "--out", str(blocker / "a.gif"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(blocker / "a.gif") in err, err


def test_cli_writes_an_mp4(tmp_path, capsys):
    out = tmp_path / "a.mp4"
    code = _cli(["--set", "seq_len=10", "--set", "hidden_size=8", "--set", "batch_size=4", "--steps", "6",
                 "--frames", "3", "--size", "320x180", "--fps", "8", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert "wrote" in capsys.readouterr().out
    assert iio.improps(out, plugin="FFMPEG").shape[1:] == (180, 320, 3)


@pytest.mark.parametrize("levels", [["1"], ["low", "1"]])
def test_cli_levels_that_are_not_two_numbers_exit_2_with_one_line(tmp_path, capsys, levels):
    with pytest.raises(SystemExit) as exc:
        _cli(["--out", str(tmp_path / "a.gif"), "--quiet", "--levels", *levels])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--levels" in err, err
    assert _listing(tmp_path) == []


def _frame_levels(monkeypatch) -> list:
    """The heatmap's levels of every frame the animation renders."""
    from gradsim.media.animation import FrameRecorder

    seen = []
    render = FrameRecorder.render

    def spy(self, frame, ranges=None):
        image = render(self, frame, ranges)
        seen.append(self.heatmap.levels())
        return image

    monkeypatch.setattr(FrameRecorder, "render", spy)
    return seen


@pytest.mark.parametrize("argv, expected", [
    (["--levels", "-7", "1.5"], (-7.0, 1.5)),
    (["--preset", "vanishing"], "preset"),
])
def test_cli_levels_are_honoured_on_every_frame(tmp_path, capsys, monkeypatch, argv, expected):
    from gradsim.content.presets import preset_levels

    seen = _frame_levels(monkeypatch)
    out = tmp_path / "a.gif"
    code = _cli([*argv, "--set", "seq_len=10", "--set", "hidden_size=8", "--set", "batch_size=4", "--steps", "6",
                 "--frames", "3", "--size", "320x180", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    want = preset_levels("vanishing") if expected == "preset" else expected
    assert want is not None and len(seen) >= 3  # the GIF's palette frame, then every frame
    assert all(lv == pytest.approx(want) for lv in seen), seen
