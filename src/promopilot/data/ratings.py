"""Star ratings as review exports write them (``5星``, ``4 分``, ``5 stars``, ``★★★☆☆``), read
as their number in SQL before staging types the rating; :func:`read_stars` applies the same
rule to a column read outside ingest (``promopilot sentiment --in``)."""

from __future__ import annotations

import pandas as pd

from promopilot.data.rawfile import sql_str
from promopilot.data.store import Store

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
