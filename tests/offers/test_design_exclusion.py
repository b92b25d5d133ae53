"""A designed randomized test leaves out, before it is drawn, the customers whose expected
discount under the offer dearest for them is above a share of the budget
(``test_max_cost_share``), and fills the budget past them. The fill used to stop at the first
customer in the hashed order whose cost did not fit: one wholesale customer under an uncapped
每满150减20 ended the test."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.exposures import record_exposures
from promopilot.campaigns.history import CONTROL, campaign_training_data
from promopilot.campaigns.measure import measure_campaign
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.config import load_settings
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.economics import offer_terms
from promopilot.offers.inputs import customer_value_inputs
from promopilot.offers.plan import build_plan
from promopilot.offers.randomization import hashed_uniform, left_out_line, random_arm
from tests.cli.test_every_command_property import clean, run

AS_OF = pd.Timestamp("2026-06-01")
BUDGET = 1000.0
WHOLESALE = "w1"
REGULARS = [f"c{i}" for i in range(120)]


def write_shop(folder):
    """120 customers with one basket of 300-449 and one wholesale customer with 150,000 (每满
    150减20 takes 20,000 off), every order in the last 50 days."""
    folder.mkdir()
    rows = ["order_id,customer_id,timestamp,product_id,quantity,unit_price"]
    for i, c in enumerate(REGULARS):
        day = AS_OF - pd.Timedelta(days=1 + i % 50)
        rows.append(f"o{i},{c},{day:%Y-%m-%d} 10:00:00,p1,1,{300 + (7 * i) % 150}")
    rows.append(f"ow,{WHOLESALE},{AS_OF - pd.Timedelta(days=3):%Y-%m-%d} 10:00:00,p1,1000,150")
    (folder / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "offers.csv").write_text(
        "offer_id,kind,value,min_spend,category,send_cost,valid_days\n"
        "every150,amount_off,每满150减20,,,0.02,7\n",
        encoding="utf-8",
    )
    return folder


def early_campaign() -> tuple[str, int]:
    """A campaign id whose hashed order draws the wholesale customer among the first four and
    gives him the offer arm (where the old fill stopped), and the customers before him."""
    ids = np.array([*REGULARS, WHOLESALE], dtype=object)
    for n in range(5000):
        cid = f"t{n}"
        u = hashed_uniform(ids, cid, "test")
        arm = random_arm(ids, ["", "every150"], campaign_id=cid)
        before = int((u < u[-1]).sum())
        if arm[-1] == "every150" and before < 4:
            return cid, before
    raise AssertionError("no campaign id draws the wholesale customer early")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = write_shop(tmp_path_factory.mktemp("wholesale") / "shop")
    db = folder.parent / "shop.duckdb"
    with Store(db) as store:
        ingest(store, folder)
    return folder, db


def test_the_test_fills_its_budget_past_a_customer_too_dear_for_it(shop):
    _, db = shop
    cid, before = early_campaign()
    with Store(db, read_only=True) as store:
        result = build_plan(store, budget=BUDGET, campaign_id=cid, as_of=AS_OF, run_test=True)
    plan = result.plan.set_index("customer_id")
    ids = plan.index.to_numpy(dtype=object)
    u = pd.Series(hashed_uniform(ids, cid, "test"), index=plan.index)
    inside = plan["group"] != "none"
    # the wholesale customer is left out (nothing, for sure), and only he
    out = plan["reason"].str.contains("above the cap")
    assert list(plan.index[out]) == [WHOLESALE]
    w = plan.loc[WHOLESALE]
    assert (w["group"], w["offer_id"], w["propensity"], w["expected_cost"]) == ("none", "", 1, 0)
    assert w["reason"].startswith("outside the test")
    # the test goes on past him in the hashed order (the old fill held the `before` ahead)
    assert inside.sum() > before + 20 and (u[inside] > u[WHOLESALE]).any()
    # propensities exact: the test holds exactly those left in with u < q, one arm each
    k = 1
    sent = plan["offer_id"] != ""
    q = plan.loc[sent, "propensity"].to_numpy() * (k + 1)
    assert np.allclose(q, q[0]) and 0 < q[0] < 1
    assert (inside == (~out & (u < q[0]))).all()
    assert np.allclose(plan.loc[~sent & ~out, "propensity"], 1 - q[0] * k / (k + 1))
    # the budget holds: the fill stopped at a customer whose arm did not fit, each under the cap
    cost = plan["expected_cost"]
    assert cost.sum() <= BUDGET + 1e-9
    assert cost.max() <= 0.05 * BUDGET and cost.sum() > BUDGET - 0.05 * BUDGET
    # the plan says how many were left out and why, in one line
    line = [s for s in result.design.splitlines() if "left out of the test" in s]
    assert len(line) == 1 and line[0].startswith(f"1 of {len(plan)} customers is left out")
    assert "(they get nothing): their expected discount" in line[0]
    assert "above 5% of the budget (50.00" in line[0]


def test_the_cap_is_the_settings_share_of_the_budget(shop, monkeypatch):
    """With the cap at the whole budget the wholesale customer (his expected discount alone
    is above it) is still left out, and the line names the setting's share."""
    _, db = shop
    cid, _ = early_campaign()
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    with Store(db, read_only=True) as store:
        result = build_plan(store, budget=BUDGET, campaign_id=cid, as_of=AS_OF, run_test=True)
    plan = result.plan.set_index("customer_id")
    assert plan.loc[WHOLESALE, "propensity"] == 1 and "above 100% of the budget" in result.design
    assert plan["expected_cost"].sum() <= BUDGET + 1e-9


