"""The dashboard's segments page shows the profile's named segments as the profile last kept
them in the store (name and description in the page's language, size, share, the profile's
date), and says when none is kept yet; it showed only the RFM grid."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.profile.build import build_profile
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state
from promopilot.synth.shop import make_shop
from tests.serve.conftest import ADMIN

ZONE = "Asia/Shanghai"  # kept times are UTC, shown in the shop's zone


@pytest.fixture(scope="module")
def shop_stores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A synthetic shop of 600 customers ingested (``ingested``) and then profiled once
    (``profiled``, with the profile's segment table and date)."""
    root = tmp_path_factory.mktemp("named-segments")
    folder = make_shop(600, seed=3).write(root / "shop")
    ingested, profiled = root / "ingested.duckdb", root / "profiled.duckdb"
    with Store(ingested, timezone=ZONE) as store:
        ingest(store, folder)
    shutil.copy(ingested, profiled)
    with Store(profiled, timezone=ZONE) as store:
        profile = build_profile(store, evaluate=False)
        ids = set(store.query("SELECT customer_id FROM customers")["customer_id"])
    return {
        "ingested": ingested,
        "profiled": profiled,
        "segments": profile.segments,
        "as_of": profile.as_of,
        "ids": ids,
    }


def copied(path: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "shop.duckdb"
    shutil.copy(path, copy)
    return Store(copy, timezone=ZONE)


def pages(store: Store) -> dict[str, str]:
    app = create_app(store, ServeConfig.from_keys([ADMIN]), state=build_state(store))
    with TestClient(app) as client:
        client.post("/login", data={"key": ADMIN})
        return {lang: client.get(f"/segments?lang={lang}").text for lang in ("en", "zh")}


def named_rows(page: str) -> list[tuple[str, ...]]:
    """(name, customers, share, description) of each row of the named segments' table."""
    table = page.split('id="named-segments"')[1].split("</table>")[0]
    cells = re.findall(
        r'<td class="name">([^<]*)</td><td class="customers">([^<]*)</td>'
        r'<td class="share">([^<]*)</td><td class="description">([^<]*)</td>',
        table,
    )
    return [tuple(unescape(c) for c in row) for row in cells]


def test_the_segments_page_shows_the_profiles_named_segments_in_both_languages(
    shop_stores, tmp_path
):
    segments = shop_stores["segments"]
    with copied(shop_stores["profiled"], tmp_path) as store:
        shown = pages(store)
        as_of = store.local_text(shop_stores["as_of"])
    english, chinese = named_rows(shown["en"]), named_rows(shown["zh"])
    assert [r[0] for r in english] == segments["segment"].tolist()  # largest first
    assert [r[3] for r in english] == segments["description"].tolist()
    assert [r[0] for r in chinese] == segments["segment_zh"].tolist()
    assert [r[3] for r in chinese] == segments["description_zh"].tolist()
    assert any(re.search("[\u4e00-\u9fff]", r[0]) for r in chinese)  # Chinese names, shown
    for rows in (english, chinese):
        assert [int(r[1].replace(",", "")) for r in rows] == segments["customers"].tolist()
        assert [r[2] for r in rows] == [f"{s:.1%}" for s in segments["share"]]
    assert f"as of {as_of}" in shown["en"] and f"截至 {as_of}" in shown["zh"]
    assert "600 customers" in shown["en"] and "共 600 位客户" in shown["zh"]
    for page in shown.values():  # the profile's date is the data's: nothing older to note
        assert 'id="named-none"' not in page and 'id="named-older"' not in page
        assert 'id="segments"' in page  # the RFM grid stays, below


def test_the_segments_page_says_when_no_named_segments_are_kept(shop_stores, tmp_path):
    with copied(shop_stores["ingested"], tmp_path) as store:
        shown = pages(store)
    assert "run `promopilot profile` to name segments" in shown["en"]
    assert "运行 `promopilot profile` 为客户分群命名" in shown["zh"]
    for page in shown.values():
        assert 'id="named-segments"' not in page and 'id="segments"' in page


def test_the_profile_keeps_its_segment_table_without_any_customer(shop_stores, tmp_path):
    from promopilot.data.queries.segments import latest_segments

    segments = shop_stores["segments"]
    with copied(shop_stores["profiled"], tmp_path) as store:
        kept = latest_segments(store)
        kept_at = store.local_text(kept["kept_at"].iloc[0], to="second")
    columns = ["segment", "segment_zh", "description", "description_zh", "customers", "share"]
    pd.testing.assert_frame_equal(
        kept[columns].reset_index(drop=True),
        segments[columns].reset_index(drop=True),
        check_dtype=False,
    )
    for column in ("recency_days", "frequency", "monetary", "clv_12m"):
        assert kept[column].to_numpy() == pytest.approx(segments[column].to_numpy(), nan_ok=True)
    assert (kept["as_of"] == shop_stores["as_of"]).all() and kept["run"].nunique() == 1
    # kept in UTC, shown in the shop's time: a minute or so ago in Shanghai
    now = pd.Timestamp.now(ZONE).tz_localize(None)
    assert pd.Timedelta(0) <= now - pd.Timestamp(kept_at) < pd.Timedelta(minutes=30)
    # nothing about a single customer: no id column, no cell that is an id, no contact data
    assert not {"customer_id", "email", "phone", "name"} & set(kept.columns)
    cells = {str(v) for v in kept.to_numpy().ravel()}
    assert not cells & shop_stores["ids"]


SUMMARY = pd.DataFrame(
    {
        "segment": ["loyal big spenders", "lapsed one-time buyers"],
        "segment_zh": ["忠诚的大额消费者", None],  # an older table: the English name
        "description": ["2 customers (67%).", "1 customer (33%)."],
        "description_zh": ["2 位客户（67%）。", None],
        "customers": [2, 1],
        "share": [2 / 3, 1 / 3],
    }
)


def test_only_the_latest_runs_stay_and_an_older_profile_date_is_said(store):
    from promopilot.data.queries.segments import KEPT_RUNS, keep_segments, latest_segments

    for day in range(1, 8):  # seven runs, the last as of 2026-09-07
        keep_segments(store, SUMMARY.assign(customers=[day, 1]), pd.Timestamp(f"2026-09-0{day}"))
    runs = store.query("SELECT DISTINCT run FROM profile_segments ORDER BY run")["run"]
    assert runs.tolist() == list(range(8 - KEPT_RUNS, 8))
    assert latest_segments(store)["customers"].tolist() == [7, 1]
    shown = pages(store)
    assert [r[:2] for r in named_rows(shown["en"])] == [
        ("loyal big spenders", "7"),
        ("lapsed one-time buyers", "1"),
    ]
    assert [r[0] for r in named_rows(shown["zh"])] == ["忠诚的大额消费者", "lapsed one-time buyers"]
    # the data run to 2026-10-10: the page says the names are of an older date
    older = re.search(r'id="named-older">([^<]*)<', shown["en"]).group(1)
    assert "2026-09-07" in older and "2026-10-11" in older and "promopilot profile" in older
    assert "2026-09-07" in re.search(r'id="named-older">([^<]*)<', shown["zh"]).group(1)


def test_kept_segments_leave_the_fingerprint_and_forget_drops_them(store):
    from promopilot.data.queries import computed
    from promopilot.data.queries.segments import keep_segments, latest_segments

    before = computed.fingerprint(store)  # the models page's kept figures stay valid
    keep_segments(store, SUMMARY, pd.Timestamp("2026-10-11"))
    assert computed.fingerprint(store) == before and len(latest_segments(store)) == 2
    store.forget("c1")  # computed from their data too
    assert latest_segments(store).empty
    assert "run `promopilot profile` to name segments" in pages(store)["en"]


def test_a_read_only_store_an_older_version_made_has_none(tiny_db, tmp_path):
    from promopilot.data.queries.segments import latest_segments

    copy = tmp_path / "old.duckdb"
    shutil.copy(tiny_db, copy)
    with Store(copy) as store:
        store.execute("DROP TABLE profile_segments")  # as a store made before it existed
    with Store(copy, read_only=True) as store:
        assert latest_segments(store).empty
