"""Live claims (no Qt): the placeholder and expectation syntax of lecture steps, and the
errors a lecturer gets for a bad one (naming the lecture, the step and the field)."""

from __future__ import annotations

import pytest

from gradsim.config import ConfigError
from gradsim.content.claims import Placeholder, parse_quantity, split_text
from gradsim.content.lecture import load_lecture

HEAD = 'title = { en = "Lecture", zh = "讲座" }\n'
STEP = """
[[step]]
preset = "vanishing"
play = true
stop_at = 20
title = { en = "T", zh = "标题" }
text = { en = "TEXT_EN", zh = "说明" }
look = { en = "L", zh = "看" }
"""


def _load(tmp_path, text: str):
    p = tmp_path / "my-lecture.toml"
    p.write_text(HEAD + text, encoding="utf-8")
    return load_lecture(p)


def test_quantities_parse_with_arguments_and_an_iteration():
    q = parse_quantity("last_ratio(0, -1)@3")
    assert (q.name, q.args, q.at, str(q)) == ("last_ratio", (0, -1), 3, "last_ratio(0, -1)@3")
    assert parse_quantity(" rho ").name == "rho"


def test_text_splits_into_literals_and_placeholders_and_keeps_other_braces():
    parts = split_text("ρ = {rho:.3}, t = 0 gets {last_ratio(0, -1)@0}; h_{t−1} and {{literal}}")
    kinds = [type(p).__name__ for p in parts]
    assert kinds == ["str", "Placeholder", "str", "Placeholder", "str"]
    assert parts[1] == Placeholder(parse_quantity("rho"), ".3")
    assert parts[-1] == "; h_{t−1} and {literal}"


def test_a_step_with_placeholders_and_expectations_loads(tmp_path):
    lec = _load(tmp_path, STEP.replace("TEXT_EN", "rho is {rho}, clipped {clipped_steps}") + """
[[step.expect]]
what = "last_ratio(0, -1)"
below = 1e-6
at = 0
say = { en = "t = 0 gets nothing", zh = "t = 0 什么也得不到" }

[[step.expect]]
what = "rho"
above = 0.5
by = 10
""")
    exp = lec.step(0).expectations
    assert len(exp) == 2
    assert (exp[0].quantity.name, exp[0].below, exp[0].at, exp[0].say["zh"]) == ("last_ratio", 1e-6, 0, "t = 0 什么也得不到")
    assert (exp[1].above, exp[1].by) == (0.5, 10)
    assert exp[1].holds(0.6) and not exp[1].holds(0.4) and not exp[1].holds(float("nan"))


@pytest.mark.parametrize("text, words", [
    (STEP.replace("TEXT_EN", "{rh0}"), ["step 1", "'text'", "'rh0'", "unknown quantity"]),
    (STEP.replace("TEXT_EN", "{last_ratio(0)}"), ["step 1", "last_ratio", "2 arguments"]),
    (STEP.replace("TEXT_EN", "{rho:zz}"), ["step 1", "bad format", "'zz'"]),
    (STEP.replace('look = { en = "L", zh = "看" }', 'look = { en = "L", zh = "{loss@x}" }'),
     ["step 1", "'look'", "zh", "not an integer"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\n', ["step 1", "expectation 1", "below"]),
    (STEP + '[[step.expect]]\nwhat = "rhoo"\nbelow = 1\n', ["step 1", "expectation 1", "'what'", "rhoo"]),
    (STEP + '[[step.expect]]\nwhat = "clipped_steps"\nbelow = 1\n', ["expectation 1", "clipped_steps", "text"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\nbelow = 1\nat = 20\n', ["expectation 1", "'at'", "20 iterations"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\nbelow = 1\nat = 2\nby = 3\n', ["expectation 1", "not both"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\nbelow = 1\nabove = 2\n', ["expectation 1", "nothing could pass"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\nbelow = "small"\n', ["expectation 1", "'below'", "finite number"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\nbelow = 1\nwhen = 3\n', ["expectation 1", "'when'"]),
    (STEP + '[[step.expect]]\nwhat = "rho"\nbelow = 1\nsay = { en = "x" }\n', ["expectation 1", "'say'"]),
    (STEP + 'expect = 3\n', ["step 1", "'expect'"]),
])
def test_bad_claims_name_the_lecture_the_step_and_the_field(tmp_path, text, words):
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    msg = str(info.value)
    assert "my-lecture.toml" in msg
    for w in words:
        assert w in msg, (w, msg)
