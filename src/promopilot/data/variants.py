"""Order lines of one product told apart only by a variant column (商品规格: colour, size).

Chinese back offices export one line per SKU: a buyer who takes a dress in red M and in blue L
has two lines of one 商品ID in one order. The orders table keeps one line per (order, product),
so before the within-file dedupe the variants of a line are merged into one: quantities and
discounts added, the unit price their quantity-weighted mean (the line's value is kept to the
cent). A row repeating a variant line with the same values is a repeat, as anywhere; a group
whose variants repeat with other values is left to the dedupe, which reports the conflict.
"""

from __future__ import annotations

from promopilot.data import order_columns
from promopilot.data.schema import TableSpec
from promopilot.data.staging import STAGE
from promopilot.data.store import Store

KEY = "t_order_id, t_product_id"


def has_variants(raw_columns: list[str], spec: TableSpec) -> bool:
    return spec.name == "orders" and order_columns.variant_column(raw_columns) is not None


def merge_variants(store: Store, spec: TableSpec) -> None:
    """Skip repeats of a variant line, then merge each (order, product)'s distinct variants
    into its first line; the other lines are skipped (loaded, not stored apart)."""
    good = "_err IS NULL AND NOT _skip"
    values = ", ".join(f"t_{c.name}" for c in spec.stored_columns)
    store.execute(
        f"UPDATE {STAGE} SET _skip = true WHERE {good} AND (_row, t_order_id) IN ("
        f"SELECT _row, t_order_id FROM (SELECT _row, t_order_id, row_number() OVER ("
        f"PARTITION BY {KEY}, _variant, hash({values}) ORDER BY _row) AS rn "
        f"FROM {STAGE} WHERE {good}) WHERE rn > 1)"
    )
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE ingest_variants AS SELECT {KEY}, min(_row) AS first, "
        "sum(t_quantity) AS quantity, sum(t_discount) AS discount, "
        "sum(t_quantity * t_unit_price) AS value "
        f"FROM {STAGE} WHERE {good} GROUP BY {KEY} "
        "HAVING count(*) > 1 AND count(DISTINCT _variant) = count(*) AND sum(t_quantity) <> 0"
    )
    match = "s.t_order_id = v.t_order_id AND s.t_product_id = v.t_product_id"
    store.execute(
        f"UPDATE {STAGE} s SET t_quantity = v.quantity, t_discount = v.discount, "
        f"t_unit_price = v.value / v.quantity FROM ingest_variants v "
        f"WHERE {match} AND s._row = v.first AND s._err IS NULL AND NOT s._skip"
    )
    store.execute(
        f"UPDATE {STAGE} s SET _skip = true FROM ingest_variants v "
        f"WHERE {match} AND s._row <> v.first AND s._err IS NULL AND NOT s._skip"
    )
    store.execute("DROP TABLE ingest_variants")
