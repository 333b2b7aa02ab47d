"""Shipped presets: they load, describe themselves, match the seeds, train, and show
their effect in the first steps."""

from __future__ import annotations

import functools
import math
import tomllib
from importlib import resources

import numpy as np
import pytest

from gradsim.config import ConfigError, RunConfig
from gradsim.core.trainer import Trainer
from gradsim.content.presets import DEFAULT_PRESET, list_presets, load_preset

REQUIRED = [
    "seed002-sine", "seed000-toy", "vanishing", "exploding", "exploding-clip-norm", "exploding-clip-value",
    "lstm-long", "gru-long", "irnn", "sigmoid-chain", "truncated",
]
PRESETS = list_presets()


def test_required_presets_exist():
    assert set(REQUIRED) <= set(PRESETS)
    assert DEFAULT_PRESET in PRESETS


def test_presets_are_in_display_order():
    orders = [p.order for p in PRESETS.values()]
    assert orders == sorted(orders)
    assert list(PRESETS)[0] == "seed002-sine"


def test_every_shipped_toml_is_a_listed_preset():
    folder = resources.files("gradsim.resources") / "presets"
    names = {e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")}
    assert names == set(PRESETS)


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_loads_and_is_described(name):
    p = PRESETS[name]
    assert p.name == name
    assert isinstance(p.config, RunConfig) and load_preset(name) == p.config
    assert len(p.description) > 40, "say what the user should see"
    assert RunConfig.model_validate(p.config.to_dict()) == p.config


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ConfigError) as ei:
        load_preset("imploding")
    assert "imploding" in str(ei.value) and "vanishing" in str(ei.value)


def test_seed002_sine_is_the_seed_exactly():
    c = load_preset("seed002-sine")
    assert (c.task, c.cell, c.activation, c.hidden_size, c.num_layers) == ("sine", "rnn", "tanh", 16, 1)
    assert (c.init, c.init_std, c.init_gain, c.spectral_radius) == ("normal", 0.001, 1.0, None)
    assert (c.optimizer, c.lr, c.beta1, c.beta2, c.weight_decay) == ("adam", 0.01, 0.9, 0.999, 0.0)
    assert c.stateful and c.batch_size == 1 and c.seq_len == 49  # 50 points -> 49 input/target pairs
    assert (c.clip, c.grad_normalize, c.tbptt, c.residual, c.norm) == ("none", False, 0, False, "none")
    tr = Trainer(c)
    w = [p.detach().double().numpy().ravel() for p in tr.net.layers[0].parameters()]
    allw = np.concatenate(w)
    assert allw.std() == pytest.approx(0.001, rel=0.1)  # every RNN weight and bias N(0, 0.001²)
    assert abs(allw.mean()) < 3e-4
    snap = tr.step()
    # seed 002's data: 50 points of sin over [s, s+10], s an integer 0..9; the targets are
    # the inputs shifted by one point
    x, y = snap.inputs[:, 0], snap.target[:, 0]
    grid = np.linspace(0.0, 10.0, 50)
    matches = [s for s in range(10) if np.allclose(x, np.sin(s + grid[:-1]), rtol=0, atol=1e-6)]
    assert len(matches) == 1
    assert np.allclose(y, np.sin(matches[0] + grid[1:]), rtol=0, atol=1e-6)
    assert snap.loss == pytest.approx(0.5, abs=0.35)  # near the predict-0 baseline


def test_seed000_toy_matches_seed_000():
    c = load_preset("seed000-toy")
    assert (c.task, c.seq_len, c.hidden_size, c.activation, c.init, c.init_std) == ("toy3", 3, 5, "tanh", "normal", 1.0)
    tr = Trainer(c)
    assert tr.task.input_size == 10 and tr.net.readout is None
    snap = tr.step()
    assert np.isfinite(snap.loss)
    # the description's sentence about the biases must be true of the preset's init
    assert "the biases are drawn N(0, 1) too" in PRESETS["seed000-toy"].description
    biases = np.concatenate([p.detach().numpy().ravel() for n, p in tr.net.named_parameters() if "bias" in n])
    assert biases.size == 10 and np.count_nonzero(biases) == biases.size and 0.2 < biases.std() < 3.0


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_trains_five_steps(name):
    cfg = load_preset(name)
    tr = Trainer(cfg)
    for i in range(5):
        snap = tr.step()
        assert snap.step == i
        assert snap.views["last"].shape == (cfg.num_layers, cfg.seq_len)
        assert math.isfinite(snap.loss) or name.startswith("exploding")


