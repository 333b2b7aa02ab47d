"""Every claim of the shipped lecture holds on a run of its step, headless (no Qt).

Each step is trained as the app trains it (``train(step.config(), stop_at)``; one iteration
for a step that does not play) and evaluated with the one function the lecture panel
calls; every expectation must pass and every placeholder must be filled. The bounds are
wide on purpose: exploding runs are chaotic and differ from one CPU to the next.
"""

from __future__ import annotations

import math

import pytest

from gradsim.content.lecture import DEFAULT_LECTURE, LANGUAGES, load_lecture, shipped_lectures
from gradsim.core.claims import PENDING_TEXT, evaluate_step
from gradsim.runs.procedure import train

LECTURE = load_lecture(shipped_lectures()[DEFAULT_LECTURE])


def _margin(result) -> float:
    """How far inside its bounds the measured value is, in decades (∞ for an exact 0 below a bound)."""
    e, v = result.expectation, result.value
    out = math.inf
    for bound, sign in ((e.below, 1), (e.above, -1)):
        if bound is None:
            continue
        if v <= 0 or bound <= 0:
            m = math.inf if (sign == 1 and v <= 0 < bound) else abs(bound - v)
        else:
            m = sign * (math.log10(bound) - math.log10(v))
        out = min(out, m)
    return out


@pytest.mark.parametrize("index", range(len(LECTURE)), ids=[s.title["en"][:24] for s in LECTURE.steps])
def test_every_expectation_of_the_step_holds_and_every_placeholder_is_filled(index):
    step = LECTURE.step(index)
    steps = step.stop_at if step.play and step.stop_at else 1
    run = train(step.config(), steps)
    for lang in LANGUAGES:
        ev = evaluate_step(step, run.history, run.last, lang)
        for field in ("text", "look"):
            assert PENDING_TEXT not in ev.texts[field], (index + 1, lang, field, ev.texts[field])
            assert "{" not in ev.texts[field].replace("_{", ""), (index + 1, lang, field)
        failed = [(str(r.expectation.quantity), r.state, r.value) for r in ev.results if not r.passed]
        assert not failed, (index + 1, step.title["en"], failed)
    # the measured margins, for the report: pytest -s prints them
    print(f"step {index + 1} {step.title['en']!r}: " + "; ".join(
        f"{r.expectation.quantity} = {r.value:.3g} at {r.iteration} (margin {_margin(r):.2g})" for r in ev.results))


def test_every_step_that_trains_claims_something_and_prints_no_frozen_number():
    import re

    for i, step in enumerate(LECTURE.steps):
        assert step.expectations, (i + 1, "a step states its claims as expectations")
        for lang in LANGUAGES:
            text = step.get("text", lang)
            assert "{" in text, (i + 1, lang, "the text shows this run's numbers")
            # "~17 000", "≈ 7×10⁶": an approximate number typed into the text is a frozen measurement
            assert not re.search(r"[~≈约]\s*\d", text.replace("≈ 0.95", "").replace("≈ 6·10⁻⁸", "")
                                 .replace("≈ 0.17", "")), (i + 1, lang, text)
