"""Sweeps: a grid of runs over config fields, on a local process pool or a Dask cluster.

A sweep answers "for which settings does the network still learn, and how far back does
its gradient reach?" with one run per grid point and seed, each through THE run procedure
(:func:`gradsim.runs.procedure.train`), and one tidy table of per-run measurements.

The grid file (TOML)
--------------------
::

    description = "tanh RNN vs LSTM/GRU on the adding problem"
    steps = 1500                  # training iterations per run
    seeds = 2                     # seeds 0 and 1 per point (or a list: seeds = [0, 7])

    [base]                        # the config every point starts from
    preset = "vanishing"          # or config = "my.toml" (relative to the grid file); neither: defaults
    hidden_size = 32              # any other key overrides that field
    lr = 0.01

    [axes]                        # the product of these is the grid, in this order
    cell = ["rnn", "lstm", "gru"]                 # a list of values
    init_gain = { log = [0.25, 4.0], num = 9 }     # geometric: 0.25 … 4, 9 values
    seq_len = { log = [10, 200], num = 6 }         # integer fields are rounded, duplicates dropped
    lr = { lin = [0.001, 0.01], num = 4 }          # evenly spaced
    hidden_size = { range = [16, 64], step = 16 }  # 16, 32, 48, 64 (the stop is included)

    [overrides]                   # optional: fields set wherever an axis takes a value
    "cell=lstm" = { lr = 0.1, forget_bias = 1.0 }  # each cell at its own learning rate
    "cell=gru" = { lr = 0.1 }                      # (an axis value always wins; seeds come from `seeds`)

    [metrics]                     # optional; these are the defaults
    reach_fraction = 0.01         # the `last` view's reach: steps back it stays ≥ 1 % of its value at T−1
    learned_below = 0.5           # learned: mean loss of the last 10 % of steps ≤ 0.5 × the task's baseline
    tail = 0.1

    [plot]                        # optional defaults of `gradsim sweep-plot`
    x = "init_gain"
    y = "seq_len"
    metric = "learned"

Float values from ``log`` / ``lin`` ranges are rounded to 6 significant digits, so a table
shows ``1`` and not ``0.9999999999999998``. Every point's config is validated before
anything runs; a bad one is a :class:`~gradsim.config.ConfigError` naming the point. An
axis has at most :data:`MAX_AXIS_VALUES` values and a grid at most :data:`MAX_GRID_RUNS`
runs; the file is read as :func:`gradsim.config.read_toml` reads a config (a regular file
of at most 1 MiB). Every error is one structured message (:mod:`gradsim.errors`) naming
the file and the key, which the app translates.

The sweep folder
----------------
``grid.toml``
    the grid as given
``sweep.json``
    axes and their values, seeds, steps, criteria, counts, backend, versions
``records/<run_id>.json``
    one per finished run, written atomically when the run comes back: the commit mark
    that makes a sweep resumable (``run_id`` hashes the run's full config and steps)
``runs/<run_id>/``
    with ``run_folders``: each run's usual files (config.toml, metrics.csv,
    grad_steps.npz, summary.json; no figures)
``results.parquet``, ``results.csv``
    the tidy table, one row per run in grid order (see :data:`METRIC_COLUMNS`), rebuilt
    from the records at the end of every invocation, interrupted or not

Execution
---------
:func:`run_sweep` hands :func:`execute_run` to a backend: :class:`LocalPool` (a
``ProcessPoolExecutor`` of spawned processes, one per core by default) or
:class:`DaskBackend` (a ``distributed.Client`` on ``tcp://HOST:PORT`` or a scheduler
file). Both go through the same scheduling loop, so a grid written on a laptop runs
unchanged on a cluster, and every run's numbers are the same bit for bit: each run is
seeded by its config and trains on one torch thread wherever it lands.

A worker that dies mid-run (a crash, the OOM killer) loses only the runs it held; they
are retried (``retries`` times) and their ``attempts`` are in the table. A local pool
breaks as a whole when one process dies, so the runs in flight are retried one at a
time until the culprit is known; a Dask scheduler hands back only the dead worker's
run. (A Dask scheduler first retries on its own up to its
``distributed.scheduler.allowed-failures``; those retries are invisible here.) A run
that diverges is a result. A run that raises (e.g. ``device = "cuda"`` on a CPU worker)
is reported with its error and not recorded, so a re-run tries it again.

Example
-------
>>> from gradsim.runs.sweep import load_grid, run_sweep        # doctest: +SKIP
>>> grid = load_grid("trainability-adding")                     # a shipped grid, or a path
>>> report = run_sweep(grid, "sweeps/adding")                  # local pool, one process per core
>>> report = run_sweep(grid, "sweeps/adding", scheduler="tcp://10.0.0.5:8786")   # a Dask cluster
"""

from __future__ import annotations

import collections
import csv
import hashlib
import io
import itertools
import json
import math
import os
import socket
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from gradsim.config import ConfigError, RunConfig, config_from_mapping, field_specs, parse_value, read_toml
from gradsim.errors import Message, Reason
from gradsim.fileio import atomic_write_bytes, atomic_write_text

__all__ = [
    "GRID_SUFFIX",
    "METRIC_COLUMNS",
    "PLOT_METRICS",
    "TIMING_COLUMNS",
    "Axis",
    "DaskBackend",
    "Grid",
    "LocalPool",
    "MetricSettings",
    "PhaseData",
    "ResultStore",
    "RunSpec",
    "SweepReport",
    "config_for_row",
    "decay_rate",
    "default_workers",
    "execute_run",
    "gradient_reach",
    "list_grids",
    "load_grid",
    "parse_grid",
    "phase_data",
    "read_table",
    "run_metrics",
    "run_sweep",
]

GRID_SUFFIX = ".toml"
#: The most values one axis may have, and the most runs (points × seeds) a grid may have:
#: a range such as ``{ range = [0, 1e9], step = 1e-9 }`` is refused, not expanded.
MAX_AXIS_VALUES = 10_000
MAX_GRID_RUNS = 100_000
#: Bumped when a record's content changes meaning; part of every run_id.
RECORD_SCHEMA = 1

