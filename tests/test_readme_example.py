"""The README's notebook example runs as written, and says what it claims to say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(re.escape(marker) + r"\s*```python\n(.*?)```", text, re.S)
    assert m, f"no python block after {marker} in README.md"
    return m.group(1)


def test_the_api_example_runs_and_shows_the_gradient_vanish():
    code = _block("<!-- api-example -->")
    assert len(code.strip().splitlines()) <= 6  # a five-line example (plus its import)
    out = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - our own README
    run, last = scope["run"], scope["last"]
    assert run.summary["steps"] == 100 and last.shape == (100, 50)
    ratio = float(re.search(r"t=0 gets ([0-9.e+-]+) of", out.getvalue()).group(1))
    assert ratio == pytest.approx(last[-1, 0] / last[-1, -1], rel=0.06)
    assert ratio < 1e-3  # the vanishing preset: the first step gets almost nothing back


def test_a_bad_value_from_the_api_is_the_command_lines_one_line(capsys):
    import gradsim

    with pytest.raises(gradsim.ConfigError) as err:
        gradsim.RunConfig(lr=-1.0)  # what --set lr=-1 parses to
    assert (err.value.field, err.value.value) == ("lr", -1.0) and "> 0" in err.value.rule
    from gradsim.cli import main

    assert main(["config", "--set", "lr=-1"]) == 2
    line = capsys.readouterr().err
    assert line == f"gradsim: error: {err.value}\n"
