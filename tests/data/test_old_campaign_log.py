"""A store an older version made, whose campaigns table has no ``group`` or ``coupon_code``
column, is read like any other: opening it (read-only included) adds the columns first
(``data.connection.missing_columns``), so no query has to ask whether they are there."""

from __future__ import annotations

import duckdb
import pandas as pd

from promopilot.data.queries import campaigns as training
from promopilot.data.queries import measure, serve
from promopilot.data.store import Store

SENT = pd.Timestamp("2026-03-01 09:00")


def _old_campaign_log(db) -> None:
    """A past campaign (two customers, one sent nothing) and an order with a coupon code, in
    a campaigns table as a version before ``group`` and ``coupon_code`` left it."""
    with Store(db) as store:
        store.execute(
            "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
            "propensity) VALUES ('past', 'c1', 'o1', $t, 'csv', 0.5), "
            "('past', 'c2', '', $t, 'csv', 0.5)",
            {"t": SENT.to_pydatetime()},
        )
        store.execute(
            "INSERT INTO orders (order_id, customer_id, timestamp, product_id, quantity, "
            "unit_price, discount, is_return, coupon_code) "
            "VALUES ('x1', 'c1', $t, 'p1', 1, 100, 10, false, 'SPRING')",
            {"t": (SENT + pd.Timedelta(days=2)).to_pydatetime()},
        )
    con = duckdb.connect(str(db))
    con.execute('ALTER TABLE campaigns DROP COLUMN "group"')
    con.execute("ALTER TABLE campaigns DROP COLUMN coupon_code")
    con.close()


def test_an_old_campaign_log_is_read_read_only_with_the_newer_columns_empty(tmp_path):
    db = tmp_path / "old.duckdb"
    _old_campaign_log(db)
    with duckdb.connect(str(db), read_only=True) as con:
        names = {row[0] for row in con.execute("DESCRIBE campaigns").fetchall()}
    assert {"group", "coupon_code"}.isdisjoint(names)  # as the older version left it
    with Store(db, read_only=True) as store:
        # the open added the columns before anything read: empty for the past campaign
        assert {"group", "coupon_code"} <= set(store.columns("campaigns"))
        summary = serve.campaign_summary(store).set_index("campaign_id").loc["past"]
        assert (summary["customers"], summary["without_offer"], summary["visitors"]) == (2, 1, 0)
        history = serve.offer_history(store, "c1")
        assert history["offer_id"].tolist() == ["o1"] and history["group"].isna().all()
        assert serve.campaign_coupons(store, "past").empty
        rows = measure.campaign_exposures(store, "past")
        assert rows["customer_id"].tolist() == ["c1", "c2"]
        assert rows["group"].isna().all() and rows["coupon_code"].isna().all()
        # no codes logged: no shared, early or other codes (the order's SPRING is the shop's)
        assert measure.shared_code_users(store, "past", 14).empty
        assert measure.early_code_orders(store, "past") == 0
        assert measure.other_codes(store, "past", 14).empty
        outcomes = measure.exposure_outcomes(store, "past", 14, 0.35).set_index("customer_id")
        assert outcomes.loc["c1", "converted"] and not outcomes.loc["c1", "redeemed"]
        assert outcomes["group"].isna().all()
        after = measure.after_campaign_satisfaction(store, "past", 14, 30)
        assert sorted(after["customer_id"]) == ["c1", "c2"]
        past = training.campaign_exposures(store, control="control")
        assert past["arm"].tolist() == ["o1", "control"] and not past["logged"].any()
    with Store(db, read_only=True) as store:  # added once: nothing more to do
        assert store.notes == []
