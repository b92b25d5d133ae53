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

import pandas as pd

from promopilot.data.store import Store
from promopilot.exceptions import InputError

NOTE = (
    "discount: every line of an order carries the same discount, larger than some lines: read "
    "as the order's discount, spread over its lines by their value"
)
PAID_NOTE = (
    "discount: every line of an order carries the same discount: read as the order's "
    "discount, spread over its lines by their paid line totals"
)
_VALUE = "abs(t_quantity) * t_unit_price"


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


def _spread(by: str, order_level: bool, cap: bool) -> str:
    """The ``REPLACE`` clause giving each line its share of its order's discount, in proportion
    to `by` (no more than the order's lines are worth with `cap`). The order's discount is its
    lines' one repeated value; of an order-level column (`order_level`), the value its lines
    give (lines left blank get their share too)."""
    order = "PARTITION BY t_order_id"
    amount = f"max(t_discount) OVER ({order})" if order_level else "t_discount"
    worth = f"sum({by}) OVER ({order})"
    if cap:  # a line worth nothing (no price read) gets none
        share = share_sql(f"least({amount}, {worth})", by)
    else:  # by paid total: a line without one keeps what it gives
        share = f"coalesce({share_sql(amount, by)}, t_discount)"
    return (
        f"CASE WHEN {amount} IS NOT NULL AND {worth} > 0 THEN {share} ELSE t_discount END "
        "AS t_discount"
    )


def order_level_sql(source: str, spread: str) -> str:
    """`source` with an order-level discount column spread over each order's lines
    (`spread`, a :func:`spread_sql` or :func:`paid_spread_sql` clause) and ``_discount_differs``
    true on the lines of an order whose lines give different values (checked by
    :func:`differs_check`)."""
    order = "PARTITION BY t_order_id"
    differs = f"min(t_discount) OVER ({order}) <> max(t_discount) OVER ({order})"
    return (
        f"SELECT * REPLACE ({spread}), coalesce({differs}, false) AS _discount_differs "
        f"FROM ({source})"
    )


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


def spread_sql(store: Store, typed: str, order_level: bool = False) -> str | None:
    """A ``REPLACE`` clause that gives each line its share of its order's discount by value,
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
) -> str | None:
    """For a file read from paid line totals (`typed`'s ``t_unit_price`` is a line's paid total,
    before data.line_totals reads the unit price): a ``REPLACE`` clause giving each line its
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
