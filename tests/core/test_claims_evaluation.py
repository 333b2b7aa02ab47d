"""Evaluating a lecture step's live claims on a run (no Qt): placeholders filled from the
run's history and newest snapshot, expectations judged pass / fail / pending."""

from __future__ import annotations

import numpy as np
import pytest

from gradsim.config import RunConfig
from gradsim.content.claims import Expectation, parse_quantity
from gradsim.core.claims import check, fill_text, format_quantity, quantity_value
from gradsim.core.history import History
from gradsim.runs.procedure import train

CFG = RunConfig(task="adding", seq_len=12, batch_size=4, hidden_size=8, clip="norm", clip_threshold=0.05,
                optimizer="sgd", lr=0.1)


@pytest.fixture(scope="module")
def run():
    return train(CFG, 6)


def _q(text):
    return parse_quantity(text)


def test_values_come_from_the_newest_snapshot_and_from_the_history(run):
    h, last = run.history, run.last
    assert quantity_value(_q("rho"), h, last, CFG) == (last.spectral_radius, 5)
    assert quantity_value(_q("loss@0"), h, last, CFG)[0] == pytest.approx(h.scalar("loss")[1][0])
    assert quantity_value(_q("iteration"), h, last, CFG) == (6.0, 5)
    prof = last.views["last"][0]
    assert quantity_value(_q("last_ratio(0, -1)"), h, last, CFG)[0] == pytest.approx(prof[0] / prof[-1])
    assert quantity_value(_q("last_max(0, -2)"), h, last, CFG)[0] == pytest.approx(prof[:-1].max() / prof[-1])
    assert quantity_value(_q("gamma_sigma"), h, last, CFG)[0] == pytest.approx(last.sigma_max)  # γ = 1 (tanh)
    assert quantity_value(_q("rho@9"), h, last, CFG) == (None, None)  # not reached yet


def test_clipped_iterations_are_counted_and_listed_as_ranges(run):
    h, last = run.history, run.last
    clipped = h.scalar("clipped")[1]
    assert clipped.sum() > 0
    assert quantity_value(_q("clipped_count"), h, last, CFG)[0] == clipped.sum()
    hit = [i for i, c in enumerate(clipped) if c]
    text = quantity_value(_q("clipped_steps"), h, last, CFG)[0]
    assert text.split(", ")[0].startswith(str(hit[0]))


def test_placeholders_are_filled_and_pending_before_the_run_has_the_value(run):
    out = fill_text("ρ = {rho:.3}, first loss {loss@0:.2f}, it {iteration}, later {loss@50}", run.history,
                    run.last, CFG)
    assert out.startswith("ρ = ") and f"{run.history.scalar('loss')[1][0]:.2f}" in out
    assert "it 6," in out and out.endswith("later …")
    empty = History(CFG.seq_len, rows=2, scalar_rows=2)
    assert fill_text("{rho}", empty, None, CFG) == "…"
    assert format_quantity(36088.0) == "3.61·10⁴" and format_quantity(16.0) == "16"
    assert format_quantity(1.0213) == "1.02"  # as the eigenvalue title shows ρ


def test_expectations_pass_fail_and_wait(run):
    h, last = run.history, run.last
    rho = last.spectral_radius
    assert check(Expectation(_q("rho"), above=rho / 2), h, last, CFG).state == "pass"
    assert check(Expectation(_q("rho"), below=rho / 2), h, last, CFG).state == "fail"
    # at = N: pending until iteration N exists
    r = check(Expectation(_q("loss"), below=1e9, at=3), h, last, CFG)
    assert (r.state, r.iteration) == ("pass", 3)
    # by = N: passes at the first iteration where it holds
    first = h.scalar("loss")[1][2]
    r = check(Expectation(_q("loss"), below=first * (1 + 1e-12), above=first * (1 - 1e-12), by=4), h, last, CFG)
    assert (r.state, r.iteration) == ("pass", 2)
    assert check(Expectation(_q("loss"), below=-1.0, by=4), h, last, CFG).state == "fail"
    assert check(Expectation(_q("loss"), below=-1.0, by=40), h, last, CFG).state == "pending"
    assert check(Expectation(_q("rate"), below=np.inf), h, last, CFG).value is not None
