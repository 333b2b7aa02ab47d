"""Live claims of a lecture step: placeholders and expectations, parsed and validated (Qt-free).

A number measured on one machine is not a fact on another (exploding runs are chaotic: a
different CPU kernel changes the trajectory within tens of iterations). So a lecture step
prints no measured number: it writes a *placeholder*, filled from the run on screen, and
states each claim as an *expectation*, checked on that run and shown as ✓ / ✗ beside the
text. This module reads both from a lecture script; :mod:`gradsim.core.claims` evaluates
them on a run (it needs the run's history, which lives a layer above).

Quantities
----------
An expression names a quantity, with arguments in parentheses where it takes some, and
optionally ``@N``: the value at iteration N (0 = the first) instead of the newest one::

    rho                   spectral radius ρ of W_hh (before the newest update)
    sigma_max             λ₁, largest singular value of W_hh
    gamma_sigma           γ·λ₁, the bound's per-step factor (plain rnn cell only)
    loss                  the iteration's loss
    grad_norm             gradient norm before clipping
    grad_norm_after       … and after the remedies
    iteration             iterations done so far (the newest iteration + 1)
    clipped_count         iterations clipped so far
    clipped_fraction      … as a fraction of the iterations so far
    clipped_steps         which iterations were clipped, as text ("0–13, 38, 55"; text only)
    rate                  measured per-step factor of the 'last' view (×0.71: one step back in
                          time multiplies the gradient by 0.71; 0: nothing reaches back)
    last_ratio(a, b)      the 'last' view at t = a over its value at t = b; negative indices
                          count from the end (-1 = T−1), so last_ratio(0, -1) is how much of the
                          last step's gradient reaches t = 0
    last_max(a, b)        the largest 'last' value over t = a … b, over the value at T−1
                          (last_max(0, -2) = 0: nothing passes back even one step)

Placeholders
------------
``{expression}`` or ``{expression:spec}`` in a step's ``text`` or ``look`` is replaced by the
value: ``{rho}`` → ``3.61·10⁴``, ``{last_ratio(0, -1)@0}`` → ``2·10⁻⁷``. Without a spec a
value has 3 significant digits in gradsim's one number style (3.61·10⁴, 0.712, 10⁻⁶), as the
plots' titles and legends show it (the text and the eigenvalue title agree: ρ = 1.02); a spec
``.N`` gives N significant digits; any other spec is Python's format spec (``{loss:.3f}``,
``{iteration:d}``). ``{{`` and ``}}`` are literal braces. Before the run has the value (at
iteration 0, or before iteration N for ``@N``) a placeholder shows ``…``.

Expectations
------------
A step lists its claims as tables::

    [[step.expect]]
    what = "last_ratio(0, -1)"     # an expression (not clipped_steps)
    below = 1e-6                   # and/or above = …: the claim is below < value < above
    at = 0                         # optional: checked at iteration 0 (fixed from then on)
    # by = 50                      # or: must hold at some iteration up to 50
    say = { en = "t = 0 gets less than 10⁻⁶ of the last step's gradient",
            zh = "t = 0 得到的梯度不到最后一步的 10⁻⁶" }   # optional: what the panel says

Without ``at`` / ``by`` the claim is about the newest iteration (it is final at the step's
``stop_at``). With ``at = N`` it is pending until iteration N and then fixed; with
``by = N`` it passes as soon as it holds at some iteration ≤ N and fails once the run is
past N without it (``rho > 1000 by iteration 50``). The lecture panel shows each one as
✓ / ✗ (… while pending) with the measured value. ``at`` and ``by`` must not lie beyond the
step's ``stop_at``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from gradsim.config import ConfigError

__all__ = [
    "QUANTITIES", "TEXT_ONLY", "Quantity", "Placeholder", "Expectation", "parse_quantity",
    "parse_placeholders", "parse_expectations", "check_format_spec", "split_text",
]

#: Quantity name -> number of integer arguments.
QUANTITIES: dict[str, int] = {
    "rho": 0, "sigma_max": 0, "gamma_sigma": 0, "loss": 0, "grad_norm": 0, "grad_norm_after": 0,
    "iteration": 0, "clipped_count": 0, "clipped_fraction": 0, "clipped_steps": 0, "rate": 0,
    "last_ratio": 2, "last_max": 2,
}
#: Quantities that are text, not numbers: placeholders only, never an expectation.
TEXT_ONLY = frozenset({"clipped_steps"})

_EXPR = re.compile(r"^\s*(?P<name>[a-z_][a-z0-9_]*)\s*(?:\((?P<args>[^()]*)\))?\s*(?:@\s*(?P<at>\S+))?\s*$")
#: A placeholder: "{" name [ "(" … ")" ] [ "@" N ] [ ":" spec ] "}" — a lower-case name right
#: after the brace; anything else in braces ("h_{t−1}") is text.
_PLACEHOLDER = re.compile(r"\{(?P<expr>[a-z_][a-z0-9_]*\s*(?:\([^(){}]*\))?\s*(?:@\s*[^:{}]*)?)(?::(?P<spec>[^{}]*))?\}")
_EXPECT_KEYS = {"what", "below", "above", "at", "by", "say"}


@dataclass(frozen=True)
class Quantity:
    """A parsed expression: ``name(args)@at``."""

    name: str
    args: tuple[int, ...] = ()
    at: int | None = None
    source: str = ""

    def __str__(self) -> str:
        return self.source or self.name


@dataclass(frozen=True)
class Placeholder:
    """One ``{expression:spec}`` of a text."""

    quantity: Quantity
    spec: str = ""


@dataclass(frozen=True)
class Expectation:
    """One claim: ``above < quantity < below``, at the newest iteration, ``at`` N or ``by`` N."""

    quantity: Quantity
    below: float | None = None
    above: float | None = None
    at: int | None = None
    by: int | None = None
    say: dict[str, str] | None = None

    def holds(self, value: float) -> bool:
        """Whether ``value`` satisfies the bounds (NaN never does)."""
        if value is None or math.isnan(value):
            return False
        return (self.below is None or value < self.below) and (self.above is None or value > self.above)


def _int_arg(text: str, source: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError("%1: argument %2 is not an integer", repr(source), repr(text.strip())) from None


def parse_quantity(source: Any, *, text_ok: bool = True) -> Quantity:
    """Parse ``name(args)@N``; raises ConfigError naming the expression and what is wrong."""
    if not isinstance(source, str):
        raise ConfigError("%1 is not an expression (a string such as \"rho\" or \"last_ratio(0, -1)\")",
                          repr(source))
    m = _EXPR.match(source)
    if m is None or m.group("name") not in QUANTITIES:
        name = m.group("name") if m else source.strip()
        raise ConfigError("unknown quantity %1 (known: %2)", repr(name), ", ".join(QUANTITIES))
    name = m.group("name")
    raw = m.group("args")
    args = tuple(_int_arg(a, source) for a in raw.split(",")) if raw is not None and raw.strip() else ()
    if len(args) != QUANTITIES[name]:
        raise ConfigError("%1: %2 takes %3 arguments, not %4", repr(source), name, str(QUANTITIES[name]),
                          str(len(args)))
    at = None
    if m.group("at") is not None:
        at = _int_arg(m.group("at"), source)
        if at < 0:
            raise ConfigError("%1: the iteration after @ must be 0 or more", repr(source))
    if not text_ok and name in TEXT_ONLY:
        raise ConfigError("%1 is text, not a number: use it in a placeholder, not in an expectation", name)
    return Quantity(name, args, at, " ".join(source.split()))


def check_format_spec(spec: str, source: str) -> None:
    """A placeholder's spec: ``.N`` (significant digits) or a Python format spec for a float."""
    if not spec or re.fullmatch(r"\.\d{1,2}", spec):
        return
    try:
        format(1.5, spec)
    except (ValueError, TypeError):
        try:
            format(1, spec)  # an integer spec such as "d" for {iteration:d}
        except (ValueError, TypeError):
            raise ConfigError("placeholder %1: bad format %2 (use .N for N significant digits, or a "
                              "Python format such as .3f)", repr(source), repr(spec)) from None