def test_plan_run_test_prints_how_many_were_left_out(shop, tmp_path, capsys, monkeypatch):
    folder, _ = shop
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROMOPILOT_LOG", str(tmp_path / "promopilot.log"))
    db = str(tmp_path / "cli.duckdb")
    code, out, err = run(["ingest", str(folder), "--db", db], capsys)
    clean("ingest", code, out, err)
    cid, _ = early_campaign()
    args = ["plan", "--db", db, "--budget", f"{BUDGET:g}", "--out", "plan.csv"]
    args += ["--campaign-id", cid, "--as-of", f"{AS_OF:%Y-%m-%d}", "--run-test"]
    code, out, err = run(args, capsys)
    clean("plan", code, out, err)
    assert code == 0, err
    text = " ".join(out.split())  # the terminal wraps long lines
    assert "1 of 121 customers is left out of the test before it is drawn" in text
    plan = pd.read_csv(tmp_path / "plan.csv", dtype=str, keep_default_na=False)
    w = plan.set_index("customer_id").loc[WHOLESALE]
    assert w["group"] == "none" and w["offer_id"] == "" and "above the cap" in w["reason"]
    assert (plan["group"] == "explore").sum() > 20


def test_who_the_test_left_out_is_no_control_customer(shop, tmp_path):
    """Logged with the test (group none, nothing for sure), the customer left out is not
    counted among those who got nothing: not when the campaign is measured, nor in the past
    campaigns a plan and its self-check learn from. He could never have got the offer."""
    _, db = shop
    path = tmp_path / "sent.duckdb"
    shutil.copy(db, path)
    cid, _ = early_campaign()
    with Store(path) as store:
        plan = build_plan(store, budget=BUDGET, campaign_id=cid, as_of=AS_OF, run_test=True).plan
        # sent three weeks before: its window is over in the data
        sent_at = AS_OF - pd.Timedelta(days=20)
        record_exposures(store, plan, campaign_id=cid, channel="csv", sent_at=sent_at)
        frame = campaign_outcomes(store, cid)
        measured = measure_campaign(store, cid)
        ids = plan["customer_id"].to_numpy(dtype=object)
        data = campaign_training_data(
            store,
            lambda _store, _as_of: pd.DataFrame({"customer_id": ids, "x": 0.0}),
            window_days=14,
            min_rows=10,
        )
    nothing = plan["offer_id"] == ""
    assert WHOLESALE in set(plan.loc[nothing, "customer_id"])
    assert WHOLESALE not in set(frame["customer_id"]) and frame.attrs["never_offered"] == 1
    assert (frame["arm"] == CONTROL).sum() == nothing.sum() - 1
    assert measured["control"]["customers"] == nothing.sum() - 1
    assert measured["never_offered"] == 1
    logged = len(plan)
    assert (
        f"Of the {logged:,} customers the campaign's plan logged, 1 is not counted"
        in (measured["summary"])
    )
    # everyone else who got nothing is still control, with the test's propensity
    assert WHOLESALE not in set(data.customer_id)
    assert (data.treatment == CONTROL).sum() == nothing.sum() - 1
    assert (data.propensity[data.treatment == CONTROL] < 1).all()
    assert len(data.customer_id) == len(plan) - 1


