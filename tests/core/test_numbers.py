"""The one number formatter: complete, short, the same everywhere (3.6·10⁴, never 1.24e+04)."""

from __future__ import annotations

import pytest

from gradsim.core.numbers import format_factor, format_value


@pytest.mark.parametrize("x, text", [
    (36088.0, "3.6·10⁴"), (0.7134, "0.71"), (1e-7, "10⁻⁷"), (1000.0, "1000"), (1234.0, "1200"),
    (0.001, "0.001"), (-2.5e-12, "−2.5·10⁻¹²"), (3.0, "3"), (0.0, "0"),
    (1.2e7, "1.2·10⁷"), (float("inf"), "∞"), (float("-inf"), "−∞"), (float("nan"), "—"), (None, "—"),
])
def test_format_value(x, text):
    assert format_value(x) == text


def test_digits_and_factor():
    assert format_value(36088.0, 3) == "3.61·10⁴"
    assert format_value(999.96, 3) == "1000" and format_value(9999.6, 3) == "10⁴"
    assert format_factor(0.7134) == "×0.71"
    assert "e" not in format_value(1.24e4) and "(" not in format_value(3.6e4)
