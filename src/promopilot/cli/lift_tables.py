"""The terminal's lift table of `promopilot report` (and the demo's): each offer's lift over
sending nothing with its interval, and the whole campaign's profit."""

from __future__ import annotations

from rich.table import Table

from promopilot.cli import common
from promopilot.cli.common import console


def print_lifts(result: dict) -> None:
    """The lift table and how many customers used their codes; nothing while the campaign has
    no outcomes yet (every figure would read 0 [0, 0])."""
    from promopilot.campaigns.lift_words import redemption_words

    if result.get("buyers") == 0:
        return
    console.print(lift_table(result))
    if redeemed := redemption_words(result):
        console.print(redeemed)


def lift_table(result: dict) -> common.WideOrNarrow:
    """The lifts as the HTML report and the dashboard write them (``report.formats``):
    a conversion lift in percentage points ("pp", spelt out in the caption), money with two
    decimals, never a negative zero. Where the table does not fit (80 columns), each interval
    is broken at its comma: Rich broke the demo's '[+2.7 pp, +6.7 / pp]' before its unit."""
    return common.WideOrNarrow(_lift_table(result), lambda: _lift_table(result, at_comma=True))


def _lift_table(result: dict, at_comma: bool = False) -> Table:
    from promopilot.campaigns.lift_words import baseline_words, window_words
    from promopilot.data.currency import money_label
    from promopilot.report import formats

    level = f"{result['confidence']:.0%}"
    per_offer = result.get("per_offer_control")
    against = (
        f"offers: the customers the plan chose against the {per_offer['customers']:,} "
        f"held out as control; whole campaign: against {baseline_words(result)}"
        if per_offer
        else f"against {baseline_words(result)}"
    )
    table = Table(
        title=f"campaign {result['campaign_id']}: lift over sending nothing "
        f"({against}, {window_words(result)}, {level} intervals)"
    )
    money = ("revenue lift", "profit lift")  # their currency in the header, where known
    table.caption = formats.POINTS_WORDS  # what the conversion lift's "pp" means
    for col in ("offer", "customers", "control", "conversion lift (pp)", *money):
        name = money_label(col, result.get("currency")) if col in money else col
        table.add_column(name, justify="left" if col == "offer" else "right")

    # each row against its own control group: an offer against the plan's held-out customers
    # where the log has them, the whole campaign against everyone who got nothing
    offers_control = f"{(per_offer or result['control'])['customers']:,}"

    def complete(entry: dict) -> bool:
        return all(entry[k] is not None for k in ("estimate", "low", "high"))

    for arm in result["arms"]:
        cells = []
        for metric in ("conversion", "revenue_per_customer", "profit_per_customer"):
            e = arm["lift"][metric]
            kind = "points" if metric == "conversion" else "money"  # a rate minus a rate
            cells.append(formats.lift(e, kind=kind) if complete(e) else formats.MISSING)
        table.add_row(
            arm["offer_id"],
            f"{arm['customers']:,}",
            offers_control,
            *(_own_line(c, at_comma) for c in cells),
        )
    total = result["incremental_profit"]
    sent = result.get("power", {}).get("sent_customers")
    table.add_row(
        "whole campaign",
        "" if sent is None else f"{sent:,}",  # everyone sent an offer, as the HTML report says
        f"{result['control']['customers']:,}",
        "",
        "",
        _own_line(formats.lift(total), at_comma) if complete(total) else "not measurable",
        style="bold",
    )
    return table


def _own_line(cell: str, at_comma: bool = False) -> str:
    """A lift's interval on a line of its own (as the uplift table writes scores): at 100
    columns Rich broke the demo's '+15.56 [-2.13, +33.25]' inside the brackets."""
    cell = cell.replace(" [", "\n[", 1)
    return cell.replace(", ", ",\n", 1) if at_comma else cell
