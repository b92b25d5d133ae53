"""Refunded amounts of an orders file (Shopify's ``Refunded Amount``, WooCommerce's ``Order
Refund Amount``, ``退款金额``: :data:`order_columns.REFUND_AMOUNT`), as staging reads them.

An amount is the order's, spread over its lines by what was paid for them (as an order's
discount is: :func:`promopilot.data.order_discounts.share_sql`), unless some order of two or
more lines carries different amounts on its lines: then each line's amount is its own. A
refund smaller than what was paid gets return lines for it (order id +
:data:`order_columns.REFUND_SUFFIX`, the sale's time or the refund's where the file dates it,
the refunded share of the quantity and the
discount), so revenue is net of it; one equal to it is a full refund
(:func:`promopilot.data.order_status.add_refund_lines`); one larger, negative or not a number is
quarantined. Lines refunded in full by their status are left to it; where a refund status
column says no refund was made (``退款中``, ``退款关闭``), the amount is not netted. A later
export whose refund of a stored order grew replaces its return lines
(:func:`take_grown_refunds`).
"""

from __future__ import annotations

from promopilot.data import order_columns
from promopilot.data.number_text import number_sql
from promopilot.data.order_discounts import share_sql
from promopilot.data.rawfile import sql_str
from promopilot.data.refund_dates import AT, return_time
from promopilot.data.sql import cell_text, ident
from promopilot.data.store import Store

CENT = 0.005  # amounts within half a cent are equal
_NET = "t_quantity * t_unit_price - t_discount"
_TABLE = "ingest_refunds"


def amount_parts(raw_columns: list[str], has_refunded: bool) -> tuple[str | None, list[str]]:
    """The file's refunded amount column (or None) and the staged columns it needs:
    ``_refund_text`` (the cell), ``_refund_counts`` (no refund status says the refund was not
    made) and, where the status columns give none, ``_refunded``."""
    column = order_columns.refund_amount_column(raw_columns)
    if column is None:
        return None, []
    parts = [cell_text(ident(column)) + " AS _refund_text"]
    status = order_columns.refund_column(raw_columns)
    if status is None:
        parts.append("true AS _refund_counts")
    else:
        words = ", ".join(
            sql_str(w) for w in (*order_columns.REFUNDED, *order_columns.PARTIALLY_REFUNDED)
        )
        cell = f"lower(trim(CAST({ident(status)} AS VARCHAR)))"
        parts.append(f"coalesce(NULLIF({cell}, '') IN ({words}), true) AS _refund_counts")
    if not has_refunded:
        parts.append("false AS _refunded")
    return column, parts


def _quarantine(store: Store, stage: str, column: str, where: str, reason: str) -> None:
    store.execute(
        f"UPDATE {stage} SET _err = {{'column': {sql_str(column)}, 'value': _refund_text, "
        f"'reason': {reason}}} WHERE {where}"
    )


def _line_level(store: Store, stage: str, sale: str) -> bool:
    """Whether the amounts are the lines' own: two lines of some order carry different
    amounts (a blank one is no amount: an order's amount may be on its first line only)."""
    return bool(
        store.scalar(
            f"SELECT count(*) > 0 FROM (SELECT t_order_id FROM {stage} WHERE {sale} "
            "GROUP BY t_order_id HAVING min(_refund) <> max(_refund))"
        )
    )


