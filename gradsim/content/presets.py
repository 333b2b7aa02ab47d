"""Presets shipped in the package (``resources/presets/*.toml``), read through
``importlib.resources`` so that an installed wheel finds them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

from gradsim.config import ConfigError, RunConfig, config_from_mapping

__all__ = ["Preset", "list_presets", "load_preset", "DEFAULT_PRESET"]

#: The preset the app opens on: the lecture's first picture.
DEFAULT_PRESET = "vanishing"


@dataclass(frozen=True)
class Preset:
    """A named, described configuration."""

    name: str
    description: str
    config: RunConfig
    order: int = 1000


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
            cfg = config_from_mapping(data)
        except ConfigError as err:  # a shipped preset must be valid; tests check all
            raise err.within("preset %1: %2", repr(name)) from None
        found.append(Preset(name, description, cfg, order))
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
