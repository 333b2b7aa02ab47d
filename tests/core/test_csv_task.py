"""The csv task: the user's own time series, with one clear error per bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gradsim.config import ConfigError, RunConfig, load_config
from gradsim.core.tasks import load_csv_series, make_task
from gradsim.core.trainer import Trainer


def cfg(path="", **fields) -> RunConfig:
    return RunConfig(**{"task": "csv", "csv_path": str(path), "seq_len": 8, "batch_size": 4, "hidden_size": 8,
                        **fields})


def write(tmp_path, text: str, name: str = "series.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def ramp(tmp_path, n=30, header="date,a,b"):
    lines = [header] + [f"2024-01-{i:02d},{i},{10 * i}" for i in range(n)]
    return write(tmp_path, "\n".join(lines) + "\n")


def test_next_step_of_every_numeric_column(tmp_path):
    s = load_csv_series(cfg(ramp(tmp_path), csv_normalize="none"))
    assert s.input_names == ("a", "b") and s.target_names == ("a", "b") and s.skipped == ("date",)
    assert s.inputs.shape == (29, 2) and s.targets.shape == (29, 2)
    np.testing.assert_array_equal(s.targets[:, 0], s.inputs[:, 0] + 1)  # the next row


def test_a_target_column_with_horizon(tmp_path):
    s = load_csv_series(cfg(ramp(tmp_path), csv_target="b", csv_horizon=3, csv_normalize="none"))
    assert s.input_names == ("a",) and s.target_names == ("b",)
    np.testing.assert_array_equal(s.targets[:, 0], 10 * (s.inputs[:, 0] + 3))
    same_row = load_csv_series(cfg(ramp(tmp_path), csv_target="b", csv_horizon=0, csv_normalize="none"))
    np.testing.assert_array_equal(same_row.targets[:, 0], 10 * same_row.inputs[:, 0])


def test_columns_by_name_or_number_and_normalisation(tmp_path):
    p = ramp(tmp_path)
    z = load_csv_series(cfg(p, csv_columns="2", csv_target="a"))
    assert z.input_names == ("b",)
    np.testing.assert_allclose(z.inputs.mean(axis=0), 0, atol=0.1)  # whole-column statistics, last row cut
    np.testing.assert_allclose(z.inputs.std(axis=0), 1, atol=0.05)
    m = load_csv_series(cfg(p, csv_columns="a, b", csv_normalize="minmax"))
    assert m.inputs.min() == 0 and m.inputs.max() < 1 and m.targets.max() == 1


def test_no_header_and_semicolons(tmp_path):
    p = write(tmp_path, "".join(f"{i};{i * i}\n" for i in range(20)))
    s = load_csv_series(cfg(p, csv_target="1"))
    assert s.input_names == ("0",) and s.target_names == ("1",)


def test_trains_and_batches_have_the_right_shapes(tmp_path):
    c = cfg(ramp(tmp_path), csv_target="b")
    task = make_task(c, torch.float32, torch.device("cpu"))
    batch = task.sample(np.random.default_rng(0))
    assert batch.x.shape == (8, 4, 1) and batch.y.shape == (8, 4, 1)
    assert task.baseline == pytest.approx(float(task.series.targets.var()), rel=1e-9)
    trainer = Trainer(c)
    snap = trainer.step()
    assert np.isfinite(snap.loss) and snap.views["last"].shape == (1, 8)
    assert snap.target.shape == (8, 1)


def test_the_shipped_sample_and_preset():
    from gradsim.content.presets import list_presets

    preset = list_presets()["csv-sample"]
    s = load_csv_series(preset.config)
    assert s.target_names == ("demand",) and len(s.inputs) > 1000
    assert load_csv_series(cfg()).skipped == ("time",)  # empty csv_path: the sample


@pytest.mark.parametrize("text, fields, match", [
    (None, {}, r"^csv_path = '.*missing\.csv': no such file$"),
    ("date,a\n2024,1\n2025,x\n", {"csv_columns": "a"}, r"^csv_columns = 'a': column 'a' of .* is not numeric "
                                                         r"\(line 3 has 'x'\)$"),
    ("a,b\n1,2\n3,\n", {"csv_target": "b"}, r"csv_target = 'b': column 'b' .* not numeric \(line 3 has an empty cell\)"),
    ("a,b\n1,2\n3,4\n", {}, r"has 2 data rows; seq_len = 8 with csv_horizon = 1 needs at least 9"),
    ("a,b\n" + "1,2\n" * 20, {"csv_columns": "c"}, r"csv_columns = 'c': no column 'c' in .* \(columns: a, b\)"),
    ("a,b\n" + "1,2\n" * 20, {"csv_horizon": 0}, r"^csv_horizon = 0: the target a, b is also an input"),
    ("d\nmon\ntue\n", {}, r"has no numeric column"),
    ("a,b\n1,2\n3\n", {}, r"line 3 has 1 fields, the header 2"),
    ("a\n" + "1\n" * 10 + "inf\n", {"csv_target": "a"}, r"not a finite number"),
])
def test_bad_input_is_one_clear_line(tmp_path, text, fields, match):
    p = tmp_path / "missing.csv" if text is None else write(tmp_path, text)
    with pytest.raises(ConfigError, match=match) as info:
        load_csv_series(cfg(p, **fields))
    assert "\n" not in str(info.value)


def test_a_bad_csv_is_a_config_error_of_the_run(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        Trainer(cfg(tmp_path / "gone.csv"))


def test_the_fields_validate_and_round_trip(tmp_path):
    from gradsim.config import config_from_mapping, parse_value, save_config

    with pytest.raises(ConfigError, match=r"csv_normalize = 'log': must be one of zscore, minmax, none"):
        config_from_mapping({"task": "csv", "csv_normalize": "log"})
    with pytest.raises(ConfigError, match=r"csv_path = 3: must be a text"):
        config_from_mapping({"csv_path": 3})
    assert parse_value("csv_path", " my data.csv ") == "my data.csv"
    c = cfg("some/where.csv", csv_columns="a,b", csv_target="b", csv_horizon=2)
    save_config(c, tmp_path / "c.toml")
    assert load_config(tmp_path / "c.toml") == c
