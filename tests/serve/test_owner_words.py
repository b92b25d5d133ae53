"""The customer page in an owner's words: a customer the plan left alone read group "none"
and propensity "1.0000" (a control customer "0.1400"), jargon and a bare probability."""

from __future__ import annotations

import re

import pytest

from tests.serve import conftest


def _cell(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


@pytest.mark.parametrize(
    ("lang", "no_offer", "chance", "header"),
    [
        ("en", "no offer", "100%", "Chance of this decision"),
        ("zh", "未发送", "100%", "该决定的概率"),
    ],
)
def test_a_customer_the_plan_left_alone_reads_no_offer_and_a_percentage(
    logged_in, monkeypatch, lang, no_offer, chance, header
):
    plan = conftest.PLAN.copy()
    plan.loc[plan["customer_id"] == "c3", ["offer_id", "group", "propensity"]] = ["", "none", 1.0]
    monkeypatch.setattr(conftest, "PLAN", plan)
    logged_in.post("/v1/admin/reload", headers=conftest.ADMIN_H)
    page = logged_in.get(f"/customers/c3?lang={lang}").text
    assert _cell(page, "offer-group") == no_offer
    assert _cell(page, "offer-propensity") == chance
    assert f"<th>{header}</th>" in page
    assert "1.0000" not in page and ">none<" not in page
    control = logged_in.get(f"/customers/c2?lang={lang}").text
    assert _cell(control, "offer-propensity") == "14%"  # was 0.1400


def test_a_chance_is_written_as_a_percentage_an_owner_reads():
    from promopilot.report.formats import chance

    assert [chance(p) for p in (1.0, 0.76, 0.14, 0.0125, 1 / 3, 0.999999)] == [
        "100%",
        "76%",
        "14%",
        "1.25%",
        "33.3%",
        ">99.9%",
    ]
    assert chance(0.00001) == "<0.01%" and chance(None) == "–" and chance(float("nan")) == "–"
