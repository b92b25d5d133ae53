"""The plan's line about old data: a store whose newest order is long before today (UCI
Online Retail ends on 2011-12-09) is planned as of the day after it, and the plan says so."""

from __future__ import annotations

import pandas as pd

from promopilot.data.store import Store
from promopilot.offers.plan_date import old_data_note


def _store_ending(when: str, timezone: str = "UTC") -> Store:
    store = Store(":memory:", timezone=timezone)
    store.execute(
        "INSERT INTO orders (order_id, timestamp, customer_id, product_id, quantity, unit_price) "
        f"VALUES ('O1', TIMESTAMP '{when}', 'C1', 'P1', 1, 5.0)"
    )
    return store


def test_a_plan_on_an_old_export_names_its_newest_order_and_the_plan_date():
    with _store_ending("2011-12-09 12:50") as store:
        note = old_data_note(store, store.default_as_of(), now=pd.Timestamp("2026-12-05 09:18"))
    assert note == (
        "Old data: the shop's newest order or event is from 2011-12-09, 5,475 days before today "
        "(2026-12-05); this plan describes its customers as of 2011-12-10 (choose the date with "
        "--as-of), and send logs the campaign as sent when it runs unless given --sent-at."
    )


def test_recent_data_and_a_store_without_orders_get_no_line():
    with _store_ending("2026-11-05 12:00") as store:  # 30 days: not old
        assert old_data_note(store, store.default_as_of(), now=pd.Timestamp("2026-12-05")) == ""
    with Store(":memory:") as store:
        day = pd.Timestamp("2026-12-05")
        assert old_data_note(store, day, now=day) == ""


def test_the_days_are_the_shops():
    # 23:30 UTC on 9 December is 10 December in Shanghai; 31 of its days before 10 January
    with _store_ending("2011-12-09 23:30", timezone="Asia/Shanghai") as store:
        assert store.data_age(pd.Timestamp("2012-01-10 00:00"))[1] == 31
        note = old_data_note(store, store.default_as_of(), now=pd.Timestamp("2012-01-10"))
    assert "from 2011-12-10, 31 days before today (2012-01-10)" in note
    assert "as of 2011-12-11 " in note