# --------------------------------------------------------------------------- effects


def test_vanishing_last_view_dies_toward_t0():
    snap = Trainer(load_preset("vanishing")).step()
    last = snap.views["last"][0]
    assert last[-1] > 0
    assert last[0] < 1e-10 * last[-1]
    assert last[-1] > last[-2] > last[-10] > last[-30]


def test_exploding_gradient_and_spectral_radius_jump():
    cfg = load_preset("exploding")
    assert cfg.clip == "none"
    tr = Trainer(cfg)
    snaps = [tr.step() for _ in range(6)]
    assert snaps[0].grad_norm > 1e5  # "the first gradient is above 10⁵"
    assert snaps[0].spectral_radius == pytest.approx(cfg.init_gain, rel=1e-4)
    assert snaps[5].spectral_radius > 10 * snaps[0].spectral_radius


def test_exploding_clip_norm_rescales_to_threshold():
    cfg = load_preset("exploding-clip-norm")
    assert cfg.clip == "norm"
    tr = Trainer(cfg)
    for _ in range(3):
        snap = tr.step()
        assert snap.grad_norm > 1e5 and snap.clipped  # "the same gradients, 10⁵ and more"
        assert snap.grad_norm_after == pytest.approx(cfg.clip_threshold, rel=1e-5)
    snaps = [tr.step() for _ in range(3)]
    assert snaps[-1].spectral_radius < 10 * cfg.init_gain


def test_exploding_clip_value_caps_at_15():
    cfg = load_preset("exploding-clip-value")
    assert cfg.clip == "value" and cfg.clip_threshold == 15.0
    snap = Trainer(cfg).step()
    assert snap.clipped and snap.grad_norm_after < snap.grad_norm
    assert snap.grad_norm > 1e5  # "the first gradients are still above 10⁵"


def test_truncated_last_view_is_zero_beyond_the_window():
    cfg = load_preset("truncated")
    k, T = cfg.tbptt, cfg.seq_len
    assert 0 < k < T
    tr = Trainer(cfg)
    for _ in range(2):
        last = tr.step().views["last"][0]
        assert (last[: T - k] == 0).all()
        assert (last[T - k:] > 0).all()


def test_irnn_last_view_is_flat_at_init():
    cfg = load_preset("irnn")
    assert (cfg.init, cfg.activation) == ("identity", "relu")
    last = Trainer(cfg).step().views["last"][0]
    assert 0.1 < last[0] / last[-1] < 10


def test_sigmoid_chain_falls_at_least_4x_per_step():
    cfg = load_preset("sigmoid-chain")
    last = Trainer(cfg).step().views["last"][0]
    T = cfg.seq_len
    # (γ λ₁)^(T-1-t) with γ = 1/4, λ₁ = 1: 30 steps back is at most 4^-30 ≈ 1e-18
    assert last[T - 31] <= last[-1] * 4.0**-30 * (1 + 1e-4)


@pytest.mark.parametrize("name, below", [("seed002-sine", 0.05), ("truncated", 0.05)])
def test_sine_presets_learn_within_300_steps(name, below):
    # seed002-sine: "the loss falls from ~0.5 to ~0.01 within 300 steps"; truncated:
    # "the sine is still learned" with gradient flowing back only 10 steps
    tr = Trainer(load_preset(name))
    losses = [tr.step().loss for _ in range(300)]
    assert np.mean(losses[:5]) > 0.1
    assert np.mean(losses[-20:]) < below


