"""Shopify's products and customers exports, read beside its orders export.

A folder as Shopify hands it over holds ``orders_export_1.csv``, ``products_export_1.csv`` and
``customers_export.csv``. The products export has one row per variant (title and type on the
product's first row only) and a row per extra image (only ``Handle`` and ``Image Src``): each
variant becomes a product, keyed by its SKU as the orders' ``Lineitem sku`` is; an image row is
no product and, like a blank row, is not counted. The customers export keys a customer by
Shopify's own id, which the orders export does not carry, so the customer is the same one-way
hash of the e-mail as in the orders; the e-mail, phone and name go to ``contacts`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from promopilot.data.contact_ids import address_sql, customer_hash
from promopilot.data.headers import lowered
from promopilot.data.loading import FileReport, load_table, next_ingest_id
from promopilot.data.rawfile import column_lookup, read_raw
from promopilot.data.schema import TABLES
from promopilot.data.store import Store

PRODUCTS = ("handle", "title", "variant sku", "variant price")
CUSTOMERS = ("customer id", "first name", "last name", "email")


def export_kind(header: list[str]) -> str | None:
    """``products`` or ``customers`` for a Shopify products or customers export's header."""
    names = set(header)
    if names.issuperset(PRODUCTS):
        return "products"
    if names.issuperset(CUSTOMERS):
        return "customers"
    return None


def is_export(header: list[str]) -> bool:
    """Whether lower-cased column names are a products or customers export's header."""
    return export_kind(header) is not None


def _fits(kind: str) -> Callable[[list[str]], bool]:
    """Whether a line is the header of a `kind` export (how it is found below a title)."""
    return lowered(lambda names: export_kind(names) == kind)


def _text(column: str) -> str:
    return f"NULLIF(trim({column}), '')"


def _restage(store: Store, select: str) -> None:
    store.execute(
        f"CREATE TEMP TABLE ingest_export AS SELECT {select} FROM ingest_raw ORDER BY rowid"
    )
    store.execute("DROP TABLE ingest_raw")
    store.execute("ALTER TABLE ingest_export RENAME TO ingest_raw")


def import_export(store: Store, path: Path, kind: str) -> FileReport:
    """One Shopify products or customers export into its table (inside the caller's
    transaction)."""
    raw = read_raw(store, path, header_fits=_fits(kind))
    raw.label = str(path)
    cols = column_lookup(raw.columns)
    get = lambda name: _text(cols[name]) if name in cols else "NULL"  # noqa: E731
    if kind == "products":
        sku, price, handle = get("variant sku"), get("variant price"), cols["handle"]
        variant = f"({sku} IS NOT NULL OR {price} IS NOT NULL)"

        def filled(name: str) -> str:  # the product's first row holds it
            return (
                f"CASE WHEN {variant} THEN first_value({get(name)} IGNORE NULLS) OVER "
                f"(PARTITION BY {handle} ORDER BY rowid) END"
            )

        title = filled("title")
        select = (
            f"CASE WHEN {variant} THEN coalesce({sku}, 'item-' || md5({title})) END AS product_id, "
            f"{title} AS title, {filled('type')} AS category, {price} AS price, "
            f"{get('cost per item')} AS cost"
        )
    else:
        name = f"NULLIF(concat_ws(' ', {get('first name')}, {get('last name')}), '')"
        phone = f"coalesce({get('phone')}, {get('default address phone')})"
        email = address_sql(get("email"))  # mailto:Ann@... as ann@..., as ingest reads an id
        select = (
            f"{customer_hash(email)} AS customer_id, "
            f"{get('default address country code')} AS region, {email} AS email, "
            f"{phone} AS phone, {name} AS name"
        )
    _restage(store, select)
    names = [c.name for c in TABLES[kind].columns]
    mapping = {n: f'"{n}"' for n in store.columns("ingest_raw") if n in names}
    raw.columns = list(mapping)
    return load_table(
        store, raw, TABLES[kind], mapping, ingest_id=next_ingest_id(store), fmt="shopify"
    )
