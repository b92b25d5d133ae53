"""Importers: adapters from the layouts shops and public datasets come in to the shop schema.

Each importer stages a file as text, maps its columns to a shop table with SQL expressions,
and hands it to :func:`promopilot.data.loading.load_table`, so every layout gets the same
checks, quarantine and idempotency.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from promopilot.columns import CUSTOMER_ID, ORDER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.data.dedupe import FORGOTTEN
from promopilot.data.lines import non_product_sql
from promopilot.data.loading import (
    TABLE_FILE_SUFFIXES,
    FileRefused,
    FileReport,
    ingest_shop_file,
    load_table,
    next_ingest_id,
    shop_table_for,
)
from promopilot.data.movielens import import_movielens
from promopilot.data.rawfile import DELIMITERS, EXCEL_SUFFIXES, read_raw
from promopilot.data.schema import LOAD_ORDER, TABLES
from promopilot.data.shopify_exports import customer_hash, export_kind, import_export
from promopilot.data.store import Store
from promopilot.exceptions import InputError

Progress = Callable[[str], None] | None


def _tell(progress: Progress, name: str) -> None:
    if progress is not None:
        progress(name)


def _header(path: Path) -> list[str]:
    """The lower-cased column names of a CSV's first line (a cheap look, for detection)."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        import pandas as pd

        try:
            return [str(c).strip().lower() for c in pd.read_excel(path, nrows=0).columns]
        except Exception:  # not a readable workbook: read_raw says so later, by name
            return []
    with open(path, "rb") as handle:
        first = handle.readline(65536)
    for encoding in ("utf-8-sig", "gb18030", "latin-1"):
        try:
            text = first.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    text = text.strip()
    delimiter = max(DELIMITERS, key=lambda d: (text.count(d), -DELIMITERS.index(d)))
    return [c.strip().strip('"').lower() for c in text.split(delimiter)]


def _table_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_FILE_SUFFIXES
    )


def data_folder(path: Path) -> Path:
    """The folder that holds the data: `path` itself, or its only subfolder when `path` holds
    no table file (a download with its data one level down, e.g. ``uci-online-retail/by-day``)."""
    if path.is_dir() and not _table_files(path) and not (path / "u.data").exists():
        subfolders = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")]
        if len(subfolders) == 1:
            return subfolders[0]
    return path


def detect_format(path: Path) -> str:
    """Guess the layout of a file or folder."""
    if path.is_dir():
        files = _table_files(path)
        shop_files = [p for p in files if shop_table_for(p)]
        # Shopify's exports, perhaps with shop tables of the shop's own (reviews.csv)
        if not any(shop_table_for(p) in ("orders", "events") for p in shop_files) and any(
            p.suffix.lower() not in EXCEL_SUFFIXES and _is_shopify(_header(p)) for p in files
        ):
            return "shopify"
        if shop_files:
            return "shop"
        if (path / "u.data").exists():
            return "movielens"
        if files and _is_uci(_header(files[0])):
            return "uci"
        if any(_is_shopify(_header(f)) for f in files):  # workbooks: looked into last
            return "shopify"
        raise InputError(
            f"{path}: cannot tell what this folder holds: expected a shop folder (orders.csv, "
            "events.csv, ...), UCI Online Retail, Shopify orders export or MovieLens files; "
            "see --format"
        )
    if path.name == "u.data":
        return "movielens"
    if path.suffix and path.suffix.lower() not in TABLE_FILE_SUFFIXES:
        raise InputError(
            f"{path}: {path.suffix} files are not read: expected CSV (or .tsv/.txt), "
            "Excel .xlsx or Parquet"
        )
    if shop_table_for(path):
        return "shop"
    header = _header(path)
    if _is_uci(header):
        return "uci"
    if _is_shopify(header):
        return "shopify"
    raise InputError(
        f"{path}: cannot tell which table this file holds: name it after its table "
        f"({', '.join(f'{t}.csv' for t in LOAD_ORDER)}) or pass --format"
    )


def _is_shopify(header: list[str]) -> bool:
    return "lineitem name" in header or "lineitem quantity" in header


def _is_uci(header: list[str]) -> bool:
    return ("invoiceno" in header or "invoice" in header) and "stockcode" in header


