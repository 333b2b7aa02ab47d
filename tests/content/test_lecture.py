"""Lecture scripts (no Qt): the shipped lecture is complete and valid in both languages,
and a bad script fails with a message naming the file, the step and the field."""

from __future__ import annotations

import pytest

from gradsim.config import ConfigError, RunConfig
from gradsim.content.lecture import DEFAULT_LECTURE, LANGUAGES, VIEWS, load_lecture, shipped_lectures
from gradsim.content.presets import list_presets

TEXT_FIELDS = ("title", "text", "look")

GOOD_STEP = """
[[step]]
preset = "vanishing"
title = { en = "T", zh = "标题" }
text = { en = "X", zh = "说明" }
look = { en = "L", zh = "看" }
"""
HEAD = 'title = { en = "Lecture", zh = "讲座" }\n'


def _write(tmp_path, text: str):
    p = tmp_path / "my-lecture.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_shipped_lecture_loads_and_every_step_is_valid():
    files = shipped_lectures()
    assert DEFAULT_LECTURE in files
    lec = load_lecture(files[DEFAULT_LECTURE])
    assert 10 <= len(lec) <= 20
    presets = list_presets()
    for i in range(len(lec)):
        step = lec.step(i)
        assert step.preset in presets
        cfg = step.config()
        assert isinstance(cfg, RunConfig)
        assert cfg == presets[step.preset].config.replace(**step.overrides)
        assert step.view in (None, *VIEWS)
        for lang in LANGUAGES:
            for field in TEXT_FIELDS:
                assert step.get(field, lang).strip(), (i + 1, field, lang)
            assert step.get("equation", lang).strip(), (i + 1, "equation", lang)
    for lang in LANGUAGES:
        assert lec.get_title(lang).strip()
    # the Chinese texts are Chinese, not copies of the English ones
    for step in lec.steps:
        assert step.text["zh"] != step.text["en"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in step.text["zh"])


def test_the_shipped_lecture_starts_vanishing_clipping_lstm_and_covers_the_seeds():
    lec = load_lecture(shipped_lectures()[DEFAULT_LECTURE])
    assert [s.preset for s in lec.steps[:4]] == ["vanishing", "exploding", "exploding-clip-norm", "lstm-long"]
    used = {s.preset for s in lec.steps}
    # seed 000 (toy, remedies), 001/002 (truncation, sine), 003 (sigmoid, clip by value, ReLU, gates)
    assert {"seed000-toy", "seed002-sine", "truncated", "sigmoid-chain", "exploding-clip-value", "irnn",
            "gru-long"} <= used
    all_text = " ".join(s.text["en"] for s in lec.steps)
    for seed in ("Seed 000", "seed 001", "Seed 002", "Seed 003"):
        assert seed.lower() in all_text.lower()
    assert any(s.config().clip == "value" and s.config().clip_threshold == 15.0 for s in lec.steps)
    assert any(s.config().init == "xavier" for s in lec.steps)
    assert any(s.config().residual for s in lec.steps)


def test_a_minimal_lecture_with_overrides_and_none(tmp_path):
    p = _write(tmp_path, HEAD + 'hide = ["device"]\n' + GOOD_STEP.replace(
        'preset = "vanishing"', 'preset = "vanishing"\nset = { seq_len = 20, spectral_radius = "none" }\n'
                                'view = "total"\nplay = true\nequation = "a = b"'))
    lec = load_lecture(p)
    step = lec.step(0)
    assert step.config().seq_len == 20 and step.config().spectral_radius is None
    assert step.view == "total" and step.play is True
    assert step.get("equation", "zh") == "a = b"  # a plain string serves both languages
    assert lec.hide == ("device",)


