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
"""

from __future__ import annotations

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


def share_sql(amount: str, value: str, order: str = "t_order_id") -> str:
    """SQL of a line's share of an order's `amount`, in proportion to the line's `value` (its
    share of the order's lines' value, `order` the order's id; rounded to 6 decimals, so the
    shares add up to the amount to the cent). Lines of an order worth nothing get NULL."""
    worth = f"sum({value}) OVER (PARTITION BY {order})"
    return f"round({amount} * {value} / NULLIF({worth}, 0), 6)"


def spread_sql(store: Store, typed: str) -> str | None:
    """A ``REPLACE`` clause that gives each line its share of its order's discount, for the
    typed rows of SQL `typed` (``t_order_id``, ``t_quantity``, ``t_unit_price``,
    ``t_discount``), or None when the file's discounts are per line."""
    over = f"t_discount > {_VALUE} * (1 + 1e-9) + 1e-9"  # as the check of a line's discount
    found = store.query(
        "SELECT count(*) AS orders, count(*) FILTER (WHERE low = high AND given = lines) AS same, "
        "coalesce(bool_or(over), false) AS exceeds FROM ("
        "SELECT min(t_discount) AS low, max(t_discount) AS high, count(t_discount) AS given, "
        f"count(*) AS lines, bool_or({over}) AS over FROM ({typed}) "
        "WHERE t_order_id IS NOT NULL GROUP BY t_order_id "
        "HAVING count(*) > 1 AND max(t_discount) > 0)"
    ).iloc[0]
    if not (found["orders"] >= 2 and found["same"] == found["orders"] and found["exceeds"]):
        return None
    worth = f"sum({_VALUE}) OVER (PARTITION BY t_order_id)"
    share = share_sql(f"least(t_discount, {worth})", _VALUE)
    return (
        f"CASE WHEN t_discount IS NOT NULL AND {worth} > 0 THEN {share} ELSE t_discount END "
        "AS t_discount"
    )


def paid_spread_sql(store: Store, typed: str, label: str, column: str) -> str | None:
    """For a file read from paid line totals (`typed`'s ``t_unit_price`` is a line's paid total,
    before data.line_totals reads the unit price): a ``REPLACE`` clause giving each line its
    share of its order's discount by paid total, or None when the discounts are per line.
    InputError when every order repeats one same value (`column` names the discount)."""
    found = store.query(
        "SELECT count(*) AS orders, count(*) FILTER (WHERE low = high AND given = lines) AS same, "
        "count(DISTINCT low) AS amounts, arg_min(t_order_id, t_order_id) AS example, "
        "arg_min(low, t_order_id) AS amount FROM ("
        "SELECT t_order_id, min(t_discount) AS low, max(t_discount) AS high, "
        f"count(t_discount) AS given, count(*) AS lines FROM ({typed}) "
        "WHERE t_order_id IS NOT NULL GROUP BY t_order_id "
        "HAVING count(*) > 1 AND max(t_discount) > 0)"
    ).iloc[0]
    if not (found["orders"] >= 2 and found["same"] == found["orders"]):
        return None
    if found["amounts"] == 1:
        raise InputError(
            f"{label}: {column!r} is {found['amount']:,.2f} on every line of every discounted "
            f"order of several lines (order {found['example']}): it cannot be told whether "
            "that is each line's own discount or the order's repeated on its lines; export "
            "each line's own discount (or a unit price column) to read them"
        )
    paid = "abs(t_unit_price)"
    return (
        f"CASE WHEN t_discount IS NOT NULL THEN coalesce({share_sql('t_discount', paid)}, "
        "t_discount) ELSE t_discount END AS t_discount"
    )
