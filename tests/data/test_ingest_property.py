"""Property: for any messy events or orders file, every record is either loaded or quarantined
(at its own line), exactly the planted bad rows are quarantined, and a second ingest of the
same file adds nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promopilot.data.ingest import FileRefused, ingest
from promopilot.data.store import Store

COLUMNS = {
    "events": ["timestamp", "customer_id", "product_id", "event", "value", "session_id"],
    "orders": [
        "order_id",
        "timestamp",
        "customer_id",
        "product_id",
        "quantity",
        "unit_price",
        "discount",
        "coupon_code",
    ],
}
KINDS = ["good"] * 4 + ["same", "conflict", "added", "bad_type", "bad_time", "blank", "malformed"]
TEXT = st.text(alphabet='ab c,"\n中文é1', max_size=6)
IDS = st.sampled_from(["c1", "c2", " c3 ", "客户4", "c,5", 'c"6', "c\n7"])
PRODUCTS = st.sampled_from(["p1", "p2", "商品3", "p,4", 'p"5'])
STAMP_STYLES = [
    "{:%Y-%m-%dT%H:%M:%S}",
    "{:%Y-%m-%d %H:%M:%S}",
    "{:%Y-%m-%dT%H:%M}Z",
    "{:%Y-%m-%d %H:%M:%S}+00:00",
    " {:%Y-%m-%dT%H:%M:%S} ",
]
BAD_STAMPS = ["2025-02-30 10:00:00", "not a time", "2025-13-01", "1899-12-31", "31/12/2025"]


def _good(draw, table: str, i: int) -> dict[str, str]:
    import datetime as dt

    # one distinct minute per good row: keys never collide by accident
    when = dt.datetime(2025, 1, 1) + dt.timedelta(minutes=i)
    row = {
        "timestamp": draw(st.sampled_from(STAMP_STYLES)).format(when),
        "customer_id": draw(IDS),
        "product_id": draw(PRODUCTS),
    }
    if table == "events":
        row |= {
            "event": draw(st.sampled_from(["view", "cart", "purchase", " rating "])),
            "value": draw(st.sampled_from(["", "1", "4.5", " 3 ", "-2"])),
            "session_id": draw(TEXT),
        }
    else:
        price = draw(st.sampled_from(["9.99", "0", "1e2", "12"]))
        row |= {
            "order_id": f"o{i}",
            "quantity": draw(st.sampled_from(["1", "2", " 3 ", "0.5"])),
            "unit_price": price,
            # a good discount is at most the line's value (0.5 x 9.99 >= 1.5)
            "discount": draw(st.sampled_from(["", "0"] if price == "0" else ["", "0", "1.5"])),
            "coupon_code": draw(TEXT),
        }
    return row


@st.composite
def messy_files(draw):
    """(table, rows, line endings, encoding): rows are (fields, outcome), and an outcome is
    new, same (an exact repeat: loaded, adds nothing), merged (an order line listing its
    product again at another quantity: loaded, added to the first) or bad (quarantined)."""
    table = draw(st.sampled_from(sorted(COLUMNS)))
    n = draw(st.integers(1, 25))
    rows: list[tuple[list[str], str]] = []
    good: list[dict[str, str]] = []
    conflicted: set[str] = set()  # order ids whose lines disagree: none of them is merged
    added: list[int] = []  # rows listing an order's product again, at another quantity
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        if kind in ("same", "conflict", "added") and not good:
            kind = "good"
        if kind == "added" and table == "events":
            kind = "conflict"
        row, outcome = _good(draw, table, i), "bad"
        if kind == "good":
            good.append(row)
            outcome = "new"
        elif kind == "same":  # an exact repeat of an earlier good row
            row, outcome = dict(draw(st.sampled_from(good))), "same"
        elif kind == "conflict":  # an earlier good row's key with other values
            row = dict(draw(st.sampled_from(good)))
            if table == "events":
                row["session_id"] = f"other-{i}"
            else:  # another customer: not a line of the same order
                row["customer_id"] = f"other-{i}"
                conflicted.add(row["order_id"])
        elif kind == "added":  # the same order's product again, at a quantity of its own
            row, outcome = dict(draw(st.sampled_from(good))), "merged"
            row["quantity"] = f"{float(row['quantity']) + 1 + i}"
            added.append(len(rows))
        elif kind == "bad_type":
            row["value" if table == "events" else "quantity"] = "abc"
        elif kind == "bad_time":
            row["timestamp"] = draw(st.sampled_from(BAD_STAMPS))
        elif kind == "blank":
            row[draw(st.sampled_from(["customer_id", "product_id", "timestamp"]))] = "  "
        fields = [row[c] for c in COLUMNS[table]]
        if kind == "malformed":
            fields = [*fields, "extra"] if draw(st.booleans()) else fields[:-1]
        rows.append((fields, outcome))
    for k in added:  # beside a line that disagrees, nothing merges: the dedupe quarantines
        if rows[k][0][0] in conflicted:
            rows[k] = (rows[k][0], "bad")
    style = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    endings = [
        draw(st.sampled_from(["\n", "\r\n", "\r"])) if style == "mixed" else style
        for _ in range(n + 1)
    ]
    if draw(st.booleans()):  # no line break after the last row
        endings[-1] = ""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return table, rows, endings, encoding


def _field(text: str) -> str:
    if any(c in text for c in ',"\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _write(path: Path, table: str, rows, endings: list[str], encoding: str) -> list[int]:
    """Write the file; return the line each data row starts on."""
    records = [",".join(COLUMNS[table])] + [
        ",".join(_field(f) for f in fields) for fields, _ in rows
    ]
    parts, starts, line = [], [], 1
    for k, (record, end) in enumerate(zip(records, endings, strict=True)):
        if k:
            starts.append(line)
        parts.append(record + end)
        line += record.count("\n") + (1 if end else 0)
    path.write_bytes("".join(parts).encode(encoding))
    return starts


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(messy_files())
def test_messy_files_lose_nothing_and_reingest_adds_nothing(messy):
    check_messy_file(messy)


@settings(
    max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(messy_files())
def test_a_few_messy_files_lose_nothing(messy):
    """The quick run of the property above (``make test``); CI runs all 30 examples."""
    check_messy_file(messy)


def check_messy_file(messy) -> None:
    """Every row is loaded or quarantined at its own line; ingesting again adds nothing."""
    table, rows, endings, encoding = messy
    with tempfile.TemporaryDirectory() as tmp:  # a fresh file and store per example
        path = Path(tmp) / f"{table}.csv"
        starts = _write(path, table, rows, endings, encoding)
        with Store(":memory:") as store:
            if all(outcome == "bad" for _, outcome in rows):  # nothing would load: refused
                with pytest.raises(FileRefused) as refused:
                    ingest(store, path)
                assert path.name in str(refused.value)
                assert store.count(table) == 0 and store.count("quarantine") == 0
                return
            report = ingest(store, path)
            (f,) = report.files
            assert f.n_read == len(rows)
            assert f.n_loaded + f.n_quarantined == f.n_read
            outcomes = [outcome for _, outcome in rows]
            assert f.n_new == outcomes.count("new") == store.count(table)
            assert f.n_loaded == len(outcomes) - outcomes.count("bad")
            bad_lines = sorted(line for line, o in zip(starts, outcomes, strict=True) if o == "bad")
            assert sorted(store.query("SELECT line FROM quarantine")["line"]) == bad_lines
            assert store.count("quarantine") == f.n_quarantined

            again = ingest(store, path).files[0]
            assert again.n_new == 0 and store.count(table) == f.n_new
            assert (again.n_read, again.n_loaded, again.n_quarantined) == (
                f.n_read,
                f.n_loaded,
                f.n_quarantined,
            )
