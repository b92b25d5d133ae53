"""The counts a campaign's summary gives agree with the log `send` wrote: the customers it
could not send an offer are counted against the log, with outcomes or without."""

from __future__ import annotations

from promopilot.campaigns.lift_words import summary


def _no_outcomes(never_offered: int) -> dict:
    """The UCI sample's test t1 before its orders: 142 sent an offer, 157 got nothing (52 the
    randomized control, 105 past the budget), one left out before the draw."""
    nothing = {"conversion": 0.0, "revenue_per_customer": 0.0, "profit_per_customer": 0.0}
    zero = {"estimate": 0.0, "low": 0.0, "high": 0.0}
    return {
        "campaign_id": "t1",
        "confidence": 0.9,
        "buyers": 0,
        "control": {"customers": 157, **nothing},
        "incremental_profit": zero,
        "verdict": "no clear effect",
        "power": {"sent_customers": 142, "control_customers": 157},
        "never_offered": never_offered,
    }


def test_a_report_without_outcomes_counts_the_customer_left_out_against_the_log():
    """The UCI sample's report said "none of the 299 customers" where `send` logged 300
    exposures, and nothing of the 300th: the customer left out of the test before it was
    drawn is not measured (not even as control), and the summary said so only once outcomes
    came in. It says so before too, with the log's count."""
    text = summary(_no_outcomes(1))
    assert text.startswith("No outcomes yet: none of the 299 customers of campaign t1")
    assert "Of the 300 customers the campaign's plan logged, 1 is not counted" in text
    assert "could not send it an offer" in text and "so it is not among" in text
    plural = summary(_no_outcomes(3))
    assert "Of the 302 customers the campaign's plan logged, 3 are not counted" in plural
    assert "could not send them an offer" in plural and "so they are not among" in plural
    assert "logged" not in summary(_no_outcomes(0))
