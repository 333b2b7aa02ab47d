"""RunConfig: metadata of every field, validation messages, no rounding, TOML round trips,
atomic saves, ``key=value`` parsing."""

from __future__ import annotations

import os
import tomllib
from importlib import resources

import pytest

from gradsim import config as config_mod
from gradsim.config import (
    FIELD_GROUPS,
    RESET_FIELDS,
    ConfigError,
    RunConfig,
    config_from_mapping,
    field_specs,
    load_config,
    parse_assignment,
    reset_required,
    save_config,
)
from gradsim.content.presets import list_presets

SPECS = field_specs()
NUMERIC = [s for s in SPECS.values() if s.kind in ("int", "float")]
INTS = [s.name for s in SPECS.values() if s.kind == "int"]
FLOATS = [s.name for s in SPECS.values() if s.kind == "float"]
BOOLS = [s.name for s in SPECS.values() if s.kind == "bool"]
CHOICES = [s.name for s in SPECS.values() if s.kind == "choice"]

# the public contract of the issue (config files and --set use these names)
CONTRACT = {
    "task": {"sine", "adding", "recall", "toy3", "csv"},
    "cell": {"rnn", "lstm", "gru"},
    "activation": {"tanh", "sigmoid", "relu", "leaky_relu", "identity"},
    "init": {"default", "normal", "xavier", "orthogonal", "identity"},
    "clip": {"none", "value", "norm"},
    "norm": {"none", "layer", "batch"},
    "optimizer": {"sgd", "momentum", "adam", "rmsprop"},
    "device": {"cpu", "cuda", "auto"},
}
CONTRACT_FIELDS = {
    "seq_len", "batch_size", "hidden_size", "num_layers", "init_std", "init_gain", "spectral_radius",
    "clip_threshold", "grad_normalize", "tbptt", "stateful", "residual", "lr", "seed", *CONTRACT,
}


def _assert_names(err: ConfigError, *parts: str) -> None:
    msg = str(err)
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"


# --------------------------------------------------------------------------- metadata


def test_contract_fields_and_choices_exist():
    assert CONTRACT_FIELDS <= set(SPECS)
    for name, choices in CONTRACT.items():
        assert set(SPECS[name].choices) == choices, name
    assert SPECS["seq_len"].high >= 1000
    assert (SPECS["num_layers"].low, SPECS["num_layers"].high) == (1, 4)
    assert SPECS["tbptt"].low == 0
    assert SPECS["spectral_radius"].optional and SPECS["spectral_radius"].default is None


@pytest.mark.parametrize("name", list(SPECS))
def test_every_field_has_description_range_and_valid_default(name):
    spec = SPECS[name]
    assert len(spec.description) > 10
    assert spec.describe_range()
    if spec.kind in ("int", "float"):
        assert spec.low is not None and spec.high is not None, f"{name} has no full range"
        if spec.default is not None:
            assert spec.contains(spec.default)
            assert isinstance(spec.default, int if spec.kind == "int" else float)
    elif spec.kind == "choice":
        assert spec.default in spec.choices
    elif spec.kind == "text":
        assert isinstance(spec.default, str)
    else:
        assert isinstance(spec.default, bool)
    assert getattr(RunConfig(), name) == spec.default
    assert spec.requires_reset == (name in RESET_FIELDS)


def test_field_groups_cover_every_field_once():
    grouped = [n for names in FIELD_GROUPS.values() for n in names]
    assert sorted(grouped) == sorted(SPECS)
    assert RESET_FIELDS <= set(SPECS)


def test_shape_fields_require_reset():
    assert {"task", "seq_len", "batch_size", "cell", "hidden_size", "num_layers", "seed"} <= RESET_FIELDS
    # remedies and optimiser settings apply at once
    assert not {"lr", "clip", "clip_threshold", "grad_normalize", "tbptt", "optimizer"} & RESET_FIELDS


