"""Order lines that give a line's total instead of a unit price, as many exports do: a paid line
total (``line_total``, ``实付金额``: after the line's discount) or a line subtotal before the
discount (``line_subtotal``, ``商品总价``, ``小计``, ``金额``).

Read only in an orders file with no unit price column: the unit price is
``(total + discount) / quantity`` from a paid total, ``subtotal / quantity`` from a subtotal
(with a paid total beside it and no discount column, the discount is their difference), kept
to 6 decimals. What the buyer paid for the line with its postage (Pinduoduo's ``用户实付金额``:
the subtotal plus postage less the shop's and the platform's discounts) is read only beside a
subtotal, as its discount: ``subtotal - (paid - postage)``, the postage (``邮费``, ``运费``)
taken off where the file gives it, Pinduoduo's payment discount (``多多支付立减金额``, given by
its payment, not the shop) and the platform's share of the discount (``平台优惠折扣``, given by
Pinduoduo, not the shop) added back, and at least 0: the shop's discount (the shop's and
the platform's together where the file does not give the platform's share). Pinduoduo's
``店铺优惠折扣`` (the shop's own share of the discount, a discount column:
:mod:`promopilot.data.synonyms`) is the discount where the file has it, beside ``用户实付金额``
too, which is then not read (the platform's share, ``平台优惠折扣``, is not the shop's money off;
a note says so). A quantity of 0 gives no price and is quarantined. A bare ``Total`` or
``Subtotal`` is never read: in Shopify's export and many others it is the order's.

An order's total written on each of its lines (or on one of them) is not a line's and would
count the order once per line, so such a file is refused: when at least two orders hold two or
more products with an amount, and in every such order all of them carry one same amount (and
the orders' amounts are not all one value: a shop selling everything at one price is not
refused), or every such order gives an amount on one line only.
"""

from __future__ import annotations

from dataclasses import dataclass

from promopilot.data import synonyms
from promopilot.data.number_text import number_sql
from promopilot.data.sql import cell_text, ident, ident_name
from promopilot.data.store import Store
from promopilot.exceptions import InputError

# normalized names (synonyms.normalize); `total` and `subtotal` alone are the order's
PAID = ("linetotal", "实付金额", "实付款", "商品实付金额")
SUBTOTAL = ("linesubtotal", "商品总价", "商品金额", "小计", "金额")
# paid by the buyer with the postage: read beside a subtotal only, as its discount
BUYER_PAID = ("用户实付金额",)
POSTAGE = ("邮费", "运费")
# the staged text of the postage column
POSTAGE_TEXT = "_postage"
# Pinduoduo's payment discount: what the buyer paid (BUYER_PAID) takes it off too, but it is
# none of the shop's (the export gives the shop's share apart: 店铺优惠折扣; the order API
# lists duo_duo_pay_reduction apart from discount_amount), so it is added back
PAY_REDUCTION = ("多多支付立减金额",)
PAY_REDUCTION_TEXT = "_pay_reduction"
# Pinduoduo's platform share of a line's discount: what the buyer paid takes it off too, but the
# platform gives it, not the shop (the order API: discount_amount = platform_discount +
# seller_discount + a group leader's free-order discount), so it is added back as well
PLATFORM_DISCOUNT = ("平台优惠折扣",)
PLATFORM_DISCOUNT_TEXT = "_platform_discount"
# the shop's own share of a line's discount (a discount column), read before BUYER_PAID
SHOP_DISCOUNT = ("店铺优惠折扣",)


