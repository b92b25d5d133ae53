"""The campaign page accounts for every customer sent an offer: those shown an exploration
offer are in no offer's row (each offer is measured against the plan's held-out control), and
the page says how many, where it listed the offers' rows and the campaign's customers without
a word on the rest (the demo: 2,722 + 256 in rows, 3,249 sent an offer, 271 explored)."""

from __future__ import annotations

import html
import re
import sys

import pytest


def _planned(monkeypatch, *, explored: int, groups_explore: int) -> dict:
    """The live campaign's report as a plan's log gives it; returns what it set (``sent``)."""
    seen: dict = {}
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def planned(store, campaign_id, **kwargs):
        report = plain(store, campaign_id, **kwargs)
        report["per_offer_control"] = {
            "customers": 7,
            "conversion": 0.04,
            "revenue_per_customer": 2.0,
            "profit_per_customer": 1.0,
        }
        rowed = sum(a["customers"] for a in report["arms"])
        seen["sent"] = rowed + explored
        report["power"] = {**report.get("power", {}), "sent_customers": rowed + explored}
        report["groups"] = {"target": rowed, "control": 7, "explore": groups_explore}
        return report

    monkeypatch.setattr(module, "measure_campaign", planned)
    return seen


def _notes(page: str) -> list[str]:
    found = re.findall(r'<p class="note too-few">(.*?)</p>', page, flags=re.S)
    return [html.unescape(note) for note in found]


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        (
            "en",
            "1,234 of the {sent} customers sent an offer are in no offer's row: they were shown "
            "an exploration offer",
        ),
        ("zh", "获得优惠的 {sent} 位客户中有 1,234 位不在任何优惠的行中：他们看到的是"),
    ],
)
def test_the_campaign_page_says_how_many_sent_an_offer_are_in_no_offers_row(
    logged_in, monkeypatch, lang, says
):
    seen = _planned(monkeypatch, explored=1234, groups_explore=1234)
    page = logged_in.get(f"/campaigns/spring?lang={lang}").text
    sent = f"{seen['sent']:,}"
    assert any(note.startswith(says.format(sent=sent)) for note in _notes(page)), _notes(page)


def test_a_campaign_whose_offered_customers_are_all_in_rows_gets_no_such_note(
    logged_in, monkeypatch
):
    _planned(monkeypatch, explored=0, groups_explore=0)
    page = logged_in.get("/campaigns/spring?lang=en").text
    assert 'id="arms"' in page
    assert not any("in no offer's row" in note for note in _notes(page))


def test_customers_outside_the_rows_not_known_to_be_explored_are_not_called_so(
    logged_in, monkeypatch
):
    _planned(monkeypatch, explored=5, groups_explore=0)
    page = logged_in.get("/campaigns/spring?lang=en").text
    (note,) = [n for n in _notes(page) if "in no offer's row" in n]
    assert note.startswith("5 of the ") and "exploration" not in note