def test_reset_required_names_only_shape_fields():
    a = RunConfig()
    b = a.replace(hidden_size=8, lr=0.5, clip="norm", cell="gru")
    assert sorted(reset_required(a, b)) == ["cell", "hidden_size"]
    assert a.diff(b) == {"hidden_size": (64, 8), "lr": (1e-3, 0.5), "clip": ("none", "norm"), "cell": ("rnn", "gru")}


# --------------------------------------------------------------------------- validation


def _outside(spec):
    """Values just outside each end of a numeric field's range."""
    out = []
    step = 1 if spec.kind == "int" else max(abs(spec.high) * 1e-9, 1e-12)
    if spec.low is not None:
        out.append(spec.low - step if spec.low_inclusive else spec.low)
    if spec.high is not None:
        out.append(spec.high + step if spec.high_inclusive else spec.high)
    if spec.kind == "float":
        out = [float(v) for v in out]
    return out


OUT_OF_RANGE = [(s.name, v) for s in NUMERIC for v in _outside(s)]


@pytest.mark.parametrize("name, value", OUT_OF_RANGE, ids=[f"{n}={v!r}" for n, v in OUT_OF_RANGE])
def test_out_of_range_names_field_value_and_range(name, value):
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({name: value})
    spec = SPECS[name]
    _assert_names(ei.value, name, repr(value), spec.describe_range())


BOUNDARIES = [
    (s.name, v) for s in NUMERIC
    for v, inc in ((s.low, s.low_inclusive), (s.high, s.high_inclusive)) if inc and v is not None
]


@pytest.mark.parametrize("name, value", BOUNDARIES, ids=[f"{n}={v!r}" for n, v in BOUNDARIES])
def test_inclusive_bounds_are_accepted_unchanged(name, value):
    spec = SPECS[name]
    value = int(value) if spec.kind == "int" else float(value)
    extra = {"seq_len": SPECS["seq_len"].high} if name == "tbptt" else {}
    if name == "batch_size" and value < 2:
        extra["norm"] = "none"
    cfg = config_from_mapping({name: value, **extra})
    got = getattr(cfg, name)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("name", INTS)
@pytest.mark.parametrize("bad", [3.5, 10.0, "abc", "10", True, None, [1]])
def test_int_fields_reject_other_types(name, bad):
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({name: bad})
    _assert_names(ei.value, name, repr(bad), "an integer")


@pytest.mark.parametrize("name", FLOATS)
@pytest.mark.parametrize("bad", ["abc", "0.5", True, float("nan"), float("inf"), [0.5]])
def test_float_fields_reject_other_types(name, bad):
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({name: bad})
    _assert_names(ei.value, name, repr(bad), "a number")


@pytest.mark.parametrize("name", BOOLS)
@pytest.mark.parametrize("bad", [1, 0, "true", "yes", None])
def test_bool_fields_reject_other_types(name, bad):
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({name: bad})
    _assert_names(ei.value, name, repr(bad), "true or false")


@pytest.mark.parametrize("name", CHOICES)
@pytest.mark.parametrize("bad", ["nope", "", 3, None])
def test_unknown_choice_names_field_value_and_choices(name, bad):
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({name: bad})
    _assert_names(ei.value, name, repr(bad), ", ".join(SPECS[name].choices))


def test_int_to_float_is_exact_and_accepted():
    cfg = config_from_mapping({"lr": 1, "init_gain": 3})
    assert cfg.lr == 1.0 and isinstance(cfg.lr, float)
    assert cfg.init_gain == 3.0


def test_unknown_field_is_named():
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({"hiden_size": 8})
    _assert_names(ei.value, "hiden_size", "unknown")
    with pytest.raises(ConfigError):
        RunConfig().replace(learning_rate=0.1)


def test_several_bad_fields_are_all_reported():
    with pytest.raises(ConfigError) as ei:
        config_from_mapping({"seq_len": 0, "lr": 100.0})
    _assert_names(ei.value, "seq_len", "lr")


