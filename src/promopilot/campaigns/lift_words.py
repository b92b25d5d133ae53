"""A campaign's measurement in plain words: the verdict with its interval, who it is measured
against, and the sentences that qualify it (offers too few got, shared, early or other codes,
visitors outside a served plan, windows still open). Split from :mod:`measure`, which holds
the statistics and calls :func:`summary`.
"""

from __future__ import annotations

from promopilot.campaigns.no_outcomes import no_outcome_words
from promopilot.data.currency import money
from promopilot.data.words import counted

GAIN, LOSS, UNCLEAR = "gain", "loss", "no clear effect"
MIN_ARM_CUSTOMERS = 30
"""An offer's own lift is shown only when at least this many customers got it. Below that
the interval says more than the data: two customers who both did not buy have no spread, and
the interval would come from the control group alone. Such offers still count in the whole
campaign's figure, and the result names them (``too_few``)."""


def baseline_words(result: dict) -> str:
    """Who the campaign is measured against: the customers who got nothing, naming the
    randomized control group apart when the log tells the groups."""
    n_nothing = result["control"]["customers"]
    n_control = result.get("groups", {}).get("control")
    if n_control is not None and n_control != n_nothing:
        return (
            f"{n_nothing:,} customers who got nothing ({n_control:,} of them the randomized "
            "control group)"
        )
    return f"{n_nothing:,} control customers"


def summary(result: dict) -> str:
    """The verdict in plain words (and the offers too few customers got to be measured)."""
    text = _verdict(result)
    if result.get("buyers") == 0:  # the customers it counts, and why the log holds more
        return text + never_offered_words(result)
    fewest = result.get("method", {}).get("min_arm_customers", MIN_ARM_CUSTOMERS)
    too_few = result.get("too_few") or []
    if too_few:
        names = ", ".join(f"{a['offer_id']} ({a['customers']:,})" for a in too_few)
        text += (
            f" Too few customers got {names} to measure on their own (at least {fewest} are "
            "needed); they count in the whole campaign's figure."
        )
    held = result.get("held_out_customers")
    if held is not None and held < fewest:
        text += (
            f" The control group held out from the plan's choices has {counted(held, 'customer')}: "
            f"too few to measure each offer on its own (at least {fewest} are needed)."
        )
    return (
        text
        + shared_code_words(result)
        + early_code_words(result)
        + other_code_words(result)
        + open_window_words(result)
        + past_data_words(result)
        + visitor_words(result)
        + never_offered_words(result)
    )


def redemption_words(result: dict) -> str:
    """How many customers of each measured offer ordered with their own code, or "" when the
    log has no codes (a past campaign from a file)."""
    arms = [a for a in result.get("arms", []) if "redemptions" in a]
    if not arms:
        return ""
    counts = ", ".join(f"{a['offer_id']} {a['redemptions']:,} of {a['customers']:,}" for a in arms)
    return f"Customers who ordered with their coupon code: {counts}."


def shared_code_words(result: dict) -> str:
    """A sentence when customers used a code of the campaign given to someone else: a shared
    coupon reaches customers the randomization did not choose (the control group too)."""
    shared = result.get("shared_codes")
    if not shared:
        return ""
    text = (
        f" {counted(shared['customers'], 'customer')} ordered with a code of this campaign that "
        "was given to someone else (a shared or leaked coupon)"
    )
    if shared["sent_nothing"]:
        text += (
            f"; {shared['sent_nothing']:,} of them were sent nothing, so the customers who got "
            "nothing include some who used an offer and the lift may be understated"
        )
    return text + "."


def early_code_words(result: dict) -> str:
    """A sentence when orders used a code of the campaign before it was sent: the code was
    known before (a public code), or the orders' times and the send log are in different time
    zones, and then the window misses orders it should hold."""
    early = result.get("early_code_orders")
    if not early:
        return ""
    return (
        f" {counted(early, 'order')} used a code of this campaign before it was sent: the code was "
        "known before, or the orders' times and the send log are in different time zones "
        "(the timezone setting); such orders are not counted as outcomes."
    )


def other_code_words(result: dict) -> str:
    """A sentence when the campaign's customers ordered in their window with codes it did not
    send (the shop's own promotions at the same time): the lift is what the offers added on
    top of those, for the customers who got nothing could use them too."""
    other = result.get("other_codes")
    if not other:
        return ""
    named = ", ".join(f"{code} ({n:,})" for code, n in other["top"].items())
    rest = other["codes"] - len(other["top"])
    more = f" and {counted(rest, 'other code')}" if rest > 0 else ""
    return (
        f" {other['customers']:,} of the campaign's customers ordered in their window with "
        f"codes it did not send ({named}{more}): its lift is what its offers added on top of "
        "those promotions."
    )


