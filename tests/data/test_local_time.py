"""Dates and times shown to people are the shop's (its `timezone` setting), not UTC: the
store keeps UTC, and a shop far from it has orders whose UTC date is another day."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.queries import serve as queries
from promopilot.data.store import Store
from promopilot.exceptions import InputError

PRODUCTS = "product_id,title,category,price,cost\np1,绿茶,tea,10,4\n"


def shop_store(folder: Path, timezone: str, orders: list[tuple[str, str]]) -> Store:
    """A store in `timezone` with one order of 10 per (order_id, local time)."""
    folder.mkdir()
    (folder / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    lines = [f"{o},{t},c-{o},p1,1,10,0" for o, t in orders]
    (folder / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    store = Store(":memory:", timezone=timezone)
    ingest(store, folder)
    return store


def test_local_time_and_text_are_the_shops_wall_clock():
    shanghai = Store(":memory:", timezone="Asia/Shanghai")
    utc = pd.Timestamp("2026-10-11 16:15")  # a Sunday in UTC, Monday 00:15 in Shanghai
    assert shanghai.local_time(utc) == pd.Timestamp("2026-10-12 00:15")
    assert shanghai.local_time(utc.tz_localize("UTC")) == pd.Timestamp("2026-10-12 00:15")
    assert shanghai.local_time(None) is None and shanghai.local_time(pd.NaT) is None
    assert shanghai.local_text(utc) == "2026-10-12 00:15"
    assert shanghai.local_text(utc, to="day") == "2026-10-12"
    assert shanghai.local_text(utc, to="second") == "2026-10-12 00:15:00"
    assert shanghai.local_text(pd.Timestamp("2026-10-11 16:00")) == "2026-10-12"  # midnight
    assert Store(":memory:").local_text(pd.Timestamp("2026-10-12")) == "2026-10-12"
    with pytest.raises(ValueError, match="to must be"):
        shanghai.local_text(utc, to="hour")


@pytest.mark.parametrize(
    ("timezone", "last", "as_of"),
    [
        # 07:00 on the 12th in Shanghai is 23:00 on the 11th in UTC: the shop's next day starts
        # at its midnight (16:00 UTC on the 12th), not at 08:00 on the 13th (UTC midnight)
        ("Asia/Shanghai", "2026-10-12T07:00:00", "2026-10-12 16:00"),
        # 20:00 on the 11th in Los Angeles is 03:00 on the 12th in UTC
        ("America/Los_Angeles", "2026-10-11T20:00:00", "2026-10-12 07:00"),
        ("UTC", "2026-10-11T20:00:00", "2026-10-12 00:00"),
    ],
)
def test_default_as_of_is_the_shops_next_midnight(tmp_path, timezone, last, as_of):
    with shop_store(tmp_path / "shop", timezone, [("o1", "2026-10-01T12:00"), ("o2", last)]) as st:
        assert st.default_as_of() == pd.Timestamp(as_of)
        assert st.local_time(st.default_as_of()) == st.local_time(st.default_as_of()).normalize()


def test_a_date_or_naive_time_a_person_gives_is_the_shops(tmp_path):
    shanghai = Store(":memory:", timezone="Asia/Shanghai")
    assert shanghai.as_of("2026-10-12") == pd.Timestamp("2026-10-11 16:00")  # its midnight
    assert shanghai.as_of("2026-10-12 09:30") == pd.Timestamp("2026-10-12 01:30")
    assert shanghai.as_of("2026-10-12T09:30+00:00") == pd.Timestamp("2026-10-12 09:30")
    # a timestamp is a stored instant already (naive: UTC), as every stage passes it on
    assert shanghai.as_of(pd.Timestamp("2026-10-12")) == pd.Timestamp("2026-10-12")
    assert Store(":memory:").as_of("2026-10-12 09:30") == pd.Timestamp("2026-10-12 09:30")
    # a time that does not exist or exists twice is read as ingest reads it (DuckDB)
    los_angeles = Store(":memory:", timezone="America/Los_Angeles")
    assert los_angeles.utc_time("2026-11-01 01:30") == pd.Timestamp("2026-11-01 09:30")
    assert los_angeles.utc_time("2026-03-08 02:30") == pd.Timestamp("2026-03-08 10:30")
    with pytest.raises(InputError, match="as of: 'next tuesday' is not a date or time"):
        shanghai.as_of("next tuesday")


@pytest.mark.parametrize(
    ("timezone", "orders", "weeks"),
    [
        # Sunday 23:30 and Monday 00:15 in Shanghai: both Sunday in UTC
        (
            "Asia/Shanghai",
            [("o1", "2026-10-11T23:30:00"), ("o2", "2026-10-12T00:15:00")],
            {"2026-10-05": 1, "2026-10-12": 1},
        ),
        # Sunday 20:00 and Monday 09:00 in Los Angeles: both Monday in UTC
        (
            "America/Los_Angeles",
            [("o1", "2026-10-11T20:00:00"), ("o2", "2026-10-12T09:00:00")],
            {"2026-10-05": 1, "2026-10-12": 1},
        ),
    ],
)
def test_dashboard_weeks_are_cut_at_the_shops_midnight(tmp_path, timezone, orders, weeks):
    with shop_store(tmp_path / "shop", timezone, orders) as store:
        weekly = queries.weekly_revenue(store)
    shown = dict(zip(weekly["week"].astype(str), weekly["orders"], strict=True))
    assert shown == weeks


def test_dashboard_months_are_the_shops(tmp_path):
    orders = [("o1", "2026-10-31T23:30:00"), ("o2", "2026-11-01T00:30:00")]
    with shop_store(tmp_path / "shop", "Asia/Shanghai", orders) as store:
        monthly = queries.monthly_customer_revenue(store)
    shown = dict(zip(monthly["customer_id"], monthly["month"].astype(str), strict=True))
    assert shown == {"c-o1": "2026-10-01", "c-o2": "2026-11-01"}