#: Measurements of every row, after the config's fields. Types for the Parquet schema.
METRIC_COLUMNS: dict[str, str] = {
    "baseline": "float64",           # the task's trivial-baseline loss (adding: 1/6)
    "loss_final": "float64",         # loss of the last iteration
    "loss_tail": "float64",          # mean finite loss over the last `tail` fraction of iterations
    "loss_best": "float64",          # lowest finite loss of any iteration
    "tail_vs_baseline": "float64",   # loss_tail / baseline
    "best_vs_baseline": "float64",   # loss_best / baseline
    "learned": "bool",               # tail_vs_baseline ≤ learned_below
    "reach_start": "int64",          # steps back the `last` view stays ≥ reach_fraction × its value at T−1, iteration 0
    "reach_end": "int64",            # the same at the last iteration
    "decay_start": "float64",        # measured per-step factor of ‖∂L_T/∂h_t‖ going back, iteration 0 (< 1 vanishes)
    "decay_end": "float64",          # the same at the last iteration
    "rho_start": "float64",          # spectral radius of W_hh before the first update
    "sigma_max_start": "float64",    # its largest singular value
    "rho_end": "float64",            # at the last spectrum measurement (spectrum_step_end)
    "sigma_max_end": "float64",
    "spectrum_step_end": "int64",
    "gamma": "float64",              # sup |f'| of the plain cell's activation; null for lstm/gru
    "gamma_sigma_start": "float64",  # γσ_max at the start: < 1 vanishing guaranteed, 1 the critical line
    "diverged_at": "int64",          # first iteration with a non-finite loss or gradient; null if none
    "wall_seconds": "float64",       # the whole run in its worker (model, data, training)
    "train_seconds": "float64",      # the training loop alone
    "attempts": "int64",             # 1, or more when a worker died and the run was retried
    "worker": "string",              # host:pid that ran it
}
#: Columns that depend on where and when a run ran, not on what it computed: a table
#: from the local pool and one from a Dask cluster are equal bit for bit without them.
TIMING_COLUMNS = ("wall_seconds", "train_seconds", "attempts", "worker")
#: Metrics a phase diagram can colour by, with their meaning (the legend's words).
PLOT_METRICS: dict[str, str] = {
    "learned": "fraction of seeds that learned",
    "tail_vs_baseline": "final loss / baseline",
    "best_vs_baseline": "best loss / baseline",
    "reach_start": "gradient reach at start (steps)",
    "reach_end": "gradient reach at end (steps)",
    "decay_start": "measured decay per step at start",
    "decay_end": "measured decay per step at end",
    "gamma_sigma_start": "γσ_max at start",
    "rho_end": "ρ(W_hh) at end",
    "sigma_max_end": "σ_max(W_hh) at end",
    "diverged": "fraction of seeds that diverged",
}


# --------------------------------------------------------------------------- the grid
@dataclass(frozen=True)
class MetricSettings:
    """The stated criteria. ``reach_fraction``: the `last` view's reach counts the steps back
    it stays at or above this fraction of its value at T−1. ``learned_below``: a run learned
    when the mean loss of its last ``tail`` fraction of iterations is at most this times the
    task's baseline."""

    reach_fraction: float = 0.01
    learned_below: float = 0.5
    tail: float = 0.1

    def __post_init__(self) -> None:
        for name in ("reach_fraction", "learned_below", "tail"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 < v <= 1) or not math.isfinite(v):
                raise ConfigError(Message("[metrics] %1 = %2: must be a number > 0 and ≤ 1", (name, repr(v))))


