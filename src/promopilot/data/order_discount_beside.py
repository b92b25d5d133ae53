"""An order-level discount column (WooCommerce's ``Order Discount``, ``Cart Discount Amount``:
:data:`promopilot.data.order_columns.ORDER_DISCOUNT`) beside a line discount column
(``discount``, ``Discount Amount``, ``优惠金额``), as staging reads it.

The two may be the same money: WooCommerce gives each line the share of the order's coupons
it carries (its subtotal less its total), and the order's discount (``Cart Discount Amount``
in the Advanced Order Export plugin, ``discount_total`` in Customer/Order Export) is their sum;
Shopify's ``Lineitem discount`` (the money off the line: the order's discounts allocated to
it, not per unit) and ``Discount Amount`` (the order's, on its first line) are alike. So,
order by order:

- lines that carry no discount (each blank or 0): the order's discount is read and spread over
  them as it is where it is the only discount column (:mod:`promopilot.data.order_discounts`:
  by value, cut to what the lines are worth; by paid line totals beside a ``Line Total``);
- lines whose discounts add up to it (to half a cent): it is the same money, not read;
- two or more lines that each give it as their discount (an export that repeats the order's
  discount on its lines, as WooCommerce's ``Discount Amount``): read once, spread as above;
- lines whose discounts add up to something else, or an order discount that differs between
  an order's lines: the lines' own discounts are kept and it is not read.

Ingest says how many orders each way went (:func:`notes`), naming the orders of the last kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from promopilot.data import order_columns
from promopilot.data.number_text import number_sql
from promopilot.data.order_discounts import CUT, HALF_CENT, SHOWN, cut_sql, share_sql
from promopilot.data.sql import cell_text, ident, ident_name
from promopilot.data.store import Store
from promopilot.data.words import counted, noun_for

TEXT = "_order_discount"  # the column's cell, staged beside the line's own discount
USE = "_order_discount_use"  # per line: 'read', 'same', 'differs' or NULL (no order discount)
VALUE = "abs(t_quantity) * t_unit_price"
PAID = "abs(t_unit_price)"  # a paid line total, before data.line_totals reads the unit price
_HELPERS = "_od, _od_amount, _od_low, _od_lines, _od_worth, _od_each"


def column(raw_columns: list[str], mapping: Mapping[str, str]) -> str | None:
    """The orders file's order discount column beside the line discount the table reads
    (`mapping`'s ``discount``, quoted), where it has both."""
    line = mapping.get("discount")
    if line is None or order_columns.is_order_discount(ident_name(line)):
        return None
    return order_columns.order_discount_column(raw_columns, ident_name(line))


def part(column: str) -> str:
    """The staged column :data:`TEXT`: the order discount's cell in `column`."""
    return cell_text(ident(column)) + f" AS {TEXT}"


def repeated_sql(own: str, order_discount: str, over: str) -> str:
    """SQL: every one of two or more lines of an order (`over`: the window of its lines) gives
    the order's discount (`order_discount`) as its own discount (`own`), to half a cent: an
    export that repeats the order's discount on its lines."""
    return (
        f"count(*) {over} > 1 AND bool_and(coalesce(abs({own} - {order_discount}) <= "
        f"{HALF_CENT}, false)) {over}"
    )


def use_sql(order_id: str, amount: str, low: str, lines: str, each: str) -> str:
    """SQL of a line's :data:`USE`, the rule of this module, from its order's id, the order's
    discount as its lines give it (largest `amount` and smallest `low`), the sum of the lines'
    own discounts (`lines`) and whether each line repeats the order's (`each`:
    :func:`repeated_sql`). Staging reads it, and so do Shopify's refunds (the money the lines
    were paid, :mod:`promopilot.data.shopify_orders`)."""
    return (
        f"CASE WHEN {order_id} IS NULL OR coalesce({amount}, 0) <= 0 THEN NULL "
        f"WHEN {low} <> {amount} THEN 'differs' WHEN {lines} = 0 THEN 'read' "
        f"WHEN abs({lines} - {amount}) <= {HALF_CENT} THEN 'same' "
        f"WHEN {each} THEN 'repeated' ELSE 'differs' END"
    )


def is_read(use: str) -> str:
    """SQL: the order's discount is read for the line whose :data:`USE` is `use` (not the
    lines' own discounts)."""
    return f"{use} IN ('read', 'repeated')"


def beside_sql(source: str, by: str, comma: bool, has_cut: bool = False) -> str:
    """`source` (typed rows whose ``t_discount`` is each line's own discount, final) with the
    order's discount read where its lines carry none or each repeat it, spread by `by`
    (:data:`VALUE`: cut to the lines' worth, what is cut in :data:`CUT`; :data:`PAID`: by paid
    totals), and
    :data:`USE` on every line. `has_cut`: `source` has a :data:`CUT` column already (its line
    discounts were spread from a repeated order's discount)."""
    order = "OVER (PARTITION BY t_order_id)"
    typed = f"SELECT *, {number_sql(TEXT, comma)} AS _od FROM ({source})"
    windows = (
        f"SELECT *, max(_od) {order} AS _od_amount, min(_od) {order} AS _od_low, "
        f"sum(abs(coalesce(t_discount, 0))) {order} AS _od_lines, sum({by}) {order} AS _od_worth, "
        f"{repeated_sql('t_discount', '_od', order)} AS _od_each FROM ({typed})"
    )
    use = use_sql("t_order_id", "_od_amount", "_od_low", "_od_lines", "_od_each")
    classed = f"SELECT *, {use} AS {USE} FROM ({windows})"
    capped = by == VALUE
    amount = "least(_od_amount, _od_worth)" if capped else "_od_amount"
    read = f"{is_read(USE)} AND _od_worth > 0"
    share = (
        f"CASE WHEN {read} THEN coalesce({share_sql(amount, by)}, t_discount) ELSE t_discount END"
    )
    replaced = [f"{share} AS t_discount"]
    added = ""
    if capped:
        cut = f"CASE WHEN {read} THEN {cut_sql('_od_amount', '_od_worth')} END"
        if has_cut:
            replaced.append(f"coalesce({CUT}, {cut}) AS {CUT}")
        else:
            added = f", {cut} AS {CUT}"
    return f"SELECT * EXCLUDE ({_HELPERS}) REPLACE ({', '.join(replaced)}){added} FROM ({classed})"


def notes(store: Store, stage: str, column: str, line_column: str) -> list[str]:
    """What ingest says of an order discount `column` beside the line discount `line_column`:
    for how many kept orders it was read, was the same money, or was not read."""
    found = store.query(
        f"SELECT use, count(*) AS n, list(o ORDER BY first)[1:{SHOWN}] AS ids FROM ("
        f"SELECT t_order_id AS o, any_value({USE}) AS use, min(_row) AS first FROM {stage} "
        f"WHERE _err IS NULL AND {USE} IS NOT NULL GROUP BY 1) GROUP BY 1"
    )
    count = dict(zip(found["use"], found["n"], strict=True))
    parts = []
    if count.get("read"):
        parts.append(
            f"read for {counted(count['read'], 'order')} whose lines carry no discount (spread "
            "over them as the order's discount)"
        )
    if count.get("repeated"):
        parts.append(
            f"read for {counted(count['repeated'], 'order')} whose lines each repeat it as their "
            "discount (spread over them once, not counted once per line)"
        )
    if count.get("same"):
        parts.append(
            f"not read for {counted(count['same'], 'order')} whose lines' discounts add up to it "
            "(the same money)"
        )
    if count.get("differs"):
        ids = found.loc[found["use"] == "differs", "ids"].iloc[0]
        shown = ", ".join(str(i) for i in ids) + (", ..." if count["differs"] > SHOWN else "")
        parts.append(
            f"not read for {counted(count['differs'], 'order')} whose lines' discounts do not add "
            f"up to it: their lines' own discounts are kept ({noun_for(count['differs'], 'order')} "
            f"{shown})"
        )
    if not parts:
        return []
    return [f"{column} beside the line discount {line_column}: " + "; ".join(parts)]
