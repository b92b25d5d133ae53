"""Products that only the orders name: a shop's order export often names each line's item
(WooCommerce's ``Item Name``, ``Product Name``, ``商品名称``) while the shop has no products
file. Such products are added with the name the orders give them most often and their median
selling price, so recommendations and messages show titles, not SKUs. A product the store
already has (from the shop's products file, or an earlier ingest) is left as it is.
"""

from __future__ import annotations

from promopilot.data.lines import non_product_sql
from promopilot.data.staging import STAGE
from promopilot.data.store import Store


def add_named_products(store: Store) -> int:
    """Insert the products named in the staged orders (``_title``) that the store lacks;
    return how many."""
    before = store.count("products")
    named = (
        "SELECT t_product_id AS product_id, mode(_title ORDER BY _title) AS title, "
        "median(t_unit_price) FILTER (WHERE NOT t_is_return) AS price "
        f"FROM {STAGE} WHERE _err IS NULL AND NOT _skip AND _title IS NOT NULL "
        "GROUP BY t_product_id"
    )
    store.execute(
        "INSERT INTO products BY NAME SELECT *, NOT "
        f"{non_product_sql('product_id', 'title', 'NULL')} AS is_product, "
        f"timezone('UTC', now()) AS updated_at FROM ({named}) "
        "WHERE product_id NOT IN (SELECT product_id FROM products)"
    )
    return store.count("products") - before
