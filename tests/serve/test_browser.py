"""The dashboard in headless Chromium: every page, charts drawn, numbers equal to the API's,
screenshots saved. Needs Debian's `chromium` and the `playwright` package (never
`playwright install`); skipped without them."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from promopilot.data.store import Store
from promopilot.report import formats as fmt
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from tests.serve import fakes
from tests.serve.conftest import ADMIN, READ, builder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def server(tiny_db, tmp_path, monkeypatch):
    """uvicorn in a thread on a free loopback port, around a copy of the tiny shop."""
    import uvicorn

    fakes.install(monkeypatch)
    db = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, db)
    store = Store(db)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while not server.started:
        assert time.time() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {READ}"})
    for customer in ("c1", "c2", "c3"):  # the live campaign's exposures
        api.get(f"/v1/customers/{customer}/offer")
    app.state.writer.flush()
    yield base, api
    api.close()
    server.should_exit = True
    thread.join(timeout=30)
    store.close()


@pytest.fixture()
def page():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 900})
        finally:
            browser.close()


def _charts_drawn(page, expected: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.chart .main-svg').length >= {expected}", timeout=15000
    )
    for chart in page.query_selector_all(".chart"):
        assert chart.query_selector(".main-svg") is not None
        assert chart.query_selector_all(".trace, .point, .bars path"), "chart has no data"


def test_every_dashboard_page_in_chromium(server, page, tmp_path):
    base, api = server
    shots = tmp_path / "screenshots"
    shots.mkdir()

    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("#key", "wrong")
    page.click("#login")
    assert page.is_visible("#login-error")
    page.fill("#key", READ)
    page.click("#login")
    page.wait_for_url(base + "/")
    page.screenshot(path=str(shots / "login-then-overview.png"))

    # overview: the measured profit is the report's
    report = api.get("/v1/campaigns/spring/report").json()
    _charts_drawn(page, 1)
    assert page.inner_text("#campaign") == "spring"
    assert page.inner_text("#measured-profit") == f"{report['incremental_profit']['estimate']:,.2f}"
    assert page.inner_text("#measured-low") == f"{report['incremental_profit']['low']:,.2f}"
    page.screenshot(path=str(shots / "overview.png"), full_page=True)

    page.click("#nav-segments")
    page.wait_for_url(base + "/segments")
    _charts_drawn(page, 2)
    assert page.query_selector_all("#segments tr")[1:], "no segment rows"
    page.screenshot(path=str(shots / "segments.png"), full_page=True)

    # customer page: recommendations and offer equal the API's
    for customer in ("c1", "c2", "新客"):
        page.click("#nav-customers")
        page.fill("#customer-id", customer)
        page.click("#find")
        page.wait_for_selector("#customer-title")
        assert page.inner_text("#customer-title") == customer
        recs = api.get(f"/v1/customers/{customer}/recommendations").json()["items"]
        shown = [c.inner_text() for c in page.query_selector_all("#recommendations .product-id")]
        assert shown == [i["product_id"] for i in recs] and shown
        titles = [
            c.inner_text() for c in page.query_selector_all("#recommendations .product-title")
        ]
        assert titles == [i["title"] or "–" for i in recs]
        offer = api.get(f"/v1/customers/{customer}/offer").json()
        assert page.inner_text("#offer-id") == (offer["offer_id"] or "–")
        group = {"none": "no offer"}.get(offer["group"], offer["group"])  # the owner's words
        assert page.inner_text("#offer-group") == group
        assert page.inner_text("#offer-propensity") == fmt.chance(offer["propensity"])  # 14%
        page.screenshot(path=str(shots / f"customer-{len(shown)}-{customer}.png"), full_page=True)

    # campaigns: the lift table and its chart equal the report, read again now: the
    # customer pages above logged their live decisions as exposures of this campaign
    page.click("#nav-campaigns")
    page.click(".report-link")
    page.wait_for_selector("#arms")
    report = api.get("/v1/campaigns/spring/report").json()
    _charts_drawn(page, 1)
    rows = page.query_selector_all("#arms tr.arm")
    assert [r.get_attribute("data-offer") for r in rows] == [a["offer_id"] for a in report["arms"]]
    control = report.get("per_offer_control") or report["control"]
    for row, arm in zip(rows, report["arms"], strict=True):
        lift = arm["lift"]
        assert row.query_selector(".conversion-lift").inner_text() == fmt.lift(
            lift["conversion"], kind="points"
        )
        assert row.query_selector(".revenue-lift").inner_text() == fmt.lift(
            lift["revenue_per_customer"]
        )
        assert row.query_selector(".profit-lift").inner_text() == fmt.lift(
            lift["profit_per_customer"]
        )
        assert row.query_selector(".control").inner_text() == f"{control['customers']:,}"
    assert page.inner_text("#control-customers") == f"{report['control']['customers']:,}"
    assert page.inner_text("#verdict") == report["verdict"]
    page.screenshot(path=str(shots / "campaign.png"), full_page=True)

    page.click("#nav-models")
    page.wait_for_selector("h1")
    assert page.query_selector("#rec-quality") or page.query_selector(".note")
    page.screenshot(path=str(shots / "models.png"), full_page=True)

    page.click("#lang-zh")
    page.wait_for_selector("text=模型质量")
    page.click("#nav-overview")
    assert page.inner_text("#nav-overview") == "概览"
    _charts_drawn(page, 1)
    page.screenshot(path=str(shots / "overview-zh.png"), full_page=True)

    assert len(list(shots.glob("*.png"))) >= 8
    page.click("#logout")
    page.goto(base + "/segments")
    assert "/login" in page.url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_menu_wraps_on_a_phone(server, page, lang):
    base, _ = server
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/login")
    page.fill("#key", READ)
    page.click("#login")
    page.wait_for_url(base + "/")
    page.goto(base + f"/?lang={lang}")
    # no sideways scrolling; every menu item inside the dark bar, each label on one line
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    nav = page.query_selector("nav").bounding_box()
    assert nav["width"] <= 390
    for link in page.query_selector_all("nav a"):
        box = link.bounding_box()
        assert box["x"] + box["width"] <= nav["x"] + nav["width"] + 1
        assert box["y"] + box["height"] <= nav["y"] + nav["height"] + 1
        assert box["height"] < 2 * page.evaluate(
            "(a) => parseFloat(getComputedStyle(a).lineHeight) || 20", link
        )


LINES_JS = """(cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lift_and_its_interval_stay_on_one_line(server, page, lang):
    """The demo's campaign page broke '+4.7 pp [+2.7 pp, +6.7 pp]' inside its interval
    ('+4.7 pp [+2.7' over 'pp, +6.7 pp]') at 1200 pixels; each lift is one line, and a table
    wider than the page scrolls sideways in its box."""
    base, _ = server
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(base + "/login")
    page.fill("#key", READ)
    page.click("#login")
    page.wait_for_url(base + "/")
    page.goto(base + f"/campaigns/spring?lang={lang}")
    cells = page.query_selector_all(
        "#arms td.conversion-lift, #arms td.revenue-lift, #arms td.profit-lift"
    )
    assert cells, "no lift cells"
    for cell in cells:
        assert "[" in cell.inner_text()
        assert page.evaluate(LINES_JS, cell) == 1, cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 700
