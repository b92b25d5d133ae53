"""Importers of two public research layouts that are not shop exports: CDNOW and Hillstrom.

**CDNOW** (Fader & Hardie's CDNOW master file and its 1/10 sample): a text file without a
header, one purchase per line, fields separated by runs of spaces or tabs: customer id,
[sample customer id], date ``YYYYMMDD``, number of CDs, dollar value. It becomes orders (one
order per line, id ``<customer>-<date>-<n>``) of one product, ``cd``: the file names no titles.
Up to five lines above the first purchase (a title, a blank line: lines that are no purchase)
are skipped with a note, as a header is found below a title in the other layouts. A line is a
title where two or more of its fields do not read as a purchase's (``2024 10 report``: no date,
no count, no amount), a damaged purchase where one does not (a bad date, a missing amount): a
damaged first purchase is quarantined with its line, never skipped.

**Hillstrom** (MineThatData e-mail challenge, 2008): one row per customer of a randomized
e-mail test: ``recency`` (months since the last purchase), ``history`` (dollars spent in the
past year), ``mens``/``womens`` (bought that merchandise in the past year), ``zip_code``,
``newbie``, ``channel``, ``segment`` (the arm: ``Mens E-Mail``, ``Womens E-Mail``, ``No
E-Mail``), and the outcomes of the two weeks after the e-mail (``visit``, ``conversion``,
``spend``; its header found below up to five title or blank lines, as in the other layouts). The
file holds no dates, no order lines and no products, so what is stored is what
it does say, on a nominal calendar:

- customers ``h00001`` ... (file row), region = ``zip_code``;
- offers ``mens-email`` and ``womens-email``: plain messages (value 0), category mens/womens;
- campaign ``hillstrom-2008``: every customer, sent ``2008-03-01`` (nominal; the true date is
  not in the data), channel e-mail, ``offer_id`` empty for the control arm, propensity 1/3
  (the arms were drawn uniformly at random);
- one *summary* order per customer (``<id>-history``) dated ``recency`` months before the
  e-mail, holding the past year's spend as a line per merchandise kind bought (``mens``,
  ``womens``; the spend split evenly). How many orders made that spend is not in the data,
  so every customer has one past purchase;
- one outcome order per converting customer (``<id>-outcome``), 7 days after the e-mail (the
  data say only "within two weeks"), of ``spend`` dollars on the line ``hillstrom-spend``, a
  non-product (what was bought is unknown: it counts in revenue, is never recommended).

``visit`` is not stored (an event needs a product). ``newbie`` and ``channel`` are not kept:
the shop tables have no column for them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from promopilot.columns import CUSTOMER_ID, ORDER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.data.headers import lowered
from promopilot.data.import_steps import Progress, derive, read_header, tell
from promopilot.data.loading import FileReport, load_table, next_ingest_id
from promopilot.data.rawfile import RAW, RawFile, column_lookup, read_raw
from promopilot.data.schema import TABLES
from promopilot.data.store import Store
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError

CDNOW_LINE = re.compile(r"^\s*\d+\s+(\d+\s+)?(19|20)\d{6}\s+-?\d+\s+-?\d+(\.\d*)?\s*$")
# a purchase's fields in order, without and with the sample's customer id
_ID, _DATE = re.compile(r"\d+"), re.compile(r"(19|20)\d{6}")
_COUNT, _AMOUNT = re.compile(r"-?\d+"), re.compile(r"-?\d+(\.\d*)?")
PURCHASE_FIELDS = ((_ID, _DATE, _COUNT, _AMOUNT), (_ID, _ID, _DATE, _COUNT, _AMOUNT))
HILLSTROM_COLUMNS = ("recency", "history", "mens", "womens", "segment", "conversion", "spend")
HILLSTROM_SENT = "2008-03-01 00:00:00"
HILLSTROM_ARMS = {"Mens E-Mail": "mens-email", "Womens E-Mail": "womens-email", "No E-Mail": ""}


def is_cdnow_line(cells: list[str]) -> bool:
    """Whether a line (its cells, split as a header candidate) is a CDNOW purchase: ids,
    YYYYMMDD date, count, amount, separated by spaces or tabs."""
    return bool(CDNOW_LINE.match(" ".join(cells)))


def unread_fields(line: str) -> int:
    """How many fields of a line do not read as a CDNOW purchase's, in the layout (with or
    without the sample's customer id) it fits best: a field that is not what its position
    holds (id, YYYYMMDD date, count, amount), missing or one too many counts once each."""
    fields = line.split()
    return min(
        sum(i >= len(fields) or not kind.fullmatch(fields[i]) for i, kind in enumerate(kinds))
        + max(0, len(fields) - len(kinds))
        for kinds in PURCHASE_FIELDS
    )


def _purchase_like(cells: list[str]) -> bool:
    """Whether a line is a purchase, a damaged one too (one field that does not read: a bad
    date, a missing amount; quarantined with its line), rather than a title: a title, even one
    that starts with two numbers as a purchase does (``2024 10 report``), has two or more."""
    return unread_fields(" ".join(cells)) <= 1


def is_cdnow(path: Path, rows: list[list[str]] | None = None) -> bool:
    """A file whose first line, or first line below up to five title or blank lines, has the
    CDNOW layout (:func:`is_cdnow_line`); `rows`: its first lines where the caller read them
    (:func:`promopilot.data.import_steps.leading_rows`)."""
    return path.is_file() and is_cdnow_line(read_header(path, _purchase_like, rows))


def is_hillstrom(header: list[str]) -> bool:
    """Whether lower-cased column names are the Hillstrom layout's header."""
    return all(c in header for c in HILLSTROM_COLUMNS)


