"""A customer credited more than they bought (UCI's 14437: 63.00 of goods, later a manual
credit of 106.40) has a net spend of -43.40, which the profile floors at 0 (``monetary``, a
model feature that must be >= 0). The customer page showed the -43.40 with nothing to say why,
beside a profile whose net spend for them is 0; it now says they returned or were credited more
than they bought, and that the profile counts 0."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.profile.build import build_profile
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state

KEY = "admin-key-789"
ORDERS = """order_id,timestamp,customer_id,product_id,quantity,unit_price
o1,2026-10-01T10:00:00,c1,p1,12,5.25
o2,2026-10-02T10:00:00,c2,p2,1,50
C3,2026-10-20T10:00:00,c1,M,-1,106.40
o4,2026-10-03T10:00:00,c3,p1,2,10
C5,2026-10-04T10:00:00,c3,p1,-2,10
"""


@pytest.fixture()
def shop(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    store = Store(tmp_path / "shop.duckdb")
    ingest(store, folder)
    app = create_app(store, ServeConfig.from_keys([KEY]), state=build_state(store))
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        yield store, client
    store.close()


def _note(page: str) -> str | None:
    match = re.search(r'<p class="note" id="credited-more">([^<]*)</p>', page)
    return None if match is None else " ".join(html.unescape(match.group(1)).split())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_of_a_customer_credited_more_than_they_bought_says_so(shop, lang):
    store, client = shop
    page = client.get(f"/customers/c1?lang={lang}").text
    revenue = re.search(r'id="profile-revenue">([^<]*)<', page).group(1)
    assert revenue == "-43.40"
    note = _note(page)
    assert note is not None, page
    assert "63.00" in note and "106.40" in note
    if lang == "en":
        assert note.startswith("Returned or credited more than bought")
        assert "counts this customer's net spend as 0" in note
    else:
        assert "退货或退款多于购买" in note and "净消费额计为 0" in note
    # the profile's figure the note speaks of
    customers = build_profile(store, evaluate=False).customers.set_index("customer_id")
    assert customers.loc["c1", "monetary"] == 0 and customers.loc["c1", "return_share"] == 1


def test_customers_who_returned_no_more_than_they_bought_have_no_note(shop):
    _, client = shop
    for customer in ("c2", "c3"):  # c3 returned exactly what it bought: 0, no float noise
        page = client.get(f"/customers/{customer}").text
        assert 'id="profile-revenue"' in page and _note(page) is None


def test_the_last_order_shown_is_an_order_not_a_later_credit(shop):
    """c1's last order is o1 (2026-10-01); the page said 2026-10-20, the credit's time."""
    _, client = shop
    profile = client.get("/customers/c1").text.split('id="profile"')[1].split("</table>")[0]
    assert "<td>2026-10-01 10:00</td>" in profile and "2026-10-20" not in profile
