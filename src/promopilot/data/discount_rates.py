"""A ``折扣`` column of rates (``0.9`` = 10 % off, as some Chinese back offices write it),
refused rather than read as money off.

``折扣`` is one of the names of an order line's ``discount``, which is money off the line
(docs/shop-folder.md). A file whose ``折扣`` is a rate would take 0.9 yuan off a 199-yuan
line. Which one a file writes is not guessed: when every value is in (0, 1], some below 1,
and the median unit price is at least :data:`MIN_PRICE` (so the values, read as money, would
be under a tenth of a typical price on every line, which an export of money off never
writes), the file is refused with one line saying what to do.
"""

from __future__ import annotations

import numpy as np

from promopilot.data import synonyms
from promopilot.data.rawfile import RawFile
from promopilot.data.sql import ident_name
from promopilot.data.store import Store
from promopilot.exceptions import InputError

RATE_NAMES = ("折扣",)
"""Names of a discount column that may hold rates (normalized as synonyms match them)."""

MIN_PRICE = 10.0


def refuse_rates(store: Store, stage: str, raw: RawFile, column: str) -> None:
    """Raise :class:`InputError` when the orders file's discount column `column` (as named in
    the file) holds rates; `stage` is the staged table (``t_discount``, ``t_unit_price``,
    ``_row``)."""
    if synonyms.normalize(column) not in RATE_NAMES:
        return
    found = store.query(
        "SELECT count(t_discount) AS n, "
        "count(t_discount) FILTER (WHERE t_discount > 0 AND t_discount <= 1) AS rates, "
        "count(t_discount) FILTER (WHERE t_discount > 0 AND t_discount < 1) AS below, "
        "median(t_unit_price) AS price, "
        "arg_min(_row, _row) FILTER (WHERE t_discount > 0 AND t_discount < 1) AS row, "
        "arg_min(t_discount, _row) FILTER (WHERE t_discount > 0 AND t_discount < 1) AS value "
        f"FROM {stage}"
    ).iloc[0]
    price = float(found["price"]) if found["price"] == found["price"] else 0.0
    n = int(found["n"])
    if not (n and int(found["rates"]) == n and int(found["below"]) and price >= MIN_PRICE):
        return
    value = float(found["value"])
    line = int(raw.lines(np.array([int(found["row"])]))[0])
    name = ident_name(column)
    raise InputError(
        f"{raw.label}: {raw.where(line, name)}: {value:g} looks like a discount rate "
        f"({(1 - value) * 100:g}% off; every {name} is between 0 and 1 while the median unit "
        f"price is {price:g}), but {name} is read as money off the line: expected money off; "
        f"put the money off in a column named 优惠金额 (quantity × unit price × (1 − rate)), "
        f"or rename {name} to 折扣率 to leave it out"
    )
