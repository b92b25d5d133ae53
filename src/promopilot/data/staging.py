"""Steps 2-3 of ingest: stage a file's rows with every value typed in SQL and find each row's
first problem (which becomes its quarantine reason); the column mapping is
:mod:`promopilot.data.column_map`, the typing SQL :mod:`promopilot.data.cell_types`."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from promopilot.data import (
    contact_ids,
    currency,
    line_totals,
    money_signs,
    offer_values,
    order_columns,
    order_discount_beside,
    order_discounts,
    order_status,
    partial_refunds,
    phone_ids,
    ratings,
    refund_dates,
    review_text,
    synonyms,
)
from promopilot.data.cell_types import typed_sql
from promopilot.data.chinese_numerals import written_numerals
from promopilot.data.dates import timestamp_formats
from promopilot.data.discount_rates import refuse_rates
from promopilot.data.followups import followup_columns, followup_sql
from promopilot.data.lines import non_product_sql
from promopilot.data.number_text import writes_decimal_commas
from promopilot.data.order_discounts import spread_sql
from promopilot.data.rawfile import RAW, RawFile, first_line, locate_rows, sql_str
from promopilot.data.row_checks import row_checks, text_column
from promopilot.data.schema import FLOAT_ID, TableSpec
from promopilot.data.sql import cell_text, ident, ident_name
from promopilot.data.store import Store
from promopilot.exceptions import InputError

STAGE = "ingest_stage"
# values stored when a file leaves an optional column empty (applied after the checks)
DEFAULTS = {
    ("orders", "discount"): "coalesce(t_{0}, 0.0)",
    ("orders", "is_return"): "coalesce(t_{0}, false)",
    ("offers", "send_cost"): "coalesce(t_{0}, 0.0)",
    ("offers", "min_spend"): "coalesce(t_{0}, 0.0)",
    # an empty channel means every channel; stored as 'all' so the key compares equal
    ("unsubscribes", "channel"): "coalesce(t_{0}, 'all')",
    ("products", "is_product"): "coalesce(t_{0}, NOT "
    + non_product_sql("t_product_id", "t_title", "t_category")
    + ")",
}


def stage(
    store: Store,
    raw: RawFile,
    spec: TableSpec,
    mapping: Mapping[str, str],
    *,
    detect_dates: bool = True,
) -> list[str]:
    """Create ``STAGE``: one row per staged raw row with typed columns and its first problem;
    return notes for the user on how the file was read.

    An orders file without an ``is_return`` column, or a blank ``is_return``, marks its
    negative quantities as returns. An orders file with a refund status column
    (``退款状态``) gets, for each line refunded in full, its return line; an order status column
    nets ``refunded`` orders the same way and quarantines cancelled ones
    (:mod:`promopilot.data.order_status`); a refunded amount (``退款金额``) nets a partial refund
    (:mod:`promopilot.data.partial_refunds`); an order's discount repeated on each of its lines is
    spread over them (:mod:`promopilot.data.order_discounts`); an orders file with no unit price
    reads it from its line totals (:mod:`promopilot.data.line_totals`). An offer's value written
    9折 or 10% off is read as the fraction off (:mod:`promopilot.data.offer_values`). Ratings
    are read as stars (:mod:`promopilot.data.ratings`), numbers as spreadsheets write them
    (:mod:`promopilot.data.number_text`)."""
    notes: list[str] = []
    if spec.name == "orders" and "quantity" in mapping:
        quantity = f"TRY_CAST(trim(CAST({mapping['quantity']} AS VARCHAR)) AS DOUBLE)"
        derived = f"CASE WHEN {quantity} < 0 THEN 'true' END"
        given = mapping.get("is_return")
        if given is not None:  # a blank is a missing value: as if the column were absent
            text = cell_text(given)
            derived = f"coalesce({text}, {derived})"
        mapping = {**mapping, "is_return": derived}
    scale, rated = None, spec.name == "reviews" and "rating" in mapping
    if rated:  # 5星, 4 分, ★★★☆☆: stars; 1-10 (--rating-scale, [reviews] rating_scale): as stars
        scale = store.rating_scale or ratings.ingest_scale()
        rating_column = mapping["rating"]
        mapping = {**mapping, "rating": ratings.stars_sql(rating_column)}
    followup, followup_time = (
        followup_columns(raw.columns) if spec.name == "reviews" else (None, None)
    )
    if followup is not None and "text" in mapping:  # 追评: appended to its review's text
        mapping = {**mapping, "text": followup_sql(mapping["text"], followup, followup_time)}
        notes.append(f"{followup}: follow-up reviews appended to their reviews' text")
    fee, fee_taken, numerals = 0.0, "false", {}
    if spec.name == "offers":  # 9折, 10% off, 满150减20, 每满150减20, 包邮: the value they mean
        fee = offer_values.shipping_fee()
        numerals = written_numerals(store, raw, mapping)  # 满一百减二十
        fee_taken = offer_values.fee_taken_sql(mapping, fee, numerals)
        mapping = offer_values.value_sql(mapping, fee, numerals)
    if spec.name == "events" and "event" in mapping:  # 浏览, pv, addtocart: view, cart
        mapping = {**mapping, "event": synonyms.event_sql(mapping["event"])}
    present = set(mapping)
    if raw.lazy:  # read in file order (insertion order is preserved)
        parts = ["row_number() OVER () - 1 AS _row"]
    else:
        # rowids of a table created inside a transaction do not start at 0: count from the first
        base = int(store.scalar(f"SELECT coalesce(min(rowid), 0) FROM {RAW}"))
        parts = [f"rowid - {base} AS _row"]
    for col in spec.columns:
        expr = mapping.get(col.name)
        if expr:
            x = f"CAST({expr} AS VARCHAR)"
            # trim only values that need it: checking the ends is twice as fast as trim()
            r = (
                f"CASE WHEN {x} LIKE ' %' OR {x} LIKE '% ' THEN NULLIF(trim({x}), '') "
                f"ELSE NULLIF({x}, '') END"
            )
            if col.is_id:  # 17850.0 (a float column written by pandas) is the id 17850
                r = (
                    f"CASE WHEN {r} LIKE '%.%0' AND regexp_full_match({r}, {sql_str(FLOAT_ID)}) "
                    f"THEN split_part({r}, '.', 1) ELSE {r} END"
                )
        else:
            r = "CAST(NULL AS VARCHAR)"
        parts.append(f"{r} AS {text_column(spec, col.name)}")
    # a row whose every cell is blank (an empty spreadsheet row, `,,,,` in its CSV export) is
    # no data row: dropped below and not counted as read, as DuckDB skips an empty CSV line
    # (concat_ws takes the columns of any type an importer derives; about 60 ms per 300,000
    # rows of 6 columns)
    parts.append("trim(concat_ws('', *COLUMNS(*))) = '' AS _blank")
    if spec.name == "offers":
        parts.append(f"{fee_taken} AS _fee_taken")  # 包邮 valued at the fee: noted
    orders = spec.name == "orders"
    status, refund_sql = order_status.status_columns(raw.columns) if orders else (None, [])
    title = order_columns.title_column(raw.columns) if orders else None
    if title is not None:  # the line's item name: products only the orders name get it
        parts.append(cell_text(ident(title)) + " AS _title")
    parts += order_status.status_parts(status, refund_sql)
    amount, more = partial_refunds.amount_parts(raw.columns if orders else [], bool(refund_sql))
    parts += more  # 退款金额, Refunded Amount: partial refunds netted
    dated = refund_dates.column(raw.columns) if refund_sql or amount is not None else None
    if dated is not None:  # 退款完结时间: return lines dated at the refund (data.refund_dates)
        parts.append(refund_dates.part(dated))
    variant = order_columns.variant_column(raw.columns) if orders else None
    if variant is not None:  # 商品规格: the lines of one product (data.variants)
        parts.append(f"coalesce(trim(CAST({ident(variant)} AS VARCHAR)), '') AS _variant")
    beside = order_discount_beside.column(raw.columns, mapping) if orders else None
    if beside is not None:  # Order Discount beside the line discount: where the lines have none
        parts.append(order_discount_beside.part(beside))
    money = currency.currency_column(raw.columns) if orders else None
    kept = None
    if money is not None:  # Currency, 币种: one currency per store (data.currency)
        wanted, stored = currency.setting(), currency.stored_currency(store)  # read once
        yen = currency.yen_reading(store, raw.source, money, raw.columns, wanted or stored)
        parts.append(currency.stage_part(money, yen.code, wanted or stored))
        notes += [yen.note(money)] if yen.present else []
    totals = line_totals.reading(raw.columns, mapping) if orders else None
    if totals is not None:  # 邮费 beside 用户实付金额: its text
        parts += totals.parts()
    inner = f"SELECT {', '.join(parts)} FROM {raw.source}"
    if money is not None:
        kept = currency.kept_currency(store, inner, raw.label, wanted, stored)
    if kept is not None:
        notes.append(f"{money}: money in {kept}; lines in another currency are quarantined")
    # importers of known layouts (UCI, MovieLens, ...) hand over ISO 8601 already
    formats = timestamp_formats(store, raw, spec, inner, present) if detect_dates else {}
    comma = detect_dates and writes_decimal_commas(store, raw, spec, inner, present)
    typed = ", ".join(
        typed_sql(c.type, f"r_{c.name}", store.timezone, formats.get(c.name), comma)
        + f" AS t_{c.name}"
        for c in spec.columns
        if c.type != "str"
    )
    checks = [
        (col, cond, reason, text_column(spec, col))
        for col, cond, reason in row_checks(spec, present, formats, fee, scale, numerals)
    ]
    if dated is not None:  # read as the order's time is
        typed += ", " + refund_dates.typed(store.timezone, formats.get("timestamp"))
        checks += refund_dates.checks(dated, formats.get("timestamp"))
    if status is not None:
        checks = order_status.with_cancelled_check(checks, status)
    if money is not None:
        checks += currency.checks(money, kept)
    discount = ident_name(mapping["discount"]) if orders and "discount" in present else None
    order_level = discount is not None and order_columns.is_order_discount(discount)
    if order_level:  # Order Discount: one value on each line of an order
        checks.append(order_discounts.differs_check(discount))
    if totals is not None:  # 实付金额, line_total: the unit price from the line's total
        checks = totals.checks(checks)
    case = " ".join(
        f"WHEN {cond} THEN {{'column': {sql_str(col)}, 'value': {value}, "
        f"'reason': {sql_str(reason)}}}"
        for col, cond, reason, value in checks
    )
    customer = ident_name(mapping.get("customer_id", ""))
    guest = order_columns.guest_id(customer) if orders else None
    if guest is not None:  # every guest checkout under one placeholder id: not one customer
        case = (
            f"WHEN t_customer_id = {sql_str(guest)} THEN {{'column': {sql_str(customer)}, "
            "'value': t_customer_id, 'reason': 'guest checkout (no customer account): the id "
            f"{guest} is every guest, not one customer'}} {case}"
        )
    by_phone = orders and phone_ids.is_phone_id(customer)
    if by_phone:  # no buyer id: the mobile number (its hash) is the customer
        case = f"{phone_ids.check(customer)} {case}"
        notes.append(phone_ids.note(customer))
    store.execute(f"DROP TABLE IF EXISTS {STAGE}")
    replaced = [
        f"{expr.format(col)} AS t_{col}"
        for (table, col), expr in DEFAULTS.items()
        if table == spec.name
    ]
    if spec.name == "reviews" and "text" in present:  # "call me 138...": stored as "call me ***"
        replaced.append(f"{review_text.masked_sql('t_text')} AS t_text")
    if scale is not None and scale != ratings.STAR_SCALE:  # kept as the 1-5 stars the store holds
        replaced.append(f"{ratings.to_stars_sql('t_rating', scale)} AS t_rating")
    # the text of a typed column is kept only where typing failed (for the quarantine; the
    # checks above see all of it): a whole column of timestamp text is a lot of memory
    replaced += [
        f"CASE WHEN t_{c.name} IS NULL THEN r_{c.name} END AS r_{c.name}"
        for c in spec.columns
        if c.type != "str"
    ]
    replace = f" REPLACE ({', '.join(replaced)})" if replaced else ""
    source = f"SELECT *{', ' + typed if typed else ''} FROM ({inner})"
    paid_spread = None
    if totals is not None:
        line_totals.refuse_order_totals(store, source, raw.label, totals)
        paid_spread = (
            order_discounts.paid_spread_sql(store, source, raw.label, discount, order_level)
            if totals.paid and discount is not None
            else None
        )
        if paid_spread is not None:  # an order's discount on each line of a paid total
            source = order_discounts.spread_source(source, paid_spread, order_level)
            notes.append(order_discounts.note(discount, order_level, paid=True))
        if beside is not None and totals.paid:  # where the lines carry none: by paid totals
            source = order_discount_beside.beside_sql(source, order_discount_beside.PAID, comma)
        source = f"SELECT * REPLACE ({totals.replace_sql(comma)}) FROM ({source})"
        notes.append(totals.note)
    if by_phone:  # 1.3812345678E10, 86-13812345678: read as 13812345678
        source = phone_ids.written_source(source)
    if "customer_id" in present:  # an e-mail address or phone number as id: its hash
        source = contact_ids.stage_sql(source)
    if by_phone:  # a cell that is no mobile number: no id, quarantined
        source = phone_ids.stage_sql(source)
    spread = (  # an order-level column spread by paid totals above is spread
        spread_sql(store, source, order_level)
        if discount is not None and not (order_level and paid_spread is not None)
        else None
    )
    if spread is not None:  # an order's discount written on each of its lines
        source = order_discounts.spread_source(source, spread, order_level)
        notes.append(order_discounts.note(discount, order_level, paid=False))
    if beside is not None and not (totals is not None and totals.paid):  # by the lines' value
        cut = spread is not None and spread.cut is not None
        source = order_discount_beside.beside_sql(source, order_discount_beside.VALUE, comma, cut)
    sign = money_signs.sign_sql(spec, present, "_currency" if money is not None else None)
    signed = f", {sign} AS _sign" if sign else ""  # $59.00, ¥1,299: the sign the file writes
    sql = (
        f"CREATE TEMP TABLE {STAGE} AS SELECT *{replace}, CASE {case} END AS _err{signed}, "
        f"false AS _skip FROM ({source})"
    )
    if raw.lazy:
        try:
            store.execute(sql)
        except duckdb.Error as error:
            raise InputError(f"{raw.label}: cannot read as a table: {first_line(error)}") from None
        raw.n_rows = int(store.scalar(f"SELECT count(*) FROM {STAGE}"))
        locate_rows(store, raw)
        raw.close()
    else:
        store.execute(sql)
    n_blank = int(store.scalar(f"SELECT count(*) FROM {STAGE} WHERE _blank"))
    if n_blank:
        store.execute(f"DELETE FROM {STAGE} WHERE _blank")
    raw.n_rows -= n_blank  # the rows' lines stay right: _row counts the blank rows
    if by_phone:  # 138****5678 or encrypted only: no identity
        phone_ids.refuse_hidden(store, STAGE, raw, customer)
    if rated and scale is None:  # ratings up to 10 or 100 read as stars: refused
        ratings.refuse_other_scale(store, STAGE, raw, rating_column)
    if orders and "discount" in present:  # 折扣 = 0.9: a rate, not money off (refused)
        refuse_rates(store, STAGE, raw, mapping["discount"])
    if beside is not None:  # Order Discount beside the line discount: read, same or not read
        notes += order_discount_beside.notes(store, STAGE, beside, discount)
    if orders:  # discounts cut to the lines' worth: said before return lines copy the sales
        notes += order_discounts.staged_cuts(store, STAGE, beside or discount, raw.label, kept)
    if status is not None:  # cancelled after an earlier export stored it as a sale: netted
        order_status.net_stored_sales(store, STAGE, dated)
    if amount is not None:
        partial_refunds.net_amounts(store, STAGE, amount, comma)
    if refund_sql or amount is not None:
        order_status.add_refund_lines(store, STAGE)
    if spec.name == "offers":
        notes += offer_values.fee_note(store, STAGE, "_fee_taken", fee)
        notes += offer_values.drop_fixed_caps(store, STAGE)  # a cap on 满150减20: not stored
    if spec.name == "reviews":  # review_id, else derived from (customer, product, timestamp)
        store.execute(
            f"UPDATE {STAGE} SET t_review_id = 'r-' || md5(concat_ws('|', t_customer_id, "
            f"t_product_id, coalesce(CAST(t_timestamp AS VARCHAR), ''))) WHERE t_review_id IS NULL"
        )
    return notes
