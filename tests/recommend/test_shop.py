"""The whole-shop functions the CLI calls, on a store of a few orders."""

from __future__ import annotations

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import UnknownIdError
from promopilot.recommend.shop import similar_products

ORDERS = "order_id,timestamp,customer_id,product_id,quantity,unit_price\n" + "".join(
    f"o{i},2025-01-{1 + i % 20:02d},{17850 + i % 12},{500 + (i * 7) % 9},1,2\n" for i in range(60)
)


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    with Store(":memory:") as s:
        ingest(s, path)
        yield s


@pytest.mark.parametrize(
    "product_id", [500, 500.0, "500.0", " 500"], ids=["int", "float", "float text", "padded"]
)
def test_similar_products_reads_a_number_as_the_stores_id(store, product_id):
    """Asked for 500.0 the store's product "500" was 'not in the store'."""
    got = similar_products(store, product_id, k=3)
    assert len(got) and "500" not in set(got["similar_product_id"])
    assert got.equals(similar_products(store, "500", k=3))


def test_similar_products_names_an_unknown_product(store):
    with pytest.raises(UnknownIdError, match="product '499' is not in the store"):
        similar_products(store, 499.0)
