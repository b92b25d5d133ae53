"""Orders files with no buyer id, only the recipient's mobile number (Pinduoduo's 手机, Douyin
抖店's 收件人手机号): each customer is the one-way hash of their number, as a phone number given
as the id is (:mod:`promopilot.data.contact_ids`), the number kept in ``contacts`` only.

A number is read as a phone number given as the id is, and also as Excel or the platform may
write it (:func:`promopilot.data.phone_text.written_sql`): ``1.3812345678E10`` (scientific
notation with every digit) is ``13812345678``, and ``86-13812345678``, ``86 138 1234 5678``,
``8613812345678`` are ``+86`` numbers, so each is the customer ``13812345678`` is
(``13812345678.0``, ``tel:+86...`` and ``+86 138 1234 5678`` were read so already). A North
American number as written there, ``(555) 123-4567``, ``555-123-4567``, ``555.123.4567``, is
the ``+1`` number its shape names: the customer ``+1 555 123 4567`` is, kept in ``contacts``
as its digits, ``5551234567``, no country guessed, till a file names it; dialled with its
leading 1 (``1-555-123-4567``, ``1 (555) 123-4567``) it names it, kept as ``+15551234567``.

A number masked by the platform (``138****5678``) or encrypted (抖店's exports give a
ciphertext where the shop may not see the number, ``$...$`` or ``#...#``) is no identity: its
row is quarantined, saying why and to export the buyer id column; a file where no number is
readable and some are so hidden is refused in one line. A number Excel rounded in scientific
notation (``1.38123E+10``, digits lost) is quarantined, saying to keep the column as text. A
cell that is no mobile number (a landline, a note) is quarantined. The text of such a cell is
kept nowhere. A recipient's name is never used as an id.
"""

from __future__ import annotations

from promopilot.data.phone_text import written_sql
from promopilot.data.rawfile import RawFile
from promopilot.data.store import Store, sql_str
from promopilot.data.synonyms import first_column, normalize
from promopilot.data.words import counted
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


# the hidden kinds of a number (column ``_hidden_phone``): masked, encrypted (抖店's ciphertext,
# its fields cut by $ or #, no digits to read), rounded (Excel's scientific notation, digits lost)
_ENCRYPTED = r"[$#][A-Za-z0-9+/=_$#*-]{15,}"
_ROUNDED = r"[0-9](\.[0-9]+)?[eE]\+?[0-9]{1,2}"
EXPORT_BUYER_ID = "export the buyer id column (买家ID, 下单帐号, 买家会员名)"


def hidden_reason(kind: str, column: str) -> str:
    """The quarantine reason of a row whose number in `column` is hidden (`kind`)."""
    if kind == "rounded":
        return (
            f"{column}: a number Excel wrote in scientific notation, its last digits lost: keep "
            "the column as text (or save the file as .xlsx) and export again"
        )
    how = "masked" if kind == "masked" else "encrypted by the platform"
    return (
        f"{column}: the mobile number is {how}: it cannot tell buyers apart (the file has no "
        f"buyer id column); {EXPORT_BUYER_ID}"
    )


def written_source(source: str, customer: str = "t_customer_id") -> str:
    """SQL: `source` with its staged mobile number column `customer` as :func:`written_sql`
    reads it, before :func:`contact_ids.stage_sql` takes it for a phone number, and the cell
    as written (``_phone_cell``: ``contacts`` keeps ``(555) 123-4567``, read as ``+1``, as
    ``5551234567``, :func:`promopilot.data.phone_text.keep_contacts`)."""
    return (
        f"SELECT * REPLACE ({written_sql(customer)} AS {customer}), {customer} AS _phone_cell "
        f"FROM ({source})"
    )


def phone_column(raw_columns: list[str]) -> str | None:
    """The orders file's mobile number column, read as the customer where no id column is."""
    return first_column(raw_columns, PHONE_IDS)


def is_phone_id(column: str) -> bool:
    """Whether a file column read as ``customer_id`` is a mobile number column."""
    return normalize(column) in _NAMES


def stage_sql(source: str) -> str:
    """SQL: `source` (staged by :func:`contact_ids.stage_sql`) with an id that is no phone
    number left empty (``_no_phone``: quarantined), how a number is hidden where it is
    (``_hidden_phone``: masked, encrypted, rounded), and a masked number's shape, its digits
    written ``x`` (``_masked_phone``: ``xxx****xxxx``)."""
    hidden = (
        "CASE WHEN _id_phone IS NOT NULL THEN NULL "
        f"WHEN regexp_full_match(t_customer_id, {sql_str(_ENCRYPTED)}) THEN 'encrypted' "
        "WHEN contains(t_customer_id, '*') THEN 'masked' "
        f"WHEN regexp_full_match(t_customer_id, {sql_str(_ROUNDED)}) THEN 'rounded' END"
    )
    return (
        "SELECT * REPLACE (CASE WHEN _id_phone IS NULL THEN NULL ELSE t_customer_id END "
        "AS t_customer_id), t_customer_id IS NOT NULL AND _id_phone IS NULL AS _no_phone, "
        f"{hidden} AS _hidden_phone, "
        "CASE WHEN contains(t_customer_id, '*') THEN regexp_replace(t_customer_id, '[0-9]', "
        f"'x', 'g') END AS _masked_phone FROM ({source})"
    )


def check(column: str) -> str:
    """The CASE branches quarantining a row whose number is hidden (:func:`hidden_reason`) or
    none, its text kept nowhere."""
    name = sql_str(column)
    hidden = " ".join(
        f"WHEN _hidden_phone = '{kind}' THEN {{'column': {name}, 'value': CAST(NULL AS VARCHAR), "
        f"'reason': {sql_str(hidden_reason(kind, column))}}}"
        for kind in ("masked", "encrypted", "rounded")
    )
    return (
        f"{hidden} WHEN _no_phone THEN {{'column': {name}, 'value': CAST(NULL AS VARCHAR), "
        f"'reason': {sql_str(NOT_A_NUMBER)}}}"
    )


def note(column: str) -> str:
    """How the customers of such a file were told apart, for the ingest report."""
    return (
        f"customer_id: no buyer id column; customers are told apart by a one-way hash of the "
        f"mobile number in {column!r}, the number kept in contacts only"
    )


def refuse_hidden(store: Store, stage: str, raw: RawFile, column: str) -> None:
    """Refuse, in one line, a file whose numbers are masked (``138****5678``) or encrypted and
    none is readable; where some are, the hidden ones are quarantined (:func:`check`)."""
    hidden = "_hidden_phone IN ('masked', 'encrypted')"
    readable, n, first, n_masked, shape = store.query(
        f"SELECT count(_id_phone), count(*) FILTER (WHERE {hidden}), "
        f"min(_row) FILTER (WHERE {hidden}), count(_masked_phone), "
        f"arg_min(_masked_phone, _row) FROM {stage}"
    ).iloc[0]
    if not n or readable:
        return
    line = int(raw.lines([int(first)])[0])
    if n_masked == n:
        how, why = f"masked ({counted(int(n), 'row')}, as `{shape}`)", "many buyers share one"
    else:
        how = f"{'masked or ' if n_masked else ''}encrypted ({counted(int(n), 'row')})"
        why = "the platform hides them"
    raise InputError(
        f"{raw.label}: {raw.where(line, column)}: the mobile numbers are {how}: such a number "
        f"is no customer id, {why}; {EXPORT_BUYER_ID} or, where the shop may use them, the "
        "unmasked numbers"
    )
