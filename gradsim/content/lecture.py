"""Lecture scripts: a guided sequence of presets with explanations (Qt-free).

A lecture is a TOML file::

    title = { en = "Why RNN gradients vanish", zh = "RNN 的梯度为什么会消失" }
    hide = ["device", "dtype"]          # optional: controls hidden in classroom mode
    levels = [-20, 0]                   # optional: the heatmap's colour levels for every
                                        # step (see "Colour levels" below)

    [[step]]
    preset = "vanishing"                # a shipped preset
    set = { seq_len = 50 }              # optional overrides (validated by RunConfig;
                                        # "none" unsets an optional field)
    view = "last"                       # optional heatmap view: total | last | weight
    play = true                         # optional: start training when the step opens
    stop_at = 200                       # optional, with play: pause by itself at this
                                        # iteration (where the text's numbers were measured)
    delay = 0.025                       # optional: seconds between iterations (the speed
                                        # slider; 0 = flat out), so the class sees it build up
    plots = ["heatmap", "profile"]      # optional: the plots of presentation mode (F11),
                                        # the first large, the others beside it; [] = all
    levels = [-20, 0]                   # optional: this step's colour levels (overrides
                                        # the lecture's); "data" = follow the data
    title = { en = "...", zh = "..." }
    text = { en = "...", zh = "..." }
    equation = { en = "...", zh = "..." }   # optional; a plain string is used for both
    look = { en = "...", zh = "..." }

    [[step.expect]]                     # optional, any number: claims checked on the live run
    what = "rho"                        # an expression (see below)
    above = 1000                        # and/or below = …
    by = 50                             # optional: held at some iteration ≤ 50 (or at = N)
    say = { en = "...", zh = "..." }    # optional: the claim in words

Live claims
-----------
A step prints no number measured on some other machine. ``text`` and ``look`` hold
placeholders filled from the run on screen, updated as it trains and final at
``stop_at``: ``{rho}``, ``{sigma_max}``, ``{gamma_sigma}``, ``{loss}``, ``{loss@0}`` (at
iteration 0), ``{iteration}``, ``{clipped_count}``, ``{clipped_steps}``, ``{rate}`` (the
measured per-step factor of the 'last' view), ``{last_ratio(0, -1)}`` (the 'last' view at
t = 0 over its value at T−1), ``{last_max(0, -2)}``…, each with an optional format
(``{loss:.3f}``, ``{rho:.3}`` for 3 significant digits; the default is 2 digits, as
3.6·10⁴). Each claim is an expectation, shown on the lecture panel as ✓ / ✗ with its
measured value while the step trains, so the lecturer sees at once when a machine does
not reproduce it. Write bounds that hold by a wide margin (chaotic runs differ from one
CPU to the next): "ρ > 1000 by iteration 50", not "ρ ≈ 36 088". The full syntax, every
quantity and the rules of ``at`` / ``by`` are in :mod:`gradsim.content.claims`;
:func:`gradsim.core.claims.evaluate_step` evaluates them on a run (Qt-free: a test runs
every step of the shipped lecture headless and requires every expectation to hold).

What a step changes, and what comes back
----------------------------------------
While a lecture is open its steps set the speed (``delay``), the heatmap view, the plots
of presentation mode (``plots``: any of ``loss``, ``predictions``, ``heatmap``,
``profile``, ``spectrum``, ``spectral``, ``grad_norms``) and the colour levels; a step
without ``plots`` (or without ``levels``, in a lecture without them) gets the user's own
choice from before the lecture. A language chosen while the lecture is open lasts as long
as the lecture. Lecture → Close lecture gives every one of them back as it was before the
lecture (and the controls classroom mode hid); none of a lecture's choices is remembered
for the next launch.

Colour levels
-------------
``levels = [lo, hi]`` fixes the heatmap's colour scale to 10^lo … 10^hi (log10 of the
gradient norm; finite, lo < hi, within ±300), so that two steps whose pictures the class
compares (a tanh RNN and an LSTM) use the same colours for the same magnitude: with
levels that follow the data, 10⁻²⁰…1 and 10⁻⁸…1 look alike. Set it once for the lecture
and override it on the steps whose magnitudes differ by design (an exploding network);
``levels = "data"`` lets one step follow its data.

Every text exists in English and Simplified Chinese. :func:`load_lecture` checks all
of it and raises :class:`~gradsim.config.ConfigError` naming the file, the step and
the field, so a lecturer's own script fails before class, not during it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from gradsim.config import VIEWS, ConfigError, RunConfig, field_specs, read_toml
from gradsim.errors import Reason
from gradsim.content.claims import Expectation, parse_expectations, split_text
from gradsim.content.presets import LEVELS_DATA, LEVELS_MAX, list_presets
# a preset may set levels too: one check for both (LEVELS_DATA: follow the data)
from gradsim.content.presets import parse_levels as _levels

__all__ = ["DEFAULT_LECTURE", "LANGUAGES", "LEVELS_DATA", "LEVELS_MAX", "PLOTS", "STOP_AT_MAX", "VIEWS", "Lecture",
           "LectureStep", "load_lecture", "shipped_lectures"]

#: Languages every text must have.
LANGUAGES = ("en", "zh")
#: Heatmap views a step may select (DOMAIN.md's three per-step quantities).
#: The lecture the app's "Open the shipped lecture" opens.
DEFAULT_LECTURE = "rnn-gradients"

_STEP_KEYS = {"preset", "set", "title", "text", "equation", "look", "view", "play", "stop_at", "delay", "expect",
              "plots", "levels"}
#: Largest stop_at a step may ask for.
STOP_AT_MAX = 10_000_000
_TOP_KEYS = {"title", "hide", "step", "description", "levels"}
#: Plots a step's ``plots`` may name: the app's figures (gradsim.app.plots_panel.FIGURES;
#: a test keeps the two equal).
PLOTS = ("loss", "predictions", "heatmap", "profile", "spectrum", "spectral", "grad_norms")


@dataclass(frozen=True)
class LectureStep:
    """One step: a preset (plus overrides) and what to say about it."""

    preset: str
    overrides: dict[str, Any]
    title: dict[str, str]
    text: dict[str, str]
    equation: dict[str, str]
    look: dict[str, str]
    view: str | None = None
    play: bool = False
    #: Iterations after which the step's training pauses by itself (None: it runs on).
    stop_at: int | None = None
    #: Seconds between iterations while the step plays (None: the speed stays as it is).
    delay: float | None = None
    #: Claims checked on the live run (:mod:`gradsim.content.claims`).
    expectations: tuple[Expectation, ...] = ()
    #: Plots of presentation mode, the first large (None: the user's choice; (): every plot).
    plots: tuple[str, ...] | None = None
    #: The heatmap's colour levels (log10 low, high), the step's own or the lecture's;
    #: LEVELS_DATA: follow the data; None: the user's choice.
    levels: tuple[float, float] | str | None = None

    def config(self) -> RunConfig:
        """The preset's config with this step's overrides (validated at load time)."""
        base = list_presets()[self.preset].config
        return base.replace(**self.overrides) if self.overrides else base

    def get(self, field: str, lang: str) -> str:
        """Text of ``field`` (title, text, equation, look) in ``lang`` (falls back to en)."""
        texts: dict[str, str] = getattr(self, field)
        return texts.get(lang) or texts.get("en", "")


@dataclass(frozen=True)
class Lecture:
    """A titled sequence of steps, and the controls classroom mode hides."""

    title: dict[str, str]
    steps: tuple[LectureStep, ...]
    hide: tuple[str, ...] = ()
    source: str = ""
    #: The lecture-wide ``levels`` (each step's ``levels`` already holds its own or this one).
    levels: tuple[float, float] | str | None = None

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, i: int) -> LectureStep:
        """Step ``i`` (0-based)."""
        return self.steps[i]

    def get_title(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en", "")


_TABLE = '{en = "...", zh = "..."}'


def _texts(value: Any, field: str, *, required: bool = True) -> dict[str, str]:
    if value is None:
        if required:
            raise ConfigError("missing field %1 (a table %2)", repr(field), _TABLE)
        return {lang: "" for lang in LANGUAGES}
    if isinstance(value, str) and field == "equation":
        return {lang: value for lang in LANGUAGES}  # mathematics reads the same in both
    if not isinstance(value, dict):
        raise ConfigError("field %1 must be a table %2, not %3", repr(field), _TABLE, repr(value))
    unknown = [k for k in value if k not in LANGUAGES]
    if unknown:
        raise ConfigError("field %1: unknown language %2 (expected %3)", repr(field),
                          ", ".join(map(repr, unknown)), ", ".join(LANGUAGES))
    out = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ConfigError("field %1: missing or empty %2 text (every text needs %3)", repr(field),
                              repr(lang), " and ".join(LANGUAGES))
        out[lang] = text.strip()
    return out


def _plots(value: Any) -> tuple[str, ...] | None:
    """A ``plots`` value: None (absent) or known plot names, each once, in their order."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("field 'plots' must be a list of plot names (%1), not %2", ", ".join(PLOTS), repr(value))
    bad = [v for v in value if v not in PLOTS]
    if bad:
        raise ConfigError("field 'plots': unknown plot %1 (known: %2)", ", ".join(map(repr, bad)), ", ".join(PLOTS))
    return tuple(dict.fromkeys(value))