@pytest.mark.parametrize(
    "fields, names",
    [
        ({"seq_len": 10, "tbptt": 11}, ("tbptt", "11", "10")),
        ({"norm": "batch", "batch_size": 1}, ("norm", "batch_size")),
    ],
)
def test_cross_field_errors(fields, names):
    with pytest.raises(ConfigError) as ei:
        config_from_mapping(fields)
    _assert_names(ei.value, *names)


def test_tbptt_equal_to_seq_len_is_allowed():
    assert config_from_mapping({"seq_len": 10, "tbptt": 10}).tbptt == 10


def test_nothing_is_rounded_or_clamped():
    lr = 1.2345678901234567e-4
    cfg = config_from_mapping({"lr": lr, "init_gain": 1.0000000000000002, "seed": 2**32 - 1})
    assert cfg.lr == lr and cfg.init_gain == 1.0000000000000002 and cfg.seed == 2**32 - 1
    for bad in ({"seq_len": 10.0}, {"seq_len": 10.4}, {"init_std": 0.0}, {"lr": 10.000001}, {"momentum": 1.0}):
        with pytest.raises(ConfigError):
            config_from_mapping(bad)
    with pytest.raises(ConfigError):
        parse_assignment("seq_len=10.0")


def test_config_is_immutable_and_replace_validates():
    cfg = RunConfig()
    with pytest.raises(Exception):
        cfg.lr = 0.5  # type: ignore[misc]
    assert cfg.replace(lr=0.5).lr == 0.5 and cfg.lr == 1e-3
    with pytest.raises(ConfigError) as ei:
        cfg.replace(seq_len=0)
    _assert_names(ei.value, "seq_len", "0")


# --------------------------------------------------------------------------- parse_assignment


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lr=1e-4", ("lr", 1e-4)),
        ("lr = 0.0001", ("lr", 1e-4)),
        ("grad_normalize=true", ("grad_normalize", True)),
        ("grad_normalize=False", ("grad_normalize", False)),
        ("stateful=yes", ("stateful", True)),
        ("spectral_radius=none", ("spectral_radius", None)),
        ("spectral_radius=0.6", ("spectral_radius", 0.6)),
        ("seq_len=200", ("seq_len", 200)),
        ("task=sine", ("task", "sine")),
        ("clip_threshold=15", ("clip_threshold", 15.0)),
    ],
)
def test_parse_assignment(text, expected):
    key, value = parse_assignment(text)
    assert (key, value) == expected and type(value) is type(expected[1])
    cfg = RunConfig().replace(**{key: value})
    assert getattr(cfg, key) == expected[1]


@pytest.mark.parametrize(
    "text, names",
    [
        ("lr", ("lr", "key=value")),
        ("lr=abc", ("lr", "'abc'", "a number")),
        ("lr=nan", ("lr", "nan")),
        ("lr=inf", ("lr", "inf")),
        ("seq_len=1e3", ("seq_len", "1e3", "an integer")),
        ("seq_len=ten", ("seq_len", "ten")),
        ("stateful=maybe", ("stateful", "maybe", "true or false")),
        ("learning_rate=0.1", ("learning_rate", "unknown")),
        ("seq_len=none", ("seq_len", "none")),
    ],
)
def test_parse_assignment_errors_name_the_field(text, names):
    with pytest.raises(ConfigError) as ei:
        parse_assignment(text)
    _assert_names(ei.value, *names)


def test_parsed_choice_is_validated_by_the_config():
    key, value = parse_assignment("cell=transformer")
    with pytest.raises(ConfigError) as ei:
        RunConfig().replace(**{key: value})
    _assert_names(ei.value, "cell", "transformer", "rnn, lstm, gru")


# --------------------------------------------------------------------------- TOML files

ROUND_TRIP = {name: p.config for name, p in list_presets().items()}
ROUND_TRIP["default"] = RunConfig()
ROUND_TRIP["spectral-set"] = RunConfig(spectral_radius=0.75, init="orthogonal", lr=3.3e-5, tbptt=7)
ROUND_TRIP["spectral-unset"] = RunConfig(spectral_radius=None, init_gain=1.0000000000000002, seed=2**32 - 1)