@dataclass(frozen=True)
class LineTotals:
    """How an orders file's unit price is read from its line totals."""

    column: str  # the file's column the unit price comes from
    paid: bool  # True: after the line's discount (line_total); False: before (line_subtotal)
    paid_column: str | None = None  # a paid total beside a subtotal, read as subtotal - discount
    buyer_paid: bool = False  # paid_column is what the buyer paid with the postage (BUYER_PAID)
    postage_column: str | None = None  # the postage in it, staged as POSTAGE_TEXT
    # the payment discount it takes off (PAY_REDUCTION), staged as PAY_REDUCTION_TEXT
    reduction_column: str | None = None
    # the platform's share of the discount it takes off (PLATFORM_DISCOUNT), staged as
    # PLATFORM_DISCOUNT_TEXT
    platform_column: str | None = None
    # BUYER_PAID beside the shop's discount (SHOP_DISCOUNT), which is read instead: (the shop's
    # discount column, what the buyer paid)
    unread: tuple[str, str] | None = None

    def replace_sql(self, decimal_comma: bool = False) -> str:
        """The REPLACE clause turning the typed total (``t_unit_price``) into a unit price."""
        if self.paid:  # a return's total and quantity are negative, its discount positive
            total = "t_unit_price + sign(t_quantity) * coalesce(t_discount, 0)"
        else:
            total = "t_unit_price"
        parts = [f"round(({total}) / NULLIF(t_quantity, 0), 6) AS t_unit_price"]
        if self.paid_column is not None and self.buyer_paid:  # less the postage, at least 0
            postage = self._amount(POSTAGE_TEXT, self.postage_column, decimal_comma)
            reduction = self._amount(PAY_REDUCTION_TEXT, self.reduction_column, decimal_comma)
            platform = self._amount(PLATFORM_DISCOUNT_TEXT, self.platform_column, decimal_comma)
            reduction = f"({reduction} + {platform})"
            parts.append(
                "greatest(round(sign(t_quantity) * (t_unit_price - (t_discount - "
                f"sign(t_quantity) * ({postage} - {reduction}))), 6), 0) AS t_discount"
            )
        elif self.paid_column is not None:  # t_discount holds the paid total
            parts.append("round(sign(t_quantity) * (t_unit_price - t_discount), 6) AS t_discount")
        return ", ".join(parts)

    @staticmethod
    def _amount(staged: str, column: str | None, decimal_comma: bool) -> str:
        """SQL: the amount in a staged text column (0 where blank or unreadable, or where the
        file has no such `column`)."""
        if column is None:
            return "0"
        return f"coalesce(TRY_CAST({number_sql(staged, decimal_comma)} AS DOUBLE), 0)"

    def parts(self) -> list[str]:
        """The staged columns the reading needs beside the mapped ones: the texts of the
        postage, of the payment discount and of the platform's share of the discount."""
        named = (
            (self.postage_column, POSTAGE_TEXT),
            (self.reduction_column, PAY_REDUCTION_TEXT),
            (self.platform_column, PLATFORM_DISCOUNT_TEXT),
        )
        return [f"{cell_text(ident(col))} AS {staged}" for col, staged in named if col]

    @property
    def note(self) -> str:
        if self.paid:
            how = f"the paid line total {self.column!r}: (total + discount) / quantity"
        else:
            how = f"the line subtotal {self.column!r} before discount: subtotal / quantity"
        note = f"unit_price: read from {how}, to 6 decimals"
        if self.paid_column is not None and self.buyer_paid:
            less = f" less its postage {self.postage_column!r}" if self.postage_column else ""
            back = []
            if self.reduction_column:
                back.append(
                    f"its payment discount {self.reduction_column!r} (Pinduoduo's payment "
                    "gives it, not the shop)"
                )
            if self.platform_column:
                back.append(
                    f"the platform's share {self.platform_column!r} (Pinduoduo gives it, not "
                    "the shop)"
                )
            if back:
                less += f" and with {' and '.join(back)} added back"
            whose = (
                "the shop's discount"
                if self.platform_column
                else "the shop's and the platform's discounts together"
            )
            note += (
                f"; discount: {self.column!r} less what the buyer paid, {self.paid_column!r}"
                f"{less}, at least 0 ({whose})"
            )
        elif self.paid_column is not None:
            note += f"; discount: {self.column!r} less the paid total {self.paid_column!r}"
        if self.unread is not None:
            shop, buyer = self.unread
            note += (
                f"; discount: {shop!r}, the shop's own share, not {self.column!r} less what the "
                f"buyer paid, {buyer!r} (which takes the platform's share off too)"
            )
        return note

    def checks(self, checks: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
        """The staging checks (column, condition, reason, value) with a quantity of 0
        quarantined before the price is read, and the price's (and a discount read from a paid
        total's) missing or unreadable value named as the file's column."""
        named = {"unit_price": self.column, "discount": self.paid_column}
        zero = (
            "quantity",
            "t_quantity = 0",
            f"quantity is 0: the line total {self.column!r} gives no unit price",
            "r_quantity",
        )
        out: list[tuple[str, str, str, str]] = []
        for col, cond, reason, value in checks:
            if col == "unit_price" and zero not in out:
                out.append(zero)
            if named.get(col) and reason.startswith(("expected", "missing")):
                reason = f"{reason} (read from the line total {named[col]!r})"
            out.append((col, cond, reason, value))
        return out


def _first(raw_columns: list[str], names: tuple[str, ...]) -> str | None:
    """The file's first column (in the order of `names`) whose normalized name is one of them."""
    by_name = {}
    for column in raw_columns:
        by_name.setdefault(synonyms.normalize(column), column)
    return next((by_name[n] for n in names if n in by_name), None)


def find(raw_columns: list[str]) -> tuple[str | None, str | None]:
    """The file's line subtotal and paid line total columns (either may be None)."""
    return _first(raw_columns, SUBTOTAL), _first(raw_columns, PAID)


def price_columns(raw_columns: list[str], found: dict[str, str]) -> dict[str, str]:
    """Columns to add to an orders file's matched ``found`` columns when it has no unit price:
    ``unit_price`` from a line subtotal or paid total, ``discount`` from a paid total beside a
    subtotal (where no discount column is given). Empty when there is nothing to read."""
    if "unit_price" in found:
        return {}
    subtotal, paid = find(raw_columns)
    if subtotal is not None:
        paid = paid if paid is not None else _first(raw_columns, BUYER_PAID)
        if paid is not None and "discount" not in found:
            return {"unit_price": subtotal, "discount": paid}
        return {"unit_price": subtotal}
    return {"unit_price": paid} if paid is not None else {}


def reading(raw_columns: list[str], mapping: dict[str, str]) -> LineTotals | None:
    """How the staged file's unit price is read from line totals, or None (a unit price)."""
    price = ident_name(mapping.get("unit_price", ""))
    subtotal, paid = find(raw_columns)
    if price and price == subtotal:
        discount = ident_name(mapping.get("discount", ""))
        buyer = _first(raw_columns, BUYER_PAID) if paid is None else None
        if buyer is not None and discount == buyer:  # with its postage: less it, at least 0
            postage = _first(raw_columns, POSTAGE)
            reduction = _first(raw_columns, PAY_REDUCTION)
            return LineTotals(
                subtotal,
                False,
                buyer,
                buyer_paid=True,
                postage_column=postage,
                reduction_column=reduction,
                platform_column=_first(raw_columns, PLATFORM_DISCOUNT),
            )
        from_paid = paid if discount == paid else None
        shop = discount if synonyms.normalize(discount) in SHOP_DISCOUNT else None
        if buyer is not None and shop is not None:  # the shop's share beside what was paid
            return LineTotals(subtotal, False, unread=(shop, buyer))
        return LineTotals(subtotal, paid=False, paid_column=from_paid)
    if price and price == paid:
        return LineTotals(paid, paid=True)
    return None


def refuse_order_totals(store: Store, typed: str, label: str, totals: LineTotals) -> None:
    """Refuse a file whose line totals are the order's (see the module's docstring), from the
    typed rows of SQL `typed` (``t_order_id``, ``t_product_id``, ``t_unit_price``: the total)."""
    found = store.query(
        "SELECT count(*) AS orders, "
        "count(*) FILTER (WHERE given > 1 AND low = high) AS same, "
        "count(DISTINCT low) FILTER (WHERE given > 1 AND low = high) AS amounts, "
        "count(*) FILTER (WHERE given = 1 AND lines > 1) AS one_line, "
        "arg_min(t_order_id, t_order_id) AS example, arg_min(low, t_order_id) AS amount, "
        "arg_min(given, t_order_id) AS n FROM ("
        "SELECT t_order_id, min(t_unit_price) AS low, max(t_unit_price) AS high, "
        "count(t_unit_price) AS given, count(*) AS lines, "
        "count(DISTINCT t_product_id) FILTER (WHERE t_unit_price IS NOT NULL) AS products "
        f"FROM ({typed}) WHERE t_order_id IS NOT NULL GROUP BY t_order_id "
        "HAVING count(DISTINCT t_product_id) > 1) "
        "WHERE products > 1 OR (given = 1 AND lines > 1)"
    ).iloc[0]
    orders = int(found["orders"])
    if orders < 2:
        return
    col = totals.column
    fix = "export each line's own amount (or a unit price column) to read its lines"
    if int(found["same"]) == orders and int(found["amounts"]) > 1:
        raise InputError(
            f"{label}: {col!r} is the order's total, not the line's: every order of several "
            f"products carries one same {col!r} on all of its lines (order {found['example']}: "
            f"{found['amount']:,.2f} on {int(found['n'])} lines): {fix}"
        )
    if int(found["one_line"]) == orders:
        raise InputError(
            f"{label}: {col!r} is the order's total, not the line's: every order of several "
            f"products gives it on one of its lines only (order {found['example']}): {fix}"
        )