def _parse_step(raw: Any, levels: tuple[float, float] | str | None = None) -> LectureStep:
    if not isinstance(raw, dict):
        raise ConfigError(Reason("must be a table ([[step]])"))
    unknown = sorted(set(raw) - _STEP_KEYS)
    if unknown:
        raise ConfigError("unknown field %1 (known: %2)", ", ".join(map(repr, unknown)), ", ".join(sorted(_STEP_KEYS)))
    preset = raw.get("preset")
    presets = list_presets()
    if not isinstance(preset, str):
        raise ConfigError("field 'preset' is missing or not a string (known: %1)", ", ".join(presets))
    if preset not in presets:
        raise ConfigError("field 'preset': unknown preset %1 (known: %2)", repr(preset), ", ".join(presets))
    overrides = raw.get("set", {})
    if not isinstance(overrides, dict):
        raise ConfigError("field 'set' must be a table {field = value}, not %1", repr(overrides))
    specs = field_specs()
    # TOML has no null: "none" unsets an optional field (e.g. spectral_radius)
    overrides = {k: None if (isinstance(v, str) and v.lower() == "none" and k in specs and specs[k].optional)
                 else v for k, v in overrides.items()}
    try:
        presets[preset].config.replace(**overrides)
    except ConfigError as err:
        raise err.within("field 'set': %1") from None
    view = raw.get("view")
    if view is not None and view not in VIEWS:
        raise ConfigError("field 'view' = %1: must be one of %2", repr(view), ", ".join(VIEWS))
    play = raw.get("play", False)
    if not isinstance(play, bool):
        raise ConfigError("field 'play' = %1: must be true or false", repr(play))
    stop_at = raw.get("stop_at")
    if stop_at is not None and (isinstance(stop_at, bool) or not isinstance(stop_at, int)
                                or not 1 <= stop_at <= STOP_AT_MAX):
        raise ConfigError("field 'stop_at' = %1: must be an integer from 1 to %2", repr(stop_at), str(STOP_AT_MAX))
    delay = raw.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, (int, float))
                              or not 0.0 <= delay <= 1.0):
        raise ConfigError("field 'delay' = %1: must be a number of seconds from 0 to 1", repr(delay))
    for field in ("text", "look"):
        for lang in LANGUAGES:
            try:
                split_text(_texts(raw.get(field), field)[lang])
            except ConfigError as err:
                raise err.within("field %1 (%2): %3", repr(field), lang) from None
    expectations = parse_expectations(raw.get("expect"), stop_at if play else None, LANGUAGES)
    plots = _plots(raw.get("plots"))
    own_levels = _levels(raw.get("levels"))
    return LectureStep(
        preset=preset,
        overrides=dict(overrides),
        title=_texts(raw.get("title"), "title"),
        text=_texts(raw.get("text"), "text"),
        equation=_texts(raw.get("equation"), "equation", required=False),
        look=_texts(raw.get("look"), "look"),
        view=view,
        play=play,
        stop_at=stop_at,
        delay=None if delay is None else float(delay),
        expectations=expectations,
        plots=plots,
        levels=own_levels if own_levels is not None else levels,
    )


