"""Review texts with the e-mail addresses and phone numbers in them masked, in SQL.

A customer may write their address or number into a review ("call me 1-555-123-4567",
"加我微信 13812345678"). Review texts feed the sentiment model and are shown in reports, so
ingest stores them with every e-mail address and phone number written ``***``
(:func:`masked_sql`), the rest of the text as written; a store an older version wrote has
its review texts masked once when it is opened (:mod:`promopilot.data.text_migration`);
``promopilot sentiment`` writes a file's texts masked so too (:func:`masked_texts`).

The numbers and addresses are those :data:`promopilot.data.contact_ids.IN_TEXT` finds in a
rejected line. DuckDB's regular expressions (RE2) have no look-behind or look-ahead: each
one is matched as the character before or after it (or the text's start or end), kept by
the replacement; a number right after a masked one (``13812345678,13912345678``: the comma
taken as the first one's end) is masked by the next pass (three in all: a text of four or
more addresses and numbers run together with no space between them may keep its fourth). A
North American number with its leading 1 (``1 555-123-4567``) is masked by passes of its own
first, so that no pass finds the number without its 1 (``13812345678 1 555-123-4567`` is
``*** ***``, not ``*** 1 ***``). An
address is taken without Chinese characters or full-width punctuation before or after it
(``邮箱ann@example.com，谢谢`` keeps ``邮箱`` and ``，谢谢``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from promopilot.data.contact_patterns import (
    CHINA_MOBILE,
    INTERNATIONAL,
    INTERNATIONAL_KNOWN,
    NATIONAL,
    NORTH_AMERICA_ONE,
    NORTH_AMERICA_ONE_TEXT,
    address_part,
)
from promopilot.data.sql import sql_str

MASK = "***"
# Python's \s is any Unicode space; RE2's ASCII only: the others named (\p{Z}, U+001C-1F, U+85)
_SPACE = r"\s\p{Z}\x{1c}-\x{1f}\x{85}"
# an address takes in no Chinese text or full-width punctuation glued to it, as IN_TEXT
_PART = address_part(_SPACE)
_EMAIL = rf"{_PART}@{_PART}\.[A-Za-z]{{2,}}"
# a national number's look-behind and look-ahead in IN_TEXT, as groups
_BEFORE = r"(^|[^0-9A-Za-z_#.,+/-])"
_AFTER = r"($|[^0-9A-Za-z_.,/-]|[-.,/](?:$|[^0-9]))"
# each alternative of IN_TEXT, its look-behind and look-ahead as groups the replacement keeps
# (an international number ends where its digits do, a +86 mobile or +1 number at its
# country's length: INTERNATIONAL_KNOWN; one glued to more digits is taken as far as it goes)
PATTERN = (
    f"{_EMAIL}"
    rf"|(^|[^0-9])(?:{INTERNATIONAL_KNOWN}|{INTERNATIONAL})($|[^0-9])"
    rf"|(^|[^0-9])(?:{INTERNATIONAL})"
    rf"|(^|[^0-9])(?:{CHINA_MOBILE})($|[^0-9])"
    rf"|{_BEFORE}(?:{NATIONAL}){_AFTER}"
)
# the groups before a match (1, 3, 4, 6), the mask, the groups after it (2, 5, 7): a group of
# another alternative is empty
_REWRITE = rf"\1\3\4\6{MASK}\2\5\7"
# a North American number with its leading 1 (1 555-123-4567, 1 (555) 123-4567), masked
# before the rest: right after a number whose look-ahead took the space before its 1
# (13812345678 1 555-123-4567), PATTERN would find the number without it ("*** 1 ***")
LEADING_ONE = rf"{_BEFORE}(?:{NORTH_AMERICA_ONE_TEXT}|{NORTH_AMERICA_ONE}){_AFTER}"
# SQL: the text may hold an address or number (the usual review cannot: not rewritten)
_MAY_HOLD = r"'@|[+]|1[3-9][0-9]|0[1-9]|[0-9]{3}[-.)]|1 [2-9][0-9]{2} [0-9]{3} '"


def masked_sql(text: str) -> str:
    """SQL: the text `text` (SQL, text or NULL) with every e-mail address and phone number in
    it written ``***``, anything else as written; NULL stays NULL."""
    masked = text
    for _ in range(2):  # two in a row: the second's look-behind was the first's look-ahead
        masked = f"regexp_replace({masked}, {sql_str(LEADING_ONE)}, '\\1{MASK}\\2', 'g')"
    for _ in range(3):
        masked = f"regexp_replace({masked}, {sql_str(PATTERN)}, {sql_str(_REWRITE)}, 'g')"
    # one pass of PATTERN (which finds whatever LEADING_ONE does) before the five: a text
    # with none, such as a quarantined row of dates and amounts, is not rewritten
    holds = f"regexp_matches({text}, {_MAY_HOLD}) AND regexp_matches({text}, {sql_str(PATTERN)})"
    return f"CASE WHEN {holds} THEN {masked} ELSE {text} END"


def masked_texts(texts: pd.Series) -> pd.Series:
    """`texts` (cells of a review file: text, or missing) as :func:`masked_sql` masks them, in
    one query of an in-memory DuckDB; a missing cell stays as it is, the index is kept."""
    frame = pd.DataFrame({"t": [t if isinstance(t, str) else None for t in texts]})
    with duckdb.connect() as con:
        con.register("texts", frame)
        masked = con.execute(f"SELECT {masked_sql('t')} FROM texts").fetchnumpy()
    out = pd.Series(list(next(iter(masked.values()))), index=texts.index, dtype=object)
    return out.where(frame["t"].notna().to_numpy(), texts)
