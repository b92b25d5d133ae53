"""How the report, the dashboard and the CLI's tables write figures: conversion as a
percentage with one decimal, a difference of two conversion rates (a conversion lift) in
percentage points ("+0.7 pp", :data:`POINTS_WORDS` spelt out beside the table), money with two
decimals and thousands separators, counts with separators, a model score with three decimals,
a missing figure as "–", and never a negative zero ("-0.00")."""

from __future__ import annotations

# money is written by one function for the CLI, the reports, the dashboard and the
# campaign's verdict (the campaigns layer, below this one, uses it too)
from promopilot.data.currency import MISSING, money
from promopilot.data.currency import finite as _finite


def number(value, places: int = 2) -> str:
    """``1,234.57`` (to `places` decimals, thousands separated; ``-0.004`` is ``0.00``)."""
    number = _finite(value)
    if number is None:
        return MISSING
    return f"{round(number, places) + 0.0:,.{places}f}"


def p_value(value) -> str:
    """A p-value to 3 decimals, ``0.042``; one that rounds to 0 is ``<0.001``: a p-value is
    never 0, and ``0.000`` reads as certainty the data cannot give."""
    number = _finite(value)
    if number is None:
        return MISSING
    return "<0.001" if number < 0.0005 else f"{number:.3f}"


def score(value) -> str:
    """A model score (Qini, AUUC, uplift@k) to 3 decimals: ``0.012``."""
    return number(value, 3)


def score_interval(value, low, high) -> str:
    """A score with its interval, ``0.120 [0.031, 0.204]``; the score alone where the interval
    is missing, "–" where the score is."""
    text = score(value)
    bounds = score(low), score(high)
    if text == MISSING or MISSING in bounds:
        return text
    return f"{text} [{bounds[0]}, {bounds[1]}]"


def count(value) -> str:
    """A whole number with thousands separators: ``1,500``."""
    return number(value, 0)


def percent(value, *, sign: bool = False) -> str:
    """A share as ``12.3%``; with `sign` ``+12.3%`` (zero is ``0.0%``)."""
    number = _finite(value)
    if number is None:
        return MISSING
    number = round(number * 100, 1) + 0.0
    if number == 0:
        return "0.0%"
    return f"{number:+.1f}%" if sign else f"{number:.1f}%"


def chance(value) -> str:
    """A probability as a percentage an owner reads: ``100%``, ``76%``, ``1.25%``, ``33.3%``
    (three significant digits at most; the dashboard wrote ``1.0000`` and ``0.1400``), and
    ``<0.01%`` or ``>99.9%`` at the ends, never a 0% or 100% that is not one."""
    number = _finite(value)
    if number is None:
        return MISSING
    if number >= 1 or number <= 0:
        return "100%" if number >= 1 else "0%"
    share = number * 100
    if share < 0.01:
        return "<0.01%"
    return ">99.9%" if share > 99.9 else f"{share:.3g}%"


POINTS = "pp"
POINTS_WORDS = (
    "pp: percentage points, one rate minus the other (8.0% against 7.3% is +0.7 pp, not a "
    "0.7% rise)"
)
"""What ``pp`` means, said once beside a table that writes it."""


def points(value, *, sign: bool = True) -> str:
    """A difference of two rates (fractions) in percentage points, one decimal: 0.08 - 0.073
    is ``+0.7 pp``, not ``+0.7%`` (that reads as a relative rise of 0.7%); zero is ``0.0 pp``."""
    number = _finite(value)
    if number is None:
        return MISSING
    number = round(number * 100, 1) + 0.0
    if number == 0:
        return f"0.0 {POINTS}"
    return f"{number:+.1f} {POINTS}" if sign else f"{number:.1f} {POINTS}"


FORMATS = {"percent": percent, "points": points}


def interval(estimate, low, high, *, kind: str = "money") -> str:
    """``+8.1% [+3.0%, +13.2%]``, ``+0.7 pp [+0.5 pp, +0.8 pp]`` (`kind` "points": a
    difference of rates) or ``+9.18 [-6.33, +24.68]``; "–" without an estimate."""
    fmt = FORMATS.get(kind, money)
    if _finite(estimate) is None:
        return MISSING
    if _finite(low) is None or _finite(high) is None:
        return fmt(estimate, sign=True)
    return f"{fmt(estimate, sign=True)} [{fmt(low, sign=True)}, {fmt(high, sign=True)}]"


def lift(entry: dict | None, *, kind: str = "money") -> str:
    """A lift dict (``estimate``, ``low``, ``high``) as :func:`interval` text."""
    if not entry:
        return MISSING
    return interval(entry.get("estimate"), entry.get("low"), entry.get("high"), kind=kind)
