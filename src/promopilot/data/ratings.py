"""Star ratings as review exports write them (``5星``, ``4 分``, ``5 stars``, ``★★★☆☆``), read
as their number in SQL before staging types the rating; :func:`read_stars` applies the same
rule to a column read outside ingest (``promopilot sentiment --in``). A shop rating on
another scale (1-10, 0-100) names it (``[reviews] rating_scale``, ``ingest --rating-scale``,
``sentiment --rating-scale``): :func:`parse_scale` reads it, :func:`other_scale` says which
one a column of numbers above 5 looks like, :func:`to_stars_sql` maps it onto 1-5 stars."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from promopilot.config import load_review_settings
from promopilot.data.rawfile import RawFile, sql_str
from promopilot.data.sql import ident_name
from promopilot.data.store import Store
from promopilot.exceptions import InputError

STAR_SCALE = (1.0, 5.0)  # the scale the store keeps
# the scales a rating column read as 1-5 stars is taken to be on, by its highest value
OTHER_SCALES = (10, 100)
_SCALE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-|–|~|～|to)\s*(\d+(?:\.\d+)?)\s*$")


def parse_scale(text: str, source: str = "--rating-scale") -> tuple[float, float]:
    """A rating scale written ``LOWEST-HIGHEST`` (``1-10``, ``0-100``; ``~`` or ``to`` also
    separate them) as (lowest, highest). InputError naming `source` and the value otherwise."""
    match = _SCALE.match(str(text))
    low, high = (float(match[1]), float(match[2])) if match else (0.0, 0.0)
    if not match or low >= high:
        raise InputError(
            f"{source} is {text!r}: expected the lowest and highest rating, lowest "
            "first, as LOWEST-HIGHEST, e.g. 1-5, 1-10 or 0-100"
        )
    return low, high


def given_scale(scale: tuple[float, float], source: str = "rating_scale") -> tuple[float, float]:
    """A scale given as (lowest, highest) numbers, as floats; InputError naming `source`
    unless they are two finite numbers, lowest first."""
    try:
        low, high = (float(v) for v in scale)
    except (TypeError, ValueError):
        low, high = 0.0, 0.0
    if not low < high or high - low == float("inf"):
        raise InputError(
            f"{source} is {scale!r}: expected (lowest, highest) rating, lowest first, e.g. (1, 10)"
        )
    return low, high


# the least share of a column's ratings above 5 that makes it look like another scale: a
# 1-10 or 0-100 shop's ratings are mostly above 5; a stars file's one typo (12) is not a scale
# (its row is quarantined, the rest kept)
OTHER_SCALE_SHARE = 0.1


def other_scale(lowest: float, highest: float, above: float = 1.0) -> tuple[int, int] | None:
    """The scale (bottom, top) a column of ratings from `lowest` to `highest`, a share `above`
    of them above 5, looks like: 1-10 or 0-10, 1-100 or 0-100; None when it looks like none
    (negative, above 100, or under a tenth of the ratings above 5 stars:
    :data:`OTHER_SCALE_SHARE`)."""
    if not highest > STAR_SCALE[1] or lowest < 0 or above < OTHER_SCALE_SHARE:
        return None
    top = next((s for s in OTHER_SCALES if highest <= s), None)
    return None if top is None else (0 if lowest < 1 else 1, top)


# how ingest takes a reviews file's scale (:func:`other_scale_refusal`)
INGEST_GIVES = (
    'ingest --rating-scale {scale} or [reviews] rating_scale = "{scale}" in promopilot.toml'
)


def other_scale_refusal(
    where: str, lowest: float, highest: float, scale: tuple[int, int], give: str
) -> str:
    """How a column of ratings read as 1-5 stars that looks like another `scale`
    (:func:`other_scale`) is refused, in one wording for ingest and ``sentiment --in``: `where`
    names the cell holding the `highest` rating (``line 5, column rating``, in a workbook
    ``row 5, column C (评分)``), `give` how the command takes the scale, ``{scale}`` standing for
    it (``ingest --rating-scale {scale}``)."""
    written = f"{scale[0]}-{scale[1]}"
    return (
        f"{where}: {highest:g} is not a star rating 1-5: the ratings run from {lowest:g} to "
        f"{highest:g}, which looks like the scale {written}; give it with "
        + give.format(scale=written)
    )


def ingest_scale() -> tuple[float, float] | None:
    """The scale of the shop's review ratings: the setting ``[reviews] rating_scale`` read by
    :func:`parse_scale`; None when not set (1-5 stars)."""
    text = load_review_settings().rating_scale
    return parse_scale(text, "setting reviews.rating_scale") if text.strip() else None


def to_stars_sql(expr: str, scale: tuple[float, float]) -> str:
    """A rating on `scale` as 1-5 stars, linearly (a float): 1-10's 10 is 5, its 1 is 1,
    its 8 is 1 + 4 * 7 / 9 = 4.11."""
    low, high = scale
    return f"(1 + 4 * ({expr} - {low!r}) / {high - low!r})"


# a number of stars with its unit: 5星, 4 分, 3颗星, 5 stars
STARS = r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:星|分|颗星|(?i:stars?))\s*$"
# the same in Chinese numerals: 五星, 四颗星, 三分
CHINESE_DIGITS = "一二三四五"
CHINESE_STARS = f"[{CHINESE_DIGITS}](?:星|分|颗星)"


def stars_sql(expr: str) -> str:
    """A rating as review exports write it, as its number: ``5星``, ``4 分``, ``5 stars`` ->
    the number; ``五星``, ``四颗星`` -> 5, 4; ``★★★☆☆`` -> the filled stars (3); anything
    else as written."""
    x = f"CAST({expr} AS VARCHAR)"
    digits = ", ".join(sql_str(d) for d in CHINESE_DIGITS)
    return (
        f"CASE WHEN regexp_full_match(trim({x}), '[★☆]+') "
        f"THEN CAST(length({x}) - length(replace({x}, '★', '')) AS VARCHAR) "
        f"WHEN regexp_full_match(trim({x}), {sql_str(CHINESE_STARS)}) "
        f"THEN CAST(list_position([{digits}], substr(trim({x}), 1, 1)) AS VARCHAR) "
        f"ELSE regexp_replace({x}, {sql_str(STARS)}, '\\1') END"
    )


def read_stars(values: pd.Series) -> pd.Series:
    """`values` (text cells) with :func:`stars_sql` applied, same index; missing stays
    missing, anything that is not stars is returned as written."""
    frame = pd.DataFrame({"v": values.astype(object).where(values.notna(), None).to_numpy()})
    with Store(":memory:") as store, store.frame("stars_in", frame):
        out = store.query(f"SELECT {stars_sql('v')} AS v FROM stars_in")["v"]
    return pd.Series(out.to_numpy(dtype=object), index=values.index, name=values.name)


def refuse_other_scale(store: Store, stage: str, raw: RawFile, column: str) -> None:
    """Raise :class:`InputError` when the reviews file's ratings, read as 1-5 stars, are all
    numbers, a tenth or more of them above 5, the highest at most 10 or 100
    (:func:`other_scale`): its 8 out
    of 10 would be quarantined and its 3 out of 10 stored as 3 stars. `stage` is the staged
    table (``t_rating``; ``r_rating`` is kept only where the cell is no number), `column`
    the rating column as named in the file."""
    found = store.query(
        "SELECT count(r_rating) AS no_number, min(t_rating) AS low, max(t_rating) AS high, "
        f"avg(CAST(t_rating > {STAR_SCALE[1]} AS DOUBLE)) AS above, "
        f"arg_max(_row, t_rating) AS row FROM {stage}"
    ).iloc[0]
    if int(found["no_number"]) or pd.isna(found["high"]):
        return
    other = other_scale(float(found["low"]), float(found["high"]), float(found["above"]))
    if other is None:
        return
    line = int(raw.lines(np.array([int(found["row"])]))[0])
    where = raw.where(line, ident_name(column))
    low, high = float(found["low"]), float(found["high"])
    raise InputError(f"{raw.label}: {other_scale_refusal(where, low, high, other, INGEST_GIVES)}")
