import pandas as pd
import pytest
from scipy.stats import spearmanr

from promopilot.data.ingest import ingest
from promopilot.data.queries.profile import (
    CustomerSubset,
    activity_between,
    events_between,
    orders_between,
    promo_order_counts,
)
from promopilot.data.store import Store
from promopilot.profile.features import (
    FEATURE_DESCRIPTIONS,
    DailyShares,
    SharedSentiment,
    build_features,
    sale_days,
)
from promopilot.synth.shop import END

ORDERS = (
    "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount,coupon_code\n"
    "o1,2026-01-01T10:00:00,a,tea,2,10,0,\n"
    "o2,2026-01-11T10:00:00,a,tea,1,10,2,SAVE\n"
    "o3,2026-01-21T10:00:00,a,mug,1,30,0,\n"
    "o4,2026-01-05T10:00:00,b,mug,1,30,0,\n"
)


@pytest.fixture()
def tiny(tmp_path):
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "products.csv").write_text(
        "product_id,category,price,cost\ntea,food,10,5\nmug,home,30,12\n"
    )
    (shop / "customers.csv").write_text(
        "customer_id,signup_at,email,name\na,2025-12-01,a@x.cn,张三\nb,2025-12-25,b@x.cn,李四\n"
        "c,2026-01-30,c@x.cn,王五\n"
    )
    (shop / "orders.csv").write_text(ORDERS)
    (shop / "events.csv").write_text(
        "timestamp,customer_id,product_id,event\n2026-01-20T09:00:00,a,mug,view\n"
        "2026-01-20T09:01:00,a,mug,cart\n2026-01-30T12:00:00,c,tea,view\n"
    )
    store = Store(":memory:")
    ingest(store, shop)
    return store, shop


def test_hand_checkable_recency_frequency_monetary(tiny):
    store, _ = tiny
    f = build_features(store, as_of="2026-02-01").set_index("customer_id")
    a = f.loc["a"]
    assert a["frequency"] == 3
    assert a["monetary"] == pytest.approx(20 + 8 + 30)
    assert a["recency_days"] == pytest.approx(
        (pd.Timestamp("2026-02-01") - pd.Timestamp("2026-01-21T10:00")).days + 14 / 24
    )
    assert a["avg_order_value"] == pytest.approx(58 / 3)
    assert a["interpurchase_days"] == pytest.approx(10.0)
    assert a["coupon_share"] == pytest.approx(1 / 3)
    assert a["carts"] == 1 and a["cart_abandonment"] == 0.0  # the carted mug was bought
    assert a["top_category"] == "home"
    c = f.loc["c"]  # browsed, never bought
    assert c["frequency"] == 0 and c["views"] == 1 and c["top_category"] == "food"


def test_no_leakage_from_after_as_of(tiny, tmp_path):
    store, _shop = tiny
    before = build_features(store, as_of="2026-01-15")
    later = tmp_path / "later"
    later.mkdir()
    (later / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "o9,2026-01-16,a,tea,5,10\no10,2026-03-01,b,mug,1,30\n"
    )
    ingest(store, later)
    after = build_features(store, as_of="2026-01-15")
    pd.testing.assert_frame_equal(before, after)


def test_contact_data_is_never_a_feature(tiny):
    store, _ = tiny
    f = build_features(store, as_of="2026-02-01")
    assert not {"email", "phone", "name"} & set(f.columns)
    assert not f.astype(str).apply(lambda col: col.str.contains("@x.cn|张三")).any().any()


def test_every_feature_is_described(shop_store):
    f = build_features(shop_store, as_of=END)
    for col in f.columns.drop("customer_id"):
        key = "share_<category>" if col.startswith("share_") else col
        assert key in FEATURE_DESCRIPTIONS, col


def test_sale_periods_are_found_in_the_data(shop_store):
    days = sale_days(shop_store, as_of=END)
    assert days.min() == pd.Timestamp("2025-11-01") and days.max() == pd.Timestamp("2025-11-14")


def test_discount_sensitivity_tracks_the_hidden_truth(shop, shop_store):
    f = build_features(shop_store, as_of=END).set_index("customer_id")
    truth = shop.truth.set_index("customer_id").loc[f.index]
    rho = spearmanr(f["discount_sensitivity"], truth["discount_sensitivity"]).statistic
    assert rho >= 0.4, rho


def test_sale_days_from_shares_read_once_are_those_of_a_fresh_read(shop_store):
    daily = DailyShares.read(shop_store, END)
    for at in (
        END,
        pd.Timestamp("2025-11-08"),  # within the sale: the spike is measured on fewer days
        pd.Timestamp("2025-11-20"),
        pd.Timestamp("2025-11-08 13:00"),  # not a midnight: read afresh
        END + pd.Timedelta(days=3),  # after the shares' date: read afresh
    ):
        pd.testing.assert_series_equal(
            sale_days(shop_store, as_of=at, daily=daily), sale_days(shop_store, as_of=at)
        )
    assert daily.before(pd.Timestamp("2025-11-08 13:00")) is None


