import numpy as np
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.inputs import customer_value_inputs


@pytest.fixture()
def store(tmp_path):
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "products.csv").write_text(
        "product_id,category,price,cost\ntea,food,10,6\nlamp,home,100,\n"
    )
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
        "o1,2026-01-01,a,tea,2,10,0\n"
        "o2,2026-01-05,a,lamp,1,100,10\n"
        "o3,2026-01-06,b,tea,1,10,0\n"
        "o9,2026-09-01,b,lamp,5,100,0\n"  # after as_of: ignored
    )
    s = Store(":memory:")
    ingest(s, shop)
    return s


def test_basket_margin_and_shares_by_hand(store):
    got = customer_value_inputs(store, as_of="2026-06-01", default_margin=0.3, shrinkage=0.0)
    got = got.set_index("customer_id")
    # a: orders of 20 and 100 at list price (the 10 off is not part of the basket: offers
    # subtract their own discount) -> 60; b: one order of 10
    assert got.loc["a", "basket_value"] == pytest.approx(60.0)
    assert got.loc["b", "basket_value"] == pytest.approx(10.0)
    # only tea has a cost: margin 4/10 on the lines where it is known
    assert got.loc["a", "margin_rate"] == pytest.approx(0.4)
    assert got.loc["a", "share_home"] == pytest.approx(90 / 110)
    assert got.loc["b", "share_food"] == pytest.approx(1.0)
    assert got.loc["b", "n_orders"] == 1


def test_shrinkage_pulls_single_orders_toward_the_shop(store):
    got = customer_value_inputs(store, as_of="2026-06-01", default_margin=0.3, shrinkage=2.0)
    b = got.set_index("customer_id").loc["b", "basket_value"]
    shop_mean = np.mean([20.0, 100.0, 10.0])
    assert 10.0 < b < shop_mean