def net_amounts(store: Store, stage: str, column: str, decimal_comma: bool) -> None:
    """Check the refunded amounts of the staged sale lines and net them: a line refunded in
    full is marked ``_refunded``, a partial refund stages its return lines (``_share``: the
    money the line gives back). Runs before :func:`order_status.add_refund_lines`."""
    store.execute(f"ALTER TABLE {stage} ADD COLUMN _refund DOUBLE")
    store.execute(f"ALTER TABLE {stage} ADD COLUMN _share DOUBLE")
    store.execute(
        f"UPDATE {stage} SET _refund = {number_sql('_refund_text', decimal_comma)} "
        "WHERE _refund_text IS NOT NULL"
    )
    sale = "_err IS NULL AND t_quantity > 0 AND NOT t_is_return AND _refund_counts"
    checked = f"{sale} AND NOT _refunded AND _refund_text IS NOT NULL"
    _quarantine(
        store,
        stage,
        column,
        f"{checked} AND (_refund IS NULL OR isnan(_refund) OR isinf(_refund))",
        sql_str("refunded amount: expected a number (the money refunded, e.g. 12.50)"),
    )
    _quarantine(
        store,
        stage,
        column,
        f"{checked} AND _refund < 0",
        sql_str("negative refunded amount: expected a value >= 0"),
    )
    order = "OVER (PARTITION BY t_order_id)"
    if _line_level(store, stage, sale):
        amount, share, refunded, what = "_refund", "_refund", "_refunded", "the line"
    else:  # an order with a line refunded in full by its status is left to the status
        amount, refunded = f"max(_refund) {order}", f"bool_or(_refunded) {order}"
        share, what = share_sql(amount, "net"), "the order"
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE {_TABLE} AS SELECT * FROM (SELECT _row, net, "
        f"{amount} AS amount, {share} AS share, sum(net) {order} AS paid, "
        f"{refunded} AS refunded FROM (SELECT *, {_NET} AS net FROM {stage} WHERE {sale})) "
        "WHERE amount > 0 AND NOT refunded"
    )
    total = "r.net" if amount == "_refund" else "r.paid"
    paid = f"printf('%.2f', {total})"
    joined = f"FROM {_TABLE} r WHERE {stage}._row = r._row"
    store.execute(
        f"UPDATE {stage} SET _err = {{'column': {sql_str(column)}, 'value': _refund_text, "
        f"'reason': {sql_str(f'refunded amount is more than was paid for {what} (')} || {paid} || "
        f"{sql_str(': quantity × unit_price less discount; shipping and taxes are not read): ')}"
        f" || {sql_str('expected at most what was paid')}}} {joined} AND r.amount > "
        f"{total} + {CENT}"
    )
    store.execute(
        f"UPDATE {stage} SET _refunded = true {joined} AND abs(r.amount - {total}) <= {CENT}"
    )
    store.execute(
        f"UPDATE {stage} SET _share = r.share {joined} AND r.amount < {total} - {CENT} "
        "AND r.net > 0 AND r.share > 0"
    )
    suffix = sql_str(order_columns.REFUND_SUFFIX)
    part = "_share / (t_quantity * t_unit_price - t_discount)"  # the share of what was paid
    dated = return_time(store.columns(stage))  # at the refund, where the file dates it
    store.execute(
        f"INSERT INTO {stage} SELECT * REPLACE ({dated}t_order_id || {suffix} AS t_order_id, "
        f"-t_quantity * {part} AS t_quantity, t_discount * {part} AS t_discount, "
        f"true AS t_is_return) FROM {stage} WHERE _share IS NOT NULL AND _err IS NULL"
    )
    store.execute(f"DROP TABLE {_TABLE}")


def partial_lines(store: Store, good: str) -> int:
    """How many of the rows about to be stored (`good`: the FROM and WHERE of them) are the
    return lines of partial refunds."""
    return int(store.scalar(f"SELECT count(*) {good} AND _share IS NOT NULL AND t_is_return"))


def take_grown_refunds(store: Store, stage: str) -> int:
    """Stored return lines of a refund that a later export's refund replaces (a partial refund
    grown, or the order refunded in full since): the stored line makes way for the staged one
    instead of being a conflict, so the refund is netted once. A smaller refund than the
    stored one (an older export read again) adds nothing. ``ingest_existing`` holds the staged
    rows whose key is stored (``same`` false where the values differ). Returns how many
    stored lines were replaced."""
    present = set(store.columns(stage))
    made = [m for m in ("_refunded", "_share IS NOT NULL") if m.split()[0] in present]
    if not made:
        return 0
    suffix = sql_str(order_columns.REFUND_SUFFIX)
    # a return line dated at its refund moves when the refund grows: the sale is matched anyway
    same_time = "" if AT in present else "s.t_timestamp = t.timestamp AND "
    store.execute(
        "CREATE OR REPLACE TEMP TABLE ingest_grown AS SELECT s._row, s.t_order_id, "
        "s.t_product_id, abs(s.t_quantity) > abs(t.quantity) AS grown "
        f"FROM {stage} s JOIN orders t ON s.t_order_id = t.order_id AND "
        "s.t_product_id = t.product_id WHERE (s._row, s.t_order_id, s.t_product_id) IN "
        "(SELECT (_row, t_order_id, t_product_id) FROM ingest_existing WHERE NOT same) "
        f"AND s.t_is_return AND t.is_return AND ends_with(s.t_order_id, {suffix}) "
        f"AND ({' OR '.join(f's.{m}' for m in made)}) AND {same_time}"
        "s.t_customer_id = t.customer_id AND s.t_unit_price = t.unit_price AND NOT EXISTS "
        "(SELECT 1 FROM ingest_existing e WHERE e._row = s._row AND NOT e.same AND "
        "e.t_order_id <> s.t_order_id)"  # its sale a conflict: the return line goes with it
    )
    n = int(store.scalar("SELECT count(*) FILTER (WHERE grown) FROM ingest_grown"))
    key = "(_row, t_order_id, t_product_id)"
    if n:
        store.execute(
            "DELETE FROM orders WHERE (order_id, product_id) IN "
            "(SELECT (t_order_id, t_product_id) FROM ingest_grown WHERE grown)"
        )
    store.execute(
        f"UPDATE {stage} SET _skip = true WHERE {key} IN "
        f"(SELECT {key} FROM ingest_grown WHERE NOT grown)"
    )
    store.execute(f"DELETE FROM ingest_existing WHERE {key} IN (SELECT {key} FROM ingest_grown)")
    store.execute("DROP TABLE ingest_grown")
    return n
