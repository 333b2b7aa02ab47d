"""Evaluate a lecture step's live claims on a run (torch-free, Qt-free).

:mod:`gradsim.content.claims` reads placeholders and expectations from a lecture script;
this module fills and checks them from a run's :class:`~gradsim.core.history.History` and
newest :class:`~gradsim.core.snapshot.Snapshot`. One pure function serves the lecture
panel (on every throttled redraw) and the test that runs the shipped lecture headless::

    >>> from gradsim.runs.procedure import train                       # doctest: +SKIP
    >>> result = train(step.config(), step.stop_at)                      # doctest: +SKIP
    >>> ev = evaluate_step(step, result.history, result.last, "en")      # doctest: +SKIP
    >>> ev.text, [(r.state, r.value) for r in ev.results]               # doctest: +SKIP

Values of the newest iteration come from the snapshot (float64); ``@N`` and ``at`` / ``by``
read the history (float32 views: below ~10⁻³⁸ a 'last' entry is 0 there). Runs longer
than the history's rows merge neighbouring iterations (by max for the views and for
clipping, by mean for the scalars); ``@N`` then reads the row that holds iteration N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradsim.content.claims import Expectation, Placeholder, Quantity, split_text
from gradsim.core.numbers import format_value
from gradsim.core.theory import GAMMA, measured_rate

__all__ = ["ExpectationResult", "StepEvaluation", "evaluate_step", "fill_text", "check", "quantity_value",
           "PENDING_TEXT"]

#: What a placeholder shows before the run has its value.
PENDING_TEXT = "…"

_SCALARS = {"rho": "spectral_radius", "sigma_max": "sigma_max", "loss": "loss", "grad_norm": "grad_norm",
            "grad_norm_after": "grad_norm_after"}


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation on one run: ``state`` is ``"pass"``, ``"fail"`` or ``"pending"``.

    ``value`` is the measured value it was judged on (None while nothing is measured) and
    ``iteration`` the iteration it belongs to.
    """

    expectation: Expectation
    state: str
    value: float | None
    iteration: int | None

    @property
    def passed(self) -> bool:
        return self.state == "pass"


@dataclass(frozen=True)
class StepEvaluation:
    """A step's filled texts (by field) and its expectations' results."""

    texts: dict[str, str]
    results: tuple[ExpectationResult, ...]

    @property
    def text(self) -> str:
        return self.texts.get("text", "")

    @property
    def look(self) -> str:
        return self.texts.get("look", "")

    @property
    def all_passed(self) -> bool:
        return all(r.passed for r in self.results)


# --------------------------------------------------------------------------- values
def _gamma(cfg: Any) -> float | None:
    if cfg is None or getattr(cfg, "cell", "rnn") != "rnn":
        return None
    return GAMMA.get(getattr(cfg, "activation", ""), None)


def _row(history: Any, view: str, at: int) -> np.ndarray | None:
    buf = history.views[view]
    n = len(buf)
    if n == 0:
        return None
    steps = buf.steps
    i = int(np.searchsorted(steps, at, side="right")) - 1
    if i < 0:
        return None
    return np.asarray(buf.data[i], dtype=np.float64)


def _index(t: int, T: int) -> int | None:
    i = t + T if t < 0 else t
    return i if 0 <= i < T else None


def _profile_value(name: str, args: tuple[int, ...], last: np.ndarray, tbptt: int) -> float:
    T = len(last)
    if name == "rate":
        r = measured_rate(last, tbptt=tbptt)
        return float("nan") if r is None else r.factor
    a, b = (_index(x, T) for x in args)
    if a is None or b is None:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "last_ratio":
            return float(last[a] / last[b]) if last[b] != 0 else float("nan")
        lo, hi = min(a, b), max(a, b)
        ref = last[-1]
        return float(np.max(last[lo:hi + 1]) / ref) if ref != 0 else float("nan")


def _scalar_at(history: Any, key: str, at: int) -> tuple[float, int] | None:
    steps, values = history.scalar(key)
    if len(steps) == 0:
        return None
    i = int(np.searchsorted(steps, at, side="right")) - 1
    if i < 0:
        return None
    return float(values[i]), int(steps[i])


def _newest(history: Any, last: Any) -> int | None:
    if last is not None:
        return int(last.step)
    steps, _ = history.scalar("loss")
    return int(steps[-1]) if len(steps) else None


