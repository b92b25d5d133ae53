"""Orders files with no buyer id, only the recipient's mobile number (Pinduoduo's 手机, Douyin
抖店's 收件人手机号): each customer is the one-way hash of their number, as a phone number given
as the id is (:mod:`promopilot.data.contact_ids`), the number kept in ``contacts`` only.

A number masked by the platform (``138****5678``) is no identity, many buyers share one: such a
file is refused. A cell that is no mobile number (a landline, a note) is quarantined, its text
kept nowhere. A recipient's name is never used as an id.
"""

from __future__ import annotations

from promopilot.data.rawfile import RawFile
from promopilot.data.store import Store, sql_str
from promopilot.data.synonyms import first_column, normalize
from promopilot.exceptions import InputError

# an orders file's recipient or buyer mobile number columns, most specific first
PHONE_IDS = (
    "收件人手机号",  # Douyin 抖店
    "收货人手机号",
    "收件人手机",
    "收货人手机",
    "买家手机号",
    "手机",  # Pinduoduo
    "手机号",
    "手机号码",
    "联系手机",  # Taobao's orders report
    "mobile",
    "phone",
    "phonenumber",
    "billingphone",
)
_NAMES = frozenset(map(normalize, PHONE_IDS))

NOT_A_NUMBER = (
    "not a mobile phone number (the file has no buyer id column: its customers are told apart "
    "by the recipient's number)"
)


def phone_column(raw_columns: list[str]) -> str | None:
    """The orders file's mobile number column, read as the customer where no id column is."""
    return first_column(raw_columns, PHONE_IDS)


def is_phone_id(column: str) -> bool:
    """Whether a file column read as ``customer_id`` is a mobile number column."""
    return normalize(column) in _NAMES


def stage_sql(source: str) -> str:
    """SQL: `source` (staged by :func:`contact_ids.stage_sql`) with an id that is no phone
    number left empty (``_no_phone``: quarantined), and a masked number's shape, its digits
    written ``x`` (``_masked_phone``: ``xxx****xxxx``)."""
    return (
        "SELECT * REPLACE (CASE WHEN _id_phone IS NULL THEN NULL ELSE t_customer_id END "
        "AS t_customer_id), t_customer_id IS NOT NULL AND _id_phone IS NULL AS _no_phone, "
        "CASE WHEN contains(t_customer_id, '*') THEN regexp_replace(t_customer_id, '[0-9]', "
        f"'x', 'g') END AS _masked_phone FROM ({source})"
    )


def check(column: str) -> str:
    """The CASE branch quarantining a row whose number is none, its text kept nowhere."""
    return (
        f"WHEN _no_phone THEN {{'column': {sql_str(column)}, 'value': CAST(NULL AS VARCHAR), "
        f"'reason': {sql_str(NOT_A_NUMBER)}}}"
    )


def note(column: str) -> str:
    """How the customers of such a file were told apart, for the ingest report."""
    return (
        f"customer_id: no buyer id column; customers are told apart by a one-way hash of the "
        f"mobile number in {column!r}, the number kept in contacts only"
    )


def refuse_masked(store: Store, stage: str, raw: RawFile, column: str) -> None:
    """Refuse a file whose numbers are masked (``138****5678``), in one line."""
    n, first, shape = store.query(
        "SELECT count(_masked_phone), min(_row) FILTER (WHERE _masked_phone IS NOT NULL), "
        f"arg_min(_masked_phone, _row) FROM {stage}"
    ).iloc[0]
    if not n:
        return
    line = int(raw.lines([int(first)])[0])
    raise InputError(
        f"{raw.label}: {raw.where(line, column)}: the mobile numbers are masked "
        f"({int(n):,} row(s), as `{shape}`): a masked number is no customer id, many "
        "buyers share one; export the buyer id column (买家ID, 下单帐号, 买家会员名) or, where "
        "the shop may use them, the unmasked numbers"
    )