def _restage(store: Store, raw: RawFile, select_sql: str) -> None:
    """Replace the staged raw file by rows derived from it; ``_line`` (each row's file line)
    becomes the new rows' line numbers, so quarantine still names the file line."""
    store.execute(f"CREATE TEMP TABLE ingest_derived AS {select_sql}")
    store.execute(f"DROP TABLE {RAW}")
    store.execute(f"ALTER TABLE ingest_derived RENAME TO {RAW}")
    lines = store.query(f"SELECT _line FROM {RAW} ORDER BY rowid")["_line"]
    raw.row_lines = lines.to_numpy(dtype=np.int64)
    raw.n_rows = len(raw.row_lines)


def _line(raw: str = RAW) -> str:
    """The file line of a staged row (header = line 1) while ``raw`` is fresh from the file."""
    base = f"(SELECT coalesce(min(rowid), 0) FROM {raw})"
    return f"rowid - {base}"


# ---------------------------------------------------------------------------------------
def import_cdnow(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """The CDNOW transaction log (master file or sample): one order per line, one product."""
    tell(progress, path.name)
    raw = read_raw(
        store,
        path,
        delimiter="\x1f",
        header=False,
        names=["line"],
        quote="",
        header_fits=_purchase_like,  # the lines above it are titles
    )
    raw.label = str(path)
    if len(raw.rejects):
        raise InputError(f"{path}: not a CDNOW text file (one purchase per line)")
    parts = "regexp_split_to_array(trim(line), '\\s+')"
    # five fields: customer, sample customer, date, count, amount; four: no sample id
    _restage(
        store,
        raw,
        f"SELECT _line, p[1] AS customer, p[len(p) - 2] AS day, p[len(p) - 1] AS units, "
        f"p[len(p)] AS amount, CASE WHEN len(p) IN (4, 5) THEN NULL ELSE 'bad' END AS _bad, "
        "p[1] || '-' || p[len(p) - 2] || '-' || row_number() OVER "
        "(PARTITION BY p[1], p[len(p) - 2] ORDER BY _line) AS order_id "
        f"FROM (SELECT {_line()} + {raw.header_lines + 1} AS _line, {parts} AS p FROM {RAW}) "
        "WHERE trim(coalesce(p[1], '')) <> '' ORDER BY _line",
    )
    units = "TRY_CAST(units AS DOUBLE)"
    mapping = {
        ORDER_ID: "order_id",
        TIMESTAMP: "CASE WHEN _bad IS NULL THEN coalesce(strftime(try_strptime(day, '%Y%m%d'), "
        "'%Y-%m-%d 00:00:00'), day) END",
        CUSTOMER_ID: "CASE WHEN _bad IS NULL THEN customer END",
        PRODUCT_ID: "'cd'",
        "quantity": "units",
        # the dollar value is per line; a line of 0 CDs keeps its amount as the price of one
        "unit_price": f"CASE WHEN {units} > 0 THEN TRY_CAST(amount AS DOUBLE) / {units} "
        "ELSE TRY_CAST(amount AS DOUBLE) END",
    }
    derive(
        store,
        "products",
        "SELECT 'cd' AS product_id, 'CDs (the CDNOW log names no titles)' AS title, "
        f"'music' AS category, median(TRY_CAST(amount AS DOUBLE) / {units}) "
        f"FILTER ({units} > 0) AS price, true AS is_product FROM {RAW}",
    )
    n_customers = derive(store, "customers", f"SELECT DISTINCT customer AS customer_id FROM {RAW}")
    report = load_table(
        store, raw, TABLES["orders"], mapping, ingest_id=next_ingest_id(store), fmt="cdnow"
    )
    report.notes.append(
        f"{counted(n_customers, 'new customer')}; one product, 'cd' (no titles in CDNOW)"
    )
    return [report]


# ---------------------------------------------------------------------------------------
def import_hillstrom(store: Store, path: Path, progress: Progress = None) -> list[FileReport]:
    """The Hillstrom e-mail test: customers, two e-mail offers, the randomized campaign, one
    summary order of each customer's past year and the outcome orders (see the module text)."""
    tell(progress, path.name)
    raw = read_raw(store, path, header_fits=lowered(is_hillstrom))
    raw.label = str(path)
    cols = column_lookup(raw.columns)
    missing = [c for c in HILLSTROM_COLUMNS if c not in cols]
    if missing:
        raise InputError(
            f"{path}: missing {noun_for(len(missing), 'column')} {', '.join(missing)} for the "
            "Hillstrom layout "
            f"(expected {', '.join(HILLSTROM_COLUMNS)})"
        )
    store.execute(
        f"CREATE TEMP TABLE ingest_hillstrom AS SELECT *, {_line()} + {raw.header_lines + 1} "
        "AS _line, "
        f"'h' || lpad(CAST({_line()} + 1 AS VARCHAR), 5, '0') AS _customer FROM {RAW}"
    )
    sent = f"TIMESTAMP '{HILLSTROM_SENT}'"
    arm = " ".join(
        f"WHEN trim({cols['segment']}) = '{k}' THEN '{v}'" for k, v in HILLSTROM_ARMS.items()
    )
    reports = []
    ingest_id = next_ingest_id(store)

    def load(table: str, select_sql: str, mapping: dict[str, str]) -> None:
        _restage(store, raw, select_sql)
        reports.append(
            load_table(store, raw, TABLES[table], mapping, ingest_id=ingest_id, fmt="hillstrom")
        )
        raw.notes = []  # title lines skipped above the header: said once, by the first table

    derive(
        store,
        "products",
        "SELECT * FROM (VALUES ('mens', 'Men''s merchandise', 'mens', true), "
        "('womens', 'Women''s merchandise', 'womens', true), ('hillstrom-spend', "
        "'Purchase after the e-mail (items not in the data)', NULL, false)) "
        "AS t(product_id, title, category, is_product)",
    )
    n_offers = store.count("offers")
    store.execute(
        "INSERT INTO offers BY NAME SELECT * FROM (VALUES "
        "('mens-email', 'percent_off', 0.0, 'mens'), ('womens-email', 'percent_off', 0.0, "
        "'womens')) AS t(offer_id, kind, value, category), (SELECT timezone('UTC', now()) AS "
        "updated_at, " + str(ingest_id) + " AS ingest_id) WHERE offer_id NOT IN "
        "(SELECT offer_id FROM offers)"
    )
    src = "ingest_hillstrom"
    load(
        "customers",
        f"SELECT _line, _customer, {cols.get('zip_code', 'NULL')} AS region FROM {src} "
        "ORDER BY _line",
        {CUSTOMER_ID: "_customer", "region": "region"},
    )
    load(
        "campaigns",
        f"SELECT _line, _customer, CASE {arm} ELSE {cols['segment']} END AS offer FROM {src} "
        "ORDER BY _line",
        {
            "campaign_id": "'hillstrom-2008'",
            CUSTOMER_ID: "_customer",
            "offer_id": "CASE WHEN offer <> '' THEN offer END",
            # an arm that is not one of the three stays as its text and is quarantined
            "sent_at": f"CASE WHEN offer IN ('', 'mens-email', 'womens-email') THEN "
            f"'{HILLSTROM_SENT}' END",
            "channel": "'email'",
            "propensity": "'0.3333333333333333'",
        },
    )
    recency = f"TRY_CAST({cols['recency']} AS INTEGER)"
    history = f"TRY_CAST({cols['history']} AS DOUBLE)"
    mens, womens = (f"(trim({cols[c]}) = '1')" for c in ("mens", "womens"))
    bought = f"({mens}::INTEGER + {womens}::INTEGER)"
    past = (
        f"SELECT _line, _customer, _customer || '-history' AS order_id, product, "
        f"strftime({sent} - to_months({recency}), '%Y-%m-%d %H:%M:%S') AS _at, "
        f"CASE WHEN {bought} > 0 THEN {history} / {bought} ELSE {history} END AS price "
        f"FROM {src}, (VALUES ('mens'), ('womens')) AS k(product) WHERE "
        f"(product = 'mens' AND {mens}) OR (product = 'womens' AND ({womens} OR {bought} = 0))"
    )
    spend = f"TRY_CAST({cols['spend']} AS DOUBLE)"
    outcome = (
        f"SELECT _line, _customer, _customer || '-outcome' AS order_id, 'hillstrom-spend' "
        f"AS product, strftime({sent} + INTERVAL 7 DAY, '%Y-%m-%d %H:%M:%S') AS _at, "
        f"{spend} AS price FROM {src} WHERE trim({cols['conversion']}) = '1' OR {spend} > 0"
    )
    load(
        "orders",
        f"SELECT * FROM ({past} UNION ALL {outcome}) ORDER BY _line, order_id, product",
        {
            ORDER_ID: "order_id",
            TIMESTAMP: "_at",
            CUSTOMER_ID: "_customer",
            PRODUCT_ID: "product",
            "quantity": "'1'",
            "unit_price": "price",
        },
    )
    store.execute(f"DROP TABLE {src}")
    added = store.count("offers") - n_offers
    reports[0].notes.append(
        f"Hillstrom e-mail test: {counted(added, 'offer')} added (mens-email, womens-email, plain "
        f"messages); campaign 'hillstrom-2008' sent {HILLSTROM_SENT[:10]} (nominal date); one "
        "summary order per customer for the past year; outcome orders 7 days after the e-mail"
    )
    return reports


DATASET_IMPORTERS = {"cdnow": import_cdnow, "hillstrom": import_hillstrom}
