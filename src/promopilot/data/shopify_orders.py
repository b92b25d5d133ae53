"""Shopify's orders export (one row per line item, order-level fields on an order's first row
only), read into the orders table, with the products and customers exports and the shop's own
table files beside it (:mod:`promopilot.data.shopify_exports`).

Customers are identified by a one-way hash of their e-mail, which goes to ``contacts`` only;
a line's ``Lineitem discount`` is its discount, and the order's ``Discount Amount`` is read
beside it as :mod:`promopilot.data.order_discount_beside` decides (where there is no line
discount column, it is spread over the order's lines by their value); ``Financial Status`` and
``Cancelled at`` give each line its order's status, which staging nets or quarantines
(:mod:`promopilot.data.order_status`).
"""

from __future__ import annotations

from pathlib import Path

from promopilot.columns import CUSTOMER_ID, ORDER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.data import order_discount_beside as beside
from promopilot.data.contact_ids import address_sql, customer_hash
from promopilot.data.currency import shop_currency
from promopilot.data.dedupe import FORGOTTEN
from promopilot.data.headers import lowered
from promopilot.data.import_steps import Progress, derive, read_header, table_files, tell
from promopilot.data.lines import non_product_sql
from promopilot.data.loading import (
    FileRefused,
    FileReport,
    ingest_shop_file,
    load_table,
    next_ingest_id,
    shop_table_for,
)
from promopilot.data.order_discounts import CUT, cut_note, cut_sql
from promopilot.data.rawfile import column_lookup, read_raw
from promopilot.data.schema import LOAD_ORDER, TABLES
from promopilot.data.shopify_exports import export_kind, import_export, is_export
from promopilot.data.sql import ident_name
from promopilot.data.store import Store
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError


def is_orders_export(header: list[str]) -> bool:
    """Whether lower-cased column names are a Shopify orders export's header."""
    return "lineitem name" in header or "lineitem quantity" in header


# whether a line is an orders export's header (how it is found below a title)
_orders_fits = lowered(is_orders_export)


def _filled(column: str, order: str) -> str:
    """An order-level field of a Shopify export, which may be filled on the first line of an
    order only: the last value seen so far in the order."""
    return (
        f"last_value(NULLIF(trim({column}), '') IGNORE NULLS) OVER "
        f"(PARTITION BY {order} ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING "
        "AND CURRENT ROW)"
    )


def _line_value(cols: dict[str, str]) -> str:
    """SQL of a line's value: |Lineitem quantity| × Lineitem price (0 where not a number)."""
    return (
        f"abs(coalesce(TRY_CAST(trim({cols['lineitem quantity']}) AS DOUBLE), 0) * "
        f"coalesce(TRY_CAST(trim({cols['lineitem price']}) AS DOUBLE), 0))"
    )


def _order_discount_share(discount: str | None, cols: dict[str, str], order: str) -> str:
    """SQL for a line's share of its order's discount (Shopify writes it on the order's first
    row), in proportion to the line's value, and what the discount was cut by
    (:data:`order_discounts.CUT`). A share never exceeds its line's value: a discount larger
    than the order's lines (shipping included) is cut to their value, and ingest says so."""
    if not discount:
        return f"NULL AS _discount, CAST(NULL AS DOUBLE) AS {CUT}"
    value = _line_value(cols)
    total = f"max(TRY_CAST(trim({discount}) AS DOUBLE)) OVER (PARTITION BY {order})"
    worth = f"sum({value}) OVER (PARTITION BY {order})"
    first = f"row_number() OVER (PARTITION BY {order} ORDER BY rowid) = 1"
    # a discount larger than the order's lines (one that also covers shipping) keeps to them
    return (
        f"CASE WHEN {total} IS NULL THEN NULL "
        f"WHEN {worth} > 0 THEN CAST(round(least({total}, {worth}) * {value} / {worth}, 6) "
        "AS VARCHAR) "
        f"WHEN {first} THEN '0' END AS _discount, {cut_sql(total, worth)} AS {CUT}"
    )