@pytest.mark.parametrize("text, step, field", [
    (HEAD + GOOD_STEP.replace('"vanishing"', '"no-such-preset"'), "step 1", "preset"),
    (HEAD + GOOD_STEP + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nset = { lr = -1.0 }'),
     "step 2", "lr"),
    (HEAD + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nset = { no_field = 1 }'),
     "step 1", "no_field"),
    (HEAD + GOOD_STEP.replace('text = { en = "X", zh = "说明" }', 'text = { en = "X" }'), "step 1", "'text'"),
    (HEAD + GOOD_STEP.replace('look = { en = "L", zh = "看" }', 'look = { en = "L", zh = "  " }'),
     "step 1", "'look'"),
    (HEAD + GOOD_STEP.replace('title = { en = "T", zh = "标题" }', 'title = "T"'), "step 1", "'title'"),
    (HEAD + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nview = "sideways"'), "step 1", "view"),
    (HEAD + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nplay = "yes"'), "step 1", "play"),
    (HEAD + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nunknown = 1'), "step 1", "unknown"),
    (HEAD + 'hide = ["not_a_control"]\n' + GOOD_STEP, "", "not_a_control"),
    ('title = { en = "only English" }\n' + GOOD_STEP, "", "zh"),
    (HEAD, "", "no steps"),
    ("this is [not toml", "", "not valid TOML"),
])
def test_bad_lectures_name_the_file_the_step_and_the_field(tmp_path, text, step, field):
    p = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_lecture(p)
    msg = str(info.value)
    assert "my-lecture.toml" in msg
    assert step in msg
    assert field in msg


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml"):
        load_lecture(tmp_path / "missing.toml")


@pytest.mark.parametrize("field, value", [
    ("stop_at", "0"), ("stop_at", "-5"), ("stop_at", "1.5"), ("stop_at", "true"), ("stop_at", '"200"'),
    ("stop_at", "10000001"), ("delay", "-0.1"), ("delay", "2"), ("delay", "true"), ("delay", '"fast"'),
])
def test_stop_at_and_delay_are_checked(tmp_path, field, value):
    p = _write(tmp_path, HEAD + GOOD_STEP.replace('preset = "vanishing"', f'preset = "vanishing"\n{field} = {value}'))
    with pytest.raises(ConfigError) as info:
        load_lecture(p)
    assert "step 1" in str(info.value) and f"'{field}'" in str(info.value)


def test_stop_at_is_read_and_the_shipped_steps_say_which_iteration_their_numbers_are():
    lec = load_lecture(shipped_lectures()[DEFAULT_LECTURE])
    for step in lec.steps:
        if not step.play:
            assert step.stop_at is None
            continue
        # every playing step names the iteration count its numbers were measured at, and
        # builds its picture over a few seconds (delay per iteration, plus the step itself)
        assert step.stop_at is not None
        assert step.delay is not None and 3.0 <= step.stop_at * step.delay <= 10.0
        # and its text says at which iteration its numbers are: filled live ({iteration})
        assert "{iteration}" in step.text["en"] and "{iteration}" in step.text["zh"], step.title["en"]


def test_the_chinese_equations_have_no_english_words():
    import re

    lec = load_lecture(shipped_lectures()[DEFAULT_LECTURE])
    maths = {"diag", "tanh", "max", "min", "relu", "out"}  # function names and n_out
    for step in lec.steps:
        words = [w for w in re.findall(r"[A-Za-z]{3,}", step.get("equation", "zh")) if w not in maths]
        assert not words, (step.title["en"], words)


# ------------------------------------------------------------------ plots and colour levels
def _with(field: str, value: str, *, top: str = "") -> str:
    return HEAD + top + GOOD_STEP.replace('preset = "vanishing"', f'preset = "vanishing"\n{field} = {value}')


def test_plots_and_levels_are_read_and_the_lectures_levels_apply_to_every_step_without_its_own(tmp_path):
    from gradsim.content.lecture import LEVELS_DATA

    text = (HEAD + "levels = [-20, 0]\n" + GOOD_STEP.replace('preset = "vanishing"',
                                                           'preset = "vanishing"\nplots = ["heatmap", "profile", '
                                                           '"heatmap"]')
            + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nlevels = [-3.5, 8]\nplots = []')
            + GOOD_STEP.replace('preset = "vanishing"', 'preset = "vanishing"\nlevels = "data"'))
    lec = load_lecture(_write(tmp_path, text))
    assert lec.levels == (-20.0, 0.0)
    assert [s.levels for s in lec.steps] == [(-20.0, 0.0), (-3.5, 8.0), LEVELS_DATA]
    assert [s.plots for s in lec.steps] == [("heatmap", "profile"), (), None]  # each once, in order
    plain = load_lecture(_write(tmp_path, HEAD + GOOD_STEP))
    assert plain.levels is None and plain.step(0).levels is None and plain.step(0).plots is None


@pytest.mark.parametrize("text, where, says", [
    (_with("plots", '["heatmap", "pie"]'), "step 1", ["'pie'", "heatmap", "grad_norms", "spectral"]),
    (_with("plots", '"heatmap"'), "step 1", ["'plots'", "list of plot names"]),
    (_with("plots", '[1, 2]'), "step 1", ["'plots'", "list of plot names"]),
    (_with("levels", "[0, -5]"), "step 1", ["'levels'", "[0, -5]", "low < high"]),
    (_with("levels", "[-5, -5]"), "step 1", ["'levels'", "low < high"]),
    (_with("levels", "[-5, inf]"), "step 1", ["'levels'", "finite"]),
    (_with("levels", "[nan, 0]"), "step 1", ["'levels'", "finite"]),
    (_with("levels", "[-400, 0]"), "step 1", ["'levels'", "-300", "300"]),
    (_with("levels", "[-5]"), "step 1", ["'levels'", "[low, high]"]),
    (_with("levels", "[true, 2]"), "step 1", ["'levels'"]),
    (_with("levels", '"auto"'), "step 1", ["'levels'", '"data"']),
    (HEAD + "levels = [1, 0]\n" + GOOD_STEP, "lecture", ["'levels'", "low < high"]),
])
def test_bad_plots_and_levels_are_one_clear_error_naming_the_step(tmp_path, text, where, says):
    with pytest.raises(ConfigError) as info:
        load_lecture(_write(tmp_path, text))
    msg = str(info.value)
    assert "\n" not in msg and "my-lecture.toml" in msg and where in msg, msg
    for part in says:
        assert part in msg, (part, msg)
    if where == "lecture":  # a top-level field: the message names no step
        assert "step" not in msg, msg


def test_the_shipped_lecture_fixes_the_colour_levels_and_compares_on_one_scale():
    lec = load_lecture(shipped_lectures()[DEFAULT_LECTURE])
    assert isinstance(lec.levels, tuple)  # fixed by default, on every step without its own
    for step in lec.steps:
        assert step.levels is not None, step.title["en"]
    by_preset = {(s.preset, tuple(sorted(s.overrides))): s for s in lec.steps}
    rnn, lstm, gru = by_preset[("vanishing", ())], by_preset[("lstm-long", ())], by_preset[("gru-long", ())]
    # the LSTM step's look says "same colour scale" as the tanh RNN's step: it is
    assert "same colour scale" in lstm.look["en"] and "色标相同" in lstm.look["zh"]
    assert rnn.levels == lstm.levels == gru.levels == lec.levels
    # clipping by value says "compare with clipping by norm": those and no clipping share theirs
    exploding = [by_preset[(name, ())] for name in ("exploding", "exploding-clip-norm", "exploding-clip-value")]
    assert "Compare with clipping by norm" in exploding[2].text["en"]
    assert len({s.levels for s in exploding}) == 1
    assert rnn.plots and rnn.plots[0] == "heatmap" and "profile" in rnn.plots