@functools.lru_cache(maxsize=None)
def _last_profile_after(name: str, steps: int) -> np.ndarray:
    tr = Trainer(load_preset(name))
    for _ in range(steps):
        snap = tr.step()
    last = snap.views["last"][0]
    return last / last[-1]


def test_gru_long_keeps_gradient_where_the_vanishing_rnn_loses_it():
    # the description's promise, within the first hundred steps: the update gate's
    # direct path carries the last step's error back to the middle of the sequence
    gru = _last_profile_after("gru-long", 100)
    plain = _last_profile_after("vanishing", 100)
    T = len(gru)
    assert T == len(plain)
    assert gru[T // 2] > 1e-4 and gru[T // 2] > 1e4 * plain[T // 2]


def test_lstm_long_keeps_gradient_where_the_vanishing_rnn_loses_it():
    lstm = _last_profile_after("lstm-long", 100)
    plain = _last_profile_after("vanishing", 100)
    T = len(lstm)
    # measured: lstm 3e-5 / 3.6e-6, vanishing 3.6e-10 / 0 at t = T/2 / t = 0
    assert lstm[T // 2] > 1e-6 and lstm[T // 2] > 1e4 * plain[T // 2]
    assert lstm[0] > 1e-8 and plain[0] < 1e-20


def test_preset_files_parse_as_toml():
    folder = resources.files("gradsim.resources") / "presets"
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            assert "description" in data and "order" in data, entry.name


def test_irnn_with_a_larger_lr_dies_as_its_description_says():
    tr = Trainer(load_preset("irnn").replace(lr=0.01))
    for _ in range(100):
        snap = tr.step()
    last = snap.views["last"][0]
    assert last[-1] > 0 and np.all(last[:-1] == 0)
    assert snap.loss > 3 / 6  # "the loss climbs far above the baseline" (1/6)


def test_exploding_clip_value_grows_to_tens_not_thousands():
    tr = Trainer(load_preset("exploding-clip-value"))
    for _ in range(100):
        snap = tr.step()
    assert 10 < snap.spectral_radius < 1000


# --------------------------------------------------------------------------- colour levels
def test_presets_that_are_compared_share_one_colour_scale():
    """The tanh RNN, LSTM and GRU presets draw on one scale (10⁻²⁰…1 and 10⁻⁸…1 must not look
    alike); the exploding ones on one scale of their own, with room above 10⁷."""
    vanishing = {PRESETS[n].levels for n in ("vanishing", "lstm-long", "gru-long", "irnn", "sigmoid-chain")}
    exploding = {PRESETS[n].levels for n in ("exploding", "exploding-clip-norm", "exploding-clip-value")}
    assert len(vanishing) == 1 and len(exploding) == 1
    (lo, hi), (elo, ehi) = vanishing.pop(), exploding.pop()
    assert lo <= -20 and 0 <= hi < ehi and ehi >= 8


@pytest.mark.parametrize("value", [[1, 0], [0, 0], [-1], "all", [-400, 0], [True, 2], [float("nan"), 1]])
def test_a_preset_with_bad_levels_is_refused_naming_it(tmp_path, monkeypatch, value):
    from gradsim.content import presets

    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "bad.toml").write_text(f'description = "x"\nlevels = {_toml(value)}\n', encoding="utf-8")
    monkeypatch.setattr(presets.resources, "files", lambda _pkg: tmp_path)
    with pytest.raises(ConfigError) as err:
        presets._read_all()
    assert str(err.value).startswith("preset 'bad': field 'levels' = ") and "low < high" in str(err.value)


def _toml(value) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return "[" + ", ".join("nan" if isinstance(v, float) and math.isnan(v) else str(v).lower() for v in value) + "]"


def test_levels_data_follows_the_data(tmp_path, monkeypatch):
    from gradsim.content import presets

    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "free.toml").write_text('description = "x"\nlevels = "data"\n', encoding="utf-8")
    monkeypatch.setattr(presets.resources, "files", lambda _pkg: tmp_path)
    assert presets._read_all()["free"].levels is None
