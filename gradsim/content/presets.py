"""Presets shipped in the package (``resources/presets/*.toml``), read through
``importlib.resources`` so that an installed wheel finds them."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from gradsim.config import ConfigError, RunConfig, config_from_mapping

__all__ = ["Preset", "list_presets", "load_preset", "preset_levels", "parse_levels", "DEFAULT_PRESET", "LEVELS_DATA",
           "LEVELS_MAX"]

#: The preset the app opens on: the lecture's first picture.
DEFAULT_PRESET = "vanishing"
#: ``levels = "data"``: the heatmap's colour levels follow the data.
LEVELS_DATA = "data"
#: Largest |log10| of a colour level (float64 reaches 10⁻³²⁴; the level fields hold ±300).
LEVELS_MAX = 300.0


@dataclass(frozen=True)
class Preset:
    """A named, described configuration."""

    name: str
    description: str
    config: RunConfig
    order: int = 1000
    #: The heatmap's colour levels (log10 low, high) wherever two of this preset's pictures
    #: are compared (``gradsim compare``, Analysis → Compare runs, animations); None: the
    #: range of the data over the whole run.
    levels: tuple[float, float] | None = None


def parse_levels(value: Any) -> tuple[float, float] | str | None:
    """A ``levels`` value: None (absent), LEVELS_DATA, or two finite log10 levels, low < high."""
    if value is None or value == LEVELS_DATA:
        return value
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        lo, hi = float(value[0]), float(value[1])
        if math.isfinite(lo) and math.isfinite(hi) and -LEVELS_MAX <= lo < hi <= LEVELS_MAX:
            return lo, hi
    raise ConfigError("field 'levels' = %1: must be [low, high], log10 of the gradient norm, finite, low < high, "
                      "from %2 to %3 (or \"data\": follow the data)", repr(value), f"{-LEVELS_MAX:g}",
                      f"{LEVELS_MAX:g}")


def _read_all() -> dict[str, Preset]:
    folder = resources.files("gradsim.resources") / "presets"
    found = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".toml"):
            continue
        name = entry.name.removesuffix(".toml")
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        description = str(data.pop("description", ""))
        order = int(data.pop("order", 1000))
        try:
            levels = parse_levels(data.pop("levels", None))
            cfg = config_from_mapping(data)
        except ConfigError as err:  # a shipped preset must be valid; tests check all
            raise err.within("preset %1: %2", repr(name)) from None
        found.append(Preset(name, description, cfg, order, None if levels == LEVELS_DATA else levels))
    found.sort(key=lambda p: (p.order, p.name))
    return {p.name: p for p in found}


_CACHE: dict[str, Preset] | None = None


def list_presets() -> dict[str, Preset]:
    """Every shipped preset, in display order."""
    global _CACHE
    if _CACHE is None:
        _CACHE = _read_all()
    return dict(_CACHE)


def load_preset(name: str) -> RunConfig:
    """The config of preset ``name``; raises ConfigError naming the known presets."""
    presets = list_presets()
    if name not in presets:
        raise ConfigError("unknown preset %1 (known: %2)", repr(name), ", ".join(presets))
    return presets[name].config


def preset_levels(name: str | None) -> tuple[float, float] | None:
    """The colour levels preset ``name`` sets for compared pictures (None: none, or no such preset)."""
    p = list_presets().get(name) if name else None
    return p.levels if p is not None else None