def test_the_left_out_line_counts_in_the_singular_and_the_plural():
    """It said "1 of 121 customers are left out" for one customer."""
    one = left_out_line(1, 121, 0.05, "50.00")
    assert one.startswith("1 of 121 customers is left out of the test before it is drawn")
    assert "their expected discount" in one and "each one's" not in one
    three = left_out_line(3, 1_210, 0.05, "50.00")
    assert three.startswith("3 of 1,210 customers are left out of the test")
    assert "each one's expected discount" in three
    assert left_out_line(1, 1, 1.0, "9.00").startswith("1 of 1 customer is left out")


def test_nobody_left_out_no_line(shop, monkeypatch):
    """With a budget whose whole share holds the wholesale customer's discount too, nobody is
    left out and the plan has no line about it (not "0 of 121")."""
    _, db = shop
    cid, _ = early_campaign()
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    with Store(db, read_only=True) as store:
        result = build_plan(store, budget=1e6, campaign_id=cid, as_of=AS_OF, run_test=True)
    assert not result.plan["reason"].str.contains("above the cap").any()
    assert "left out" not in result.design and "the test holds" in result.design


def test_a_budget_too_small_for_a_test_counts_those_it_may_draw(shop, monkeypatch):
    """The "too small for a test" line counted every customer, the one left out as too dear
    among them ("it holds 1 of 121 customers"): it counts those the test may draw and says
    how many more were left out."""
    _, db = shop
    # a cap at the whole budget: only the wholesale customer is left out; a budget between
    # one regular's expected discount and two of them holds a test only when the first two
    # in a campaign's hashed order do not both get the offer
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    with Store(db, read_only=True) as store:
        dear = build_plan(store, budget=1e6, campaign_id="t0", as_of=AS_OF, run_test=True).plan
        regular = dear.loc[dear["offer_id"] != "", "expected_cost"].min()
        for n in range(200):
            result = build_plan(
                store, budget=1.5 * regular, campaign_id=f"s{n}", as_of=AS_OF, run_test=True
            )
            if "too small for a test" in result.design:
                break
        else:
            raise AssertionError("no campaign id makes the budget too small for a test")
    plan = result.plan
    out = plan["reason"].str.contains("above the cap")
    assert list(plan.loc[out, "customer_id"]) == [WHOLESALE]
    assert (plan["offer_id"] == "").all() and plan["expected_cost"].sum() == 0
    first = result.design.splitlines()[1]  # after the line on why the plan is a test
    assert first.startswith(f"Budget {1.5 * regular:,.2f}: it holds 1 of the {len(REGULARS)} ")
    assert "customers the test may draw (1 more is left out, below), in the hashed" in first
    assert first.endswith("The budget is too small for a test: nothing is sent.")
    assert f"1 of {len(plan)} customers is left out" in result.design.splitlines()[2]


