"""Lines of one product in one order, merged into the one line the orders table keeps.

Chinese back offices export one line per SKU: a buyer who takes a dress in red M and in blue L
has two lines of one 商品ID in one order, told apart by a variant column (商品规格: colour,
size). Other exports have no such column and still list a product twice in an order (UCI Online
Retail: the same stock code scanned again, at another quantity or price). The orders table keeps
one line per (order, product), so before the within-file dedupe such lines are merged into one:
quantities and discounts added, the unit price their quantity-weighted mean (the line's value is
kept to the cent). A row repeating a line with the same values is a repeat, as anywhere. Without
a variant column, lines are merged only where they agree on everything else (time, customer,
coupon, return); a group that does not, or whose variants repeat with other values, is left to
the dedupe, which reports the conflict.
"""

from __future__ import annotations

from promopilot.data import order_columns
from promopilot.data.order_columns import REFUND_SUFFIX
from promopilot.data.schema import TableSpec
from promopilot.data.staging import STAGE
from promopilot.data.store import Store, sql_str

KEY = "t_order_id, t_product_id"
# the temp table of the lines merged: (order, product), its first line, how many lines
MERGED = "ingest_variants"


def has_variants(raw_columns: list[str], spec: TableSpec) -> bool:
    return spec.name == "orders" and order_columns.variant_column(raw_columns) is not None


# what merged lines add up; every other column must agree for lines without a variant column
ADDED = ("order_id", "product_id", "quantity", "unit_price", "discount")


def merge_lines(store: Store, spec: TableSpec, variants: bool) -> int:
    """Skip repeats of a line, then merge each (order, product)'s distinct lines into its
    first line; the other lines are skipped (loaded, not stored apart). `variants`: the file
    has a variant column, which tells the lines apart; without it, lines merge only where
    they agree on every column but those added up. Returns how many lines were merged away;
    the merged lines stay listed for :func:`merged_into_store`."""
    good = "_err IS NULL AND NOT _skip"
    values = ", ".join(f"t_{c.name}" for c in spec.stored_columns)
    variant = "_variant, " if variants else ""
    repeated = (
        f"SELECT count(*) FROM (SELECT hash({KEY}) AS h FROM {STAGE} WHERE {good} "
        "GROUP BY h HAVING count(*) > 1)"
    )
    store.execute(f"DROP TABLE IF EXISTS {MERGED}")
    if not store.scalar(repeated):  # every (order, product) once, the usual case: no pass
        return 0
    store.execute(
        f"UPDATE {STAGE} SET _skip = true WHERE {good} AND (_row, t_order_id) IN ("
        f"SELECT _row, t_order_id FROM (SELECT _row, t_order_id, row_number() OVER ("
        f"PARTITION BY {KEY}, {variant}hash({values}) ORDER BY _row) AS rn "
        f"FROM {STAGE} WHERE {good}) WHERE rn > 1)"
    )
    if variants:
        apart = "count(DISTINCT _variant) = count(*)"
    else:
        others = [c.name for c in spec.stored_columns if c.name not in ADDED]
        apart = " AND ".join(
            f"count(DISTINCT coalesce(CAST(t_{c} AS VARCHAR), '')) = 1" for c in others
        )
    store.execute(
        f"CREATE TEMP TABLE {MERGED} AS SELECT {KEY}, min(_row) AS first, "
        "sum(t_quantity) AS quantity, sum(t_discount) AS discount, "
        "sum(t_quantity * t_unit_price) AS value, count(*) AS n "
        f"FROM {STAGE} WHERE {good} GROUP BY {KEY} "
        f"HAVING count(*) > 1 AND {apart} AND sum(t_quantity) <> 0"
    )
    merged = store.scalar(f"SELECT coalesce(sum(n - 1), 0) FROM {MERGED}")
    match = "s.t_order_id = v.t_order_id AND s.t_product_id = v.t_product_id"
    store.execute(
        f"UPDATE {STAGE} s SET t_quantity = v.quantity, t_discount = v.discount, "
        f"t_unit_price = v.value / v.quantity FROM {MERGED} v "
        f"WHERE {match} AND s._row = v.first AND s._err IS NULL AND NOT s._skip"
    )
    store.execute(
        f"UPDATE {STAGE} s SET _skip = true FROM {MERGED} v "
        f"WHERE {match} AND s._row <> v.first AND s._err IS NULL AND NOT s._skip"
    )
    return int(merged)


def merged_into_store(store: Store) -> int:
    """How many of the file's lines :func:`merge_lines` merged went into a line this ingest
    stores: those merged into a line that is stored already with the same values (the same
    file again) or quarantined are not, nor the return lines staged for a sale refunded in
    full (:func:`promopilot.data.order_status.add_refund_lines`), merged as their sales are.
    Drops the list of merged lines."""
    if not store.scalar(
        f"SELECT count(*) FROM duckdb_tables() WHERE table_name = {sql_str(MERGED)}"
    ):
        return 0
    n = store.scalar(
        f"SELECT coalesce(sum(v.n - 1), 0) FROM {MERGED} v JOIN {STAGE} s ON s._row = v.first "
        "AND s.t_order_id = v.t_order_id AND s.t_product_id = v.t_product_id "
        "WHERE s._err IS NULL AND NOT s._skip AND NOT EXISTS (SELECT 1 FROM "
        f"{STAGE} o WHERE o._row = v.first AND o.t_order_id || {sql_str(REFUND_SUFFIX)} = "
        "v.t_order_id)"
    )
    store.execute(f"DROP TABLE {MERGED}")
    return int(n)
