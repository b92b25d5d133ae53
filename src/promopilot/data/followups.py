"""Follow-up reviews (追评): what a customer added to a review days later, in a column of its
own (``追评`` / ``追评内容``, sometimes with ``追评时间``).

The follow-up is kept with its review: appended to the review's text after
:data:`MARKER` and its time, ``很好用 【追评】2026-11-20 已经坏了``. The reviews table keeps one
row per review (its rating is the first opinion's) and nothing is lost; the lexicon scores the
part after the marker as the later opinion (:mod:`promopilot.text.lexicon`).
"""

from __future__ import annotations

import pandas as pd

from promopilot.data import synonyms
from promopilot.data.rawfile import sql_str
from promopilot.data.sql import cell_text, ident
from promopilot.data.store import Store

MARKER = "【追评】"
"""Put between a review and its follow-up in the review's text."""

OTHER_FOLLOWUP = "a different follow-up (追评)"
"""How the reason of a review repeated with another follow-up begins."""

FOLLOWUP_NAMES = ("追评", "追评内容", "追加评论", "追加评价")
FOLLOWUP_TIME_NAMES = ("追评时间", "追加评论时间", "追加评价时间")


def followup_columns(raw_columns: list[str]) -> tuple[str | None, str | None]:
    """The file's follow-up text column and its time column (each None when absent)."""
    by_name = {synonyms.normalize(str(c)): str(c) for c in raw_columns}
    text = next((by_name[n] for n in FOLLOWUP_NAMES if n in by_name), None)
    time = next((by_name[n] for n in FOLLOWUP_TIME_NAMES if n in by_name), None)
    return text, (time if text is not None else None)


def followup_sql(text_expr: str, followup: str, time: str | None) -> str:
    """SQL of a review's text with its follow-up (raw column names `followup`, `time`)
    appended after :data:`MARKER`; the text as it was where there is no follow-up."""
    f = cell_text(ident(followup))
    when = f"{cell_text(ident(time))} || ' '" if time else "NULL"
    text = f"CAST({text_expr} AS VARCHAR)"
    return (
        f"CASE WHEN {f} IS NULL THEN {text} ELSE concat_ws(' ', NULLIF(trim({text}), ''), "
        f"{sql_str(MARKER)} || coalesce({when}, '') || {f}) END"
    )


def with_followups(table: pd.DataFrame, text_column: str) -> tuple[pd.Series, str | None]:
    """The review texts of `table` (text cells) with their follow-ups appended as ingest
    appends them, and the follow-up column's name (None, and the texts as they are, without
    one)."""
    followup, time = followup_columns([str(c) for c in table.columns])
    texts = table[text_column]
    if followup is None:
        return texts, None
    frame = pd.DataFrame(
        {
            "t": texts.to_numpy(dtype=object),
            "f": table[followup].to_numpy(dtype=object),
            "w": table[time].to_numpy(dtype=object) if time else None,
        }
    )
    sql = followup_sql('"t"', "f", "w" if time else None)
    with Store(":memory:") as store, store.frame("followups_in", frame):
        out = store.query(f"SELECT {sql} AS t FROM followups_in")["t"]
    return pd.Series(out.to_numpy(dtype=object), index=texts.index, name=texts.name), followup


def take_added_followups(store: Store, stage: str, stored: str, columns: list[str]) -> int:
    """Stored reviews that a later export repeats with a follow-up added (the same review,
    its text now the stored text then :data:`MARKER`): the stored row makes way for the staged
    one instead of the row being a conflict. `stage` is the staged table (``t_<column>``),
    `stored` the reviews table, `columns` its stored columns; ``ingest_existing`` holds the
    staged rows whose key is stored (``same`` false where the values differ). Returns how many."""
    others = " AND ".join(
        f's.t_{c} IS NOT DISTINCT FROM t."{c}"' for c in columns if c not in ("text", "review_id")
    )
    prefix = f"coalesce(t.text || ' ', '') || {sql_str(MARKER)}"
    store.execute(
        "CREATE OR REPLACE TEMP TABLE ingest_followup AS SELECT s._row, s.t_review_id "
        f'FROM {stage} s JOIN {stored} t ON s.t_review_id = t."review_id" '
        "WHERE s._row IN (SELECT _row FROM ingest_existing WHERE NOT same) "
        f"AND starts_with(s.t_text, {prefix}) AND {others}"
    )
    n = int(store.scalar("SELECT count(*) FROM ingest_followup"))
    if n:
        store.execute(
            f'DELETE FROM {stored} WHERE "review_id" IN (SELECT t_review_id FROM ingest_followup)'
        )
        store.execute(
            "DELETE FROM ingest_existing WHERE _row IN (SELECT _row FROM ingest_followup)"
        )
    store.execute("DROP TABLE ingest_followup")
    return n


