"""The serving state: precomputed answers, plan reading, atomic swaps, the exposure writer."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from promopilot.exceptions import InputError
from promopilot.serve.decisions import decide
from promopilot.serve.exposures import ExposureWriter
from promopilot.serve.gate import StoreGate
from promopilot.serve.state import StateHolder, build_state, read_plan
from tests.serve.conftest import PLAN, SETTINGS


def test_read_plan_checks_its_columns(tmp_path):
    path = tmp_path / "plan.csv"
    PLAN.to_csv(path, index=False)
    plan = read_plan(path)
    assert plan["offer_id"].tolist() == ["off10", "", "off20"]
    pd.DataFrame({"customer_id": ["c1"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="missing column"):
        read_plan(path)
    with pytest.raises(InputError, match="no such plan"):
        read_plan(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("group", "treatment", "target, control, explore or none"),
        ("propensity", "high", "a probability in"),
        ("propensity", "", "a probability in"),  # it was served as 1.0
        ("offer_id", "off99", "an offer_id of the shop's offers table"),
    ],
)
def test_serve_refuses_a_plan_row_send_would_refuse(tmp_path, column, value, expected):
    # before, the server checked only the columns and the ids: a bad group, a propensity that
    # is no number and an unknown offer were served
    path = tmp_path / "plan.csv"
    bad = PLAN.astype(str).copy()
    bad.loc[2, column] = value
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match=f"line 4, column {column}: .*{re.escape(expected)}"):
        read_plan(path, offer_ids={"off10", "off20"})


def test_the_campaign_id_comes_from_the_plan_or_must_be_given(store):
    state = build_state(store, plan=PLAN.assign(campaign_id="autumn"), settings=SETTINGS)
    assert state.campaign_id == "autumn"
    with pytest.raises(InputError, match="campaign"):
        build_state(store, plan=PLAN, settings=SETTINGS)


def test_without_a_plan_nothing_is_offered(store):
    state = build_state(store, settings=SETTINGS)
    decision = decide(state, "c1")
    assert (decision.offer_id, decision.group, decision.propensity) == (None, "none", 1.0)


def test_the_live_campaign_explores_only_its_plans_offers(store):
    plan = PLAN[PLAN["customer_id"] != "c3"]  # only off10 is in this plan
    state = build_state(store, plan=plan, campaign_id="spring", settings=SETTINGS)
    assert state.offer_ids == ("off10",)
    offers = {decide(state, f"v{i}").offer_id for i in range(100)}
    assert offers == {None, "off10"}


def test_a_swap_replaces_the_state_whole(store):
    first = build_state(store, plan=PLAN, campaign_id="spring", settings=SETTINGS)
    holder = StateHolder(first)
    second = build_state(store, campaign_id=None, settings=SETTINGS, version=2)
    assert holder.swap(second) is first
    assert holder.state is second and decide(holder.state, "c1").group == "none"


def test_stopping_the_writer_writes_what_is_queued(store):
    state = build_state(store, plan=PLAN, campaign_id="spring", settings=SETTINGS)
    writer = ExposureWriter(StoreGate(store), interval_s=60)
    writer.start()
    for customer in ("c1", "c2", "c3", "c1"):
        writer.submit(decide(state, customer))
    assert writer.pending == 3  # a repeat is not queued again
    writer.stop()
    logged = store.query(
        "SELECT customer_id, offer_id, propensity FROM campaigns "
        "WHERE campaign_id = 'spring' ORDER BY 1"
    )
    assert logged["customer_id"].tolist() == ["c1", "c2", "c3"]
    assert logged["propensity"].tolist() == pytest.approx([0.76, 0.14, 0.15])


def test_an_exposure_already_in_the_store_is_not_logged_again(store):
    store.execute(
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
        "propensity) VALUES ('spring', 'c1', 'off10', '2026-11-01', 'email', 0.76)"
    )
    state = build_state(store, plan=PLAN, campaign_id="spring", settings=SETTINGS)
    writer = ExposureWriter(StoreGate(store))
    writer.submit(decide(state, "c1"))
    assert writer.flush() == 0
    assert store.scalar("SELECT channel FROM campaigns WHERE customer_id = 'c1'") == "email"


def test_a_plan_without_expected_profit_shows_none(store):
    plan = PLAN.drop(columns="expected_incremental_profit")
    state = build_state(store, plan=plan, campaign_id="spring", settings=SETTINGS)
    assert state.expected["expected_incremental_profit"] is None
    assert state.expected["groups"] == {"target": 1, "control": 1, "explore": 1}


def test_a_customer_who_bought_everything_gets_their_repeat_purchases(tmp_path):
    # a small tea shop: three teas, every customer rebuys all three; excluding what they
    # bought left every known customer an empty list (the CLI's recommend rebuys them)
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store

    shop = tmp_path / "shop"
    shop.mkdir()
    lines = [
        f"o{c}-{n},2026-0{1 + n}-0{1 + c % 9},c{c},{tea},1,50\n"
        for c in range(25)
        for n in range(2)
        for tea in ("t1", "t2", "t3")
    ]
    header = "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
    (shop / "orders.csv").write_text(header + "".join(lines), encoding="utf-8")
    products = "product_id,title,category\nt1,绿茶,茶叶\nt2,红茶,茶叶\nt3,乌龙,茶叶\n"
    (shop / "products.csv").write_text(products, encoding="utf-8")
    with Store(":memory:") as store:
        ingest(store, shop)
        state = build_state(store, settings=SETTINGS)
        items = state.recommendations("c0", 3)
    assert sorted(item["product_id"] for item in items) == ["t1", "t2", "t3"]


def test_a_plan_that_sends_nothing_offers_nothing_to_visitors_either(store):
    """CDNOW: `plan` decided "Nothing is sent: no offer goes out unless past campaigns show it
    pays" (every row group none, no offer), yet the server explored the store's whole offer
    catalogue on new visitors (5% of them got an offer). Its plan's offers are none."""
    nothing = PLAN.assign(offer_id="", group="none", propensity=1.0)
    state = build_state(store, plan=nothing, campaign_id="spring", settings=SETTINGS)
    assert state.offer_ids == ()
    decisions = [decide(state, f"visitor-{i}") for i in range(200)]
    assert {d.offer_id for d in decisions} == {None}
    assert {d.group for d in decisions} == {"none"}


def test_read_plan_reads_a_plan_saved_by_chinese_excel(tmp_path):
    # the plan opened in Excel and saved again: GBK "CSV" on a Chinese Windows
    path = tmp_path / "plan.csv"
    PLAN.assign(campaign_id="双11", reason="随机分组").to_csv(path, index=False, encoding="gbk")
    plan = read_plan(path)
    assert plan["offer_id"].tolist() == ["off10", "", "off20"]
    assert set(plan["campaign_id"]) == {"双11"}
