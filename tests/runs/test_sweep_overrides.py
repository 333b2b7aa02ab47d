"""The grid's [overrides] table: fields set wherever an axis takes a value."""

from __future__ import annotations

import pytest

from gradsim.config import ConfigError
from gradsim.runs import sweep as sw


def grid(overrides, axes=None):
    return sw.parse_grid({
        "steps": 2, "seeds": 2,
        "base": {"task": "adding", "hidden_size": 4, "seq_len": 5, "lr": 0.05},
        "axes": axes or {"cell": ["rnn", "lstm", "gru"], "init_gain": [0.5, 2.0]},
        "overrides": overrides,
    })


def test_an_override_applies_exactly_where_its_axis_takes_the_value():
    g = grid({"cell=lstm": {"lr": 0.1, "forget_bias": 1.0}, "init_gain=2": {"batch_size": 8}})
    runs = g.runs()
    assert len(runs) == 12
    for r in runs:
        c = r.config
        assert c["lr"] == (0.1 if c["cell"] == "lstm" else 0.05)
        assert c["forget_bias"] == (1.0 if c["cell"] == "lstm" else 0.0)
        assert c["batch_size"] == (8 if c["init_gain"] == 2.0 else 32)
    # the override is part of each run's identity: the same point without it is another run
    plain = grid({}).runs()
    changed = {r.run_id for r in runs} ^ {r.run_id for r in plain}
    assert len(changed) == 2 * 8  # 8 of 12 runs differ: rnn and gru at gain 0.5 (2 points × 2 seeds) do not


def test_overrides_reach_the_manifest_and_the_regenerated_grid_file(tmp_path):
    import json
    import tomllib

    g = grid({"cell=gru": {"lr": 0.2}})
    store = sw.ResultStore(tmp_path)
    store.write_manifest(g)
    assert json.loads((tmp_path / "sweep.json").read_text())["overrides"] == [
        {"axis": "cell", "value": "gru", "fields": {"lr": 0.2}}]
    again = sw.parse_grid(tomllib.loads(sw._grid_toml(g)))
    assert [r.config for r in again.runs()] == [r.config for r in g.runs()]


@pytest.mark.parametrize("overrides, needle", [
    ({"cell": {"lr": 0.1}}, "name an axis and one of its values"),
    ({"hidden_size=4": {"lr": 0.1}}, "name an axis and one of its values"),
    ({"cell=transformer": {"lr": 0.1}}, "transformer is not a value of axis cell"),
    ({"init_gain=3": {"lr": 0.1}}, "3 is not a value of axis init_gain"),
    ({"cell=lstm": {}}, "must be a table of fields"),
    ({"cell=lstm": 0.1}, "must be a table of fields"),
    ({"cell=lstm": {"learning_rate": 0.1}}, "learning_rate: unknown field"),
    ({"cell=lstm": {"init_gain": 1.0}}, "init_gain is an axis or the seed"),
    ({"cell=lstm": {"seed": 3}}, "seed is an axis or the seed"),
    ({"cell=lstm": {"lr": -1}}, "lr"),
])
def test_a_bad_override_is_one_line_naming_it(overrides, needle):
    with pytest.raises(ConfigError) as e:
        grid(overrides)
    text = str(e.value)
    assert needle in text and "\n" not in text
    if "lr" == needle:  # a value the field refuses names the grid point
        assert "grid point" in text and "cell='lstm'" in text


def test_the_shipped_grid_gives_each_cell_its_learning_rate():
    g = sw.load_grid("trainability-adding")
    seen = {(r.config["cell"], r.config["lr"], r.config["forget_bias"]) for r in g.runs()}
    assert seen == {("rnn", 0.05, 0.0), ("lstm", 0.1, 1.0), ("gru", 0.1, 0.0)}
