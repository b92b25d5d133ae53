"""The dashboard shows dates and times in the shop's time zone (Asia/Shanghai here, UTC+8),
as `promopilot summary` does: the store keeps UTC."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from tests.serve.conftest import SHOP

ZONE = "Asia/Shanghai"


@pytest.fixture(scope="module")
def shanghai_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny shop ingested in Shanghai: its naive times are Shanghai's."""
    folder = tmp_path_factory.mktemp("shanghai-shop")
    for name, text in SHOP.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("shanghai-store") / "shop.duckdb"
    with Store(path, timezone=ZONE) as store:
        ingest(store, folder)
    return path


@pytest.fixture()
def store(shanghai_db: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "shop.duckdb"
    shutil.copy(shanghai_db, copy)
    store = Store(copy, timezone=ZONE)
    store.execute(  # stored UTC: the next day, 04:30:15 and 01:00, in Shanghai
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at) VALUES "
        "('past', 'c1', 'off10', TIMESTAMP '2026-09-01 20:30:15'), "
        "('past', 'c2', NULL, TIMESTAMP '2026-09-02 17:00:00')"
    )
    yield store
    store.close()


def test_the_campaign_list_shows_first_and_last_sent_in_the_shops_time(logged_in):
    page = logged_in.get("/campaigns").text
    row = page.split("<td>past</td>")[1].split("</tr>")[0]
    assert "2026-09-01" not in row  # the UTC date of the first exposure
    sent = re.search(r'class="sent">([^<]*)<', row).group(1)
    assert sent == "2026-09-02 04:30 .. 2026-09-03 01:00"  # to the minute, as the last order


def test_a_send_that_took_seconds_is_one_time_on_the_page_and_exact_in_the_store(logged_in, store):
    # a send logging its exposures over 4 seconds (UCI-like times, 12:50:00 .. 12:50:04 in
    # Shanghai) was listed as "2026-11-20 12:50:00 .. 2026-11-20 12:50:04"
    store.execute(
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at) VALUES "
        "('xmas', 'c1', 'off10', TIMESTAMP '2026-11-20 04:50:00'), "
        "('xmas', 'c2', 'off10', TIMESTAMP '2026-11-20 04:50:04.5')"
    )
    page = logged_in.get("/campaigns").text
    row = page.split("<td>xmas</td>")[1].split("</tr>")[0]
    assert re.search(r'class="sent">([^<]*)<', row).group(1) == "2026-11-20 12:50"
    history = logged_in.get("/customers/c2").text.split('id="history"')[1]
    assert "2026-11-20 12:50" in re.findall(r'class="sent-at">([^<]*)<', history)
    assert not re.search(r"\d\d:\d\d:\d\d", page + history)  # no seconds anywhere shown
    # the store keeps the exposure's exact time for reports and exports
    exact = store.scalar("SELECT max(sent_at) FROM campaigns WHERE campaign_id = 'xmas'")
    assert str(exact) == "2026-11-20 04:50:04.500000"


def test_the_customer_page_shows_signup_last_order_and_offers_in_the_shops_time(
    logged_in,
):
    page = logged_in.get("/customers/c1").text
    profile = page.split('id="profile"')[1].split("</table>")[0]
    assert "<td>2026-01-05</td>" in profile  # signed up 2026-01-05 in Shanghai (its midnight)
    assert "<td>2026-10-03 10:00</td>" in profile  # last order o2, 10:00 in Shanghai
    history = page.split('id="history"')[1].split("</table>")[0]
    assert "2026-09-02 04:30" in re.findall(r'class="sent-at">([^<]*)<', history)


def test_the_segments_page_says_as_of_in_the_shops_time(logged_in):
    # the last event, 2026-10-10 10:05 in Shanghai, is 02:05 UTC; the profile's as_of is the
    # shop's next midnight (it was the next UTC midnight, 08:00 in Shanghai)
    page = logged_in.get("/segments").text
    assert re.search(r'id="as-of">([^<]*)<', page).group(1) == "2026-10-11"
