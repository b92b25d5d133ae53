"""Importers: adapters from the layouts shops and public datasets come in to the shop schema.

Each importer stages a file as text, maps its columns to a shop table with SQL expressions,
and hands it to :func:`promopilot.data.loading.load_table`, so every layout gets the same
checks, quarantine and idempotency.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from promopilot.columns import CUSTOMER_ID, ORDER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.data.headers import lowered
from promopilot.data.import_steps import Progress, derive, read_header, table_files, tell
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
from promopilot.data.rawfile import EXCEL_SUFFIXES, column_lookup, read_raw
from promopilot.data.schema import LOAD_ORDER, TABLES
from promopilot.data.shopify_orders import import_shopify
from promopilot.data.shopify_orders import is_orders_export as _is_shopify
from promopilot.data.store import Store
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError


def data_folder(path: Path) -> Path:
    """The folder that holds the data: `path` itself, or its only subfolder when `path` holds
    no table file (a download with its data one level down, e.g. ``uci-online-retail/by-day``)."""
    if path.is_dir() and not table_files(path) and not (path / "u.data").exists():
        subfolders = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")]
        if len(subfolders) == 1:
            return subfolders[0]
    return path


def detect_format(path: Path, rows: list[list[str]] | None = None) -> str:
    """Guess the layout of a file or folder; `rows`: a file's first lines where the caller read
    them already (:func:`promopilot.data.import_steps.leading_rows`)."""
    if path.is_dir():
        files = table_files(path)
        shop_files = [p for p in files if shop_table_for(p)]
        # Shopify's exports, perhaps with shop tables of the shop's own (reviews.csv)
        if not any(shop_table_for(p) in ("orders", "events") for p in shop_files) and any(
            p.suffix.lower() not in EXCEL_SUFFIXES and _is_shopify(read_header(p, _is_shopify))
            for p in files
        ):
            return "shopify"
        if shop_files:
            return "shop"
        if (path / "u.data").exists():
            return "movielens"
        if files and _is_uci(read_header(files[0], _is_uci)):
            return "uci"
        # workbooks: looked into last
        if any(_is_shopify(read_header(f, _is_shopify)) for f in files):
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
    header = read_header(path, lambda names: _is_uci(names) or _is_shopify(names), rows)
    if _is_uci(header):
        return "uci"
    if _is_shopify(header):
        return "shopify"
    raise InputError(
        f"{path}: cannot tell which table this file holds: name it after its table "
        f"({', '.join(f'{t}.csv' for t in LOAD_ORDER)}), or pass --format for an export of "
        "UCI Online Retail, Shopify, MovieLens, CDNOW or Hillstrom (--format reads no other)"
    )


def _is_uci(header: list[str]) -> bool:
    return ("invoiceno" in header or "invoice" in header) and "stockcode" in header


# whether a line is a UCI Online Retail header (how its header is found below a title)
_uci_fits = lowered(_is_uci)


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
        tell(progress, path.name)
        return [ingest_shop_file(store, path, table)]
    files = [(shop_table_for(p), p) for p in table_files(path)]
    files = [(t, p) for t, p in files if t is not None]
    if not any(t in ("orders", "events") for t, _ in files):
        raise InputError(f"{path}: a shop folder needs orders.csv or events.csv (or .parquet)")
    files.sort(key=lambda tp: (LOAD_ORDER.index(tp[0]), tp[1].name))
    reports = []
    for table, file in files:
        tell(progress, file.name)
        try:
            reports.append(ingest_shop_file(store, file, table))
        except FileRefused as refused:  # nothing of this file is written; go on with the rest
            if refused.report is not None:  # the file's rows read, all rejected
                reports.extend(refused.report.files)
            else:
                reports.append(FileReport(str(file), table, "shop", error=str(refused)))
    return reports


# ---------------------------------------------------------------------------------------
def import_uci(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """UCI "Online Retail" / "Online Retail II": one file or a folder of files.

    Cancelled invoices (``C`` prefix) become returns; product and customer reference rows are
    derived (modal description, median price; country as region)."""
    files = table_files(path) if path.is_dir() else [path]
    reports = []
    for file in files:
        tell(progress, file.name)
        raw = read_raw(store, file, header_fits=_uci_fits)
        raw.label = str(file)
        cols = column_lookup(raw.columns)
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
                f"{file}: missing required {noun_for(len(missing), 'column')} "
                f"{', '.join(missing)} for the "
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
        # a product's most common description, the first in order on a tie (mode alone picks
        # a tied one at random, so a re-run could retitle a product)
        description = f"NULLIF(trim({cols.get('description', 'NULL')}), '')"
        derived_products = derive(
            store,
            "products",
            f"SELECT *, NOT {non_product_sql('product_id', 'title', 'NULL')} AS is_product "
            f"FROM (SELECT trim({cols['stockcode']}) AS product_id, "
            f"mode({description} ORDER BY {description}) AS title, "
            f"median(TRY_CAST({price} AS DOUBLE)) FILTER (TRY_CAST({price} AS DOUBLE) > 0) "
            f"AS price FROM ingest_raw GROUP BY 1)",
        )
        region = f"NULLIF(trim({cols.get('country', 'NULL')}), '')"
        derived_customers = derive(
            store,
            "customers",
            f"SELECT regexp_replace(trim({customer}), '\\.0$', '') AS customer_id, "
            f"mode({region} ORDER BY {region}) AS region FROM ingest_raw GROUP BY 1",
        )
        report = load_table(
            store, raw, TABLES["orders"], mapping, ingest_id=next_ingest_id(store), fmt="uci"
        )
        if derived_products or derived_customers:
            report.notes.append(
                f"derived {counted(derived_products, 'product')} and "
                f"{counted(derived_customers, 'customer')}"
            )
        reports.append(report)
    return reports


IMPORTERS: dict[str, Callable[[Store, Path, Progress], list[FileReport]]] = {
    "shop": import_shop,
    "uci": import_uci,
    "shopify": import_shopify,
    "movielens": import_movielens,
}

__all__ = ["IMPORTERS", "detect_format"]
