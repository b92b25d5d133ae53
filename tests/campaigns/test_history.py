import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import CONTROL, campaign_training_data
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError


def _features(store, as_of):
    """Order lines per customer before `as_of` (a feature function for the tests)."""
    orders = store.table("orders")
    before = orders[orders["timestamp"] < pd.Timestamp(as_of)]
    return before.groupby("customer_id").size().rename("n_orders_before").reset_index()


def test_outcomes_are_the_orders_in_the_window(tmp_path):
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        "o1,2026-01-01,a,p,1,10,0\n"  # before: a feature, not an outcome
        "o2,2026-01-01,b,p,1,10,0\n"
        "o3,2026-02-03,a,p,2,10,2\n"  # in a's window: 18 net
        "o4,2026-03-01,b,p,1,10,0\n"  # after b's window
    )
    (shop / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        "k1,a,pct10,2026-02-01,\n"
        "k1,b,,2026-02-01,\n"
    )
    store = Store(":memory:")
    ingest(store, shop)
    data = campaign_training_data(store, _features, window_days=14, min_rows=1)
    by_customer = dict(
        zip(
            data.customer_id,
            zip(data.treatment, data.bought, data.revenue, strict=True),
            strict=True,
        )
    )
    assert by_customer == {"a": ("pct10", 1, 18.0), "b": (CONTROL, 0, 0.0)}
    assert np.allclose(data.propensity, 0.5)  # missing propensity: uniform over 2 arms
    assert list(data.X.columns) == ["n_orders_before"]
    assert data.X["n_orders_before"].tolist() == [1, 1]


def test_a_campaign_sent_after_the_data_waits_for_its_outcomes(tmp_path):
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        "o1,2026-01-01,a,p,1,10,0\n"
        "o2,2026-01-01,b,p,1,10,0\n"
        "o3,2026-02-03,a,p,1,10,0\n"
    )
    (shop / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        "k1,a,pct10,2026-02-01,0.5\n"
        "k1,b,,2026-02-01,0.5\n"
        "k2,a,pct10,2026-02-04,0.5\n"  # sent after the last order: no outcomes yet
        "k2,b,,2026-02-04,0.5\n"
    )
    store = Store(":memory:")
    ingest(store, shop)
    data = campaign_training_data(store, _features, window_days=14, min_rows=1)
    assert set(data.campaign_id) == {"k1"}
    assert data.awaiting == ("k2",)
    assert data.bought.tolist() == [1, 0]
    with pytest.raises(NotEnoughDataError, match=r"not counted until their outcomes.*k2"):
        campaign_training_data(store, _features, window_days=14, min_rows=3)


def test_a_sent_campaign_whose_window_is_not_over_waits_for_its_outcomes(tmp_path):
    # promopilot sent k2 two days before the last order: 2 of its 14 days are known, so its
    # buyers and revenue would read as a seventh of what they will be
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        "o1,2026-01-01,a,p,1,10,0\n"
        "o2,2026-01-01,b,p,1,10,0\n"
        "o3,2026-02-03,a,p,1,10,0\n"
        "o4,2026-01-01,c,p,1,10,0\n"
    )
    (shop / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        "k1,a,pct10,2026-01-10,0.5\n"
        "k1,b,,2026-01-10,0.5\n"
        "k1,c,,2026-02-02,0.5\n"  # a visitor `serve` decided for later: its window is open
        "k2,a,pct10,2026-02-01,0.5\n"
        "k2,b,,2026-02-01,0.5\n"
    )
    store = Store(":memory:")
    ingest(store, shop)
    data = campaign_training_data(store, _features, window_days=14, min_rows=1)
    assert len(data.campaign_id) == 5  # handed over in a file: history as it is
    store.execute(  # as `promopilot send` logs them
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL THEN 'control' "
        "ELSE 'explore' END"
    )
    data = campaign_training_data(store, _features, window_days=14, min_rows=1)
    assert sorted(zip(data.campaign_id, data.customer_id, strict=True)) == [
        ("k1", "a"),
        ("k1", "b"),
    ]
    assert data.awaiting == ("k2",)


def test_too_little_history_is_said_plainly(shop_store):
    with pytest.raises(NotEnoughDataError, match="past campaign exposures"):
        campaign_training_data(shop_store, _features, min_rows=10**7)


def test_synthetic_campaign_shows_its_planted_lift(shop_store):
    data = campaign_training_data(shop_store, _features)
    rates = pd.Series(data.bought).groupby(data.treatment).mean()
    assert set(rates.index) == {CONTROL, "pct10", "mj150_20", "freeship", "beauty15"}
    assert rates.drop(CONTROL).mean() > rates[CONTROL]


@pytest.mark.parametrize(
    ("waiting", "says"),
    [(("k2",), "1 campaign whose"), (("k2", "k3"), "2 campaigns whose")],
)
def test_the_campaigns_that_wait_for_their_outcomes_are_counted_in_good_english(
    tmp_path, waiting, says
):
    """The model-quality page on UCI after one send read "(1 campaign whose window is not
    over in the data (...) are not counted until ...: rd1)"; one campaign "is not counted"."""
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        "o1,2026-01-01,a,p,1,10,0\n"
        "o2,2026-01-01,b,p,1,10,0\n"
        "o3,2026-02-03,a,p,1,10,0\n"
    )
    rows = "".join(f"{k},a,pct10,2026-02-04,0.5\n{k},b,,2026-02-04,0.5\n" for k in waiting)
    (shop / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n" + rows
    )
    store = Store(":memory:")
    ingest(store, shop)
    with pytest.raises(NotEnoughDataError) as raised:
        campaign_training_data(store, _features, window_days=14, min_rows=3)
    verb = "is" if len(waiting) == 1 else "are"
    message = str(raised.value)
    assert f"({says} window is not over in the data" in message
    assert f"order or event) {verb} not counted until their outcomes are ingested: " in message
    assert message.endswith(", ".join(waiting) + ")")
