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