def test_the_budget_line_counts_the_customers_the_test_may_draw(shop, monkeypatch):
    """The "Budget ...: the test holds N of M customers" line counted every customer, the one
    left out as too dear among them ("41 of 121"), where the "too small for a test" line counts
    those the test may draw: it counts those too and says how many more were left out."""
    _, db = shop
    cid, _ = early_campaign()
    with Store(db, read_only=True) as store:
        result = build_plan(store, budget=BUDGET, campaign_id=cid, as_of=AS_OF, run_test=True)
    plan = result.plan
    held = int((plan["group"] != "none").sum())
    cost = plan["expected_cost"].sum()
    first = next(s for s in result.design.splitlines() if s.startswith("Budget "))
    assert first.startswith(
        f"Budget {BUDGET:,.2f}: the test holds {held} of the {len(REGULARS)} customers it may "
        f"draw (1 more is left out, below), expected discount cost {cost:,.2f} (assuming"
    )
    # nobody left out: every customer may be drawn, and no "more" is said
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    with Store(db, read_only=True) as store:
        result = build_plan(store, budget=1e6, campaign_id=cid, as_of=AS_OF, run_test=True)
    held = int((result.plan["group"] != "none").sum())
    first = next(s for s in result.design.splitlines() if s.startswith("Budget "))
    assert f"the test holds {held} of the {len(REGULARS) + 1} customers it may draw, " in first
    assert "more" not in first


def test_a_budget_nobody_may_enter_says_so(shop, monkeypatch):
    """A cap below every customer's expected discount leaves everyone out: the plan said "it
    holds 0 of 121 customers"."""
    _, db = shop
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    with Store(db, read_only=True) as store:
        result = build_plan(store, budget=1.0, campaign_id="t0", as_of=AS_OF, run_test=True)
    n = len(result.plan)
    assert result.plan["reason"].str.contains("above the cap").all()
    assert (
        f"Budget 1.00: no customer may enter the test (all {n} are left out, below). The budget "
        "is too small for a test: nothing is sent." in result.design
    )
    assert f"{n} of {n} customers are left out of the test" in result.design


def test_a_customer_is_priced_by_the_offer_dearest_for_them(tmp_path, monkeypatch):
    """The cap is checked against each customer's own dearest offer, not one arm of the test
    (the line said "in its most expensive arm"): with 每满150减20 (160 off a regular's basket,
    6,800 off the wholesale one: 26,000 in all) and 180 off from 200 (180 off each: 21,780 in
    all), a regular whose 每满150减20 fits the cap is left out when their 180 off does not."""
    folder = write_shop(tmp_path / "shop")
    (folder / "offers.csv").write_text(
        "offer_id,kind,value,min_spend,category,send_cost,valid_days\n"
        "every150,amount_off,每满150减20,,,0.02,7\n"
        "off180,amount_off,180,200,,0.02,7\n",
        encoding="utf-8",
    )
    db = tmp_path / "two.duckdb"
    with Store(db) as store:
        ingest(store, folder)
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    settings = load_settings()
    with Store(db, read_only=True) as store:
        offers = store.table("offers")
        inputs = customer_value_inputs(store, as_of=AS_OF, default_margin=settings.default_margin)
        wide = build_plan(store, budget=1e6, campaign_id="t0", as_of=AS_OF, run_test=True).plan
        discount = pd.DataFrame(
            offer_terms(offers, inputs, settings.default_margin).discount,
            index=inputs["customer_id"].astype(str),
            columns=list(offers["offer_id"]),
        )
        # the purchase rate the test assumes: a customer's expected cost over their discount
        sent = wide[wide["offer_id"] != ""].iloc[0]
        p_buy = sent["expected_cost"] / discount.loc[sent["customer_id"], sent["offer_id"]]
        every, dearest = p_buy * discount["every150"], p_buy * discount.max(axis=1)
        # the regular whose two offers are furthest apart; a cap halfway between them
        gap = (dearest - every)[REGULARS]
        c = gap.idxmax()
        budget = (every[c] + dearest[c]) / 2
        result = build_plan(store, budget=budget, campaign_id="t0", as_of=AS_OF, run_test=True)
    assert discount["every150"].sum() > discount["off180"].sum()  # the test's dearest arm
    assert gap[c] > 0 and every[c] < budget < dearest[c]
    plan = result.plan.set_index("customer_id")
    out = plan["reason"].str.contains("above the cap")
    assert out[c]
    # whoever is left out is so by their own dearest offer, and only they
    assert (out == (dearest.reindex(plan.index) > budget + 1e-9)).all()
    assert "under the offer dearest for them is above 100% of the budget" in result.design
