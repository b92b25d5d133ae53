"""An order's discount written on every one of its lines, as WooCommerce exports write their
``Discount Amount``: read as the order's discount and spread over its lines by their value.

A line's ``discount`` is money off that line (docs/shop-folder.md). Some exports repeat the
order's discount on each of its lines instead, which would count it once per line. The file
is taken to do that only when it shows it: every order of two or more lines with a discount
carries one same discount on all of its lines (at least two such orders), and on some line
that discount is more than the line is worth, which a line's own discount never is.

With a paid line total (``line_total``, ``实付金额``: data.line_totals) no line's discount can be
more than it is worth, so there the file shows it otherwise: every order of two or more lines
with a discount carries one same discount on all of its lines (at least two such orders) and
those orders' discounts are not all one value. It is then spread over the order's lines by
their paid totals, before the unit price is read as (paid total + discount) / quantity. Where
every such order repeats one and the same value on all its lines, an order's discount cannot
be told from each line's own, and the file is refused.

A column named as the order's discount (WooCommerce's ``Order Discount``:
:data:`promopilot.data.order_columns.ORDER_DISCOUNT`, read where the file gives no line's
discount) needs no such evidence: it is always spread, by value or by paid line totals, and the
value its lines give is the order's (a line left blank gets its share too). An order whose lines
give different values is quarantined, naming the column.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

import pandas as pd

from promopilot.data.currency import money, shop_currency
from promopilot.data.store import Store
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError

LOG = logging.getLogger(__name__)

NOTE = (
    "discount: every line of an order carries the same discount, larger than some lines: read "
    "as the order's discount, spread over its lines by their value"
)
PAID_NOTE = (
    "discount: every line of an order carries the same discount: read as the order's "
    "discount, spread over its lines by their paid line totals"
)
_VALUE = "abs(t_quantity) * t_unit_price"
CUT = "_discount_cut"  # the money an order's discount was cut by (its lines were worth less)
HALF_CENT = 0.005  # an order's discount within half a cent of its worth is no cut
SHOWN = 3  # order ids a note names


class Spread(NamedTuple):
    """How a file's order discount is spread: the ``REPLACE`` clause giving each line its
    share (``... AS t_discount``) and, where it is capped at the lines' worth, the column
    :data:`CUT` (NULL on an order where nothing is cut)."""

    replace: str
    cut: str | None = None


def cut_sql(amount: str, worth: str) -> str:
    """SQL of what an order's discount `amount` is cut by where it is more than its lines'
    `worth` (NULL where it is not, or where the lines are worth nothing)."""
    return f"CASE WHEN {worth} > 0 AND {amount} > {worth} + {HALF_CENT} THEN {amount} - {worth} END"


def cut_note(
    store: Store, rows: str, column: str, label: str, currency: str | None, order: str, line: str
) -> str | None:
    """What ingest says (and logs) when some orders' discounts were more than their lines are
    worth and were cut to it: how many orders, the money cut in all (in `currency`) and the
    first orders in the file. `rows` is SQL of the kept lines with :data:`CUT`, `order` their
    order id and `line` their place in the file; `column` names the discount; None when
    nothing was cut."""
    found = store.query(
        "SELECT count(*) AS n, sum(cut) AS total, "
        f"list(o ORDER BY first)[1:{SHOWN}] AS ids FROM (SELECT {order} AS o, max({CUT}) AS cut, "
        f"min({line}) AS first FROM ({rows}) WHERE {CUT} IS NOT NULL GROUP BY 1)"
    ).iloc[0]
    n = int(found["n"])
    if not n:
        return None
    ids = ", ".join(str(i) for i in found["ids"]) + (", ..." if n > SHOWN else "")
    note = (
        f"{column}: {counted(n, 'order')} had a discount larger than their lines are worth "
        "(quantity "
        f"× unit price): cut to that worth, {money(found['total'], currency)} less discount "
        f"in all ({noun_for(n, 'order')} {ids})"
    )
    LOG.warning("%s: %s", label, note)
    return note


def staged_cuts(
    store: Store, stage: str, column: str | None, label: str, currency: str | None
) -> list[str]:
    """The :func:`cut_note` of the kept lines of staging's table `stage`, where a discount
    (`column`) was cut to its lines' worth; money in `currency`, else the shop's."""
    if column is None or CUT not in store.columns(stage):
        return []
    rows = f"SELECT * FROM {stage} WHERE _err IS NULL"
    currency = currency or shop_currency(store)
    cut = cut_note(store, rows, column, label, currency, "t_order_id", "_row")
    return [cut] if cut else []


def note(column: str, order_level: bool, paid: bool) -> str:
    """What ingest says when it spread an order's discount over its lines (`column`, as the file
    names it, an order-level one with `order_level`; by paid line totals with `paid`)."""
    if not order_level:
        return PAID_NOTE if paid else NOTE
    by = "their paid line totals" if paid else "their value"
    return f"{column}: the order's discount, written on each of its lines, spread over them by {by}"


def share_sql(amount: str, value: str, order: str = "t_order_id") -> str:
    """SQL of a line's share of an order's `amount`, in proportion to the line's `value` (its
    share of the order's lines' value, `order` the order's id; rounded to 6 decimals, so the
    shares add up to the amount to the cent). Lines of an order worth nothing get NULL."""
    worth = f"sum({value}) OVER (PARTITION BY {order})"
    return f"round({amount} * {value} / NULLIF({worth}, 0), 6)"


def _repeating(store: Store, typed: str) -> pd.Series:
    """How the discounted orders of two or more lines of SQL `typed` carry their discounts:
    ``orders`` (how many), ``same`` (how many have one same discount on all their lines),
    ``amounts`` (how many different lowest discounts), ``exceeds`` (whether on some line the
    discount is more than the line is worth), and an ``example`` order with its ``amount``."""
    over = f"t_discount > {_VALUE} * (1 + 1e-9) + 1e-9"  # as the check of a line's discount
    return store.query(
        "SELECT count(*) AS orders, count(*) FILTER (WHERE low = high AND given = lines) AS same, "
        "count(DISTINCT low) AS amounts, coalesce(bool_or(over), false) AS exceeds, "
        "arg_min(t_order_id, t_order_id) AS example, arg_min(low, t_order_id) AS amount FROM ("
        "SELECT t_order_id, min(t_discount) AS low, max(t_discount) AS high, "
        f"count(t_discount) AS given, count(*) AS lines, bool_or({over}) AS over FROM ({typed}) "
        "WHERE t_order_id IS NOT NULL GROUP BY t_order_id "
        "HAVING count(*) > 1 AND max(t_discount) > 0)"
    ).iloc[0]


def _repeated(found: pd.Series) -> bool:
    """Whether the file shows its discount is the order's: every order of two or more
    discounted lines (at least two such orders) carries one same discount on all of them."""
    return bool(found["orders"] >= 2 and found["same"] == found["orders"])


def _spread(by: str, order_level: bool, cap: bool) -> Spread:
    """Each line's share of its order's discount, in proportion to `by` (no more than the
    order's lines are worth with `cap`: what that cuts goes in :data:`CUT`). The order's
    discount is its lines' one repeated value; of an order-level column (`order_level`), the
    value its lines give (lines left blank get their share too)."""
    order = "PARTITION BY t_order_id"
    amount = f"max(t_discount) OVER ({order})" if order_level else "t_discount"
    worth = f"sum({by}) OVER ({order})"
    if cap:  # a line worth nothing (no price read) gets none
        share = share_sql(f"least({amount}, {worth})", by)
    else:  # by paid total: a line without one keeps what it gives
        share = f"coalesce({share_sql(amount, by)}, t_discount)"
    replace = (
        f"CASE WHEN {amount} IS NOT NULL AND {worth} > 0 THEN {share} ELSE t_discount END "
        "AS t_discount"
    )
    return Spread(replace, f"{cut_sql(amount, worth)} AS {CUT}") if cap else Spread(replace)


def spread_source(source: str, spread: Spread, order_level: bool) -> str:
    """`source` with each line's share of its order's discount (`spread`, of :func:`spread_sql`
    or :func:`paid_spread_sql`) and its :data:`CUT` where it has one; of an order-level column, also
    ``_discount_differs``, true on the lines of an order whose lines give different values
    (checked by :func:`differs_check`)."""
    extra = [spread.cut] if spread.cut else []
    if order_level:
        order = "PARTITION BY t_order_id"
        differs = f"min(t_discount) OVER ({order}) <> max(t_discount) OVER ({order})"
        extra.append(f"coalesce({differs}, false) AS _discount_differs")
    columns = "".join(f", {e}" for e in extra)
    return f"SELECT * REPLACE ({spread.replace}){columns} FROM ({source})"


def differs_check(column: str) -> tuple[str, str, str, str]:
    """The check quarantining the lines of an order whose order-level discount (`column`, as the
    file names it) is not one value: (column, condition, reason, value shown)."""
    return (
        column,
        "_discount_differs",
        f"{column!r} differs between the lines of this order: expected the order's discount, "
        "the same on each of its lines",
        "r_discount",
    )


def spread_sql(store: Store, typed: str, order_level: bool = False) -> Spread | None:
    """The :class:`Spread` that gives each line its share of its order's discount by value,
    for the typed rows of SQL `typed` (``t_order_id``, ``t_quantity``, ``t_unit_price``,
    ``t_discount``), or None when the file's discounts are per line. An order-level column
    (`order_level`: WooCommerce's ``Order Discount``) is always spread."""
    if not order_level:
        found = _repeating(store, typed)
        if not (_repeated(found) and found["exceeds"]):
            return None
    return _spread(_VALUE, order_level, cap=True)


def paid_spread_sql(
    store: Store, typed: str, label: str, column: str, order_level: bool = False
) -> Spread | None:
    """For a file read from paid line totals (`typed`'s ``t_unit_price`` is a line's paid total,
    before data.line_totals reads the unit price): the :class:`Spread` giving each line its
    share of its order's discount by paid total, or None when the discounts are per line.
    InputError when every order repeats one same value (`column` names the discount). An
    order-level column (`order_level`) is always spread."""
    if not order_level:
        found = _repeating(store, typed)
        if not _repeated(found):
            return None
        if found["amounts"] == 1:
            raise InputError(
                f"{label}: {column!r} is {found['amount']:,.2f} on every line of every "
                f"discounted order of several lines (order {found['example']}): it cannot be "
                "told whether that is each line's own discount or the order's repeated on its "
                "lines; export each line's own discount (or a unit price column) to read them"
            )
    return _spread("abs(t_unit_price)", order_level, cap=False)
