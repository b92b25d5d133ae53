"""A hypothesis strategy for random shop folders, as real shops write them.

``shop_folders()`` draws a :class:`ShopFolder`: which tables exist (orders and/or events, or
neither; products, customers, offers, campaigns, reviews optional), which optional columns
they have (some all empty), one customer or a few, one product or a few, returns (with or
without an ``is_return`` column), postage lines, campaigns randomized (with propensities) or
not, a delimiter (``, ; TAB |``) and a date style (ISO, month-first, day-first, ...) per file,
and Chinese text. ``ShopFolder.write(path)`` writes it. Any command given such a folder must
exit 0, or 2 with one line on stderr (see tests/data/test_shopfolder_property.py).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

DELIMITERS = (",", ";", "\t", "|")
DATE_STYLES = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S+08:00",
    "%m/%d/%Y %H:%M",  # Excel, US
    "%d/%m/%Y %H:%M",  # Excel, UK
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
)
TITLES = (
    "Coffee mug",
    "茶杯",
    "运费",
    "POSTAGE",
    "Shipping fee",
    "连衣裙 红色",
    "Tea, green",
    'Box "XL"',
)
CATEGORIES = ("kitchen", "服装", "shipping", "", "家居")
REVIEWS = ("很好，下次还买", "质量一般", "Great, thanks!", "不喜欢", "ok")
START = dt.datetime(2025, 1, 1, 8, 0)


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list[str]]
    delimiter: str = ","


@dataclass
class ShopFolder:
    tables: list[Table] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for t in self.tables:
            suffix = ".tsv" if t.delimiter == "\t" and t.name == "events" else ".csv"
            with open(folder / f"{t.name}{suffix}", "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, delimiter=t.delimiter, lineterminator="\n")
                writer.writerow(t.columns)
                writer.writerows(t.rows)
        return folder

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def _stamp(draw, style: str) -> str:
    moment = START + dt.timedelta(
        days=draw(st.integers(0, 400)), minutes=draw(st.integers(0, 24 * 60 - 1))
    )
    return moment.strftime(style)


def _table(draw, name: str, required: list[str], optional: dict, n_rows: int, style: str):
    """A table with its required columns, a random subset of optional ones (some all empty)."""
    chosen = [c for c in optional if draw(st.booleans())]
    empty = {c for c in chosen if draw(st.integers(0, 4)) == 0}
    columns = required + chosen
    rows = []
    for i in range(n_rows):
        row = []
        for c in columns:
            make = optional.get(c) if c in optional else None
            row.append("" if c in empty else make(draw, i, style) if make else "")
        rows.append(row)
    return Table(name, columns, rows, draw(st.sampled_from(DELIMITERS)))


@st.composite
def shop_folders(draw, max_rows: int = 30) -> ShopFolder:
    n_customers = draw(st.integers(1, 5))
    n_products = draw(st.integers(1, 4))
    customers = [draw(st.sampled_from(("c", "客户", "C-"))) + str(i) for i in range(n_customers)]
    products = ["POST" if i == 3 else f"p{i}" for i in range(n_products)]
    cust = st.sampled_from(customers)
    prod = st.sampled_from(products)
    folder = ShopFolder()
    has_orders, has_events = draw(
        st.sampled_from([(True, False), (False, True), (True, True), (False, False)])
    )

    if draw(st.booleans()):
        optional = {
            "title": lambda d, i, s: d(st.sampled_from(TITLES)),
            "category": lambda d, i, s: d(st.sampled_from(CATEGORIES)),
            "price": lambda d, i, s: f"{d(st.floats(0, 200)):.2f}",
            "cost": lambda d, i, s: d(st.sampled_from(("", "1.5", "12"))),
            "in_stock": lambda d, i, s: d(st.sampled_from(("", "true", "false", "1"))),
        }
        t = _table(draw, "products", ["product_id"], optional, n_products, "")
        for i, row in enumerate(t.rows):
            row[0] = products[i]
        folder.tables.append(t)
    if draw(st.booleans()):
        style = draw(st.sampled_from(DATE_STYLES))
        optional = {
            "signup_at": lambda d, i, s: _stamp(d, s),
            "region": lambda d, i, s: d(st.sampled_from(("上海", "London", ""))),
            "email": lambda d, i, s: f"u{i}@example.com",
        }
        t = _table(draw, "customers", ["customer_id"], optional, n_customers, style)
        for i, row in enumerate(t.rows):
            row[0] = customers[i]
        folder.tables.append(t)
    offers = []
    if draw(st.booleans()):
        kinds = [
            ("percent_off", "0.1"),
            ("amount_off", "20"),
            ("free_shipping", "5"),
            ("percent_off", "0"),
        ]
        picked = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4))
        rows = [
            [f"o{i}", k, v, draw(st.sampled_from(("", "100", "150")))]
            for i, (k, v) in enumerate(picked)
        ]
        offers = [r[0] for r in rows]
        folder.tables.append(
            Table(
                "offers",
                ["offer_id", "kind", "value", "min_spend"],
                rows,
                draw(st.sampled_from(DELIMITERS)),
            )
        )
    if has_orders:
        style = draw(st.sampled_from(DATE_STYLES))
        with_flag = draw(st.booleans())
        columns = ["order_id", "timestamp", "customer_id", "product_id", "quantity", "unit_price"]
        columns += ["is_return"] if with_flag else []
        columns += ["discount"] if draw(st.booleans()) else []
        rows = []
        for i in range(draw(st.integers(1, max_rows))):
            is_return = draw(st.integers(0, 6)) == 0
            quantity = -draw(st.integers(1, 3)) if is_return else draw(st.integers(1, 5))
            row = [
                f"{'R' if is_return else 'A'}{i // 2}",
                _stamp(draw, style),
                draw(cust),
                draw(prod),
                str(quantity),
                f"{draw(st.floats(0, 99)):.2f}",
            ]
            row += ["true" if is_return else "false"] if with_flag else []
            row += [draw(st.sampled_from(("", "0", "1.5")))] if "discount" in columns else []
            rows.append(row)
        folder.tables.append(Table("orders", columns, rows, draw(st.sampled_from(DELIMITERS))))
    if has_events:
        style = draw(st.sampled_from(DATE_STYLES))
        rows = [
            [
                _stamp(draw, style),
                draw(cust),
                draw(prod),
                draw(st.sampled_from(("view", "cart", "purchase", "收藏"))),
            ]
            for _ in range(draw(st.integers(1, max_rows)))
        ]
        folder.tables.append(
            Table(
                "events",
                ["timestamp", "customer_id", "product_id", "event"],
                rows,
                draw(st.sampled_from(DELIMITERS)),
            )
        )
    if draw(st.booleans()):
        style = draw(st.sampled_from(DATE_STYLES))
        rows = [
            [
                draw(cust),
                draw(prod),
                draw(st.sampled_from(REVIEWS)),
                str(draw(st.integers(1, 5))),
                _stamp(draw, style),
            ]
            for _ in range(draw(st.integers(1, 6)))
        ]
        folder.tables.append(
            Table(
                "reviews",
                ["customer_id", "product_id", "text", "rating", "timestamp"],
                rows,
                draw(st.sampled_from(DELIMITERS)),
            )
        )
    if offers and draw(st.booleans()):
        style = draw(st.sampled_from(DATE_STYLES))
        randomized = draw(st.booleans())  # False: no control group, no propensity
        sent = _stamp(draw, style)
        columns = ["campaign_id", "customer_id", "offer_id", "sent_at"] + (
            ["propensity"] if randomized else []
        )
        rows = []
        for c in customers:
            offer = draw(st.sampled_from(offers + ([""] if randomized else [])))
            rows.append(
                ["camp1", c, offer, sent] + ([f"{1 / (len(offers) + 1):.4f}"] if randomized else [])
            )
        folder.tables.append(Table("campaigns", columns, rows, draw(st.sampled_from(DELIMITERS))))
    return folder