def quantity_value(q: Quantity, history: Any, last: Any, cfg: Any = None, at: int | None = None
                   ) -> tuple[float | str | None, int | None]:
    """``(value, iteration)`` of ``q`` at iteration ``at`` (default: ``q.at``, else the newest).

    None while the run has not reached that iteration; NaN where the quantity is undefined
    (a ratio over an exact zero, γ of a gated cell). ``clipped_steps`` is a string.
    """
    newest = _newest(history, last)
    if newest is None:
        return None, None
    it = q.at if at is None else at
    if it is None:
        it = newest
    if it > newest:
        return None, None
    tbptt = int(getattr(cfg, "tbptt", 0) or 0)
    name = q.name
    if name == "iteration":
        return float(it + 1), it
    if name in ("clipped_count", "clipped_fraction", "clipped_steps"):
        steps, clipped = history.scalar("clipped")
        keep = steps <= it
        hit = steps[keep][np.asarray(clipped[keep]) > 0]
        if name == "clipped_steps":
            return _ranges(hit), it
        if name == "clipped_count":
            return float(len(hit)), it
        done = int(keep.sum())
        return (len(hit) / done if done else float("nan")), it
    use_last = last is not None and it == newest
    if name in _SCALARS or name == "gamma_sigma":
        key = _SCALARS.get(name, "sigma_max")
        if use_last:
            value = float(getattr(last, key))
        else:
            found = _scalar_at(history, key, it)
            if found is None:
                return None, None
            value, it = found
        if name == "gamma_sigma":
            g = _gamma(cfg)
            value = g * value if g is not None else float("nan")
        return value, it
    # views
    if use_last:
        prof = np.asarray(last.views["last"][0], dtype=np.float64)
    else:
        prof = _row(history, "last", it)
        if prof is None:
            return None, None
    return _profile_value(name, q.args, prof, tbptt), it


def _ranges(steps: np.ndarray) -> str:
    """``[0, 1, 2, 3, 38, 55]`` -> ``"0–3, 38, 55"`` (``"none"`` when empty)."""
    values = [int(s) for s in steps]
    if not values:
        return "—"
    out, start, prev = [], values[0], values[0]
    for v in values[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(out)


# --------------------------------------------------------------------------- texts
def format_quantity(value: float | str | None, spec: str = "") -> str:
    """A placeholder's text: ``…`` while pending, else the value in gradsim's number style."""
    if value is None:
        return PENDING_TEXT
    if isinstance(value, str):
        return value
    if spec.startswith(".") and spec[1:].isdigit():
        return format_value(value, int(spec[1:]))
    if spec:
        if math.isfinite(value) and value == int(value) and spec[-1:] in "dxXob":
            return format(int(value), spec)
        return format(value, spec)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e4:
        return str(int(value))  # counts and iterations: 16, not 16.0
    return format_value(value, 3)  # as the plots show it (title, legend): ρ = 1.02, not 1


def fill_text(text: str, history: Any, last: Any, cfg: Any = None) -> str:
    """``text`` with every placeholder replaced by its value on this run."""
    parts = []
    for piece in split_text(text):
        if isinstance(piece, Placeholder):
            value, _ = quantity_value(piece.quantity, history, last, cfg)
            parts.append(format_quantity(value, piece.spec))
        else:
            parts.append(piece)
    return "".join(parts)


# --------------------------------------------------------------------------- expectations
def check(expectation: Expectation, history: Any, last: Any, cfg: Any = None) -> ExpectationResult:
    """Judge one expectation on the run so far (see :mod:`gradsim.content.claims` for the rules)."""
    e = expectation
    newest = _newest(history, last)
    if newest is None:
        return ExpectationResult(e, "pending", None, None)
    if e.at is not None:
        value, it = quantity_value(e.quantity, history, last, cfg, at=e.at)
        if value is None:
            return ExpectationResult(e, "pending", None, None)
        return ExpectationResult(e, "pass" if e.holds(value) else "fail", value, it)
    if e.by is not None:
        best: tuple[float, int] | None = None
        for it in _iterations(history, min(newest, e.by)):
            value, at = quantity_value(e.quantity, history, last, cfg, at=it)
            if value is None:
                continue
            if e.holds(value):
                return ExpectationResult(e, "pass", value, at)
            best = (value, at)
        state = "fail" if newest >= e.by else "pending"
        return ExpectationResult(e, state, None if best is None else best[0], None if best is None else best[1])
    value, it = quantity_value(e.quantity, history, last, cfg)
    if value is None:
        return ExpectationResult(e, "pending", None, None)
    return ExpectationResult(e, "pass" if e.holds(value) else "fail", value, it)


def _iterations(history: Any, up_to: int) -> list[int]:
    """The iterations the history holds a row for, up to ``up_to``."""
    steps, _ = history.scalar("loss")
    return [int(s) for s in steps if s <= up_to]


def evaluate_step(step: Any, history: Any, last: Any, lang: str = "en", cfg: Any = None) -> StepEvaluation:
    """The step's ``text`` and ``look`` filled from the run, and its expectations judged.

    ``step`` is a :class:`~gradsim.content.lecture.LectureStep`; ``cfg`` the config the
    run uses (default: the step's own), for γ and the truncation window.
    """
    cfg = cfg if cfg is not None else step.config()
    texts = {field: fill_text(step.get(field, lang), history, last, cfg) for field in ("text", "look")}
    results = tuple(check(e, history, last, cfg) for e in step.expectations)
    return StepEvaluation(texts, results)
