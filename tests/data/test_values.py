"""Values that look fine to a spreadsheet but mean something else: float-style ids, discounts
above a line's value, absurd magnitudes, far-future timestamps, booleans in other words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from promopilot.data.store import Store
from tests.data.loads import load

ORDERS = "order_id,timestamp,customer_id,product_id,quantity,unit_price"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def quarantine(store: Store) -> list[list]:
    return store.query(
        'SELECT line, "column", value, reason FROM quarantine ORDER BY line'
    ).values.tolist()


# -- ids written as floats ---------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["parquet", "csv", "xlsx"])
def test_float_style_ids_are_the_same_ids(tmp_path, store, suffix):
    shop = tmp_path / "shop"
    write(shop / "customers.csv", "customer_id\n17850\n12347\n")
    write(shop / "products.csv", "product_id\n85123\n")
    # how pandas writes an integer column with a gap: floats (17850.0)
    orders = pd.DataFrame(
        {
            "order_id": [536365.0, 536366.0, 536367.0],
            "timestamp": ["2010-12-01 08:26", "2010-12-01 08:28", "2010-12-01 08:30"],
            "customer_id": [17850.0, np.nan, 12347.0],
            "product_id": ["85123.0", "85123.00", "85123.0"],
            "quantity": [6, 6, 1],
            "unit_price": [2.55, 2.55, 1.0],
        }
    )
    if suffix == "parquet":
        orders.to_parquet(shop / "orders.parquet")
    elif suffix == "csv":
        orders.to_csv(shop / "orders.csv", index=False)
    else:
        orders.to_excel(shop / "orders.xlsx", index=False)
    report = load(store, shop)
    got = store.table("orders").sort_values("order_id")
    assert got["order_id"].tolist() == ["536365", "536367"]
    assert got["customer_id"].tolist() == ["17850", "12347"]
    assert got["product_id"].tolist() == ["85123", "85123"]
    assert report.n_flagged == 0 and store.count("flags") == 0  # no "unknown customer"
    assert store.count("quarantine") == 1  # the row without a customer


def test_an_id_that_only_looks_like_a_number_is_kept_as_written(tmp_path, store):
    path = write(
        tmp_path / "events.csv",
        "timestamp,customer_id,product_id,event,session_id\n"
        "2025-01-01,00123,1.5,view,7.0\n2025-01-01,00123.00,A1.0,view,x.0\n",
    )
    load(store, path)
    got = store.table("events")[["customer_id", "product_id", "session_id"]]
    assert got.values.tolist() == [["00123", "1.5", "7"], ["00123", "A1.0", "x.0"]]


def test_forget_takes_a_float_style_id(tmp_path, store):
    load(store, write(tmp_path / "orders.csv", ORDERS + "\no1,2025-01-01,17850.0,p1,1,2\n"))
    assert store.table("orders")["customer_id"].tolist() == ["17850"]
    removed = store.forget("17850.0")
    assert removed["orders"] == 1 and store.count("orders") == 0
    # later ingests skip the customer however the file writes the id
    later = write(tmp_path / "later" / "orders.csv", ORDERS + "\no2,2025-01-02,17850,p1,1,2\n")
    report = load(store, later)
    assert report.n_loaded == 0 and store.count("orders") == 0


@pytest.mark.parametrize("customer_id", [17850, 17850.0])
def test_forget_takes_a_number(tmp_path, store, customer_id):
    """An id given as a number (read from a spreadsheet) is that customer (was AttributeError:
    'int' object has no attribute 'strip')."""
    load(store, write(tmp_path / "orders.csv", ORDERS + "\no1,2025-01-01,17850,p1,1,2\n"))
    assert store.forget(customer_id)["orders"] == 1 and store.count("orders") == 0


# -- returns ----------------------------------------------------------------------------------
def test_a_blank_is_return_on_a_negative_quantity_is_a_return(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        ORDERS + ",is_return\no1,2025-01-01,c1,p1,2,2.5,\nr1,2025-01-02,c1,p1,-1,2.5,\n"
        "r2,2025-01-02,c1,p1,-1,2.5,  \no2,2025-01-03,c1,p1,-1,2.5,false\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (3, 1)
    got = store.table("orders").set_index("order_id")["is_return"].to_dict()
    assert got == {"o1": False, "r1": True, "r2": True}
    assert quarantine(store) == [
        [5, "quantity", "-1", "negative quantity on a line that is not a return"]
    ]


# -- booleans ---------------------------------------------------------------------------------
def test_booleans_in_chinese_and_other_words(tmp_path, store):
    rows = ["是", "否", "真", "假", "有", "无", "Yes", "n", "1", "0", "maybe"]
    text = "product_id,in_stock\n" + "".join(f"p{i},{v}\n" for i, v in enumerate(rows))
    report = load(store, write(tmp_path / "products.csv", text))
    assert (report.n_loaded, report.n_quarantined) == (10, 1)
    got = store.table("products").set_index("product_id")["in_stock"]
    assert [bool(got[f"p{i}"]) for i in range(10)] == [True, False] * 5
    assert quarantine(store) == [
        [12, "in_stock", "maybe", "expected true/false (or yes/no, y/n, 1/0, 是/否)"]
    ]


# -- discounts --------------------------------------------------------------------------------
def test_a_discount_above_the_lines_value_is_quarantined(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        ORDERS + ",discount\nA1,2026-08-28,c1,p1,1,10,15\nA2,2026-08-28,c1,p1,2,10,15\n"
        "A3,2026-08-28,c1,p1,3,0.7,2.1\nR1,2026-08-29,c1,p1,-2,10,5\nR2,2026-08-29,c1,p1,-1,10,11\n"
        "A4,2026-08-28,c1,p1,1,10,\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (4, 2)
    assert sorted(store.table("orders")["order_id"]) == ["A2", "A3", "A4", "R1"]
    reason = "discount exceeds the line's value (quantity × unit_price)"
    assert quarantine(store) == [[2, "discount", "15", reason], [6, "discount", "11", reason]]
    gross = store.scalar(
        "SELECT sum(quantity * unit_price - discount) FROM orders WHERE quantity > 0"
    )
    assert gross == pytest.approx(5 + 0 + 10)  # no line sells below zero


# -- magnitudes -------------------------------------------------------------------------------
def test_absurd_magnitudes_are_quarantined_with_the_limit(tmp_path, store):
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + ",discount\no1,2026-08-28,c1,p1,1,1e150,\no2,2026-08-28,c1,p1,1,1e308,\n"
        "o3,2026-08-28,c1,p1,1e20,1,\no4,2026-08-28,c1,p1,-2e6,1,\no5,2026-08-28,c1,p1,2,1e9,\n"
        "o6,2026-08-28,c1,p1,1e6,1000,3e9\n",
    )
    write(
        shop / "events.csv",
        "timestamp,customer_id,product_id,event,value\n"
        "2026-08-28,c1,p1,rating,1e308\n2026-08-28,c1,p1,view,\n",
    )
    write(
        shop / "offers.csv",
        "offer_id,kind,value,min_spend,send_cost,valid_days\n"
        "big,amount_off,2e9,,,\nlong,percent_off,0.1,,,1e6\nok,amount_off,20,150,0.02,14\n",
    )
    write(shop / "products.csv", "product_id,price,cost\np1,1e10,\np2,10,1e12\np3,10,6\n")
    report = load(store, shop)
    money = "expected a magnitude of at most 1,000,000,000"
    assert sorted(quarantine(store)) == sorted(
        [
            [2, "unit_price", "1e150", f"implausible unit_price: {money}"],
            [2, "value", "1e308", f"implausible value: {money}"],  # the event's
            [2, "value", "2e9", f"implausible value: {money}"],  # the offer's
            [2, "price", "1e10", f"implausible price: {money}"],
            [3, "unit_price", "1e308", f"implausible unit_price: {money}"],
            [
                3,
                "valid_days",
                "1e6",
                "implausible valid_days: expected a magnitude of at most 36,500",
            ],
            [3, "cost", "1e12", f"implausible cost: {money}"],
            [
                4,
                "quantity",
                "1e20",
                "implausible quantity: expected a magnitude of at most 1,000,000",
            ],
            [
                5,
                "quantity",
                "-2e6",
                "implausible quantity: expected a magnitude of at most 1,000,000",
            ],
            [7, "discount", "3e9", f"implausible discount: {money}"],
        ]
    )
    assert sorted(store.table("orders")["order_id"]) == ["o5"]
    assert [f.n_loaded for f in report.files] == [1, 1, 1, 1]  # products, offers, orders, events


# -- timestamps -------------------------------------------------------------------------------
def test_an_event_in_the_future_is_quarantined(tmp_path, store):
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    soon, later = today + pd.Timedelta(hours=12), today + pd.Timedelta(days=3)
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + f"\no1,2026-08-28,c1,p1,1,2\no2,{soon:%Y-%m-%d %H:%M},c1,p1,1,2\n"
        "o3,2099-01-01,c1,p1,1,2\n",
    )
    write(
        shop / "events.csv",
        f"timestamp,customer_id,product_id,event\n{later:%Y-%m-%d},c1,p1,view\n"
        "2026-08-28,c1,p1,view\n",
    )
    write(
        shop / "reviews.csv",
        "customer_id,product_id,text,timestamp\nc1,p1,Nice,2098-05-01\nc1,p2,Fine,\n",
    )
    # a campaign's planned dates may be later than today
    write(shop / "campaigns.csv", "campaign_id,customer_id,sent_at\nk1,c1,2099-01-01\n")
    report = load(store, shop)
    assert sorted(store.table("orders")["order_id"]) == ["o1", "o2"]  # half a day ahead: kept
    assert store.count("campaigns") == 1
    assert sorted(quarantine(store)) == [
        [2, "timestamp", f"{later:%Y-%m-%d}", "timestamp is in the future"],
        [2, "timestamp", "2098-05-01", "timestamp is in the future"],
        [4, "timestamp", "2099-01-01", "timestamp is in the future"],
    ]
    assert store.default_as_of() == (soon + pd.Timedelta(days=1)).normalize()  # not 2099
    assert report.n_quarantined == 3
