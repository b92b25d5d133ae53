"""The store's schema: the one place that knows every table, column, type and natural key.

Shop tables follow ``shop-folder.md``. Contact data (email, phone, name) lives in its own
``contacts`` table and never in ``customers`` or anything derived from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from promopilot.columns import (
    CAMPAIGN_ID,
    CUSTOMER_ID,
    OFFER_ID,
    ORDER_ID,
    PRODUCT_ID,
    RATING,
    TEXT,
    TIMESTAMP,
)
from promopilot.data.lines import PRODUCT_ORDERS_DDL

if TYPE_CHECKING:  # a module the API reads ids with: pandas is not imported for it
    import pandas as pd


@dataclass(frozen=True)
class Column:
    """One column of a shop table as it arrives in a file and as it is stored."""

    name: str
    type: str  # one of: str, float, timestamp, bool
    required: bool = False
    nonneg: bool = False  # negative values are rejected (returns excepted, see ingest)
    limit: float | None = None  # numbers: a larger magnitude is implausible and is rejected
    contact: bool = False  # contact data: stored apart, never a feature, never logged
    description: str = ""

    @property
    def is_id(self) -> bool:
        """An identifier (``customer_id``, ``order_id``, ...): ``17850.0`` is stored as
        ``17850`` (see :data:`FLOAT_ID`)."""
        return self.type == "str" and self.name.endswith("_id")


FLOAT_ID = r"[0-9]+\.0+"
"""An id written as a float (``17850.0``, as pandas writes an integer column that has gaps):
stored as its digits, so it is the same id as ``17850`` in another file. ``00123`` stays.
Matched whole (``regexp_full_match``, ``re.fullmatch``)."""


def plain_id(value: str) -> str:
    """An id as the store holds it: ``17850.0`` -> ``17850``; anything else unchanged."""
    return value.split(".", 1)[0] if re.fullmatch(FLOAT_ID, value) else value


def id_text(values: pd.Series) -> pd.Series:
    """Ids as the store holds them (:data:`FLOAT_ID`): text, and a whole number written as a
    float (``17850.0``, as pandas reads an integer column with gaps) as its digits, so ``1``
    and ``1.0`` are one customer (:func:`plain_id` for one id)."""
    text = values.astype(str)
    floats = text.str.fullmatch(FLOAT_ID).to_numpy(dtype=bool)
    if not floats.any():  # the usual case: ids the store wrote; no split of every id
        return text
    text = text.copy()
    text[floats] = text[floats].str.split(".", n=1).str[0]
    return text


@dataclass(frozen=True)
class TableSpec:
    """A shop table: its file name, columns and natural key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    history: bool  # True: same key with other values is a conflict; False: newer row updates

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.contact)

    @property
    def contact_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.contact)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column

# Generous bounds of plausible magnitudes: beyond them a number is a typo or garbage (1e308),
# and sums of such numbers overflow the reports. Named in the quarantine reason.
MONEY = 1e9  # a price, cost, discount or offer value
QUANTITY = 1e6  # units on one order line
DAYS = 36_500  # an offer's valid_days (a hundred years)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "products",
            (
                C(PRODUCT_ID, "str", required=True),
                C("title", "str"),
                C("category", "str"),
                C("price", "float", nonneg=True, limit=MONEY),
                C("cost", "float", nonneg=True, limit=MONEY),
                C("description", "str"),
                C("in_stock", "bool"),
                # false for postage, fees, adjustments; when empty, set by data.lines' rule
                C("is_product", "bool"),
            ),
            key=(PRODUCT_ID,),
            history=False,
        ),
        TableSpec(
            "customers",
            (
                C(CUSTOMER_ID, "str", required=True),
                C("signup_at", "timestamp"),
                C("region", "str"),
                C("email", "str", contact=True),
                C("phone", "str", contact=True),
                C("name", "str", contact=True),
            ),
            key=(CUSTOMER_ID,),
            history=False,
        ),
        TableSpec(
            "offers",
            (
                C(OFFER_ID, "str", required=True),
                C("kind", "str", required=True),
                C("value", "float", required=True, nonneg=True, limit=MONEY),
                C("min_spend", "float", nonneg=True, limit=MONEY),
                C("category", "str"),
                C("send_cost", "float", nonneg=True, limit=MONEY),
                C("valid_days", "float", nonneg=True, limit=DAYS),
                # the most one order gets off (每满100减10，最高减50: 50); empty: no cap
                C("max_discount", "float", nonneg=True, limit=MONEY),
            ),
            key=(OFFER_ID,),
            history=False,
        ),
        TableSpec(
            "orders",
            (
                C(ORDER_ID, "str", required=True),
                C(TIMESTAMP, "timestamp", required=True),
                C(CUSTOMER_ID, "str", required=True),
                C(PRODUCT_ID, "str", required=True),
                C("quantity", "float", required=True, nonneg=True, limit=QUANTITY),
                C("unit_price", "float", required=True, nonneg=True, limit=MONEY),
                C("discount", "float", nonneg=True, limit=MONEY),
                C("coupon_code", "str"),
                C("is_return", "bool"),
            ),
            key=(ORDER_ID, PRODUCT_ID),
            history=True,
        ),
        TableSpec(
            "events",
            (
                C(TIMESTAMP, "timestamp", required=True),
                C(CUSTOMER_ID, "str", required=True),
                C(PRODUCT_ID, "str", required=True),
                C("event", "str", required=True),
                C("value", "float", limit=MONEY),
                C("session_id", "str"),
            ),
            key=(TIMESTAMP, CUSTOMER_ID, PRODUCT_ID, "event"),
            history=True,
        ),
        TableSpec(
            "reviews",
            (
                C("review_id", "str"),
                C(CUSTOMER_ID, "str", required=True),
                C(PRODUCT_ID, "str", required=True),
                C(TEXT, "str", required=True),
                C(RATING, "float"),
                C(TIMESTAMP, "timestamp"),
            ),
            # review_id when given, else derived from (customer_id, product_id, timestamp)
            key=("review_id",),
            history=True,
        ),
        TableSpec(
            "campaigns",
            (
                C(CAMPAIGN_ID, "str", required=True),
                C(CUSTOMER_ID, "str", required=True),
                C(OFFER_ID, "str"),
                C("sent_at", "timestamp", required=True),
                C("channel", "str"),
                C("propensity", "float", nonneg=True),
                # set by `promopilot send` (target/control/explore); empty for past campaigns
                C("group", "str"),
                C("coupon_code", "str"),
            ),
            key=(CAMPAIGN_ID, CUSTOMER_ID),
            history=True,
        ),
        TableSpec(
            "unsubscribes",
            (
                C("customer_id", "str", required=True),
                C("unsubscribed_at", "timestamp"),
                C("channel", "str"),  # email, sms, ...; empty = every channel
            ),
            key=("customer_id", "channel"),
            history=True,
        ),
    )
}