def visitor_words(result: dict) -> str:
    """A sentence when `promopilot serve` answered visitors outside the plan it served: they
    are counted apart, not in the figures, for the plan never chose them."""
    visitors = result.get("visitors")
    if not visitors:
        return ""
    offered = f" ({visitors['offered']:,} of them shown an exploration offer)"
    return (
        f" {counted(visitors['customers'], 'visitor')} answered outside the plan while it was "
        f"served{offered if visitors['offered'] else ''} are not in these figures: the plan never "
        "chose them."
    )


def never_offered_words(result: dict) -> str:
    """A sentence when the campaign logged customers no offer could reach (given nothing for
    certain: left out of a designed test before it was drawn, or not chosen by a plan without
    exploration): they are not in the figures, not even as control. It counts them against
    the log (the UCI sample's report said "none of the 299 customers" where `send` logged 300),
    with or without outcomes yet."""
    n = result.get("never_offered")
    if not n:
        return ""
    power, control = result.get("power", {}), result.get("control", {})
    measured = power.get("sent_customers", 0) + control.get("customers", 0)
    it, verb = ("it", "is") if n == 1 else ("them", "are")
    return (
        f" Of the {measured + n:,} customers the campaign's plan logged, {n:,} {verb} not "
        f"counted: the campaign could not send {it} an offer (given nothing for certain: left "
        "out of a designed test before it was drawn, or not chosen by a plan without "
        f"exploration), so {'it is' if n == 1 else 'they are'} not among those who got nothing "
        "either."
    )


def open_window_words(result: dict) -> str:
    """A sentence when some customers' windows run past the store's latest order or event:
    their outcomes so far are all that is counted, so the figures may still change."""
    still = result.get("open_windows")
    if not still:
        return ""
    share = (
        "every customer"
        if still["customers"] == still["of"]
        else f"{still['customers']:,} of the {still['of']:,} customers"
    )
    return (
        f" Not final: the {still['window_days']}-day window of {share} runs past the store's "
        f"latest order or event ({still['data_until']}), so only the outcomes so far are "
        "counted. Ingest the orders placed since then and report again once the window is over."
    )


def past_data_words(result: dict) -> str:
    """A sentence when a past campaign from a file (not logged by promopilot) has windows that
    run past the store's data: the window is the setting, which the file cannot tell, and only
    the days the data reach are in it. Hillstrom's report said "14-day window" where its
    outcome orders are dated 7 days after the e-mail and the store ends there."""
    past = result.get("window_past_data")
    if not past:
        return ""
    share = (
        "every customer's"
        if past["customers"] == past["of"]
        else f"{past['customers']:,} of the {past['of']:,} customers'"
    )
    return (
        f" The {past['window_days']}-day window is the campaign_window_days setting (a campaign "
        "from a file does not say how long its outcomes were counted); the store's orders and "
        f"events end {past['days']:g} days after it was sent ({past['data_until']}), so "
        f"{share} window holds only those {past['days']:g} days: the outcomes counted are the "
        "orders dated in them, all the store holds after the send."
    )


def window_words(result: dict) -> str:
    """The window as the lift table's title names it: ``14-day window``, and the days the
    data reach where a file's campaign runs past them (``14-day window, data for 7 days``)."""
    text = f"{result['window_days']}-day window"
    past = result.get("window_past_data")
    return f"{text}, data for {past['days']:g} days" if past else text


def _verdict(result: dict) -> str:
    total = result["incremental_profit"]
    level = f"{result['confidence']:.0%}"
    n_control = result["control"]["customers"]
    power = result["power"]
    if result.get("buyers") == 0:  # the counts, and what the data hold after the send
        return no_outcome_words(result)
    if any(total[k] is None for k in ("estimate", "low", "high")):
        return (
            "Not measurable: the campaign's outcomes hold figures too large to add up (an "
            "absurd quantity or price in its orders?), so no incremental profit is estimated."
        )
    currency = result.get("currency")  # after each sum of money, where it is known
    estimate, low, high = (money(total[k], currency) for k in ("estimate", "low", "high"))
    interval = f"{estimate} ({level} interval {low} to {high})"
    if result["verdict"] == GAIN:
        return (
            f"The campaign earned money: incremental profit {interval}, measured against "
            f"{baseline_words(result)}."
        )
    if result["verdict"] == LOSS:
        return (
            f"The campaign lost money: incremental profit {interval}, measured against "
            f"{baseline_words(result)}."
        )
    needed = power["needed_customers_per_group"]
    detectable = power["minimum_detectable_profit_lift"]
    text = (
        f"No clear effect: the incremental profit {interval} could be a gain or a loss; "
        f"with {power['sent_customers']:,} customers sent an offer and {n_control:,} in "
        "control"
    )
    text += (
        f" this campaign could only detect a profit lift of "
        f"{money(detectable, currency)} per customer."
        if detectable is not None
        else ", too few outcomes vary to say what this campaign could detect."
    )
    if needed:
        text += (
            f" To tell an effect the size of the one estimated "
            f"({money(power['profit_lift_per_customer'] or 0, currency)} per "
            "customer) from zero with "
            f"{power['power']:.0%} power, about {needed:,.0f} customers in each of the sent "
            f"and control groups would have been needed."
        )
    return text
