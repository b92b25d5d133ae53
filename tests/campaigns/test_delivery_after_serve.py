"""plan -> serve -> send: a plan `promopilot serve --plan` has answered, then sent, is one
campaign. Customers served first keep their exposure and get their codes; visitors outside the
plan are neither messaged nor measured with it; another plan under the id is refused."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.campaigns.delivery import send_campaign
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.config import Settings
from promopilot.data.queries.delivery import campaign_exposures, exposure_log
from promopilot.exceptions import InputError
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state, read_plan
from tests.campaigns.delivery_helpers import (
    CUSTOMERS,
    EMAILED,
    PLAN,
    FakeSender,
    make_store,
    settings,
    write_plan,
)

KEY = "read-key-123"
SERVED = ["C1", "C2", "C4"]  # target with an offer, control, explore with an offer


@pytest.fixture()
def store(tmp_path):
    with make_store(tmp_path) as store:
        yield store


def _serve(store, plan_path, customers) -> dict[str, dict]:
    """`promopilot serve --plan` answering `customers`; returns the answers (logged at exit)."""

    def builder(s, version):
        return build_state(
            s,
            plan=read_plan(plan_path),
            campaign_id="spring",
            settings=Settings(explore_share=0.5),
            version=version,
            recommender_fn=lambda _store: None,
        )

    app = create_app(store, ServeConfig.from_keys([], [KEY]), builder=builder)
    with TestClient(app) as client:
        return {
            c: client.get(
                f"/v1/customers/{c}/offer", headers={"Authorization": f"Bearer {KEY}"}
            ).json()
            for c in customers
        }


def _send(store, plan_path, tmp_path, sender, out="out"):
    return send_campaign(
        store,
        plan_path,
        campaign_id="spring",
        settings=settings(),
        sender=sender,
        out=tmp_path / out,
        sent_at="2026-11-20 09:00",
    )


def test_a_served_plan_sent_afterwards_continues_its_campaign(store, tmp_path):
    plan_path = write_plan(tmp_path / "plan.csv")
    answers = _serve(store, plan_path, [*SERVED, "visitor-1", "visitor-2"])
    served = campaign_exposures(store, "spring").set_index("customer_id")
    assert served.loc[SERVED, "coupon_code"].isna().all()  # serve issues no codes

    sender = FakeSender()
    report = _send(store, plan_path, tmp_path, sender)  # refused before: "logged for channel api"
    log = campaign_exposures(store, "spring").set_index("customer_id")
    plan = PLAN.set_index("customer_id")
    assert report.n_exposures == len(PLAN) and report.n_logged == len(PLAN) - len(SERVED)
    # the customers served first keep their exposure as logged: time, group, channel
    for c in SERVED:
        assert log.loc[c, "sent_at"] == served.loc[c, "sent_at"]
        assert log.loc[c, "sent_at"] != pd.Timestamp("2026-11-20 09:00")
        assert (log.loc[c, "group"], log.loc[c, "channel"]) == (answers[c]["group"], "api")
    # ... and get their coupon codes, as every other offered customer of the plan
    offered = plan.index[plan["offer_id"] != ""]
    assert log.loc[offered, "coupon_code"].notna().all() and log["coupon_code"].dropna().is_unique
    assert pd.isna(log.loc["C2", "coupon_code"])  # control
    rest = log.drop(index=[*SERVED, "visitor-1", "visitor-2"])
    assert (rest["channel"] == "email").all()
    assert (rest["sent_at"] == pd.Timestamp("2026-11-20 09:00")).all()
    # messages: the plan's offered customers (served ones included), never a visitor
    emails = CUSTOMERS.set_index("customer_id")["email"]
    assert sorted(sender.recipients) == sorted(emails[c] for c in EMAILED)
    coupons = pd.read_csv(report.files[0], dtype=str)
    assert {"C1", "C4"} <= set(coupons["customer_id"])
    delivered = exposure_log(store, "spring").set_index("customer_id")
    assert delivered.loc["C1", "delivered"] and delivered.loc["C4", "delivered"]
    # the visitors are logged, not part of the plan's campaign
    assert set(log.loc[["visitor-1", "visitor-2"], "group"]) == {"visitor"}
    assert log.loc[["visitor-1", "visitor-2"], "coupon_code"].isna().all()
    measured = campaign_outcomes(store, "spring", window_days=14)
    assert sorted(measured["customer_id"]) == sorted(PLAN["customer_id"])
    assert measured.attrs["visitors"]["customers"] == 2

    # a re-run logs nothing, changes no code and sends nothing new
    codes = log["coupon_code"].copy()
    again = FakeSender()
    second = _send(store, plan_path, tmp_path, again, out="out2")
    assert second.n_logged == 0 and again.messages == []
    after = campaign_exposures(store, "spring").set_index("customer_id")["coupon_code"]
    pd.testing.assert_series_equal(codes, after)

    # the server, reloaded, answers a served customer with the code the send issued
    answers = _serve(store, plan_path, ["C1"])
    assert answers["C1"]["offer"]["coupon_code"] == log.loc["C1", "coupon_code"]


def test_another_plan_than_the_one_served_is_still_refused(store, tmp_path):
    plan_path = write_plan(tmp_path / "plan.csv")
    _serve(store, plan_path, SERVED)
    changed = PLAN.copy()
    changed.loc[changed["customer_id"] == "C1", "offer_id"] = "ship"
    other = write_plan(tmp_path / "other.csv", changed)
    sender = FakeSender()
    with pytest.raises(InputError, match=r"another plan \(as `promopilot serve` answered it\)"):
        _send(store, other, tmp_path, sender)
    assert sender.messages == []
    log = campaign_exposures(store, "spring")
    assert sorted(log["customer_id"]) == sorted(SERVED)  # nothing logged
    assert log["coupon_code"].isna().all()  # nor any code filled in


def test_a_plan_without_the_served_customers_is_refused(store, tmp_path):
    plan_path = write_plan(tmp_path / "plan.csv")
    _serve(store, plan_path, SERVED)
    smaller = write_plan(tmp_path / "smaller.csv", PLAN[PLAN["customer_id"] != "C1"])
    with pytest.raises(InputError, match="another plan"):
        _send(store, smaller, tmp_path, FakeSender())