# ---------------------------------------------------------------------------------------
def import_shop(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """A shop folder (every table file it has, reference tables first) or one shop file."""
    if path.is_file():
        table = shop_table_for(path)
        if table is None:
            raise InputError(
                f"{path}: not a shop table file: expected one of "
                f"{', '.join(f'{t}.csv' for t in LOAD_ORDER)}"
            )
        _tell(progress, path.name)
        return [ingest_shop_file(store, path, table)]
    files = [(shop_table_for(p), p) for p in _table_files(path)]
    files = [(t, p) for t, p in files if t is not None]
    if not any(t in ("orders", "events") for t, _ in files):
        raise InputError(f"{path}: a shop folder needs orders.csv or events.csv (or .parquet)")
    files.sort(key=lambda tp: (LOAD_ORDER.index(tp[0]), tp[1].name))
    reports = []
    for table, file in files:
        _tell(progress, file.name)
        try:
            reports.append(ingest_shop_file(store, file, table))
        except FileRefused as refused:  # nothing of this file is written; go on with the rest
            if refused.report is not None:  # the file's rows read, all rejected
                reports.extend(refused.report.files)
            else:
                reports.append(FileReport(str(file), table, "shop", error=str(refused)))
    return reports


def _derive(store: Store, table: str, select_sql: str) -> int:
    """Insert reference rows (products, customers) derived from the staged raw file that the
    store does not have yet, never a forgotten customer. Returns how many were added."""
    key = TABLES[table].key[0]
    not_forgotten = f" AND NOT {FORGOTTEN.format(f'd.{key}')}" if key == CUSTOMER_ID else ""
    before = store.count(table)
    store.execute(
        f"INSERT INTO {table} BY NAME SELECT d.*, now()::TIMESTAMP AS updated_at FROM "
        f"({select_sql}) d WHERE d.{key} IS NOT NULL AND d.{key} NOT IN "
        f"(SELECT {key} FROM {table}){not_forgotten}"
    )
    return store.count(table) - before


# ---------------------------------------------------------------------------------------
def import_uci(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """UCI "Online Retail" / "Online Retail II": one file or a folder of files.

    Cancelled invoices (``C`` prefix) become returns; product and customer reference rows are
    derived (modal description, median price; country as region)."""
    files = _table_files(path) if path.is_dir() else [path]
    reports = []
    for file in files:
        _tell(progress, file.name)
        raw = read_raw(store, file)
        raw.label = str(file)
        cols = {c.strip().lower(): f'"{c}"' for c in raw.columns}
        invoice = cols.get("invoiceno") or cols.get("invoice")
        price = cols.get("unitprice") or cols.get("price")
        customer = cols.get("customerid") or cols.get("customer id")
        missing = [
            name
            for name, expr in (
                ("InvoiceNo/Invoice", invoice),
                ("StockCode", cols.get("stockcode")),
                ("Quantity", cols.get("quantity")),
                ("InvoiceDate", cols.get("invoicedate")),
                ("UnitPrice/Price", price),
                ("CustomerID/Customer ID", customer),
            )
            if not expr
        ]
        if missing:
            raise InputError(
                f"{file}: missing required column(s) {', '.join(missing)} for the "
                "UCI Online Retail layout"
            )
        date = cols["invoicedate"]
        mapping = {
            ORDER_ID: invoice,
            PRODUCT_ID: cols["stockcode"],
            TIMESTAMP: (
                f"coalesce(strftime(try_strptime(trim({date}), '%m/%d/%Y %H:%M'), "
                f"'%Y-%m-%d %H:%M:%S'), {date})"
            ),
            CUSTOMER_ID: f"regexp_replace(trim({customer}), '\\.0$', '')",
            "quantity": cols["quantity"],
            "unit_price": price,
            "is_return": f"CASE WHEN starts_with(upper(trim({invoice})), 'C') THEN 'true' "
            "ELSE 'false' END",
        }
        derived_products = _derive(
            store,
            "products",
            f"SELECT *, NOT {non_product_sql('product_id', 'title', 'NULL')} AS is_product "
            f"FROM (SELECT trim({cols['stockcode']}) AS product_id, "
            f"mode(NULLIF(trim({cols.get('description', 'NULL')}), '')) AS title, "
            f"median(TRY_CAST({price} AS DOUBLE)) FILTER (TRY_CAST({price} AS DOUBLE) > 0) "
            f"AS price FROM ingest_raw GROUP BY 1)",
        )
        country = cols.get("country", "NULL")
        derived_customers = _derive(
            store,
            "customers",
            f"SELECT regexp_replace(trim({customer}), '\\.0$', '') AS customer_id, "
            f"mode(NULLIF(trim({country}), '')) AS region FROM ingest_raw GROUP BY 1",
        )
        report = load_table(
            store, raw, TABLES["orders"], mapping, ingest_id=next_ingest_id(store), fmt="uci"
        )
        if derived_products or derived_customers:
            report.notes.append(
                f"derived {derived_products} product(s) and {derived_customers} customer(s)"
            )
        reports.append(report)
    return reports


# ---------------------------------------------------------------------------------------
def _filled(column: str, order: str) -> str:
    """An order-level field of a Shopify export, which may be filled on the first line of an
    order only: the last value seen so far in the order."""
    return (
        f"last_value(NULLIF(trim({column}), '') IGNORE NULLS) OVER "
        f"(PARTITION BY {order} ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING "
        "AND CURRENT ROW)"
    )


def _order_discount_share(discount: str | None, cols: dict[str, str], order: str) -> str:
    """SQL for a line's share of its order's discount (Shopify writes it on the order's first
    row), in proportion to the line's value. A share never exceeds its line's value: a
    discount larger than the order's lines (shipping included) is cut to their value."""
    if not discount:
        return "NULL"
    value = (
        f"abs(coalesce(TRY_CAST(trim({cols['lineitem quantity']}) AS DOUBLE), 0) * "
        f"coalesce(TRY_CAST(trim({cols['lineitem price']}) AS DOUBLE), 0))"
    )
    total = f"max(TRY_CAST(trim({discount}) AS DOUBLE)) OVER (PARTITION BY {order})"
    worth = f"sum({value}) OVER (PARTITION BY {order})"
    first = f"row_number() OVER (PARTITION BY {order} ORDER BY rowid) = 1"
    # a discount larger than the order's lines (one that also covers shipping) keeps to them
    return (
        f"CASE WHEN {total} IS NULL THEN NULL "
        f"WHEN {worth} > 0 THEN CAST(round(least({total}, {worth}) * {value} / {worth}, 6) "
        "AS VARCHAR) "
        f"WHEN {first} THEN '0' END"
    )


def _status_filled(cols: dict[str, str], order: str) -> str:
    """A REPLACE clause giving every line its order's Financial Status (written on the first
    line only), ``cancelled`` for an order with a Cancelled at time: staging nets refunded
    orders and quarantines cancelled ones from it."""
    status = cols.get("financial status")
    if status is None:
        return ""
    value = _filled(status, order)
    if "cancelled at" in cols:
        cancelled = _filled(cols["cancelled at"], order)
        value = f"CASE WHEN {cancelled} IS NOT NULL THEN 'cancelled' ELSE {value} END"
    return f" REPLACE ({value} AS {status})"


def import_shopify(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """A Shopify orders export. Customers are identified by a one-way hash of their email;
    the email itself goes to the contacts table only."""
    files = _table_files(path) if path.is_dir() else [path]
    # the products and customers exports and the shop's own reference tables (offers.csv)
    # first, so the orders find their products and customers; its history tables
    # (reviews.csv, campaigns.csv) last
    several = len(files) > 1
    tables = {f: shop_table_for(f) if several else None for f in files}
    kinds = {f: export_kind(_header(f)) if several and not tables[f] else None for f in files}

    def rank(f: Path) -> tuple[int, int]:
        table = tables[f] or kinds[f]
        if table is None:  # an orders export
            return (1, 0)
        return (0 if table in ("products", "customers", "offers") else 2, LOAD_ORDER.index(table))

    files.sort(key=rank)
    reports = []
    for file in files:
        _tell(progress, file.name)
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
        raw = read_raw(store, file)
        raw.label = str(file)
        cols = {c.strip().lower(): f'"{c}"' for c in raw.columns}
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
                f"{file}: missing required column(s) {', '.join(missing)} for the "
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
        code = cols.get("discount code")
        store.execute(
            f"CREATE TEMP TABLE ingest_shopify AS SELECT *{_status_filled(cols, order)}, "
            f"{customer_hash(_filled(cols['email'], order))} AS _customer, "
            f"{_filled(cols['created at'], order)} AS _created, {product} AS _product, "
            f"row_number() OVER (PARTITION BY {order} ORDER BY rowid) AS _line_in_order, "
            f"{_order_discount_share(discount, cols, order)} AS _discount "
            "FROM ingest_raw ORDER BY rowid"
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
            # Shopify's discount is per order: it is spread over its lines by their value
            "discount": "_discount",
            "coupon_code": (f"CASE WHEN _line_in_order = 1 THEN {code} END" if code else "NULL"),
        }
        _derive(
            store,
            "products",
            f"SELECT *, NOT {non_product_sql('product_id', 'title', 'NULL')} AS is_product "
            f"FROM (SELECT _product AS product_id, mode(trim({cols['lineitem name']})) AS title, "
            f"median(TRY_CAST({cols['lineitem price']} AS DOUBLE)) AS price "
            "FROM ingest_raw GROUP BY 1)",
        )
        ingest_id = next_ingest_id(store)
        n_customers = _derive(
            store,
            "customers",
            "SELECT DISTINCT _customer AS customer_id FROM ingest_raw WHERE _customer IS NOT NULL",
        )
        store.execute(
            "INSERT INTO contacts SELECT _customer, any_value(lower(trim(" + cols["email"] + "))), "
            f"NULL, NULL, now()::TIMESTAMP, {ingest_id} FROM ingest_raw WHERE _customer IS NOT "
            "NULL AND _customer NOT IN (SELECT customer_id FROM contacts) AND NOT "
            + FORGOTTEN.format("_customer")
            + " GROUP BY _customer"
        )
        report = load_table(
            store, raw, TABLES["orders"], mapping, ingest_id=ingest_id, fmt="shopify"
        )
        report.notes.append(f"{n_customers} new customer(s), identified by a hash of their email")
        reports.append(report)
    return reports


IMPORTERS: dict[str, Callable[[Store, Path, Progress], list[FileReport]]] = {
    "shop": import_shop,
    "uci": import_uci,
    "shopify": import_shopify,
    "movielens": import_movielens,
}

__all__ = ["IMPORTERS", "detect_format"]