def split_text(text: str) -> list[str | Placeholder]:
    """``text`` as literal pieces and placeholders (``{{``/``}}`` become braces); raises ConfigError."""
    out: list[str | Placeholder] = []
    pos = 0
    literal = []
    for m in re.finditer(r"\{\{|\}\}|" + _PLACEHOLDER.pattern, text):
        literal.append(text[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        spec = m.group("spec") or ""
        q = parse_quantity(m.group("expr"))
        check_format_spec(spec, token)
        if "".join(literal):
            out.append("".join(literal))
        literal = []
        out.append(Placeholder(q, spec))
    literal.append(text[pos:])
    if "".join(literal):
        out.append("".join(literal))
    return out


def parse_placeholders(text: str) -> tuple[Placeholder, ...]:
    """The placeholders of ``text`` (validated)."""
    return tuple(p for p in split_text(text) if isinstance(p, Placeholder))


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError("%1 = %2: must be a finite number", repr(key), repr(value))
    return float(value)


def _iteration(value: Any, key: str, stop_at: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError("%1 = %2: must be an iteration (an integer, 0 or more)", repr(key), repr(value))
    if stop_at is not None and value >= stop_at:
        raise ConfigError("%1 = %2: the step stops after %3 iterations, so iteration %2 never comes",
                          repr(key), str(value), str(stop_at))
    return value


def parse_expectation(raw: Any, stop_at: int | None, languages: tuple[str, ...]) -> Expectation:
    """One ``[[step.expect]]`` table; raises ConfigError naming the field."""
    if not isinstance(raw, dict):
        raise ConfigError("must be a table ([[step.expect]] with what = … and below = … or above = …)")
    unknown = sorted(set(raw) - _EXPECT_KEYS)
    if unknown:
        raise ConfigError("unknown field %1 (known: %2)", ", ".join(map(repr, unknown)), ", ".join(sorted(_EXPECT_KEYS)))
    if "what" not in raw:
        raise ConfigError("missing field 'what' (an expression such as \"rho\")")
    try:
        q = parse_quantity(raw["what"], text_ok=False)
    except ConfigError as err:
        raise err.within("field 'what': %1") from None
    if q.at is not None:
        raise ConfigError("field 'what' = %1: write the iteration as at = N, not with @", repr(raw["what"]))
    below = _number(raw["below"], "below") if "below" in raw else None
    above = _number(raw["above"], "above") if "above" in raw else None
    if below is None and above is None:
        raise ConfigError("needs below = … or above = … (or both)")
    if below is not None and above is not None and not above < below:
        raise ConfigError("above = %1 is not less than below = %2: nothing could pass", str(above), str(below))
    at = _iteration(raw["at"], "at", stop_at) if "at" in raw else None
    by = _iteration(raw["by"], "by", stop_at) if "by" in raw else None
    if at is not None and by is not None:
        raise ConfigError(
            "give at = N (checked at iteration N) or by = N (held at some iteration up to N), not both")
    say = raw.get("say")
    if say is not None:
        if not isinstance(say, dict) or any(not isinstance(say.get(lang), str) or not say[lang].strip()
                                            for lang in languages):
            raise ConfigError("field 'say' must be a table with a text for each of %1", ", ".join(languages))
        say = {lang: say[lang].strip() for lang in languages}
    return Expectation(q, below, above, at, by, say)


def parse_expectations(raw: Any, stop_at: int | None, languages: tuple[str, ...]) -> tuple[Expectation, ...]:
    """A step's ``expect`` list (absent: none)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError("field 'expect' must be a list of tables ([[step.expect]]), not %1", repr(raw))
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(parse_expectation(item, stop_at, languages))
        except ConfigError as err:
            raise err.within("expectation %1: %2", str(i + 1)) from None
    return tuple(out)
