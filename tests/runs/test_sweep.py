"""Sweeps (issue 12): the grid, the per-run metrics, the local pool and a real Dask
LocalCluster giving the same table bit for bit, resuming, and workers dying mid-run."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradsim.config import ConfigError
from gradsim.runs import sweep as sw

TINY = {
    "description": "tiny",
    "steps": 3,
    "seeds": 2,
    "base": {"task": "adding", "hidden_size": 4, "batch_size": 4, "init": "orthogonal", "seq_len": 5},
    "axes": {"cell": ["rnn", "gru"], "init_gain": {"log": [0.5, 2.0], "num": 3}},
}


def _grid(**changes) -> sw.Grid:
    return sw.parse_grid({**TINY, **changes})


def _key(v):
    # NaN == NaN and -0.0 != 0.0: compare floats by their exact bits
    return v.hex() if isinstance(v, float) else v


def _science(rows):
    """Rows without the columns that say where and when a run ran."""
    return [{k: _key(v) for k, v in r.items() if k not in sw.TIMING_COLUMNS} for r in rows]


@pytest.fixture(scope="module")
def pool():
    backend = sw.LocalPool(2)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def cluster():
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    # The scheduler hands a dead worker's run back at once (its own retries would hide it);
    # LocalCluster's scheduler lives in this process, so the setting applies to it.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=":0")  # any free port: 8787 may be taken
    client = distributed.Client(lc)
    yield client
    client.close()
    lc.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, pool):
    """The tiny grid run once on the local pool: the table everything else must equal."""
    out = tmp_path_factory.mktemp("ref")
    report = sw.run_sweep(_grid(), out, backend=pool)
    assert report.complete and report.ran == len(_grid()) and not report.failed
    _REFERENCE_DIR.append(out)
    return sw.read_table(out)


_REFERENCE_DIR: list = []


@pytest.fixture(scope="module")
def reference_dir(reference):
    return _REFERENCE_DIR[-1]


# ------------------------------------------------------------------ the grid
def test_axes_lists_ranges_and_rounding():
    g = sw.parse_grid({**TINY, "axes": {
        "seq_len": {"log": [10, 1000], "num": 5},
        "init_gain": {"log": [0.25, 4.0], "num": 5},
        "lr": {"lin": [0.001, 0.003], "num": 3},
        "hidden_size": {"range": [4, 12], "step": 4},
        "spectral_radius": ["none", 0.9],
        "clip": ["none", "norm"],
    }})
    axes = {a.name: a.values for a in g.axes}
    assert axes["seq_len"] == (10, 32, 100, 316, 1000)
    assert axes["init_gain"] == (0.25, 0.5, 1.0, 2.0, 4.0)
    assert axes["lr"] == (0.001, 0.002, 0.003)
    assert axes["hidden_size"] == (4, 8, 12)  # the stop is included
    assert axes["spectral_radius"] == (None, 0.9)
    assert len(g) == 5 * 5 * 3 * 3 * 2 * 2 * 2
    assert list(g.points()[0]) == ["seq_len", "init_gain", "lr", "hidden_size", "spectral_radius", "clip"]
    ids = [s.run_id for s in g.runs()]
    assert len(set(ids)) == len(ids)


def test_integer_log_range_drops_duplicates():
    g = _grid(axes={"seq_len": {"log": [1, 3], "num": 6}})
    assert g.axes[0].values == (1, 2, 3)


@pytest.mark.parametrize("changes, words", [
    ({"axes": {"colour": [1, 2]}}, "colour: unknown field"),
    ({"axes": {"seed": [0, 1]}}, "seeds = N"),
    ({"axes": {"seq_len": [5, 0]}}, "seq_len = 0"),
    ({"axes": {"tbptt": [3, 9]}}, "grid point tbptt=9"),
    ({"axes": {"lr": {"log": [0, 1], "num": 3}}}, "must be > 0"),
    ({"axes": {"cell": {"log": [1, 2], "num": 2}}}, "needs a numeric field"),
    ({"axes": {}}, "at least one axis"),
    ({"steps": 0}, "steps = 0"),
    ({"seeds": [1, -1]}, "seeds"),
    ({"colour": 1}, "unknown key 'colour'"),
    ({"metrics": {"reach_fraction": 2}}, "reach_fraction = 2"),
    ({"base": {"preset": "vanishing", "config": "x.toml"}}, "not both"),
])
def test_bad_grids_name_the_key(changes, words):
    with pytest.raises(ConfigError) as err:
        sw.parse_grid({**TINY, **changes})
    assert words in str(err.value)


def test_shipped_grid_loads_through_importlib_resources():
    assert "trainability-adding" in sw.list_grids()
    g = sw.load_grid("trainability-adding")
    names = g.axis_names
    assert {"cell", "init_gain", "seq_len"} <= set(names)
    assert g.base.task == "adding" and g.base.activation == "tanh" and g.base.init == "orthogonal"
    with pytest.raises(ConfigError, match="no such file or shipped grid"):
        sw.load_grid("no-such-grid")


# ------------------------------------------------------------------ per-run metrics
def test_reach_and_decay_of_known_profiles():
    T = 20
    d = np.arange(T)[::-1]  # distance T-1-t
    half = 0.5 ** d
    assert sw.gradient_reach(half, 0.01) == 6  # 0.5^6 = 0.016 ≥ 0.01 > 0.5^7
    assert sw.decay_rate(half) == pytest.approx(0.5, rel=1e-12)
    grow = 2.0 ** d
    assert sw.gradient_reach(grow, 0.01) == T - 1 and sw.decay_rate(grow) == pytest.approx(2.0)
    flat = np.ones(T)
    assert sw.gradient_reach(flat, 0.01) == T - 1
    under = half.copy()
    under[:5] = 0.0  # underflowed far end: dropped from the fit, counted as below
    assert sw.decay_rate(under) == pytest.approx(0.5) and sw.gradient_reach(under, 1e-30) == 14
    assert sw.gradient_reach(np.zeros(T), 0.01) == 0
    assert math.isnan(sw.decay_rate(np.zeros(T)))


def test_execute_run_is_deterministic_and_measures_the_start():
    spec = _grid().runs()[0]  # rnn, gain 0.5, seed 0
    a, b = sw.execute_run(spec), sw.execute_run(spec)
    for k in ("worker", "wall_seconds", "train_seconds"):
        a.pop(k), b.pop(k)
    assert a == b
    m = sw.run_metrics({**a, "wall_seconds": 0.0, "train_seconds": 0.0, "worker": "x"}, sw.MetricSettings())
    # orthogonal W_hh times 0.5: every singular value is 0.5, γ = 1 for tanh
    assert m["sigma_max_start"] == pytest.approx(0.5, rel=1e-5)
    assert m["gamma_sigma_start"] == pytest.approx(0.5, rel=1e-5)
    assert m["baseline"] == pytest.approx(1 / 6)
    assert m["tail_vs_baseline"] == pytest.approx(m["loss_tail"] * 6)
    assert isinstance(m["learned"], bool) and m["diverged_at"] is None
    # the reach counted by hand from the recorded profile: the steps back from T−1 that
    # ‖∂L_T/∂h_t‖ stays at or above 1 % of its value at T−1
    p = a["profile_start"]
    assert len(p) == 5 and p[-1] > 0
    reach = 0
    while reach + 1 < len(p) and p[-2 - reach] >= 0.01 * p[-1]:
        reach += 1
    assert m["reach_start"] == reach
    # and the theory behind it: ‖W_hh‖ = 0.5 and |tanh′| ≤ 1, so every step back at least
    # halves the gradient (the adding task's loss sits at T−1 only)
    assert all(p[-2 - d] <= 0.5 ** (d + 1) * p[-1] * (1 + 1e-5) for d in range(len(p) - 1))


def test_a_run_that_raises_is_an_error_record():
    spec = _grid(base={**TINY["base"], "hidden_size": 4}).runs()[0]
    bad = sw.RunSpec(spec.run_id, 0, spec.point, {**spec.config, "device": "cuda"}, 2)
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available: the run would not fail")
    rec = sw.execute_run(bad)
    assert "error" in rec and "cuda" in rec["error"]


# ------------------------------------------------------------------ execution
def test_local_pool_writes_a_tidy_table(reference, tmp_path):
    g = _grid()
    assert len(reference) == len(g)
    assert [r["run_id"] for r in reference] == [s.run_id for s in g.runs()]  # grid order
    r0 = reference[0]
    assert r0["cell"] == "rnn" and r0["init_gain"] == 0.5 and r0["seed"] == 0 and r0["point"] == 0
    assert set(sw.METRIC_COLUMNS) <= set(r0)
    gated = [r for r in reference if r["cell"] == "gru"]
    assert all(r["gamma"] is None and r["gamma_sigma_start"] is None for r in gated)


def test_csv_holds_the_parquet_values(reference, reference_dir):
    import csv

    out = reference_dir
    with open(out / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    parquet = sw.read_table(out)
    assert len(rows) == len(parquet)
    for c, p in zip(rows, parquet):
        assert float(c["loss_tail"]) == p["loss_tail"]  # repr floats read back exactly
        assert c["learned"] == ("true" if p["learned"] else "false")
        assert (c["diverged_at"] == "") == (p["diverged_at"] is None)


def test_one_worker_two_workers_and_dask_give_the_same_table(reference, cluster, tmp_path):
    one = sw.run_sweep(_grid(), tmp_path / "one", workers=1)
    assert one.complete
    dask = sw.run_sweep(_grid(), tmp_path / "dask", client=cluster)
    assert dask.complete and dask.backend.startswith("Dask")
    expected = _science(reference)
    assert _science(sw.read_table(tmp_path / "one")) == expected
    assert _science(sw.read_table(tmp_path / "dask")) == expected
    workers = {r["worker"] for r in sw.read_table(tmp_path / "dask")}
    assert len(workers) == 2  # both workers ran something


def test_rerun_skips_done_and_resumes_after_a_partial_sweep(reference, tmp_path, pool):
    out = tmp_path / "s"
    first = sw.run_sweep(_grid(), out, backend=pool, max_runs=5)
    assert first.ran == 5 and not first.complete and first.rows == 5
    done = {p.name: p.stat().st_mtime_ns for p in (out / "records").iterdir()}
    second = sw.run_sweep(_grid(), out, backend=pool)
    assert second.skipped == 5 and second.ran == len(_grid()) - 5 and second.complete
    after = {p.name: p.stat().st_mtime_ns for p in (out / "records").iterdir()}
    assert all(after[n] == t for n, t in done.items())  # the first five were not run again
    third = sw.run_sweep(_grid(), out, backend=pool)
    assert third.ran == 0 and third.skipped == len(_grid())
    assert _science(sw.read_table(out)) == _science(reference)


def test_a_grown_grid_runs_only_its_new_points(reference, tmp_path, pool):
    out = tmp_path / "s"
    small = _grid(axes={"cell": ["rnn"], "init_gain": {"log": [0.5, 2.0], "num": 3}})
    sw.run_sweep(small, out, backend=pool)
    report = sw.run_sweep(_grid(), out, backend=pool)
    assert report.skipped == len(small) and report.ran == len(_grid()) - len(small)


def test_local_worker_deaths_are_retried_and_reported(reference, tmp_path):
    g = _grid()
    once, always = g.runs()[3].run_id, g.runs()[0].run_id
    report = sw.run_sweep(g, tmp_path / "s", workers=2, retries=1, faults={once: 1, always: 99})
    # the run whose worker died once finished on its second attempt, and says so
    assert report.retried.get(once) == 2
    rows = sw.read_table(tmp_path / "s")
    assert next(r for r in rows if r["run_id"] == once)["attempts"] == 2
    # the run that kills every worker fails alone after its retries, and is not recorded
    assert set(report.failed) == {always} and "worker died (2 attempts)" in report.failed[always]
    assert report.rows == len(g) - 1 and not report.complete
    assert not (tmp_path / "s" / "records" / f"{always}.json").exists()  # a re-run tries it again
    # the runs that shared a broken pool with them were rerun one at a time and finished
    assert all(n <= 2 for n in report.retried.values())
    # a retried run computes the same numbers
    assert _science(rows) == _science([r for r in reference if r["run_id"] != always])


def test_dask_worker_death_is_retried_and_reported(reference, cluster, tmp_path):
    g = _grid()
    victim = g.runs()[2].run_id
    report = sw.run_sweep(g, tmp_path / "s", client=cluster, faults={victim: 1})
    assert report.complete and report.retried.get(victim) == 2 and not report.failed
    # a run queued on the dying worker behind the victim is handed back with it (retried once)
    assert all(n == 2 for n in report.retried.values())
    assert _science(sw.read_table(tmp_path / "s")) == _science(reference)


def test_run_folders_are_written_by_the_client(tmp_path, pool):
    g = _grid(axes={"cell": ["rnn"], "init_gain": [1.0]}, seeds=1)
    sw.run_sweep(g, tmp_path / "s", backend=pool, run_folders=True)
    folder = tmp_path / "s" / "runs" / g.runs()[0].run_id
    assert {"config.toml", "metrics.csv", "grad_steps.npz", "summary.json"} <= {p.name for p in folder.iterdir()}


# ------------------------------------------------------------------ the diagram's data
def test_phase_data_averages_seeds_per_cell(reference, tmp_path):

    g = _grid()
    axes = {a.name: list(a.values) for a in g.axes}
    pd = sw.phase_data(reference, axes, "init_gain", "cell", "reach_start")
    assert pd.values[0].shape == (2, 3) and pd.facets == [{}]
    assert int(pd.counts[0].sum()) == len(g)
    rnn = [r for r in reference if r["cell"] == "rnn" and r["init_gain"] == 1.0]
    assert pd.values[0][0, 1] == pytest.approx(np.mean([r["reach_start"] for r in rnn]))
    assert pd.gamma_sigma[0][0, 1] == pytest.approx(1.0, rel=1e-5) and np.isnan(pd.gamma_sigma[0][1, 1])
    assert len(pd.run_ids[0][0][1]) == 2
    assert "init_gain" in pd.to_csv().splitlines()[0]
    with pytest.raises(ConfigError, match="not an axis"):
        sw.phase_data(reference, axes, "lr", "cell")
    with pytest.raises(ConfigError, match="unknown"):
        sw.phase_data(reference, axes, "init_gain", "cell", "colour")


def test_presets_fall_on_the_diagram_where_their_settings_are(tmp_path, pool):
    from gradsim.runs.sweep_plot import claims, open_sweep

    g = sw.parse_grid({**TINY, "steps": 1, "seeds": 1,
                       "base": {"task": "adding", "hidden_size": 4, "batch_size": 4, "init": "orthogonal"},
                       "axes": {"cell": ["rnn", "lstm"], "init_gain": [0.5, 3.0], "seq_len": [50, 100]}})
    sw.run_sweep(g, tmp_path / "s", backend=pool)
    sweep = open_sweep(tmp_path / "s")
    found = {c["label"]: c for c in claims(sweep, sweep.phase("init_gain", "seq_len"))}
    # vanishing: tanh RNN, orthogonal, spectral radius 0.6, T = 100 (ρ = σ = gain for an orthogonal W)
    assert found["vanishing"]["x"] == 0.6 and found["vanishing"]["y"] == 100 and found["vanishing"]["panel"] == 0
    assert found["lstm-long"]["panel"] == 1
    assert not any("irnn" in k or "sigmoid" in k for k in found)  # another activation: not this diagram


def test_a_folder_without_a_sweep_is_a_clear_error(tmp_path):
    from gradsim.runs.sweep_plot import open_sweep

    with pytest.raises(ConfigError, match="not a sweep folder"):
        open_sweep(tmp_path)


# ------------------------------------------------------------------ hostile grids and folders
_METRIC_NAMES = ", ".join(sw.PLOT_METRICS)


@pytest.mark.parametrize("changes, line", [
    ({"metrics": {"colour": 1}}, "[metrics]: unknown key 'colour' (known: reach_fraction, learned_below, tail)"),
    ({"metrics": 5}, "metrics = 5: must be a table ([metrics])"),
    ({"metrics": {"tail": float("nan")}}, "[metrics] tail = nan: must be a number > 0 and ≤ 1"),
    ({"base": "vanishing"}, "base = 'vanishing': must be a table ([base])"),
    ({"base": {"config": 5}}, "[base] config = 5: must be a name (a non-empty string)"),
    ({"base": {"preset": ""}}, "[base] preset = '': must be a name (a non-empty string)"),
    ({"base": {**TINY["base"], "lr": "fast"}}, "[base]: lr = 'fast': must be a number > 0 and ≤ 10 (learning rate)"),
    ({"plot": {"title": "x"}}, "[plot]: unknown key 'title' (known: metric, x, y)"),
    ({"plot": {"x": "lr"}}, "[plot] x = 'lr': not an axis of this grid (axes: cell, init_gain)"),
    ({"plot": {"y": 3}}, "[plot] y = 3: not an axis of this grid (axes: cell, init_gain)"),
    ({"plot": {"metric": "colour"}}, f"[plot] metric = 'colour': unknown (known: {_METRIC_NAMES})"),
    ({"plot": {"metric": ["learned"]}}, f"[plot] metric = ['learned']: unknown (known: {_METRIC_NAMES})"),
    ({"plot": []}, "plot = []: must be a table ([plot])"),
    ({"axes": {"lr": []}}, "[axes] lr: no values"),
    ({"axes": {"lr": {"range": [1, 0], "step": 0.1}}}, "[axes] lr: no values"),
    ({"axes": "lr"}, "axes = 'lr': must be a table ([axes])"),
    ({"axes": {"lr": 0.1}}, "[axes] lr = 0.1: give a list of values or a range table"),
    ({"axes": {"lr": {"lin": [0.001, 0.01], "num": 10**9}}},
     "[axes] lr: the range has 1000000000 values, more than 10000"),
    ({"axes": {"lr": {"range": [0.0, 1.0], "step": 1e-9}}},
     "[axes] lr: the range has 1000000001 values, more than 10000"),
    ({"axes": {"lr": {"range": [0, float("inf")], "step": 1}}},
     "[axes] lr: range = [0, inf]: both ends must be finite numbers"),
    ({"axes": {"lr": {"log": [float("nan"), 1], "num": 3}}},
     "[axes] lr: log = [nan, 1]: both ends must be finite numbers"),
    ({"axes": {"lr": {"lin": [1], "num": 3}}}, "[axes] lr: lin = [1]: must be two numbers [a, b]"),
    ({"axes": {"lr": {"lin": ["a", "b"], "num": 3}}}, "[axes] lr: lin = ['a', 'b']: must be two numbers [a, b]"),
    ({"axes": {"lr": {"lin": [0.1, 1], "num": True}}}, "[axes] lr: num = True: must be an integer ≥ 1"),
    ({"axes": {"lr": {"range": [0, 1], "step": "x"}}}, "[axes] lr: step = 'x': must be > 0"),
    ({"axes": {"lr": {"range": [0, 1], "step": float("inf")}}}, "[axes] lr: step = inf: must be > 0"),
    ({"axes": {"lr": {"lin": [0, 1]}}}, "[axes] lr: a range is { log = [a, b], num = n }, { lin = [a, b], num = n } "
                                        "or { range = [a, b], step = s }; got keys ['lin']"),
    ({"axes": {"lr": [0.001] * 10_001}}, "[axes] lr: 10001 values, more than 10000"),
    ({"axes": {"lr": {"lin": [0.001, 0.01], "num": 1000}, "hidden_size": {"range": [1, 1000], "step": 1}}},
     "the grid has 2000000 runs (points × seeds), more than 100000"),
    ({"seeds": 10**12}, "seeds = 1000000000000: must be an integer from 1 to 100000 or a list of seeds"),
    ({"steps": 10**12}, "steps = 1000000000000: must be an integer from 1 to 10000000"),
    ({"steps": "many"}, "steps = 'many': must be an integer from 1 to 10000000"),
    ({"colour": 1, "size": 2}, "unknown keys 'colour', 'size' (known: axes, base, description, …"),
    ({"axes": {"tbptt": [3, 9]}}, "grid point tbptt=9, seed=0: tbptt = 9: must be 0 or between 1 and seq_len (5)"),
])
def test_hostile_grids_are_one_structured_line(changes, line):
    with pytest.raises(ConfigError) as err:
        sw.parse_grid({**TINY, **changes})
    # "…": the rest of the line lists what the grid knows (which grows with the format)
    assert str(err.value).startswith(line[:-1]) if line.endswith("…") else str(err.value) == line
    (msg,) = err.value.messages
    # a template and its arguments, never an f-string: the app translates the template
    assert "%1" in msg.template or not msg.args
    assert msg.render() == str(err.value)


def test_huge_integer_range_ends_are_refused_not_expanded():
    with pytest.raises(ConfigError) as err:
        sw.parse_grid({**TINY, "axes": {"seq_len": {"range": [1, 10**400], "step": 1}}})
    text = str(err.value)
    assert text.startswith("[axes] seq_len: range = [1, 1000") and text.endswith(": both ends must be finite numbers")


def test_a_bad_point_keeps_the_field_error_as_data():
    with pytest.raises(ConfigError) as err:
        sw.parse_grid({**TINY, "axes": {"tbptt": [3, 9]}})
    inner = err.value.messages[0].args[-1]
    assert isinstance(inner, ConfigError) and inner.field == "tbptt"


@pytest.fixture
def grid_path(tmp_path):
    return tmp_path / "grid.toml"


@pytest.mark.parametrize("content, line", [
    (b"steps = = 1\n", "grid file '{p}' is not valid TOML: "),
    (b"\xff\xfe\x00binary", "grid file '{p}' is not valid TOML: "),
    (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n",
     "grid file '{p}' is not valid TOML: arrays or tables nested too deeply"),
    (b"steps = 1" + b"0" * 5000 + b"\n", "grid file '{p}' is not valid TOML: an integer with too many digits"),
    (b"#" * ((1 << 20) + 1), "cannot read grid file '{p}': larger than 1 MiB"),
    (b'steps = 3\n[axes]\ncell = ["rnn"]\n[plot]\ntitle = "x"\n',
     "grid file '{p}': [plot]: unknown key 'title' (known: metric, x, y)"),
    (b'[base]\nconfig = "/dev/zero"\n[axes]\ncell = ["rnn"]\n',  # the base config is read as --config is
     "grid file '{p}': cannot read config file '/dev/zero': not a regular file"),
])
def test_hostile_grid_files_are_one_line(grid_path, content, line):
    grid_path.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        sw.load_grid(grid_path)
    expected = line.replace("{p}", str(grid_path))
    text = str(err.value)
    assert "\n" not in text
    assert text == expected if not expected.endswith(": ") else text.startswith(expected)


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_grid_that_is_not_a_regular_file_is_refused_at_once(grid_path, kind):
    import os

    if kind == "fifo":
        os.mkfifo(grid_path)  # no writer: a blocking open would wait forever
    elif kind == "folder":
        grid_path.mkdir()
    else:
        grid_path = "/dev/zero"
    reason = "is a folder" if kind == "folder" else "not a regular file"
    with pytest.raises(ConfigError, match=rf"^cannot read grid file '{grid_path}': {reason}$"):
        sw.load_grid(grid_path)


def _manifest_folder(tmp_path):
    out = tmp_path / "s"
    sw.ResultStore(out).write_manifest(_grid(), complete=False)
    return out


def _edit_manifest(folder, edit):
    import json

    path = folder / "sweep.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("case, line", [
    ("missing", "sweep folder '{d}': no such folder"),
    ("a file", "'{d}' is not a folder (a sweep folder is written by `gradsim sweep`)"),
    ("no manifest", "'{d}' is not a sweep folder (no sweep.json; make one with `gradsim sweep`)"),
    ("manifest fifo", "cannot read sweep manifest '{d}/sweep.json': not a regular file"),
    ("manifest folder", "cannot read sweep manifest '{d}/sweep.json': is a folder"),
    ("not json", "sweep manifest '{d}/sweep.json' is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    ("deep json", "sweep manifest '{d}/sweep.json' is not valid JSON: arrays or objects nested too deeply"),
    ("a list", "sweep manifest '{d}/sweep.json': sweep.json is missing or malformed"),
    ("no axes", "sweep manifest '{d}/sweep.json': axes is missing or malformed"),
    ("an empty axis", "sweep manifest '{d}/sweep.json': axes is missing or malformed"),
    ("no metrics", "sweep manifest '{d}/sweep.json': metrics is missing or malformed"),
    ("one axis", "sweep '{d}': a phase diagram needs two axes, this sweep has 1"),
    ("table fifo", "cannot read sweep table '{d}/results.parquet': not a regular file"),
    ("table garbage", "cannot read sweep table '{d}/results.parquet': "),
])
def test_hostile_sweep_folders_are_one_line(tmp_path, case, line):
    import os

    from gradsim.runs.sweep_plot import open_sweep

    d = _manifest_folder(tmp_path)
    manifest = d / "sweep.json"
    if case == "missing":
        d = tmp_path / "nothing-here"
    elif case == "a file":
        d = manifest
    elif case == "no manifest":
        manifest.unlink()
    elif case in ("manifest fifo", "manifest folder"):
        manifest.unlink()
        os.mkfifo(manifest) if case == "manifest fifo" else manifest.mkdir()
    elif case == "not json":
        manifest.write_text("")
    elif case == "deep json":
        manifest.write_text("[" * 200_000 + "]" * 200_000)
    elif case == "a list":
        manifest.write_text("[]")
    elif case == "no axes":
        _edit_manifest(d, lambda m: m.pop("axes"))
    elif case == "an empty axis":
        _edit_manifest(d, lambda m: m["axes"].update(cell=[]))
    elif case == "no metrics":
        _edit_manifest(d, lambda m: m.pop("metrics"))
    elif case == "one axis":
        _edit_manifest(d, lambda m: m["axes"].pop("cell"))
    elif case == "table fifo":
        os.mkfifo(d / "results.parquet")
    elif case == "table garbage":
        (d / "results.parquet").write_bytes(b"PAR1 not really")
    expected = line.replace("{d}", str(d))
    with pytest.raises(ConfigError) as err:
        open_sweep(d)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(expected) if expected.endswith(": ") else text == expected