def parse_lecture(data: dict[str, Any], name: str) -> Lecture:
    """Validate parsed TOML ``data``; ``name`` (the file) prefixes every message."""
    try:
        title, hide, raw_steps = _parse_top(data)
        levels = _levels(data.get("levels"))
    except ConfigError as err:
        raise err.within("lecture %1: %2", name) from None
    steps = []
    for i, raw in enumerate(raw_steps):
        try:
            steps.append(_parse_step(raw, levels))
        except ConfigError as err:
            raise err.within("lecture %1, step %2: %3", name, str(i + 1)) from None
    return Lecture(title=title, steps=tuple(steps), hide=hide, source=name, levels=levels)


def _parse_top(data: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...], list]:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError("unknown top-level field %1 (known: %2)", ", ".join(map(repr, unknown)),
                          ", ".join(sorted(_TOP_KEYS)))
    title = _texts(data.get("title"), "title")
    hide = data.get("hide", [])
    specs = field_specs()
    if not isinstance(hide, list) or not all(isinstance(h, str) for h in hide):
        raise ConfigError("field 'hide' must be a list of control names, not %1", repr(hide))
    bad = [h for h in hide if h not in specs]
    if bad:
        raise ConfigError("field 'hide': unknown control %1 (known: %2)", ", ".join(map(repr, bad)), ", ".join(specs))
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ConfigError(Reason("no steps (add at least one [[step]] table)"))
    return title, tuple(hide), raw_steps


def load_lecture(path: str | os.PathLike[str] | Traversable) -> Lecture:
    """Load and validate a lecture script; raises ConfigError naming the file, step and field."""
    data = read_toml(path, "lecture")
    return parse_lecture(data, repr(str(path)))


def shipped_lectures() -> dict[str, Traversable]:
    """The lectures shipped in ``resources/lectures``: name -> file."""
    folder = resources.files("gradsim.resources") / "lectures"
    if not folder.is_dir():
        return {}
    found = {e.name.removesuffix(".toml"): e for e in folder.iterdir() if e.name.endswith(".toml")}
    return dict(sorted(found.items()))