def _reviews(customer, product, text, rating, day, n):
    """`n` reviews (a minute apart: the store keys reviews by customer, product and time)."""
    start = pd.Timestamp(day)
    return [
        (customer, product, text, rating, (start + pd.Timedelta(minutes=i)).isoformat())
        for i in range(n)
    ]


def test_shared_sentiment_learns_only_from_reviews_before_the_earliest_snapshot(tiny, tmp_path):
    store, _ = tiny
    early = _reviews("a", "tea", "lovely sturdy cup", 5, "2026-01-02", 150)
    early += _reviews("b", "mug", "broken cheap junk", 1, "2026-01-03", 150)
    # later reviews say the opposite: a model that read them would turn "lovely sturdy cup" sour
    late = _reviews("b", "tea", "lovely sturdy cup", 1, "2026-01-25", 400)
    late += _reviews("a", "mug", "broken cheap junk", 1, "2026-01-26", 1)
    columns = ["customer_id", "product_id", "text", "rating", "timestamp"]
    pd.DataFrame(early + late, columns=columns).to_csv(tmp_path / "reviews.csv", index=False)
    ingest(store, tmp_path / "reviews.csv")
    shared = SharedSentiment.read(
        store, fit_before="2026-01-10", score_before="2026-02-01", customers=["a", "b", "c"]
    )
    assert shared.scores["lovely sturdy cup"] > 0.5 > -0.5 > shared.scores["broken cheap junk"]
    # the same scores as a model that never saw the later reviews
    only_early = pd.DataFrame(early, columns=columns)
    alone = SharedSentiment(
        only_early.assign(timestamp=pd.to_datetime(only_early["timestamp"])), "2026-01-10"
    )
    assert shared.scores["lovely sturdy cup"] == pytest.approx(alone.scores["lovely sturdy cup"])
    # a snapshot's sentiment is the mean over the reviews before its own date only
    snapshot = build_features(store, as_of="2026-01-20", sentiment_fn=shared)
    a = snapshot.set_index("customer_id").loc["a"]
    assert a["sentiment"] == pytest.approx(shared.scores["lovely sturdy cup"])
    later = build_features(store, as_of="2026-02-01", sentiment_fn=shared).set_index("customer_id")
    assert later.loc["a", "sentiment"] < a["sentiment"]  # the late sour review now counts


def test_a_subset_copied_once_gives_each_dates_features_of_those_customers(shop_store):
    ids = sorted(shop_store.table("customers")["customer_id"])[::7]
    subset = CustomerSubset(shop_store, ids, before=END)
    try:
        for at in (END - pd.Timedelta(days=180), END - pd.Timedelta(days=30), END):
            pd.testing.assert_frame_equal(
                build_features(shop_store, as_of=at, customers=subset),
                build_features(shop_store, as_of=at, customers=ids),
            )
        later = END + pd.Timedelta(days=10)  # after the copy's date: read afresh
        pd.testing.assert_frame_equal(
            build_features(shop_store, as_of=later, customers=subset),
            build_features(shop_store, as_of=later, customers=ids),
        )
        assert subset.tables is not None
    finally:
        subset.drop()
    left = shop_store.query(
        "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'feature_subset_%'"
    )
    assert left["n"].iloc[0] == 0


def test_activity_is_orders_plus_events(shop_store):
    start, end = END - pd.Timedelta(days=180), END
    both = activity_between(shop_store, start, end).set_index("customer_id")["n"]
    orders = orders_between(shop_store, start, end).set_index("customer_id")["n"]
    events = events_between(shop_store, start, end).set_index("customer_id")["n"]
    expected = orders.add(events, fill_value=0)
    pd.testing.assert_series_equal(
        both.sort_index().astype(float), expected.sort_index(), check_names=False
    )


def test_promo_counts_of_some_customers_are_theirs_in_the_whole_count(shop_store):
    days = sale_days(shop_store, as_of=END)
    start = pd.Timestamp("1900-01-01")
    every = promo_order_counts(shop_store, start, END, days, 14)
    ids = [*every["customer_id"].iloc[::5], "nobody"]
    some = promo_order_counts(shop_store, start, END, days, 14, customers=ids)
    expected = every[every["customer_id"].isin(ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)


def test_build_features_is_a_feature_function_with_a_default_date(tiny):
    """A notebook passes `build_features` where a feature function ``fn(store, as_of)`` is
    wanted, and calls it without a date for today's table (its `as_of` was keyword-only and
    required: a TypeError either way)."""
    from promopilot.profile.windows import window_tables

    store, _ = tiny
    today = build_features(store)
    assert today.equals(build_features(store, as_of=store.default_as_of()))
    features, orders = window_tables(store, build_features, pd.Timestamp("2026-01-10"), 30)
    assert set(features["customer_id"]) == {"a", "b"}  # c was first seen on 2026-01-30
    assert orders.to_dict() == {"a": 2}
