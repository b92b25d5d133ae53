"""The line ``send`` prints about the sign its messages write prices with, and where that sign
comes from (:class:`promopilot.campaigns.delivery.SendReport`): the ``[send]`` setting, the
shop's currency (a code from the ``[promopilot]`` setting or the orders' currency column, or a
sign such a column writes, ``$``), the sign the shop's files write money with, or none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from promopilot.data.currency import is_sign, sign_agrees
from promopilot.data.money_signs import SET_ONE

if TYPE_CHECKING:
    from promopilot.campaigns.delivery import SendReport


def price_sign_words(report: SendReport) -> str:
    """What follows ``prices in messages:``: the sign, then why in brackets, e.g. ``$ (the
    sign of the shop's currency USD, from its orders' currency column)``, ``no currency sign
    (the shop's files write money with both $ and € ...)``."""
    sign, shop = report.currency, report.shop_currency
    if not sign:
        why = report.signs_mixed or f"the shop's files and settings name no currency; {SET_ONE}"
        return f"no currency sign ({why})"
    if report.sign_set:
        words = f"{sign} (the currency setting under [send] in promopilot.toml)"
        if not sign_agrees(sign, shop):
            words += f"; the shop's money is in {shop}: make them agree"
        return words
    if shop:
        source = (
            "the currency setting under [promopilot]"
            if report.currency_set
            else "its orders' currency column"
        )
        if is_sign(shop):  # a cell $: more than one currency writes it, kept as it is
            return f"{sign} (the shop's currency as {source} writes it; no code is guessed)"
        if sign == shop:  # a code without a sign of its own: after the amount, 59 CHF
            return f"{sign} after the amount (the shop's currency, from {source})"
        return f"{sign} (the sign of the shop's currency {shop}, from {source})"
    return f"{sign} (the sign the shop's files write money with)"
