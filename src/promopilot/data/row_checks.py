"""Each staged row's checks: the SQL conditions (and their reasons) that make a row's first
problem, per column of its table, for :func:`promopilot.data.staging.stage`."""

from __future__ import annotations

from collections.abc import Mapping

from promopilot.data import chinese_numerals, offer_values, ratings
from promopilot.data.cell_types import EXPECTED
from promopilot.data.rawfile import sql_str
from promopilot.data.schema import TableSpec

TS_MIN, TS_MAX = "1970-01-01", "2100-01-01"
# what happened (a sale, an event, a review) cannot be later than now (a day's grace for clocks
# and zones); campaigns may hold planned dates (an offer that expires next month)
EVENT_TIMES = {("orders", "timestamp"), ("events", "timestamp"), ("reviews", "timestamp")}
# how a spreadsheet writes a long number it rounded: 2.50001E+18
SCIENTIFIC = "[0-9]+(\\.[0-9]+)?[eE]\\+[0-9]+"


def text_column(spec: TableSpec, name: str) -> str:
    """The staged column holding a column's trimmed text: ``r_<col>``, or for text columns,
    whose typed value is their text, ``t_<col>`` (staged once, not twice)."""
    return f"t_{name}" if spec.column(name).type == "str" else f"r_{name}"


def missing_reason(name: str) -> str:
    """The reason of a row without a value in the required column `name`."""
    return f"missing value in required column {name}"


def row_checks(
    spec: TableSpec,
    present: set[str],
    formats: Mapping[str, str] | None = None,
    shipping_fee: float = 0.0,
    rating_scale: tuple[float, float] | None = None,
    offer_numerals: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """(column, SQL condition that is true when the row is bad, reason) in priority order.
    Conditions refer to ``r_<col>`` (trimmed text) and ``t_<col>`` (typed value);
    `shipping_fee`: what an offer written 包邮 is worth (0: refused); `rating_scale`: the
    reviews' ratings (None: 1-5 stars); `offer_numerals`: offer values written with Chinese
    numerals, as digits (:func:`promopilot.data.chinese_numerals.written_numerals`)."""
    checks: list[tuple[str, str, str]] = []
    for col in spec.columns:
        n = col.name
        if col.required and not (spec.name == "reviews" and n == "review_id"):
            checks.append((n, f"{text_column(spec, n)} IS NULL", missing_reason(n)))
        if n not in present:
            continue
        if col.is_id:  # 2.50001E+18: a long number Excel rounded; rows of other ids would merge
            x = text_column(spec, n)
            checks.append(
                (
                    n,
                    f"contains({x}, '+') AND regexp_full_match({x}, {sql_str(SCIENTIFIC)})",
                    "an id in scientific notation (Excel rounds long numbers, so other ids "
                    "read the same): format the column as text before saving, or export again",
                )
            )
        if col.type != "str":
            expected = EXPECTED[col.type]
            if spec.name == "offers" and n == "value":  # 9折, 10% off, 满150减20 are read
                expected = offer_values.EXPECTED
                checks += offer_values.unread_checks(shipping_fee, offer_numerals)  # 包邮, no fee
                checks += chinese_numerals.unread_checks(offer_numerals or {})  # 二三百
            if formats and n in formats:
                expected = f"expected a timestamp in the format {formats[n]} or ISO 8601"
            checks.append((n, f"r_{n} IS NOT NULL AND t_{n} IS NULL", expected))
        if col.type == "timestamp":
            checks.append(
                (
                    n,
                    f"t_{n} < TIMESTAMP '{TS_MIN}' OR t_{n} >= TIMESTAMP '{TS_MAX}'",
                    f"impossible timestamp: expected a date between {TS_MIN[:4]} and {TS_MAX[:4]}",
                )
            )
            if (spec.name, n) in EVENT_TIMES:
                checks.append(
                    (
                        n,
                        f"t_{n} > timezone('UTC', now()) + INTERVAL 1 DAY",
                        "timestamp is in the future",
                    )
                )
        if col.type == "float":
            checks.append((n, f"isnan(t_{n}) OR isinf(t_{n})", "expected a finite number"))
        if col.limit is not None:
            checks.append(
                (
                    n,
                    f"abs(t_{n}) > {col.limit!r}",
                    f"implausible {n}: expected a magnitude of at most {col.limit:,.0f}",
                )
            )
        if col.nonneg:
            cond = f"t_{n} < 0"
            reason = f"negative {n}: expected a value >= 0"
            if spec.name == "orders" and n == "quantity":
                cond += " AND NOT coalesce(t_is_return, false)"
                reason = "negative quantity on a line that is not a return"
            checks.append((n, cond, reason))
    if spec.name == "offers":  # its kind, a percent below 1, amount_off_every's step
        checks += offer_values.checks()
    if spec.name == "reviews" and "rating" in present:
        low, high = rating_scale or ratings.STAR_SCALE
        checks.append(
            (
                "rating",
                f"t_rating < {low!r} OR t_rating > {high!r}",
                f"rating must be between {low:g} and {high:g}"
                + (" (the reviews' rating scale)" if rating_scale else ""),
            )
        )
    if spec.name == "campaigns" and "propensity" in present:
        checks.append(
            (
                "propensity",
                "t_propensity <= 0 OR t_propensity > 1",
                "propensity must be a probability in (0, 1]",
            )
        )
    if spec.name == "orders" and "discount" in present:
        # discount is money off the whole line (docs/shop-folder.md); a return's too
        line_value = "abs(t_quantity) * t_unit_price"
        checks.append(
            (
                "discount",
                f"t_discount > {line_value} * (1 + 1e-9) + 1e-9",  # rounding is no error
                "discount exceeds the line's value (quantity × unit_price)",
            )
        )
    if spec.name == "orders" and "is_return" in present:
        checks.append(
            (
                "quantity",
                "coalesce(t_is_return, false) AND t_quantity > 0",
                "a return line must have a negative quantity",
            )
        )
    return checks