def _before(text: str) -> str:
    """SQL: a stored or staged review's own text, before :data:`MARKER` (all of it without)."""
    at = f"strpos({text}, {sql_str(MARKER)})"
    return f"trim(CASE WHEN {at} > 0 THEN left({text}, {at} - 1) ELSE {text} END)"


def _after(text: str) -> str:
    """SQL: a review's follow-up as stored, after :data:`MARKER` (its time, then its text)."""
    return f"substr({text}, strpos({text}, {sql_str(MARKER)}) + {len(MARKER)})"


def settle_followups(store: Store, stage: str, stored: str, columns: list[str]) -> None:
    """A staged review that differs from the stored one by its follow-up alone (its own text,
    rating, customer, product and time the same). A platform allows one 追评 per review, and
    history is never overwritten, so the stored follow-up stays:

    * an earlier export, from before the follow-up (the staged text is the stored text before
      :data:`MARKER`), is a repeat: it adds nothing, as the same file again adds nothing;
    * a different follow-up (an export saved again with the follow-up edited) is quarantined
      saying so: ``a different follow-up (追评) for review R1 is already stored (since
      2026-11-20): ...``, the stored follow-up and the date it was stored named.

    Runs after :func:`take_added_followups`, on ``ingest_existing`` (the staged rows whose key
    is stored, ``same`` false where the values differ)."""
    others = " AND ".join(
        f's.t_{c} IS NOT DISTINCT FROM t."{c}"' for c in columns if c not in ("text", "review_id")
    )
    same_review = (
        f"{_before('s.t_text')} IS NOT DISTINCT FROM {_before('t.text')} "
        f"AND strpos(t.text, {sql_str(MARKER)}) > 0"
    )
    store.execute(
        "CREATE OR REPLACE TEMP TABLE ingest_followup AS SELECT s._row, s.t_review_id, "
        f"strpos(s.t_text, {sql_str(MARKER)}) > 0 AS has_followup, "
        f"{_after('s.t_text')} AS new_followup, {_after('t.text')} AS old_followup, "
        "(SELECT min(i.started_at) FROM ingests i WHERE i.ingest_id = t.ingest_id) AS stored_on "
        f'FROM {stage} s JOIN {stored} t ON s.t_review_id = t."review_id" '
        "WHERE s._row IN (SELECT _row FROM ingest_existing WHERE NOT same) "
        f"AND s._err IS NULL AND {same_review}" + (f" AND {others}" if others else "")
    )
    # the same follow-up with other spaces around it is no other follow-up
    other = "f.has_followup AND f.new_followup IS DISTINCT FROM f.old_followup"
    store.execute(
        f"UPDATE {stage} SET _skip = true FROM ingest_followup f "
        f"WHERE {stage}._row = f._row AND NOT ({other})"
    )
    # the day the review was stored, in the shop's time (the store keeps UTC)
    stored_on = store.local_sql("f.stored_on")
    since = f"coalesce(' (since ' || strftime({stored_on}, '%Y-%m-%d') || ')', '')"
    reason = (
        f"{sql_str(OTHER_FOLLOWUP + ' for review ')} || f.t_review_id || "
        f"{sql_str(' is already stored')} || {since} || "
        f"{sql_str(': text is `')} || f.new_followup || {sql_str('` in the file but `')} || "
        f"f.old_followup || {sql_str('` in the stored row; a review has one follow-up: the ')}"
        f"|| {sql_str('stored one is kept')}"
    )
    store.execute(
        f"UPDATE {stage} SET _err = {{'column': 'text', 'value': f.new_followup, 'reason': "
        f"{reason}}} FROM ingest_followup f WHERE {stage}._row = f._row AND {other}"
    )
    store.execute("DELETE FROM ingest_existing WHERE _row IN (SELECT _row FROM ingest_followup)")
    store.execute("DROP TABLE ingest_followup")
