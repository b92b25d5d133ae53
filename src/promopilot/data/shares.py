"""A share (a fraction) as a whole percent, as tables and verdicts write a discount's depth or
a group's share: ``10%``, but never a non-zero share rounded to ``0%`` (a realized discount of
0.4% of the orders' value read "0%", as if nothing was taken off): under 1% it keeps one
decimal, ``0.4%``, and under 0.05% it is ``<0.1%``."""

from __future__ import annotations

import math

SMALLEST = "<0.1%"  # a share above zero that one decimal would round to 0.0%


def whole_percent(value: float) -> str:
    """``10%``, ``0%`` (exactly none), ``0.4%`` (a share under 1%), ``<0.1%`` (above zero,
    under 0.05%); the same with a minus below zero; "–" where it is missing."""
    number = float(value)
    if not math.isfinite(number):
        return "–"
    size = abs(number) * 100
    if size == 0 or round(size) >= 1:  # 0.99% is 1%: a whole percent
        return f"{number:.0%}"
    if round(size, 1) == 0:
        return ("-" if number < 0 else "") + SMALLEST
    return f"{number:.1%}"
