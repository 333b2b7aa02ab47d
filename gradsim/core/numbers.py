"""How a number is written for people: one function for every title, legend, label and
badge, so that two places never show one value two ways (1.5·10⁴ beside 1.24e+04).

Plain Python (no torch, no Qt): the GUI process, the figures and the lecture texts use it.
"""

from __future__ import annotations

import math

__all__ = ["format_value", "format_factor", "superscript"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(exponent: int) -> str:
    """``-5`` → ``⁻⁵``."""
    return str(int(exponent)).translate(_SUPERSCRIPT)


def format_value(value: float | int | None, digits: int = 2, *, missing: str = "—") -> str:
    """``value`` with ``digits`` significant digits, in decimals when short, else as m·10ᵏ.

    ``36088`` → ``3.6·10⁴``, ``0.167`` → ``0.17``, ``1000`` → ``1000``, ``1e-20`` → ``10⁻²⁰``,
    ``-2.5e-7`` → ``−2.5·10⁻⁷``; NaN / None → ``missing``, ±inf → ``∞`` / ``−∞``.
    Decimals are used for 10⁻³ ≤ |value| < 10⁴ (rounded to ``digits`` significant digits,
    trailing zeros dropped); never Python's ``1.24e+04``.

    Parameters
    ----------
    value : float, int or None
        The number.
    digits : int
        Significant digits (≥ 1).
    missing : str
        Text for None and NaN.
    """
    if value is None:
        return missing
    v = float(value)
    if math.isnan(v):
        return missing
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    digits = max(1, int(digits))
    if v == 0:
        return "0"
    sign = "−" if v < 0 else ""
    a = abs(v)
    mantissa, exponent = f"{a:.{digits - 1}e}".split("e")
    exp = int(exponent)
    if -3 <= exp < 4:
        # decimals, rounded to ``digits`` significant digits (1000, not .3g's 1e+03)
        decimals = max(0, digits - 1 - exp)
        text = f"{float(mantissa) * 10.0 ** exp:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return sign + text
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10{superscript(exp)}"
    return sign + (power if mantissa == "1" else f"{mantissa}·{power}")


def format_factor(factor: float | None, digits: int = 2) -> str:
    """A growth factor per step: ``0.71`` → ``×0.71``, ``36088`` → ``×3.6·10⁴``
    (:func:`format_value` after a multiplication sign)."""
    return "×" + format_value(factor, digits)
