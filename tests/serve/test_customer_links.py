"""Links to a customer whose id holds a slash (shops use ids like AB/123), and the login
page's language links that must keep the page the owner asked for."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.serve.test_real_shop_pages import KEY, _serve

SLASHED = "AB/123"
ORDERS = f"""order_id,timestamp,customer_id,product_id,quantity,unit_price
o1,2026-10-01T10:00:00,{SLASHED},p1,2,10
o2,2026-10-02T10:00:00,{SLASHED},p2,1,50
o3,2026-10-03T10:00:00,c2,p2,1,50
o4,2026-10-04T10:00:00,c3,p1,1,10
"""
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture()
def slashed_shop(tmp_path):
    store, app = _serve(tmp_path, {"orders.csv": ORDERS})
    with TestClient(app) as client:
        yield client
    store.close()


def _links(page: str, pattern: str) -> dict[str, str]:
    return {lang: html.unescape(href) for href, lang in re.findall(pattern, page)}


def test_a_customer_id_with_a_slash_has_its_page_and_its_language_links(slashed_shop):
    """The lookup sent AB/123 to /customers/AB%2F123, which the server decodes to
    /customers/AB/123 before routing: a 404, and no page for the customer at all."""
    slashed_shop.post("/login", data={"key": KEY})
    found = slashed_shop.get("/customers", params={"id": SLASHED})
    assert found.status_code == 200, found.text
    assert found.history and found.history[0].headers["location"] == "/customers/AB%2F123"
    assert f'id="customer-title">{SLASHED}<' in found.text
    assert 'id="profile-orders">2<' in found.text  # the customer's own orders, not a stranger
    links = _links(found.text, r'<a href="([^"]*)" id="lang-(en|zh)"')
    assert set(links) == {"en", "zh"}
    for language, href in links.items():
        parts = urlsplit(href)
        assert parts.query == f"lang={language}"
        assert parts.path == "/customers/AB%2F123"  # the slash encoded
        followed = slashed_shop.get(href)
        assert followed.status_code == 200 and f'id="customer-title">{SLASHED}<' in followed.text
    assert 'lang="zh-CN"' in slashed_shop.get(links["zh"]).text
    # the lookup's address with a slash: still the lookup
    listed = slashed_shop.get("/customers/")
    assert listed.status_code == 200 and listed.url.path == "/customers"
    # a known customer's address with a trailing slash: still their page, as before
    trailing = slashed_shop.get("/customers/c2/")
    assert trailing.url.path == "/customers/c2" and 'id="customer-title">c2<' in trailing.text


@pytest.mark.parametrize("endpoint", ["recommendations", "offer"])
def test_the_api_answers_a_customer_id_with_a_slash(slashed_shop, endpoint):
    """/v1/customers/AB%2F123/offer was a 404: the id's slash ended the path segment."""
    answer = slashed_shop.get(f"/v1/customers/AB%2F123/{endpoint}", headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer_id"] == SLASHED
    if endpoint == "recommendations":
        assert answer.json()["basis"] == "personal"
    # a missing id is still the clear 422, not an empty id read by the slash-taking route
    for missing_id in ("/v1/customers//", "/v1/customers///"):
        missing = slashed_shop.get(f"{missing_id}{endpoint}", headers=AUTH)
        assert missing.status_code == 422 and "a customer id is required" in missing.text
    metrics = slashed_shop.get("/metrics", headers=AUTH).text
    assert f'route="/v1/customers/{{customer_id}}/{endpoint}"' in metrics  # the label as before


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_login_pages_language_links_keep_the_page_asked_for(slashed_shop, language):
    """The login page's English / 中文 links went to /login?lang=..., dropping next=: after
    choosing a language and logging in, the owner landed on the overview."""
    asked = slashed_shop.get("/customers/AB%2F123", follow_redirects=False)
    assert asked.status_code == 303
    login = slashed_shop.get(asked.headers["location"])
    links = _links(login.text, r'<a href="([^"]*)" id="login-lang-(en|zh)"')
    assert set(links) == {"en", "zh"}
    chosen = slashed_shop.get(links[language])
    assert chosen.status_code == 200
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', chosen.text)[1])
    landed = slashed_shop.post(action, data={"key": KEY})
    assert landed.status_code == 200
    assert landed.url.path == f"/customers/{SLASHED}"
    assert f'id="customer-title">{SLASHED}<' in landed.text
    assert ('lang="zh-CN"' in landed.text) == (language == "zh")  # the language chosen stays


def test_the_login_pages_language_links_of_a_plain_login_add_nothing(slashed_shop):
    page = slashed_shop.get("/login").text
    links = _links(page, r'<a href="([^"]*)" id="login-lang-(en|zh)"')
    assert links == {"en": "/login?lang=en", "zh": "/login?lang=zh"}