# Load order: reference tables first, so history rows can be checked against them.
LOAD_ORDER = (
    "products",
    "customers",
    "offers",
    "orders",
    "events",
    "reviews",
    "campaigns",
    "unsubscribes",
)

OFFER_KINDS = ("percent_off", "amount_off", "amount_off_every", "free_shipping")

SQL_TYPES = {"str": "VARCHAR", "float": "DOUBLE", "timestamp": "TIMESTAMP", "bool": "BOOLEAN"}


def _table_ddl(spec: TableSpec) -> str:
    cols = [f'"{c.name}" {SQL_TYPES[c.type]}' for c in spec.stored_columns]
    if not spec.history:
        cols.append("updated_at TIMESTAMP")
    cols.append("ingest_id BIGINT")
    return f"CREATE TABLE IF NOT EXISTS {spec.name} ({', '.join(cols)})"


DDL: tuple[str, ...] = (
    *(_table_ddl(TABLES[name]) for name in LOAD_ORDER),
    """CREATE TABLE IF NOT EXISTS contacts (
        customer_id VARCHAR, email VARCHAR, phone VARCHAR, name VARCHAR,
        updated_at TIMESTAMP, ingest_id BIGINT)""",
    """CREATE TABLE IF NOT EXISTS ingests (
        ingest_id BIGINT, file VARCHAR, "table" VARCHAR, format VARCHAR, started_at TIMESTAMP,
        n_read BIGINT, n_loaded BIGINT, n_new BIGINT, n_quarantined BIGINT, n_flagged BIGINT)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        ingest_id BIGINT, file VARCHAR, "table" VARCHAR, line BIGINT, "column" VARCHAR,
        value VARCHAR, reason VARCHAR, customer_id VARCHAR, raw VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS flags (
        ingest_id BIGINT, file VARCHAR, "table" VARCHAR, line BIGINT, "column" VARCHAR,
        value VARCHAR, reason VARCHAR, customer_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS forgotten (customer_hash VARCHAR, forgotten_at TIMESTAMP)""",
    """CREATE SEQUENCE IF NOT EXISTS ingest_seq START 1""",
    # stores made before `group` and `coupon_code` existed
    'ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS "group" VARCHAR',
    "ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS coupon_code VARCHAR",
    # what `promopilot send` did with each exposure (campaigns rows are never updated)
    """CREATE TABLE IF NOT EXISTS deliveries (
        campaign_id VARCHAR, customer_id VARCHAR, channel VARCHAR, status VARCHAR,
        attempts INTEGER, delivered_at TIMESTAMP, error VARCHAR)""",
    # stores made before is_product existed: every product counts as one
    "ALTER TABLE products ADD COLUMN IF NOT EXISTS is_product BOOLEAN DEFAULT true",
    PRODUCT_ORDERS_DDL,
    # the currency of an orders file's lines, where it names one (data.currency)
    "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS currency VARCHAR",
    # the currency sign a file writes money with ($59.00, a cell $), where any (data.money_signs)
    "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS sign VARCHAR",
    # stores made before an offer's cap existed: no offer has one
    "ALTER TABLE offers ADD COLUMN IF NOT EXISTS max_discount DOUBLE",
    # one-time changes of a store's data, each recorded once done (data.contact_migration)
    "CREATE TABLE IF NOT EXISTS migrations (name VARCHAR, applied_at TIMESTAMP, n BIGINT)",
    # results computed from the data, under a key naming what (data.queries.computed)
    "CREATE TABLE IF NOT EXISTS computed (name VARCHAR, key VARCHAR, value VARCHAR, "
    "computed_at TIMESTAMP)",
    # the profile's named segments, one row per segment per run, the latest runs only
    # (data.queries.segments): no customer id, no contact data
    """CREATE TABLE IF NOT EXISTS profile_segments (
        run BIGINT, kept_at TIMESTAMP, as_of TIMESTAMP, position INTEGER, segment VARCHAR,
        segment_zh VARCHAR, description VARCHAR, description_zh VARCHAR, customers BIGINT,
        share DOUBLE, recency_days DOUBLE, frequency DOUBLE, monetary DOUBLE,
        churn_risk DOUBLE, discount_sensitivity DOUBLE, clv_12m DOUBLE)""",
)

# Tables that hold a customer_id, for `forget`.
CUSTOMER_TABLES = (
    "customers",
    "contacts",
    "orders",
    "events",
    "reviews",
    "campaigns",
    "unsubscribes",
    "deliveries",
    "quarantine",
    "flags",
)