def _discount_off(cols: dict[str, str], order: str) -> str:
    """SQL of the money off the order's lines, as staging reads it: the lines' own discounts
    (``Lineitem discount``), or the order's ``Discount Amount`` where
    :mod:`promopilot.data.order_discount_beside` reads it (its lines carry none, or each repeat
    it); the order's alone without a line discount column. Not more than the lines are worth
    (:func:`_refund_filled` caps it)."""
    over = f"OVER (PARTITION BY {order})"
    discount, line = cols.get("discount amount"), cols.get("lineitem discount")
    typed = f"TRY_CAST(trim({discount}) AS DOUBLE)"
    whole = f"coalesce(max({typed}) {over}, 0)" if discount else "0"
    if line is None:
        return whole
    own = f"TRY_CAST(trim({line}) AS DOUBLE)"
    lines = f"sum(abs(coalesce({own}, 0))) {over}"
    if discount is None:
        return lines
    use = beside.use_sql(
        f"NULLIF(trim({order}), '')",
        f"max({typed}) {over}",
        f"min({typed}) {over}",
        lines,
        beside.repeated_sql(own, typed, over),
    )
    return f"CASE WHEN {beside.is_read(use)} THEN {whole} ELSE {lines} END"


def _refund_filled(refunded: str, cols: dict[str, str], order: str) -> str:
    """Every line's order's Refunded Amount; one that also gave back shipping or taxes (more
    than the lines were paid, at most the order's Total) is read as the lines refunded in
    full, as revenue holds no shipping or taxes. What the lines were paid is their value less
    the discount staging keeps on them (:func:`_discount_off`): the lines' own where the order's
    ``Discount Amount`` also took shipping off, not the order's (a refund more than the lines
    less the order's discount was cut to that, and what was left of it stayed revenue)."""
    amount = _filled(refunded, order)
    if "total" not in cols:
        return amount
    value = _line_value(cols)
    worth = f"sum({value}) OVER (PARTITION BY {order})"
    paid = f"({worth} - least({_discount_off(cols, order)}, {worth}))"
    refund = f"TRY_CAST({amount} AS DOUBLE)"
    total = f"TRY_CAST({_filled(cols['total'], order)} AS DOUBLE)"
    return (
        f"CASE WHEN {refund} > {paid} AND {refund} <= {total} + 0.005 "
        f"THEN CAST({paid} AS VARCHAR) ELSE {amount} END"
    )


def _status_filled(cols: dict[str, str], order: str) -> str:
    """A REPLACE clause giving every line its order's Financial Status (written on the first
    line only), ``cancelled`` for an order with a Cancelled at time, its Currency and its
    Refunded Amount:
    staging nets refunded orders, partial refunds included, and quarantines cancelled ones."""
    filled = []
    status = cols.get("financial status")
    if status is not None:
        value = _filled(status, order)
        if "cancelled at" in cols:
            cancelled = _filled(cols["cancelled at"], order)
            value = f"CASE WHEN {cancelled} IS NOT NULL THEN 'cancelled' ELSE {value} END"
        filled.append(f"{value} AS {status}")
    refunded = cols.get("refunded amount")
    if refunded is not None:
        filled.append(f"{_refund_filled(refunded, cols, order)} AS {refunded}")
    money = cols.get("currency")
    if money is not None:  # the order's currency, on its first line only
        filled.append(f"{_filled(money, order)} AS {money}")
    return f" REPLACE ({', '.join(filled)})" if filled else ""


