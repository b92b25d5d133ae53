"""Order and refund statuses of an orders file, as staging reads them.

An orders file with a refund status column (``退款状态``: :data:`order_columns.REFUND_STATUS`)
or an order status column (:data:`order_columns.ORDER_STATUS`: 交易成功, completed, refunded,
cancelled) gets, for each line refunded in full, its return line (order id +
:data:`order_columns.REFUND_SUFFIX`, the sale's time or the refund's where the file dates it:
:mod:`promopilot.data.refund_dates`, the quantity negated, the same discount), so
revenue is net of the refund and the sale is still seen. A line whose order status says it was
never a sale (:data:`order_columns.NOT_SOLD`: closed unpaid, cancelled, voided, failed) is
quarantined, unless the store holds it as a sale from an earlier export: then it gets its
return line, as a refund does (at the stored sale's time where the line has none).
"""

from __future__ import annotations

from promopilot.data import order_columns, refund_dates
from promopilot.data.rawfile import sql_str
from promopilot.data.row_checks import missing_reason
from promopilot.data.sql import cell_text, ident
from promopilot.data.store import Store

CANCELLED_REASON = "the order was cancelled or never paid: not a sale"


def status_columns(raw_columns: list[str]) -> tuple[str | None, list[str]]:
    """The orders file's order status column (or None), and SQL of each cell that may say a
    line was refunded (the refund status and order status columns, in lower case)."""
    refund = order_columns.refund_column(raw_columns)
    status = order_columns.order_status_column(raw_columns)
    return status, [f"lower(trim(CAST({ident(c)} AS VARCHAR)))" for c in (refund, status) if c]


def status_parts(status: str | None, refund_sql: list[str]) -> list[str]:
    """The staged columns: ``_status`` (the order status cell: refund and cancel words are read
    from it) and ``_refunded`` (a refund word in a refund or order status cell)."""
    parts = []
    if status is not None:
        parts.append(cell_text(ident(status)) + " AS _status")
    if refund_sql:
        words = ", ".join(sql_str(w) for w in order_columns.REFUNDED)
        refunded = " OR ".join(f"coalesce({s} IN ({words}), false)" for s in refund_sql)
        parts.append(f"({refunded}) AS _refunded")
    return parts


def _not_sold() -> str:
    """SQL: the line's order status says no sale (and no refund status says it was refunded)."""
    closed = ", ".join(sql_str(w) for w in order_columns.NOT_SOLD)
    return f"lower(_status) IN ({closed}) AND NOT _refunded"


def cancelled_check(status: str) -> tuple[str, str, str, str]:
    """(column, condition, reason, value) of a line whose order status says no sale."""
    return (status, _not_sold(), CANCELLED_REASON, "_status")


def with_cancelled_check(
    checks: list[tuple[str, str, str, str]], status: str
) -> list[tuple[str, str, str, str]]:
    """The staging checks (column, condition, reason, value) with :func:`cancelled_check`
    after them, and an empty time no reason to refuse a line never sold: a Taobao order closed
    unpaid (交易关闭) has no payment time (订单付款时间, where that is the file's only time), and
    is quarantined as not a sale, which it is, not as missing its time. Its other problems still
    come first, as for any cancelled line."""
    excused = f"NOT coalesce({_not_sold()}, false)"
    no_time = missing_reason("timestamp")
    out = [
        (col, f"({cond}) AND {excused}" if reason == no_time else cond, reason, value)
        for col, cond, reason, value in checks
    ]
    return [*out, cancelled_check(status)]


def net_stored_sales(store: Store, stage: str, dated: str | None = None) -> None:
    """A line cancelled after an earlier export stored it as a sale: not quarantined but netted
    by its return line, as a refund is. A line without its time (a Taobao order closed later:
    交易关闭 and no 订单付款时间) takes the stored sale's, so the staged sale is the stored one
    again (it adds nothing) and its return line is dated as any refund is: at the refund date
    of column `dated` (refused where it is before the stored sale), else at the sale."""
    sales = (
        "SELECT order_id, product_id, quantity, unit_price, min(timestamp) AS timestamp "
        "FROM orders WHERE NOT is_return GROUP BY ALL"
    )
    store.execute(
        f"UPDATE {stage} SET _err = NULL, _refunded = true, "
        f"t_timestamp = coalesce({stage}.t_timestamp, o.timestamp) FROM ({sales}) o "
        f"WHERE {stage}._err.reason = {sql_str(CANCELLED_REASON)} AND "
        f"o.order_id = {stage}.t_order_id AND o.product_id = {stage}.t_product_id AND "
        f"o.quantity = {stage}.t_quantity AND o.unit_price = {stage}.t_unit_price"
    )
    if dated is not None:  # staging checked it against the sale's time, which was missing
        _, early, reason, value = refund_dates.early(dated)
        store.execute(
            f"UPDATE {stage} SET _err = {{'column': {sql_str(dated)}, 'value': {value}, "
            f"'reason': {sql_str(reason)}}} WHERE _err IS NULL AND {early}"
        )


def add_refund_lines(store: Store, stage: str) -> None:
    """Stage the return line of each good sale line marked refunded in full. It shares the
    sale's ``_row`` (its line in the file), so a quarantined or duplicated sale takes its
    return line with it; it is not a row read."""
    suffix = sql_str(order_columns.REFUND_SUFFIX)
    # at the refund, where the file dates it
    dated = refund_dates.return_time(store.columns(stage))
    store.execute(
        f"INSERT INTO {stage} SELECT * REPLACE ({dated}t_order_id || {suffix} AS t_order_id, "
        f"-t_quantity AS t_quantity, true AS t_is_return) FROM {stage} "
        "WHERE _refunded AND _err IS NULL AND t_quantity > 0 AND NOT t_is_return"
    )
