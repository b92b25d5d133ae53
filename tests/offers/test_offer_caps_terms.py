"""The terms of an offer with a cap (max_discount): 每满100减10，最高减50 and 20% off, up to 30
take at most the cap off an order, and a shop folder with such an offer is planned."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.economics import capped, every_step_discount, offer_terms
from promopilot.offers.inputs import load_offers
from promopilot.offers.plan import build_plan
from tests.offers.test_threshold_terms import _inputs


def _offers(*rows: tuple[str, str, float, float, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["offer_id", "kind", "value", "min_spend", "max_discount"])
    return frame.assign(category="", send_cost=0.0)


BASKETS = [50.0, 100.0, 300.0, 480.0, 520.0, 600.0, 990.0]


def test_meiman_with_a_cap_takes_at_most_the_cap_off():
    offers = _offers(
        ("cap", "amount_off_every", 10.0, 100.0, 50.0),
        ("open", "amount_off_every", 10.0, 100.0, np.nan),  # no cap: as before
    )
    terms = offer_terms(offers, _inputs(BASKETS), 0.35)
    # 480 is topped up to 500 (50 off, the cap); 520 stays (its next step takes no more off)
    assert terms.discount[:, 0].tolist() == [0.0, 10.0, 30.0, 50.0, 50.0, 50.0, 50.0]
    assert terms.revenue[:, 0].tolist() == [50.0, 100.0, 300.0, 500.0, 520.0, 600.0, 990.0]
    # without the cap: one step of 10 for every full 100, 990 topped up to 1000
    assert terms.discount[:, 1].tolist() == [0.0, 10.0, 30.0, 50.0, 50.0, 60.0, 100.0]
    assert terms.revenue[:, 1].tolist() == [50.0, 100.0, 300.0, 500.0, 520.0, 600.0, 1000.0]


def test_percent_off_with_a_cap_takes_at_most_the_cap_off():
    offers = _offers(("p", "percent_off", 0.2, 0.0, 30.0), ("q", "percent_off", 0.2, 0.0, np.nan))
    terms = offer_terms(offers, _inputs(BASKETS), 0.35)
    assert terms.discount[:, 0].tolist() == [10.0, 20.0, 30.0, 30.0, 30.0, 30.0, 30.0]
    assert np.allclose(terms.discount[:, 1], 0.2 * np.array(BASKETS))


def test_a_cap_at_or_above_a_fixed_value_changes_nothing():
    offers = _offers(
        ("m", "amount_off", 20.0, 150.0, 20.0), ("s", "free_shipping", 8.0, 0.0, 100.0)
    )
    terms = offer_terms(offers, _inputs(BASKETS), 0.35)
    uncapped = offer_terms(offers.drop(columns="max_discount"), _inputs(BASKETS), 0.35)
    assert np.array_equal(terms.discount, uncapped.discount)
    assert np.array_equal(terms.revenue, uncapped.revenue)


def test_capped_is_the_least_of_the_discount_and_the_cap():
    off = every_step_discount(np.array([99.0, 250.0, 1e6]), 100.0, 10.0)
    assert capped(off, 50.0).tolist() == [0.0, 20.0, 50.0]
    assert capped(off, None).tolist() == off.tolist()
    assert capped(off, float("nan")).tolist() == off.tolist()


def test_a_shop_folder_with_a_capped_meiman_is_stored_and_planned(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.csv").write_text(
        "product_id,title,category,price,cost\np,茶杯,家居,120,60\nq,Tea,茶,45,20\n",
        encoding="utf-8",
    )
    (folder / "offers.csv").write_text(
        "offer_id,kind,value,min_spend\n"
        'cap,amount_off,"每满100减10，最高减50",\n'
        "pct,percent_off,8折 最多减30,\n",
        encoding="utf-8",
    )
    orders = ["order_id,timestamp,customer_id,product_id,quantity,unit_price"]
    for i in range(60):  # baskets of 45 to 720: below one step, and past the cap
        for k in range(1 + i % 3):
            orders.append(f"o{i}-{k},2026-0{1 + k}-{10 + i % 15},c{i},p,{1 + i % 6},120")
        orders.append(f"o{i}-t,2026-03-{10 + i % 15},c{i},q,1,45")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    with Store(":memory:") as store:
        report = ingest(store, folder)
        offers_file = next(f for f in report.files if f.table == "offers")
        assert (offers_file.n_loaded, offers_file.n_quarantined) == (2, 0)
        offers = load_offers(store).set_index("offer_id")
        assert offers.loc["cap", ["kind", "value", "min_spend", "max_discount"]].tolist() == [
            "amount_off_every",
            10.0,
            100.0,
            50.0,
        ]
        assert offers.loc["pct", "max_discount"] == 30.0
        result = build_plan(store, budget=400.0, campaign_id="first", run_test=True)
    plan = result.plan
    assert set(plan["customer_id"]) == {f"c{i}" for i in range(60)}
    sent = plan[plan["offer_id"] != ""]
    assert set(sent["offer_id"]) == {"cap", "pct"}
    assert plan["expected_cost"].sum() <= 400.0 + 1e-6
    # no one is expected to get more than the cap off (expected cost = P(buy) × discount)
    for offer, cap in (("cap", 50.0), ("pct", 30.0)):
        assert (sent.loc[sent["offer_id"] == offer, "expected_cost"] <= cap + 1e-9).all()


def test_a_store_made_before_caps_is_read_read_only_as_offers_without_one(tmp_path):
    from promopilot.data.queries.delivery import known_offers
    from promopilot.data.queries.measure import exposure_outcomes
    from promopilot.data.queries.serve import offer_terms as served_terms

    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.execute(
            "INSERT INTO offers (offer_id, kind, value, min_spend) "
            "VALUES ('e', 'amount_off_every', 20, 150)"
        )
        store.execute("ALTER TABLE offers DROP COLUMN max_discount")  # as an older version left it
    with Store(db, read_only=True) as store:
        # the read-only open adds the column first (data.connection.missing_columns): empty
        assert "max_discount" in store.columns("offers")
        assert load_offers(store)["max_discount"].isna().all()
        assert known_offers(store)["max_discount"].isna().all()
        assert served_terms(store)["max_discount"].isna().all()
        assert "offer_max_discount" in exposure_outcomes(store, None, 14, 0.35).columns
