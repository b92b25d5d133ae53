"""The profile's days are the shop's (its `timezone` setting), not UTC's: sale days, a
purchase occasion of BG/NBD and the dates named in notes. In Shanghai, 07:00 and 09:00 on
12 October are one day; in UTC they are the 11th and the 12th."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.queries.profile import (
    customer_feature_tables,
    daily_discount_share,
    order_day_summary,
    promo_order_counts,
)
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError
from promopilot.profile.build import profile_as_of
from promopilot.profile.churn import ChurnModel
from promopilot.profile.features import DailyShares, build_features
from promopilot.profile.models import WindowModel
from promopilot.profile.transactions import summary_from_transactions
from promopilot.profile.windows import fit_window_model

ORDERS = (  # the shop's wall-clock times
    "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
    "o1,2026-10-12T07:00:00,a,tea,1,10,5\n"  # 23:00 on the 11th in UTC
    "o2,2026-10-12T09:00:00,a,tea,1,10,0\n"  # 01:00 on the 12th in UTC
    "o3,2026-10-05T12:00:00,b,mug,1,30,0\n"
    "o4,2026-10-15T12:00:00,a,tea,1,10,0\n"
)
AS_OF = pd.Timestamp("2026-10-19 16:00")  # midnight starting the 20th in Shanghai, as stored
SALE_DAYS = pd.Series([pd.Timestamp("2026-10-12")])  # the shop's day of o1 and o2


@pytest.fixture()
def shanghai(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "products.csv").write_text(
        "product_id,title,category,price,cost\ntea,绿茶,food,10,4\nmug,杯子,home,30,12\n",
        encoding="utf-8",
    )
    (shop / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (shop / "events.csv").write_text(
        "timestamp,customer_id,product_id,event\n2026-10-12T07:30:00,a,tea,view\n"
        "2026-10-15T11:00:00,a,tea,view\n",
        encoding="utf-8",
    )
    with Store(":memory:", timezone="Asia/Shanghai") as store:
        ingest(store, shop)
        yield store


def test_the_profile_date_is_the_shops_midnight(shanghai):
    assert profile_as_of(shanghai, "2026-10-20") == AS_OF
    # the midnight after the last order (o4, noon on the 15th), not the UTC midnight (08:00)
    assert profile_as_of(shanghai, None) == pd.Timestamp("2026-10-15 16:00")


def test_daily_discount_shares_are_per_shop_day(shanghai):
    daily = daily_discount_share(shanghai, as_of=AS_OF)
    shares = dict(zip(daily["day"].astype(str), daily["share"], strict=True))
    assert shares == {"2026-10-05": 0.0, "2026-10-12": pytest.approx(0.25), "2026-10-15": 0.0}


def test_shared_daily_shares_cut_at_the_shops_midnights(shanghai):
    daily = DailyShares.read(shanghai, AS_OF)
    at = AS_OF - pd.Timedelta(days=7)  # the shop's midnight starting the 13th
    known = daily.before(at)
    assert known is not None  # no second read of the orders
    pd.testing.assert_frame_equal(
        known.reset_index(drop=True), daily_discount_share(shanghai, as_of=at)
    )


def test_sale_orders_and_views_are_those_of_the_shops_sale_day(shanghai):
    tables = customer_feature_tables(shanghai, as_of=AS_OF, sale_days=SALE_DAYS)
    a = tables["features"].set_index("customer_id").loc["a"]
    # o1's discount is the sale day's, not a's own coupon use (UTC: o1 is off-sale, 0.5)
    assert a["coupon_share"] == 0.0
    # the view at 07:30 is on the sale day (UTC: the 11th, no sale view, a lift of 0)
    assert a["sale_view_lift"] > 1.0


def test_own_promotion_counts_leave_out_the_shops_sale_day(shanghai):
    counts = promo_order_counts(shanghai, pd.Timestamp("1900-01-01"), AS_OF, SALE_DAYS, 14)
    a = counts.set_index("customer_id").loc["a"]
    assert (a["orders"], a["promo"]) == (1, 0)  # only o4: the discounted o1 was on sale


def test_a_purchase_occasion_is_a_shop_day(shanghai):
    summary = order_day_summary(shanghai, ["a", "b"], AS_OF).set_index("customer_id")
    assert summary.loc["a", "frequency"] == 1  # 07:00 and 09:00 one occasion, then o4
    assert summary.loc["a", "T"] == 7.0  # the 12th to the 19th, the period's last shop day
    assert summary.loc["b", "T"] == 14.0
    assert summary.loc["a", "first_value"] == pytest.approx(15.0)  # both orders, net


@pytest.mark.parametrize("model", [WindowModel(target="purchase", horizon_days=7), ChurnModel()])
def test_not_enough_data_names_the_shops_date(shanghai, model):
    model.set_params(horizon_days=7)
    with pytest.raises(NotEnoughDataError, match="with history before 2026-10-13 and"):
        fit_window_model(
            shanghai,
            model,
            as_of=AS_OF,
            feature_fn=lambda store, at: build_features(store, as_of=at),
            validate=False,
        )


def test_the_sql_summary_counts_days_as_the_pandas_one_counts_aware_times(shanghai):
    orders = shanghai.table("orders")
    orders["at"] = orders["timestamp"].dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    orders["net"] = orders["quantity"] * orders["unit_price"] - orders["discount"]
    columns = ["frequency", "recency", "T", "monetary_value"]
    expected = summary_from_transactions(orders, "customer_id", "at", "net", as_of="2026-10-19")
    summary = order_day_summary(shanghai, ["a", "b"], AS_OF).set_index("customer_id")
    pd.testing.assert_frame_equal(
        summary[columns], expected[columns], check_dtype=False, check_names=False
    )


# Berlin moves its clocks forward on 29 March 2026: a week before the shop's midnight that
# starts 1 April is 00:00 on 25 March there, 167 hours earlier, not 168
BERLIN_AS_OF = pd.Timestamp("2026-03-31 22:00")  # midnight starting 1 April in Berlin (CEST)


@pytest.fixture()
def berlin(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        "o1,2026-03-02T10:00:00,a,tea,1,10,0\n"
        "o2,2026-03-24T23:30:00,b,tea,1,10,0\n"  # the shop's 24th, before the week
        "o3,2026-03-30T12:00:00,a,tea,1,10,0\n",
        encoding="utf-8",
    )
    with Store(":memory:", timezone="Europe/Berlin") as store:
        ingest(store, shop)
        yield store


def test_shop_days_keep_the_shops_midnight_across_a_clock_change(berlin):
    assert berlin.local_time(BERLIN_AS_OF) == pd.Timestamp("2026-04-01")
    week_before = berlin.shop_days(BERLIN_AS_OF, -7)
    assert berlin.local_time(week_before) == pd.Timestamp("2026-03-25")  # 23:00 UTC the 24th
    assert BERLIN_AS_OF - week_before == pd.Timedelta(hours=167)
    assert berlin.shop_days(week_before, 7) == BERLIN_AS_OF
    # a UTC shop's days are 24 hours
    with Store(":memory:") as utc:
        assert utc.shop_days(BERLIN_AS_OF, -7) == BERLIN_AS_OF - pd.Timedelta(days=7)


@pytest.mark.parametrize("model", [WindowModel(target="purchase", horizon_days=7), ChurnModel()])
def test_a_window_across_a_clock_change_starts_at_the_shops_midnight(berlin, model):
    model.set_params(horizon_days=7)
    with pytest.raises(NotEnoughDataError, match="with history before 2026-03-25 and"):
        fit_window_model(
            berlin,
            model,
            as_of=BERLIN_AS_OF,
            feature_fn=lambda store, at: build_features(store, as_of=at),
            validate=False,
        )