@pytest.mark.parametrize("name", list(ROUND_TRIP))
def test_toml_save_load_round_trip(tmp_path, name):
    cfg = ROUND_TRIP[name]
    path = tmp_path / "run.toml"
    save_config(cfg, path, description="a run")
    back = load_config(path)
    assert back == cfg
    assert back.to_dict() == cfg.to_dict()
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    assert data["description"] == "a run"
    assert ("spectral_radius" in data) == (cfg.spectral_radius is not None)


@pytest.mark.parametrize("name", list(list_presets()))
def test_a_shipped_preset_file_loads_as_a_config_file(tmp_path, name):
    src = resources.files("gradsim.resources") / "presets" / f"{name}.toml"
    path = tmp_path / f"{name}.toml"
    path.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_config(path) == list_presets()[name].config


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "run.toml"
    old = RunConfig(lr=0.25)
    save_config(old, path)
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config_mod.os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_config(RunConfig(lr=0.5), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_config(path) == old
    assert sorted(os.listdir(tmp_path)) == ["run.toml"]  # no temporary file left behind


def test_save_failing_midway_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "run.toml"
    save_config(RunConfig(lr=0.25), path)
    before = path.read_bytes()
    monkeypatch.setattr(config_mod.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        save_config(RunConfig(lr=0.5), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["run.toml"]


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('lr = 0.1\ntask = "sine\n', encoding="utf-8")
    with pytest.raises(ConfigError) as ei:
        load_config(path)
    _assert_names(ei.value, str(path), "TOML")


def test_non_utf8_file_names_the_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('description = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as ei:
        load_config(path)
    _assert_names(ei.value, str(path))


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "nowhere" / "missing.toml"
    with pytest.raises(ConfigError) as ei:
        load_config(path)
    _assert_names(ei.value, str(path))


def test_bad_value_in_file_names_file_field_and_value(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('seq_len = "100"\nlr = 0.1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as ei:
        load_config(path)
    _assert_names(ei.value, str(path), "seq_len", "'100'")
    path.write_text("hidden_size = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as ei:
        load_config(path)
    _assert_names(ei.value, str(path), "hidden_size", "0", SPECS["hidden_size"].describe_range())
    path.write_text("colour = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as ei:
        load_config(path)
    _assert_names(ei.value, str(path), "colour")


def test_partial_file_fills_defaults(tmp_path):
    path = tmp_path / "partial.toml"
    path.write_text('description = "x"\ncell = "gru"\nlr = 0.01\n', encoding="utf-8")
    assert load_config(path) == RunConfig(cell="gru", lr=0.01)


# ------------------------------------------------------------------ hostile files
def _hostile_files(tmp_path):
    """name -> (path, words of the one line) for every kind of file read_toml must refuse."""
    deep_array = tmp_path / "deep-array.toml"
    deep_array.write_text("lr = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    deep_inline = tmp_path / "deep-inline.toml"
    deep_inline.write_text("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", encoding="utf-8")
    moderately_deep = tmp_path / "deep-40.toml"  # parses without a RecursionError, still refused
    moderately_deep.write_text("x = " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    dotted = tmp_path / "deep-dotted.toml"
    dotted.write_text(".".join(["k"] * 200) + " = 1\n", encoding="utf-8")
    tables = tmp_path / "deep-tables.toml"
    tables.write_text("[" + ".".join(f"t{i}" for i in range(300)) + "]\nx = 1\n", encoding="utf-8")
    big_int = tmp_path / "big-int.toml"
    big_int.write_text("seed = " + "1" * 5000 + "\n", encoding="utf-8")
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * (config_mod.MAX_TOML_BYTES + 10) + b"\n")
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    out = {
        "deep array": (deep_array, "nested too deeply"),
        "deep inline table": (deep_inline, "nested too deeply"),
        "40 levels": (moderately_deep, "nested too deeply"),
        "deep dotted key": (dotted, "nested too deeply"),
        "deep table header": (tables, "nested too deeply"),
        "5000-digit integer": (big_int, "too many digits"),
        "over 1 MiB": (huge, "larger than 1 MiB"),
        "a folder": (folder, "is a folder"),
    }
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.toml"
        os.mkfifo(fifo)  # no writer: a blocking open would hang forever
        out["named pipe"] = (fifo, "not a regular file")
    if os.path.exists("/dev/zero"):
        out["/dev/zero"] = ("/dev/zero", "not a regular file")  # would fill memory
    return out


@pytest.mark.parametrize("what", ["config file", "lecture", "grid file"])
def test_hostile_toml_files_are_one_error_naming_the_file(tmp_path, what):
    for name, (path, words) in _hostile_files(tmp_path).items():
        with pytest.raises(ConfigError) as ei:
            config_mod.read_toml(path, what)
        text = str(ei.value)
        assert "\n" not in text and repr(str(path)) in text and words in text and what in text, (name, text)
        assert ei.value.field is None


def test_load_config_refuses_hostile_files_without_recursion_error(tmp_path):
    for name, (path, words) in _hostile_files(tmp_path).items():
        with pytest.raises(ConfigError) as ei:
            load_config(path)
        assert words in str(ei.value), name


def test_a_file_at_the_size_limit_and_ordinary_nesting_still_load(tmp_path):
    path = tmp_path / "padded.toml"
    body = 'cell = "gru"\n'
    path.write_bytes(body.encode() + b"#" * (config_mod.MAX_TOML_BYTES - len(body) - 1) + b"\n")
    assert path.stat().st_size == config_mod.MAX_TOML_BYTES
    assert load_config(path) == RunConfig(cell="gru")
    nested = tmp_path / "nested.toml"
    nested.write_text("x = " + "[" * config_mod.MAX_TOML_DEPTH + "]" * config_mod.MAX_TOML_DEPTH + "\n",
                      encoding="utf-8")
    assert config_mod.read_toml(nested)["x"] is not None


def test_ignored_fields_name_the_field_that_overrides_them():
    from gradsim.config import ignored_fields

    cfg = RunConfig(init="orthogonal", init_gain=1.2, spectral_radius=0.6)
    (msg,) = ignored_fields(cfg, ["init", "init_gain"])
    assert str(msg) == "init_gain = 1.2 has no effect with spectral_radius = 0.6" and msg.field == "init_gain"
    assert ignored_fields(cfg.replace(spectral_radius=None), ["init_gain"]) == []
    cases = [
        (RunConfig(cell="lstm"), "activation", "cell"),
        (RunConfig(cell="gru"), "forget_bias", "cell"),
        (RunConfig(activation="tanh"), "leaky_slope", "activation"),
        (RunConfig(init="xavier"), "init_std", "init"),
        (RunConfig(optimizer="adam"), "momentum", "optimizer"),
        (RunConfig(optimizer="sgd"), "beta2", "optimizer"),
        (RunConfig(clip="none"), "clip_threshold", "clip"),
        (RunConfig(task="adding"), "n_classes", "task"),
        (RunConfig(task="sine"), "csv_horizon", "task"),
    ]
    for cfg, name, other in cases:
        (msg,) = ignored_fields(cfg, [name])
        assert msg.args[0] == name and msg.args[2] == other
    effective = [
        (RunConfig(cell="rnn"), "activation"), (RunConfig(cell="lstm"), "forget_bias"),
        (RunConfig(activation="leaky_relu"), "leaky_slope"), (RunConfig(init="normal"), "init_std"),
        (RunConfig(optimizer="momentum"), "momentum"), (RunConfig(optimizer="rmsprop"), "momentum"),
        (RunConfig(optimizer="adam"), "beta1"), (RunConfig(clip="value"), "clip_threshold"),
        (RunConfig(task="recall"), "n_classes"), (RunConfig(), "lr"), (RunConfig(), "nonsense"),
    ]
    for cfg, name in effective:
        assert ignored_fields(cfg, [name]) == [], name
