"""Which order lines are products: postage, fees and adjustments are not.

Shops put shipping, card fees, manual corrections and discounts on invoices as lines of their
own. They are money (kept in revenue), but not products: no one should be recommended
"POSTAGE". The rule, applied at ingest to every product whose ``is_product`` the shop did not
give (a ``products.csv`` column of that name wins):

- its product_id is one of ``NON_PRODUCT_IDS`` (the codes UCI Online Retail uses), or
- its title or category names postage, shipping/delivery fees, costs or charges, fees, bank
  charges, commission, adjustments, gift vouchers, 运费, 邮费, 快递费, 手续费, 调整 or 折扣, or
  ends in "carriage" ("Next Day Carriage", not "Carriage Clock"), or is exactly "manual",
  "sample(s)", "discount(s)", "shipping", "delivery", "postage" or "fee(s)".

Everything else is a product. An order line whose product is not in ``products`` is a product
unless its product_id is one of ``NON_PRODUCT_IDS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # schema imports this module: no runtime import of the store here
    import pandas as pd

    from promopilot.data.store import Store


def line_net(alias: str = "") -> str:
    """SQL of an order line's net money (`alias`: the orders table's alias in the query):
    quantity × unit_price less the line's discount. A return line (``is_return``, negative
    quantity) gives back what was paid for the items, |quantity| × unit_price less their
    discount, so its discount counts the other way: ``-2 × 10 + 5``, not ``- 5``. Every query
    that adds return lines to sales reads a line's money here."""
    a = f"{alias}." if alias else ""
    return (
        f"({a}quantity * {a}unit_price - CASE WHEN {a}is_return THEN -{a}discount "
        f"ELSE {a}discount END)"
    )


NON_PRODUCT_IDS = (
    "POST",
    "DOT",
    "M",
    "C2",
    "D",
    "S",
    "B",
    "BANK CHARGES",
    "AMAZONFEE",
    "CRUK",
    "PADS",
)
# RE2 (DuckDB) patterns, matched case-insensitively
_CONTAINS = (
    r"postage|shipping (fee|cost|charge)|carriage\s*$|delivery (fee|charge|cost)|\bfees?\b|"
    r"bank charges?|commission|\badjust(ment)?s?\b|gift voucher|运费|邮费|快递费|手续费|调整|折扣"
)
_WHOLE = r"^\s*(manual|samples?|discounts?|shipping|delivery|postage|fees?)\s*$"


def non_product_sql(product_id: str, title: str, category: str) -> str:
    """A SQL condition over three text expressions: true for a postage/fee/adjustment line."""
    ids = ", ".join("'" + i + "'" for i in NON_PRODUCT_IDS)
    parts = [f"coalesce(upper(trim({product_id})) IN ({ids}), false)"]
    for text in (title, category):
        parts.append(f"coalesce(regexp_matches(lower({text}), '{_CONTAINS}'), false)")
        parts.append(f"coalesce(regexp_matches(lower({text}), '{_WHOLE}'), false)")
    return "(" + " OR ".join(parts) + ")"


# The store's view of order lines that sell products (everything downstream that learns
# what customers like, recommends or plans offers on products should read this, not `orders`).
PRODUCT_ORDERS_VIEW = "product_orders"
_IDS_SQL = ", ".join("'" + i + "'" for i in NON_PRODUCT_IDS)
PRODUCT_ORDERS_DDL = (
    f"CREATE OR REPLACE VIEW {PRODUCT_ORDERS_VIEW} AS SELECT o.* FROM orders o "
    "WHERE o.product_id NOT IN (SELECT product_id FROM products WHERE NOT is_product) "
    f"AND NOT (upper(trim(o.product_id)) IN ({_IDS_SQL}) "
    "AND o.product_id NOT IN (SELECT product_id FROM products))"
)


def product_order_lines(store: Store, columns: list[str] | None = None) -> pd.DataFrame:
    """The order lines that sell products (postage, fees and adjustments left out), returns
    included (negative quantity, ``is_return`` true): the ``product_orders`` view as a frame."""
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    return store.query(f"SELECT {cols} FROM {PRODUCT_ORDERS_VIEW}")