@dataclass(frozen=True)
class Axis:
    """One grid axis: a config field and its values, in order."""

    name: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Override:
    """Fields set wherever axis ``axis`` takes ``value`` (the grid's ``[overrides]`` table)."""

    axis: str
    value: Any
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run, as plain picklable data."""

    run_id: str
    index: int                      # position in grid order (point-major, seed-minor)
    point: tuple[tuple[str, Any], ...]  # the axis values of this run's grid point
    config: dict[str, Any]          # every RunConfig field
    steps: int
    run_folder: bool = False
    fault: int = 0                  # test hook: the worker process dies on attempts ≤ fault


@dataclass(frozen=True)
class Grid:
    """A parsed grid: base config, axes, seeds, steps, criteria and plot defaults."""

    base: RunConfig
    axes: tuple[Axis, ...]
    seeds: tuple[int, ...]
    steps: int
    metrics: MetricSettings = field(default_factory=MetricSettings)
    description: str = ""
    plot: Mapping[str, str] = field(default_factory=dict)
    source: str = ""                # the grid file's text (copied into the sweep folder)
    name: str = ""
    overrides: tuple[Override, ...] = ()   # fields set wherever an axis takes a value ([overrides])

    @property
    def axis_names(self) -> list[str]:
        return [a.name for a in self.axes]

    def points(self) -> list[dict[str, Any]]:
        """Every grid point (axis values), in grid order: the last axis varies fastest."""
        names = self.axis_names
        return [dict(zip(names, combo)) for combo in itertools.product(*(a.values for a in self.axes))]

    def runs(self, *, run_folders: bool = False) -> list[RunSpec]:
        """One :class:`RunSpec` per point and seed; raises ConfigError naming a bad point."""
        specs = []
        for point in self.points():
            for seed in self.seeds:
                extra: dict[str, Any] = {}
                for o in self.overrides:
                    if point.get(o.axis) == o.value:
                        extra.update(o.fields)
                try:
                    cfg = self.base.replace(**{**extra, **point}, seed=seed)
                except ConfigError as err:
                    where = ", ".join(f"{k}={v!r}" for k, v in point.items())
                    raise ConfigError(Message("grid point %1, seed=%2: %3", (where, str(seed), err))
                                      ) from None
                d = cfg.to_dict()
                specs.append(RunSpec(run_id(d, self.steps), len(specs), tuple(point.items()), d, self.steps,
                                     run_folder=run_folders))
        return specs

    def __len__(self) -> int:
        return math.prod(len(a.values) for a in self.axes) * len(self.seeds)


def run_id(config: Mapping[str, Any], steps: int) -> str:
    """A run's identity: its full config and step count (and the record schema), hashed."""
    text = json.dumps({"config": dict(config), "steps": steps, "schema": RECORD_SCHEMA}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _round6(v: float) -> float:
    return float(f"{v:.6g}")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _range_ends(name: str, kind: str, ends: Any) -> tuple[float, float]:
    """The two finite numeric ends of a range (``log = [a, b]``); raises ConfigError."""
    if not (isinstance(ends, list) and len(ends) == 2 and all(_is_number(e) for e in ends)):
        raise ConfigError(Message("[axes] %1: %2 = %3: must be two numbers [a, b]", (name, kind, repr(ends))))
    try:
        if not all(math.isfinite(e) for e in ends):
            raise OverflowError
    except OverflowError:  # inf, nan, or an integer beyond a float
        raise ConfigError(Message("[axes] %1: %2 = %3: both ends must be finite numbers",
                                  (name, kind, repr(ends)))) from None
    return ends[0], ends[1]


def _too_many(name: str, count: float) -> ConfigError:
    shown = f"{count:.0f}" if count < 1e15 else f"{count:.3g}"
    return ConfigError(Message("[axes] %1: the range has %2 values, more than %3", (name, shown,
                                                                                   str(MAX_AXIS_VALUES))))


def _axis_values(name: str, raw: Any) -> tuple[Any, ...]:
    specs = field_specs()
    if name not in specs:
        raise ConfigError(Message("[axes] %1: unknown field (known: %2)", (name, ", ".join(specs))))
    if name == "seed":
        raise ConfigError("[axes] seed: give the seeds with `seeds = N` or `seeds = [...]` at the top level")
    spec = specs[name]
    if isinstance(raw, list):
        if len(raw) > MAX_AXIS_VALUES:
            raise ConfigError(Message("[axes] %1: %2 values, more than %3", (name, str(len(raw)),
                                                                           str(MAX_AXIS_VALUES))))
        values = list(raw)
    elif isinstance(raw, dict):
        keys = set(raw)
        if spec.kind not in ("int", "float"):
            raise ConfigError(Message("[axes] %1: a range needs a numeric field; give a list of values", (name,)))
        if keys == {"log", "num"} or keys == {"lin", "num"}:
            kind = "log" if "log" in keys else "lin"
            lo, hi = _range_ends(name, kind, raw[kind])
            num = raw["num"]
            if isinstance(num, bool) or not isinstance(num, int) or num < 1:
                raise ConfigError(Message("[axes] %1: num = %2: must be an integer ≥ 1", (name, repr(num))))
            if num > MAX_AXIS_VALUES:
                raise _too_many(name, num)
            if kind == "log" and not (lo > 0 and hi > 0):
                raise ConfigError(Message("[axes] %1: log = [%2, %3]: both ends must be > 0", (name, str(lo), str(hi))))
            arr = np.geomspace(lo, hi, num) if kind == "log" else np.linspace(lo, hi, num)
            values = [float(v) for v in arr]
        elif keys == {"range", "step"}:
            lo, hi = _range_ends(name, "range", raw["range"])
            step = raw["step"]
            if not _is_number(step) or not math.isfinite(step) or not step > 0:
                raise ConfigError(Message("[axes] %1: step = %2: must be > 0", (name, repr(step))))
            count = (hi - lo) / step + 1
            if count > MAX_AXIS_VALUES:
                raise _too_many(name, count)
            n = math.floor((hi - lo) / step + 1e-9) + 1
            values = [lo + i * step for i in range(max(n, 0))]
        else:
            raise ConfigError(Message("[axes] %1: a range is { log = [a, b], num = n }, { lin = [a, b], num = n } "
                                      "or { range = [a, b], step = s }; got keys %2", (name, str(sorted(keys)))))
        if spec.kind == "int":
            values = [round(v) for v in values]
        else:
            values = [_round6(v) for v in values]
    else:
        raise ConfigError(Message("[axes] %1 = %2: give a list of values or a range table", (name, repr(raw))))
    out: list[Any] = []
    for v in values:
        if isinstance(v, str) and spec.kind != "choice":
            v = parse_value(name, v)  # e.g. spectral_radius = ["none", 0.9]
        if v not in out:
            out.append(v)
    if not out:
        raise ConfigError(Message("[axes] %1: no values", (name,)))
    return tuple(out)


def parse_grid(data: Mapping[str, Any], *, base_dir: Path | None = None, source: str = "", name: str = "") -> Grid:
    """A :class:`Grid` from a parsed grid file; raises ConfigError naming the key."""
    from gradsim.config import load_config
    from gradsim.content.presets import load_preset

    data = dict(data)
    known = {"description", "steps", "seeds", "base", "axes", "overrides", "metrics", "plot"}
    unknown = sorted(set(data) - known)
    if unknown:
        if len(unknown) == 1:
            raise ConfigError(Message("unknown key %1 (known: %2)", (repr(unknown[0]), ", ".join(sorted(known)))))
        raise ConfigError(Message("unknown keys %1 (known: %2)", (", ".join(map(repr, unknown)),
                                                                 ", ".join(sorted(known)))))
    for table in ("base", "axes", "overrides", "metrics", "plot"):
        if table in data and not isinstance(data[table], dict):
            raise ConfigError(Message("%1 = %2: must be a table ([%1])", (table, repr(data[table]))))
    base_raw = dict(data.get("base", {}))
    preset, config = base_raw.pop("preset", None), base_raw.pop("config", None)
    if preset is not None and config is not None:
        raise ConfigError("[base]: give preset or config, not both")
    for key, value in (("preset", preset), ("config", config)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(Message("[base] %1 = %2: must be a name (a non-empty string)", (key, repr(value))))
    if config is not None:
        path = Path(config)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        base = load_config(path)
    elif preset is not None:
        base = load_preset(str(preset))
    else:
        base = RunConfig()
    if "seed" in base_raw:
        raise ConfigError("[base] seed: give the seeds with `seeds = N` or `seeds = [...]` at the top level")
    try:
        base = base.replace(**base_raw) if base_raw else base
    except ConfigError as err:
        raise err.within("[base]: %1") from None
    from gradsim.runs.procedure import MAX_STEPS

    steps = data.get("steps", 300)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ConfigError(Message("steps = %1: must be an integer from 1 to %2", (repr(steps), str(MAX_STEPS))))
    seeds_raw = data.get("seeds", 1)
    if isinstance(seeds_raw, int) and not isinstance(seeds_raw, bool):
        if not 1 <= seeds_raw <= MAX_GRID_RUNS:
            raise ConfigError(Message("seeds = %1: must be an integer from 1 to %2 or a list of seeds",
                                      (repr(seeds_raw), str(MAX_GRID_RUNS))))
        seeds = tuple(range(seeds_raw))
    elif isinstance(seeds_raw, list) and 0 < len(seeds_raw) <= MAX_GRID_RUNS and all(
            isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= 2**32 - 1 for s in seeds_raw):
        seeds = tuple(dict.fromkeys(seeds_raw))
    else:
        shown = repr(seeds_raw) if len(repr(seeds_raw)) <= 80 else repr(seeds_raw)[:77] + "..."
        raise ConfigError(Message("seeds = %1: must be an integer ≥ 1 or a list of seeds (integers from 0 to %2)",
                                  (shown, str(2**32 - 1))))
    axes_raw = data.get("axes", {})
    if not axes_raw:
        raise ConfigError("[axes]: give at least one axis, e.g. init_gain = { log = [0.25, 4.0], num = 9 }")
    axes = tuple(Axis(k, _axis_values(k, v)) for k, v in axes_raw.items())
    runs = math.prod(len(a.values) for a in axes) * len(seeds)
    if runs > MAX_GRID_RUNS:
        raise ConfigError(Message("the grid has %1 runs (points × seeds), more than %2", (str(runs),
                                                                                        str(MAX_GRID_RUNS))))
    m = data.get("metrics", {})
    bad = sorted(set(m) - {"reach_fraction", "learned_below", "tail"})
    if bad:
        raise ConfigError(Message("[metrics]: unknown key %1 (known: reach_fraction, learned_below, tail)",
                                  (repr(bad[0]),)))
    metrics = MetricSettings(**m)
    plot = _plot_defaults(data.get("plot", {}), [a.name for a in axes])
    overrides = _overrides(data.get("overrides", {}), axes)
    grid = Grid(base, axes, seeds, steps, metrics, str(data.get("description", "")), plot, source, name, overrides)
    grid.runs()  # every point must be a valid config before anything runs
    return grid


def _overrides(raw: Mapping[str, Any], axes: Sequence[Axis]) -> tuple[Override, ...]:
    """The grid's [overrides] table: ``"AXIS=VALUE" = { field = value, ... }``, checked.

    The value must be one of the axis's values and the fields known config fields that are
    not axes themselves (a point's axis values always win; seeds come from ``seeds``).
    """
    by_name = {a.name: a for a in axes}
    specs = field_specs()
    out = []
    for key, fields in raw.items():
        axis, sep, text = str(key).partition("=")
        axis, text = axis.strip(), text.strip()
        if not sep or axis not in by_name:
            raise ConfigError(Message("[overrides] %1: name an axis and one of its values, e.g. \"cell=lstm\" "
                                      "(axes: %2)", (repr(key), ", ".join(by_name))))
        values = by_name[axis].values
        value = next((v for v in values if str(v) == text), None)
        if value is None:
            try:
                parsed = parse_value(axis, text)
            except ConfigError:
                parsed = None
            value = next((v for v in values if parsed is not None and v == parsed), None)
        if value is None:
            raise ConfigError(Message("[overrides] %1: %2 is not a value of axis %3 (values: %4)",
                                      (repr(key), text, axis, ", ".join(map(str, values)))))
        if not isinstance(fields, dict) or not fields:
            raise ConfigError(Message("[overrides] %1 = %2: must be a table of fields, e.g. { lr = 0.1 }",
                                      (repr(key), repr(fields))))
        for name in fields:
            if name not in specs:
                raise ConfigError(Message("[overrides] %1: %2: unknown field (known: %3)",
                                          (repr(key), name, ", ".join(specs))))
            if name in by_name or name == "seed":
                raise ConfigError(Message("[overrides] %1: %2 is an axis or the seed; an override sets other "
                                          "fields", (repr(key), name)))
        out.append(Override(axis, value, dict(fields)))
    return tuple(out)


def _plot_defaults(raw: Mapping[str, Any], axes: Sequence[str]) -> dict[str, str]:
    """The grid's [plot] table, checked: x and y name axes, metric a :data:`PLOT_METRICS` key."""
    bad = sorted(set(raw) - {"x", "y", "metric"})
    if bad:
        raise ConfigError(Message("[plot]: unknown key %1 (known: metric, x, y)", (repr(bad[0]),)))
    for key in ("x", "y"):
        if key in raw and (not isinstance(raw[key], str) or raw[key] not in axes):
            raise ConfigError(Message("[plot] %1 = %2: not an axis of this grid (axes: %3)",
                                      (key, repr(raw[key]), ", ".join(axes))))
    if "metric" in raw and (not isinstance(raw["metric"], str) or raw["metric"] not in PLOT_METRICS):
        raise ConfigError(Message("[plot] metric = %1: unknown (known: %2)", (repr(raw["metric"]),
                                                                             ", ".join(PLOT_METRICS))))
    return {k: str(v) for k, v in raw.items()}


def list_grids() -> dict[str, str]:
    """The shipped grids (``resources/grids/*.toml``): name -> description."""
    from importlib import resources

    out = {}
    folder = resources.files("gradsim.resources") / "grids"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(GRID_SUFFIX):
            out[entry.name.removesuffix(GRID_SUFFIX)] = str(read_toml(entry, "grid file").get("description", ""))
    return out


def load_grid(path_or_name: str | os.PathLike[str]) -> Grid:
    """A grid from a file, or a shipped grid by name; raises ConfigError naming the file."""
    from importlib import resources

    p = Path(path_or_name)
    if not p.exists() and p.suffix == "" and os.sep not in str(path_or_name):
        entry = resources.files("gradsim.resources") / "grids" / f"{path_or_name}{GRID_SUFFIX}"
        if not entry.is_file():
            raise ConfigError(Message("grid %1: no such file or shipped grid (shipped: %2)",
                                      (repr(str(path_or_name)), ", ".join(list_grids()) or "none")))
        data = read_toml(entry, "grid file")
        text = entry.read_text(encoding="utf-8")
        base_dir, name = None, str(path_or_name)
    else:
        data = read_toml(p, "grid file")  # a regular file of at most 1 MiB, valid UTF-8 TOML
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:  # replaced since read_toml read it
            raise ConfigError("cannot read grid file %1: %2", repr(str(p)),
                              Reason(getattr(err, "strerror", None) or str(err))) from None
        base_dir, name = p.parent, p.stem
    try:
        return parse_grid(data, base_dir=base_dir, source=text, name=name)
    except ConfigError as err:
        if base_dir is None:
            raise err.within("shipped grid %1: %2", repr(str(path_or_name))) from None
        raise err.within("grid file %1: %2", repr(str(p))) from None


# --------------------------------------------------------------------------- one run
def gradient_reach(profile: Sequence[float], fraction: float) -> int:
    """Steps back from T−1 that ``profile`` (the `last` view, ‖∂L_T/∂h_t‖ over t) stays at or
    above ``fraction`` × its value at T−1: 0 when the step before T−1 is already below,
    T−1 when it never falls below (a gradient that grows going back reaches everywhere)."""
    p = np.asarray(profile, dtype=np.float64)
    if p.size == 0 or not np.isfinite(p[-1]) or p[-1] <= 0:
        return 0
    back = p[::-1][1:]  # distances 1, 2, …
    # a non-finite value (overflow) counts as above: the signal is there, only too large
    below = np.isfinite(back) & (back < fraction * p[-1])
    return int(np.argmax(below)) if below.any() else int(back.size)


def decay_rate(profile: Sequence[float]) -> float:
    """The measured per-step factor of the `last` view going back from T−1: exp of the
    least-squares slope of ln ‖∂L_T/∂h_t‖ against the distance T−1−t, over the finite,
    positive values (underflowed zeros dropped). < 1: vanishing; > 1: growing. NaN when
    fewer than two values are usable."""
    p = np.asarray(profile, dtype=np.float64)[::-1]
    d = np.arange(p.size, dtype=np.float64)
    ok = np.isfinite(p) & (p > 0)
    if ok.sum() < 2:
        return float("nan")
    slope = np.polyfit(d[ok], np.log(p[ok]), 1)[0]
    return float(np.exp(slope))


def _floats(a: Iterable[float]) -> list[float]:
    return [float(v) for v in a]


def execute_run(spec: RunSpec, attempt: int = 1) -> dict[str, Any]:
    """Run one grid point through :func:`~gradsim.runs.procedure.train` and return its record.

    Runs in a worker process (local pool or Dask). Deterministic: seeded by the config and
    on one torch thread. An exception in the run becomes ``{"error": ...}`` (data, not a
    crash); a worker that dies raises on the client's side instead.
    """
    if spec.fault and attempt <= spec.fault:
        os._exit(70)  # the test hook: a worker dying mid-run
    import torch

    from gradsim.core.tasks import make_task
    from gradsim.core.theory import GAMMA
    from gradsim.runs.procedure import train

    # after the imports: a worker's first run must not be charged for importing torch
    t_wall = time.perf_counter()
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    base: dict[str, Any] = {"run_id": spec.run_id, "attempt": attempt,
                            "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        cfg = config_from_mapping(spec.config)
        first: list[Any] = []

        def keep_first(snap) -> None:
            if not first:
                first.append(snap)

        result = train(cfg, spec.steps, sinks=(keep_first,))
        task = make_task(cfg, torch.float32, torch.device("cpu"))
        last = result.last
        _, loss = result.history.scalar("loss")
        record = {
            **base,
            "schema": RECORD_SCHEMA,
            "index": spec.index,
            "point": dict(spec.point),
            "config": spec.config,
            "steps": spec.steps,
            "baseline": task.baseline,
            "baseline_label": task.baseline_label,
            "loss": _floats(loss),
            "profile_start": _floats(first[0].views["last"][0]),
            "profile_end": _floats(last.views["last"][0]),
            "rho_start": first[0].spectral_radius,
            "sigma_max_start": first[0].sigma_max,
            "rho_end": last.spectral_radius,
            "sigma_max_end": last.sigma_max,
            "spectrum_step_end": last.spectrum_step,
            "gamma": GAMMA[cfg.activation] if cfg.cell == "rnn" else None,
            "diverged_at": result.summary["diverged_at"],
            "train_seconds": result.summary["train_seconds"],
        }
        files = _run_folder_files(result) if spec.run_folder else None
    except Exception as err:  # noqa: BLE001 - a failed run is reported as data
        return {**base, "error": f"{type(err).__name__}: {str(err).replace(chr(10), '; ')}"}
    record["wall_seconds"] = time.perf_counter() - t_wall
    if files is not None:
        record["_files"] = files
    return record


def _run_folder_files(result) -> dict[str, bytes]:
    """The run's folder (no figures) as file name -> bytes: the client writes them, so
    workers on a cluster need no shared file system."""
    import tempfile

    from gradsim.runs.folder import write_outputs

    with tempfile.TemporaryDirectory(prefix="gradsim-run-") as tmp:
        write_outputs(tmp, result.config, result.histories, result.last,
                      summary_extra={k: v for k, v in result.summary.items() if k != "final_loss"},
                      rollout=result.rollout, figures=False)
        return {p.name: p.read_bytes() for p in Path(tmp).iterdir() if p.is_file()}


def run_metrics(record: Mapping[str, Any], settings: MetricSettings) -> dict[str, Any]:
    """The table's measurement columns (:data:`METRIC_COLUMNS`) from one run's record."""
    loss = np.asarray(record["loss"], dtype=np.float64)
    steps = loss.size
    n_tail = max(1, math.ceil(settings.tail * steps))
    tail = loss[-n_tail:]
    tail = tail[np.isfinite(tail)]
    finite = loss[np.isfinite(loss)]
    base = record["baseline"]
    loss_tail = float(tail.mean()) if tail.size else float("nan")
    loss_best = float(finite.min()) if finite.size else float("nan")
    ratio = loss_tail / base if base else float("nan")
    gamma = record["gamma"]
    return {
        "baseline": base,
        "loss_final": float(loss[-1]) if steps else float("nan"),
        "loss_tail": loss_tail,
        "loss_best": loss_best,
        "tail_vs_baseline": ratio,
        "best_vs_baseline": loss_best / base if base else float("nan"),
        "learned": bool(math.isfinite(ratio) and ratio <= settings.learned_below),
        "reach_start": gradient_reach(record["profile_start"], settings.reach_fraction),
        "reach_end": gradient_reach(record["profile_end"], settings.reach_fraction),
        "decay_start": decay_rate(record["profile_start"]),
        "decay_end": decay_rate(record["profile_end"]),
        "rho_start": record["rho_start"],
        "sigma_max_start": record["sigma_max_start"],
        "rho_end": record["rho_end"],
        "sigma_max_end": record["sigma_max_end"],
        "spectrum_step_end": record["spectrum_step_end"],
        "gamma": gamma,
        "gamma_sigma_start": gamma * record["sigma_max_start"] if gamma is not None else None,
        "diverged_at": record["diverged_at"],
        "wall_seconds": record["wall_seconds"],
        "train_seconds": record["train_seconds"],
        "attempts": record["attempt"],
        "worker": record["worker"],
    }


# --------------------------------------------------------------------------- the store
class ResultStore:
    """A sweep folder: one atomic record per finished run, and the table built from them."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        from gradsim.runs.folder import check_writable_dir

        self.out = check_writable_dir(out)
        self.records_dir = check_writable_dir(self.out / "records")

    def done(self) -> set[str]:
        """Run ids with a record (a half-written record is a temporary file, never a .json)."""
        return {p.stem for p in self.records_dir.glob("*.json")}

    def save(self, record: dict[str, Any]) -> None:
        """Write a finished run: its folder's files first (if any), then its record."""
        files = record.pop("_files", None)
        if files:
            folder = self.out / "runs" / record["run_id"]
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                atomic_write_bytes(folder / name, data)
        atomic_write_text(self.records_dir / f"{record['run_id']}.json", json.dumps(record) + "\n")

    def load(self, rid: str) -> dict[str, Any]:
        return json.loads((self.records_dir / f"{rid}.json").read_text(encoding="utf-8"))

    def write_manifest(self, grid: Grid, **extra: Any) -> None:
        atomic_write_text(self.out / "grid.toml", grid.source or _grid_toml(grid))
        from gradsim.runs.folder import json_safe as _json_safe

        manifest = {
            "name": grid.name,
            "description": grid.description,
            "axes": {a.name: list(a.values) for a in grid.axes},
            "seeds": list(grid.seeds),
            "steps": grid.steps,
            "runs": len(grid),
            "metrics": {"reach_fraction": grid.metrics.reach_fraction, "learned_below": grid.metrics.learned_below,
                        "tail": grid.metrics.tail},
            "plot": dict(grid.plot),
            "overrides": [{"axis": o.axis, "value": o.value, "fields": dict(o.fields)} for o in grid.overrides],
            "base": grid.base.to_dict(),
            **extra,
        }
        atomic_write_text(self.out / "sweep.json", json.dumps(_json_safe(manifest), indent=2) + "\n")

    def rows(self, grid: Grid) -> list[dict[str, Any]]:
        """One table row per run of ``grid`` that has a record, in grid order."""
        done = self.done()
        rows = []
        for spec in grid.runs():
            if spec.run_id not in done:
                continue
            record = self.load(spec.run_id)
            rows.append({"run_id": spec.run_id, "point": spec.index // len(grid.seeds), **spec.config,
                         **run_metrics(record, grid.metrics)})
        return rows

    def write_table(self, grid: Grid) -> int:
        """(Re)write results.parquet and results.csv from the records; return the row count."""
        rows = self.rows(grid)
        write_table(self.out, rows, grid)
        return len(rows)


def _grid_toml(grid: Grid) -> str:
    import tomli_w

    data = {"description": grid.description, "steps": grid.steps, "seeds": list(grid.seeds),
            "base": {k: v for k, v in grid.base.to_dict().items() if v is not None and k != "seed"},
            "axes": {a.name: list(a.values) for a in grid.axes}}
    if grid.overrides:
        data["overrides"] = {f"{o.axis}={o.value}": dict(o.fields) for o in grid.overrides}
    return tomli_w.dumps(data)


def _column_types() -> dict[str, str]:
    kinds = {"choice": "string", "int": "int64", "float": "float64", "bool": "bool"}
    cols = {"run_id": "string", "point": "int64"}
    cols.update({name: kinds.get(spec.kind, "string") for name, spec in field_specs().items()})
    cols.update(METRIC_COLUMNS)
    return cols


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
    return v


def write_table(out: Path, rows: list[dict[str, Any]], grid: Grid) -> None:
    """results.parquet (typed: nullable ints, bools; the grid in the schema's metadata) and
    results.csv (floats written with repr, so they read back exactly), each atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = _column_types()
    arrow = {"bool": pa.bool_(), "string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
    schema = pa.schema([(name, arrow[t]) for name, t in types.items()],
                       metadata={"gradsim.sweep": json.dumps({"axes": grid.axis_names, "seeds": list(grid.seeds),
                                                               "steps": grid.steps,
                                                               "description": grid.description})})
    table = pa.Table.from_pylist([{k: r.get(k) for k in types} for r in rows], schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic_write_bytes(out / "results.parquet", sink.getvalue().to_pybytes())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(types))
    for r in rows:
        w.writerow([_csv_cell(r.get(k)) for k in types])
    atomic_write_text(out / "results.csv", buf.getvalue())


def read_table(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The rows of a sweep's results.parquet (a sweep folder or the file itself)."""
    import pyarrow.parquet as pq

    p = Path(path)
    if p.is_dir():
        p = p / "results.parquet"
    try:
        if not stat.S_ISREG(os.stat(p).st_mode):  # a named pipe would block the reader
            raise ConfigError("cannot read sweep table %1: %2", repr(str(p)), Reason("not a regular file"))
    except OSError as err:
        raise ConfigError("cannot read sweep table %1: %2", repr(str(p)), Reason(err.strerror or str(err))) from None
    try:
        return pq.read_table(p).to_pylist()
    except (OSError, ValueError) as err:
        # pyarrow's own detail stays in its words, as TOML's parser detail does
        raise ConfigError("cannot read sweep table %1: %2", repr(str(p)), str(err).replace("\n", " ")) from None


def config_for_row(row: Mapping[str, Any]) -> RunConfig:
    """The RunConfig of one table row (the config's fields are columns)."""
    return config_from_mapping({k: row[k] for k in field_specs()})


# --------------------------------------------------------------------------- backends
def default_workers() -> int:
    """Processes for the local pool: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)


class LocalPool:
    """A ``ProcessPoolExecutor`` of spawned processes (the same start method on every OS;
    a forked copy of a parent holding torch's threads is not safe). One process dying
    breaks the whole pool: :attr:`shared_failures` tells the loop to isolate retries."""

    name = "local"
    shared_failures = True

    def __init__(self, workers: int | None = None) -> None:
        self.workers = int(workers or default_workers())
        if self.workers < 1:
            raise ValueError(f"workers = {workers}: must be ≥ 1")
        self._pool = self._new_pool()

    def _new_pool(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker)

    def slots(self) -> int:
        # one queued run per worker beyond the running one keeps every process busy
        return 2 * self.workers

    def submit(self, spec: RunSpec, attempt: int):
        return self._pool.submit(execute_run, spec, attempt)

    def wait(self, futures: Sequence[Any], timeout: float) -> set[Any]:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return done

    @staticmethod
    def result(future) -> dict[str, Any]:
        return future.result()

    @staticmethod
    def lost(exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        self._shutdown()
        self._pool = self._new_pool()

    def _shutdown(self) -> None:
        # cancel_futures drops the queue; processes still running a run are terminated so
        # an interrupted sweep stops at once (3.11 has no public terminate_workers).
        procs = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=10)

    def close(self) -> None:
        self._shutdown()

    def describe(self) -> str:
        return f"local pool, {self.workers} process{'es' if self.workers != 1 else ''}"


class DaskBackend:
    """A Dask ``distributed`` cluster: a scheduler address (``tcp://HOST:PORT``), a
    scheduler file, or a ready ``Client``. Workers need gradsim installed (the function
    and its data travel by pickle). Only the dead worker's run fails, so retries need no
    isolation."""

    name = "dask"
    shared_failures = False

    def __init__(self, address: str | None = None, *, scheduler_file: str | None = None, client=None,
                 timeout: float = 30.0) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise ConfigError("--scheduler: Dask is not installed (pip install 'gradsim[cluster]')") from None
        self._own = client is None
        if client is None:
            try:
                client = (Client(scheduler_file=scheduler_file, timeout=timeout) if scheduler_file
                          else Client(address, timeout=timeout))
            except (OSError, TimeoutError, ValueError) as err:
                where = scheduler_file or address
                raise ConfigError("cannot connect to the Dask scheduler %1: %2", repr(where),
                                  str(err).replace("\n", " ")) from None
        self.client = client

    def slots(self) -> int:
        # read every time: workers may join or leave during a sweep
        threads = sum(self.client.nthreads().values())
        return 2 * max(1, threads)

    def submit(self, spec: RunSpec, attempt: int):
        return self.client.submit(execute_run, spec, attempt, key=f"gradsim-run-{spec.run_id}-{attempt}",
                                  pure=False)

    def wait(self, futures: Sequence[Any], timeout: float) -> set[Any]:
        from distributed import wait

        try:
            done, _ = wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set()
        return set(done)

    @staticmethod
    def result(future) -> dict[str, Any]:
        try:
            return future.result()
        finally:
            future.release()

    @staticmethod
    def lost(exc: BaseException) -> bool:
        from distributed.scheduler import KilledWorker

        try:
            from distributed.comm.core import CommClosedError
        except ImportError:  # pragma: no cover
            CommClosedError = OSError
        return isinstance(exc, (KilledWorker, CommClosedError))

    def restart(self) -> None:  # pragma: no cover - never called: failures are per run
        pass

    def close(self) -> None:
        if self._own:
            self.client.close()

    def describe(self) -> str:
        n = len(self.client.nthreads())
        return f"Dask at {self.client.scheduler.address}, {n} worker{'s' if n != 1 else ''}"


# --------------------------------------------------------------------------- the loop
@dataclass
class SweepReport:
    """What one invocation of :func:`run_sweep` did."""

    total: int                     # runs in the grid
    skipped: int                   # already recorded before this invocation
    todo: int = 0                  # runs this invocation sets out to do
    ran: int = 0                   # finished and recorded now
    retried: dict[str, int] = field(default_factory=dict)   # run_id -> attempts it took (≥ 2)
    failed: dict[str, str] = field(default_factory=dict)    # run_id -> why (error or dead workers)
    interrupted: bool = False
    wall_seconds: float = 0.0
    backend: str = ""
    rows: int = 0                  # rows in the table written at the end

    @property
    def complete(self) -> bool:
        return self.rows == self.total


#: ``progress(report, record_or_None)`` after every finished, failed or retried run.
Progress = Callable[[SweepReport, "dict[str, Any] | None"], None]


def run_sweep(grid: Grid, out: str | os.PathLike[str], *, workers: int | None = None, scheduler: str | None = None,
              scheduler_file: str | None = None, client=None, backend=None, connect_timeout: float = 30.0,
              retries: int = 2,
              max_runs: int | None = None, run_folders: bool = False, progress: Progress | None = None,
              faults: Mapping[str, int] | None = None) -> SweepReport:
    """Run every run of ``grid`` not yet recorded in ``out``; write the table; return a report.

    The backend is a local process pool of ``workers`` processes (default: one per core),
    or Dask when ``scheduler`` / ``scheduler_file`` / ``client`` is given (or a ready
    ``backend``). ``max_runs`` stops after that many new runs (a sweep in chunks).
    ``connect_timeout``: seconds to wait for a Dask scheduler. ``faults`` (tests): run_id ->
    how many attempts of it kill their worker. Raises
    ConfigError for a bad grid or an unreachable scheduler, OSError for an unwritable
    ``out``. KeyboardInterrupt stops the sweep: the runs in flight are lost, the table is
    written from what is recorded, and the report says ``interrupted``.
    """
    t0 = time.perf_counter()
    store = ResultStore(out)
    specs = grid.runs(run_folders=run_folders)
    if faults:
        specs = [replace(s, fault=int(faults.get(s.run_id, 0))) for s in specs]
    done = store.done()
    todo = [s for s in specs if s.run_id not in done]
    report = SweepReport(total=len(specs), skipped=len(specs) - len(todo))
    if max_runs is not None:
        todo = todo[:max(0, max_runs)]
    report.todo = len(todo)
    store.write_manifest(grid, complete=False)
    if progress is not None:
        progress(report, None)
    if todo:
        if backend is None:
            if client is not None or scheduler or scheduler_file:
                backend = DaskBackend(scheduler, scheduler_file=scheduler_file, client=client,
                                      timeout=connect_timeout)
            else:
                backend = LocalPool(workers)
            own = True
        else:
            own = False
        report.backend = backend.describe()
        try:
            _schedule(backend, todo, store, report, retries, progress)
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            if own:
                backend.close()
    report.rows = store.write_table(grid)
    report.wall_seconds = time.perf_counter() - t0
    store.write_manifest(grid, complete=report.complete, backend=report.backend,
                         last_invocation={"ran": report.ran, "skipped": report.skipped, "failed": report.failed,
                                          "retried": report.retried, "interrupted": report.interrupted,
                                          "wall_seconds": report.wall_seconds})
    return report


def _schedule(backend, todo: list[RunSpec], store: ResultStore, report: SweepReport, retries: int,
              progress: Progress | None) -> None:
    queue = collections.deque(todo)
    suspects: collections.deque[RunSpec] = collections.deque()
    attempts: dict[str, int] = collections.Counter()
    inflight: dict[Any, RunSpec] = {}

    def submit(spec: RunSpec) -> None:
        attempts[spec.run_id] += 1
        inflight[backend.submit(spec, attempts[spec.run_id])] = spec

    def lose(spec: RunSpec, why: str) -> None:
        if attempts[spec.run_id] > retries:
            report.failed[spec.run_id] = f"{why} ({attempts[spec.run_id]} attempts)"
            report.retried.pop(spec.run_id, None)
        else:
            suspects.append(spec)
        if progress is not None:
            progress(report, None)

    while queue or suspects or inflight:
        if suspects and backend.shared_failures:
            # a pool broke: rerun its runs one at a time, so the one that kills its worker
            # is known and the others are not charged for it again
            if not inflight:
                submit(suspects.popleft())
        else:
            while (suspects or queue) and len(inflight) < backend.slots():
                submit(suspects.popleft() if suspects else queue.popleft())
        for fut in backend.wait(list(inflight), timeout=1.0):
            if fut not in inflight:  # dropped by a pool restart below
                continue
            spec = inflight.pop(fut)
            try:
                record = backend.result(fut)
            except Exception as exc:
                if not backend.lost(exc):
                    raise
                if backend.shared_failures:
                    # every run the broken pool held is lost with it
                    lost = [spec, *inflight.values()]
                    inflight.clear()
                    backend.restart()
                    for s in lost:
                        lose(s, "worker died")
                    break
                lose(spec, "worker died")
                continue
            if "error" in record:
                report.failed[spec.run_id] = record["error"]
            else:
                store.save(record)
                report.ran += 1
                if record["attempt"] > 1:
                    report.retried[spec.run_id] = record["attempt"]
            if progress is not None:
                progress(report, record)


# --------------------------------------------------------------------------- the diagram's data
@dataclass
class PhaseData:
    """A metric over two axes, one panel per combination of the other axes (seeds averaged).

    ``values[f]`` has shape (len(y_values), len(x_values)), NaN where no run is recorded;
    ``counts[f]`` the runs averaged. ``gamma_sigma[f]`` the mean γσ_max at the start per
    cell (NaN for gated cells), for the critical line; ``reach[f]`` the mean gradient reach
    at the start per cell.
    """

    x: str
    y: str
    metric: str
    x_values: list[Any]
    y_values: list[Any]
    facets: list[dict[str, Any]]
    values: list[np.ndarray]
    counts: list[np.ndarray]
    gamma_sigma: list[np.ndarray]
    reach: list[np.ndarray]
    run_ids: list[list[list[list[str]]]]   # [facet][iy][ix] -> run ids, seed order

    def facet_label(self, i: int) -> str:
        return ", ".join(f"{k} = {_label(v)}" for k, v in self.facets[i].items()) or "all runs"

    def to_csv(self) -> str:
        """The diagram's numbers as CSV: one row per panel and cell."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        keys = list(self.facets[0]) if self.facets else []
        w.writerow([*keys, self.x, self.y, self.metric, "runs", "gamma_sigma_start", "reach_start"])
        for f, facet in enumerate(self.facets):
            for iy, yv in enumerate(self.y_values):
                for ix, xv in enumerate(self.x_values):
                    w.writerow([*(facet[k] for k in keys), xv, yv, _csv_cell(float(self.values[f][iy, ix])),
                                int(self.counts[f][iy, ix]), _csv_cell(float(self.gamma_sigma[f][iy, ix])),
                                _csv_cell(float(self.reach[f][iy, ix]))])
        return buf.getvalue()


def _label(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _metric_value(row: Mapping[str, Any], metric: str) -> float:
    if metric == "diverged":
        return float(row["diverged_at"] is not None)
    v = row[metric]
    if v is None:
        return float("nan")
    return float(v)


def phase_data(rows: Sequence[Mapping[str, Any]], axes: Mapping[str, Sequence[Any]], x: str, y: str,
               metric: str = "learned") -> PhaseData:
    """Aggregate table rows into a :class:`PhaseData` (mean over seeds per cell).

    ``axes``: the sweep's axes and their values (sweep.json's ``axes``), which fix the
    cells' order. Raises ConfigError for an unknown axis or metric.
    """
    for name, what in ((x, "x"), (y, "y")):
        if name not in axes:
            raise ConfigError("--%1 %2: not an axis of this sweep (axes: %3)", what, name, ", ".join(axes))
    if x == y:
        raise ConfigError("--x and --y are both %1: give two different axes", repr(x))
    if metric not in PLOT_METRICS:
        raise ConfigError("--metric %1: unknown (known: %2)", metric, ", ".join(PLOT_METRICS))
    others = [a for a in axes if a not in (x, y)]
    facets = [dict(zip(others, combo)) for combo in itertools.product(*(axes[a] for a in others))]
    xs, ys = list(axes[x]), list(axes[y])
    shape = (len(ys), len(xs))
    sums = [np.zeros(shape) for _ in facets]
    counts = [np.zeros(shape, dtype=np.int64) for _ in facets]
    gs_sum = [np.zeros(shape) for _ in facets]
    gs_n = [np.zeros(shape) for _ in facets]
    reach_sum = [np.zeros(shape) for _ in facets]
    ids: list[list[list[list[str]]]] = [[[[] for _ in xs] for _ in ys] for _ in facets]
    index = {tuple(f[a] for a in others): i for i, f in enumerate(facets)}
    for row in rows:
        try:
            f = index[tuple(row[a] for a in others)]
            ix, iy = xs.index(row[x]), ys.index(row[y])
        except (KeyError, ValueError):
            continue  # a row of another grid in the same folder
        v = _metric_value(row, metric)
        if math.isfinite(v):
            sums[f][iy, ix] += v
            counts[f][iy, ix] += 1
        if row.get("gamma_sigma_start") is not None:
            gs_sum[f][iy, ix] += row["gamma_sigma_start"]
            gs_n[f][iy, ix] += 1
        reach_sum[f][iy, ix] += row["reach_start"]
        ids[f][iy][ix].append(row["run_id"])
    with np.errstate(invalid="ignore", divide="ignore"):
        values = [np.where(c > 0, s / np.maximum(c, 1), np.nan) for s, c in zip(sums, counts)]
        gs = [np.where(n > 0, s / np.maximum(n, 1), np.nan) for s, n in zip(gs_sum, gs_n)]
        n_ids = [np.array([[len(c) for c in r] for r in fid], dtype=np.float64) for fid in ids]
        reach = [np.where(n > 0, s / np.maximum(n, 1), np.nan) for s, n in zip(reach_sum, n_ids)]
    return PhaseData(x, y, metric, xs, ys, facets, values, counts, gs, reach, ids)
