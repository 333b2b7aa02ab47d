"""``gradsim report`` (gradsim.cli.report, gradsim.runs.media)."""

import os

# Must precede the first Qt import, or a display-less CI machine aborts on the xcb plugin.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest  # noqa: E402
from cli_support import call_cli  # noqa: E402

from gradsim.media import report  # noqa: E402


def _listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- CLI
def _cli(argv: list[str]) -> int:
    return call_cli("report", *argv)


@pytest.mark.parametrize("argv, needle", [
    (["--steps", "0"], "--steps"),
    (["--set", "seq_len=0"], "seq_len"),
    (["--set", "nonsense=1"], "unknown field"),
    (["--preset", "no-such-preset"], "no-such-preset"),
    (["--config", "/no/such/file.toml"], "file.toml"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, needle):
    code = _cli([*argv, "--out", str(tmp_path / "r.html"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("gradsim: error:") and needle in err, err
    assert _listing(tmp_path) == []


def test_cli_bad_suffix_and_unwritable_out_exit_2(tmp_path, capsys):
    assert _cli(["--out", str(tmp_path / "r.txt"), "--quiet"]) == 2
    assert ".html or .pdf" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert _cli(["--steps", "2", "--out", str(blocker / "r.pdf"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(blocker / "r.pdf") in err, err


def test_cli_writes_an_html_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    code = _cli(["--set", "seq_len=10", "--set", "hidden_size=8", "--set", "batch_size=4", "--steps", "4",
                 "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert "wrote" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").count("data:image/png") == len(report.FIGURE_NAMES)