def import_shopify(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """A Shopify orders export. Customers are identified by a one-way hash of their email;
    the email itself goes to the contacts table only."""
    files = table_files(path) if path.is_dir() else [path]
    # the products and customers exports and the shop's own reference tables (offers.csv)
    # first, so the orders find their products and customers; its history tables
    # (reviews.csv, campaigns.csv) last
    several = len(files) > 1
    tables = {f: shop_table_for(f) if several else None for f in files}
    kinds = {
        f: export_kind(read_header(f, is_export)) if several and not tables[f] else None
        for f in files
    }

    def rank(f: Path) -> tuple[int, int]:
        table = tables[f] or kinds[f]
        if table is None:  # an orders export
            return (1, 0)
        return (0 if table in ("products", "customers", "offers") else 2, LOAD_ORDER.index(table))

    files.sort(key=rank)
    reports = []
    for file in files:
        tell(progress, file.name)
        if tables[file] is not None:
            try:
                reports.append(ingest_shop_file(store, file, tables[file]))
            except FileRefused as refused:  # as in a shop folder: go on with the rest
                if refused.report is None:
                    raise
                reports.extend(refused.report.files)
            continue
        if kinds[file] is not None:
            reports.append(import_export(store, file, kinds[file]))
            continue
        raw = read_raw(store, file, header_fits=_orders_fits)
        raw.label = str(file)
        cols = column_lookup(raw.columns)
        need = (
            "name",
            "email",
            "created at",
            "lineitem name",
            "lineitem quantity",
            "lineitem price",
        )
        missing = [n for n in need if n not in cols]
        if missing:
            raise InputError(
                f"{file}: missing required {noun_for(len(missing), 'column')} "
                f"{', '.join(missing)} for the "
                "Shopify orders export layout"
            )
        order = cols["name"]

        sku = cols.get("lineitem sku")
        product = (
            f"coalesce(NULLIF(trim({sku}), ''), 'item-' || md5(trim({cols['lineitem name']})))"
            if sku
            else f"'item-' || md5(trim({cols['lineitem name']}))"
        )
        discount = cols.get("discount amount")
        # each line's own discount: staging reads the order's Discount Amount beside it
        # (data.order_discount_beside: where the lines carry none, or not the same money twice)
        line_discount = cols.get("lineitem discount")
        code = cols.get("discount code")
        store.execute(
            f"CREATE TEMP TABLE ingest_shopify AS SELECT *{_status_filled(cols, order)}, "
            f"{customer_hash(address_sql(_filled(cols['email'], order)))} AS _customer, "
            f"{_filled(cols['created at'], order)} AS _created, {product} AS _product, "
            f"row_number() OVER (PARTITION BY {order} ORDER BY rowid) AS _line_in_order, "
            f"{_order_discount_share(None if line_discount else discount, cols, order)} "
            "FROM ingest_raw ORDER BY rowid"
        )
        store.execute(  # orders whose discount was cut to their lines' worth, for the note
            f"CREATE OR REPLACE TEMP TABLE ingest_cuts AS SELECT trim({order}) AS o, {CUT}, "
            f"rowid AS line FROM ingest_shopify WHERE {CUT} IS NOT NULL"
        )
        store.execute("DROP TABLE ingest_raw")
        store.execute("ALTER TABLE ingest_shopify RENAME TO ingest_raw")
        mapping = {
            ORDER_ID: order,
            TIMESTAMP: "_created",
            CUSTOMER_ID: "_customer",
            PRODUCT_ID: "_product",
            "quantity": cols["lineitem quantity"],
            "unit_price": cols["lineitem price"],
            # Shopify's Lineitem discount is the line's; its Discount Amount is per order: alone,
            # it is spread over the order's lines by their value
            "discount": line_discount or "_discount",
            "coupon_code": (f"CASE WHEN _line_in_order = 1 THEN {code} END" if code else "NULL"),
        }
        name = f"trim({cols['lineitem name']})"  # the most common, the first in order on a tie
        derive(
            store,
            "products",
            f"SELECT *, NOT {non_product_sql('product_id', 'title', 'NULL')} AS is_product "
            f"FROM (SELECT _product AS product_id, mode({name} ORDER BY {name}) AS title, "
            f"median(TRY_CAST({cols['lineitem price']} AS DOUBLE)) AS price "
            "FROM ingest_raw GROUP BY 1)",
        )
        ingest_id = next_ingest_id(store)
        n_customers = derive(
            store,
            "customers",
            "SELECT DISTINCT _customer AS customer_id FROM ingest_raw WHERE _customer IS NOT NULL",
        )
        email = f"NULLIF(trim({cols['email']}), '')"  # as ingest reads an e-mail column
        store.execute(
            f"INSERT INTO contacts SELECT _customer, any_value({address_sql(email)}), "
            f"NULL, NULL, timezone('UTC', now()), {ingest_id} FROM ingest_raw "
            "WHERE _customer IS NOT NULL "
            "AND _customer NOT IN (SELECT customer_id FROM contacts) AND NOT "
            + FORGOTTEN.format("_customer")
            + " GROUP BY _customer"
        )
        report = load_table(
            store, raw, TABLES["orders"], mapping, ingest_id=ingest_id, fmt="shopify"
        )
        report.notes.append(
            f"{counted(n_customers, 'new customer')}, identified by a hash of their email"
        )
        cut = cut_note(  # of the orders kept
            store,
            "SELECT * FROM ingest_cuts WHERE o IN (SELECT order_id FROM orders)",
            ident_name(discount) if discount else "discount",
            raw.label,
            shop_currency(store),
            "o",
            "line",
        )
        report.notes += [cut] if cut else []
        store.execute("DROP TABLE ingest_cuts")
        reports.append(report)
    return reports
