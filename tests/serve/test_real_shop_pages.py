"""Dashboard pages on shops shaped like the public datasets (UCI returns, a campaign without
outcomes, a campaign id with a slash), each built in tmp_path: what an owner reads must match
what the figures are."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state

KEY = "admin-key-789"

# two customers, one of whom sends an order back (as UCI's C-invoices do)
ORDERS = """order_id,timestamp,customer_id,product_id,quantity,unit_price
o1,2026-10-01T10:00:00,c1,p1,2,10
o2,2026-10-02T10:00:00,c2,p2,1,50
C3,2026-10-03T10:00:00,c2,p2,-1,50
"""


def _serve(tmp_path: Path, files: dict[str, str]):
    folder = tmp_path / "shop"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = Store(tmp_path / "shop.duckdb")
    ingest(store, folder)
    app = create_app(store, ServeConfig.from_keys([KEY]), state=build_state(store))
    return store, app


@pytest.fixture()
def returns_shop(tmp_path):
    store, app = _serve(tmp_path, {"orders.csv": ORDERS})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        yield client
    store.close()


def _card(html: str, value_id: str) -> str:
    """The text of the overview card holding the element `value_id`."""
    match = re.search(
        rf'<div class="card">((?:(?!<div class="card">).)*?id="{value_id}".*?)</div>\s*</div>',
        html,
        re.S,
    )
    assert match, value_id
    return re.sub(r"<[^>]+>", " ", match.group(1))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_overview_revenue_says_returns_are_taken_off_and_gives_sales_and_returns(
    returns_shop, lang
):
    """The card's figure is net of returns (70 sold, 50 sent back: 20); its label says so
    (it said "returns excluded", which reads as the 70 that the weekly chart shows), and the
    sales and returns behind it are given."""
    card = " ".join(_card(returns_shop.get(f"/?lang={lang}").text, "revenue").split())
    assert "20.00" in card
    assert "70.00" in card and "50.00" in card
    if lang == "en":
        assert "net of discounts and returns" in card and "returns excluded" not in card
    else:
        assert "扣除折扣和退货" in card and "不含退货" not in card


@pytest.mark.parametrize(("lang", "note"), [("en", "Money in EUR"), ("zh", "金额单位：EUR")])
def test_every_page_says_its_money_is_in_the_shops_currency(tmp_path, monkeypatch, lang, note):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    in_euros = ORDERS.replace("unit_price\n", "unit_price,Currency\n").replace("0\n", "0,EUR\n")
    store, app = _serve(tmp_path, {"orders.csv": in_euros})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        page = client.get(f"/?lang={lang}").text
        assert f'<p class="note" id="money-in">{note}</p>' in page
        assert "20.00 EUR" in " ".join(_card(page, "revenue").split())
        assert note in client.get(f"/segments?lang={lang}").text
    store.close()


def test_a_shop_whose_currency_is_a_sign_shows_it_before_the_amounts(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    in_dollars = ORDERS.replace("unit_price\n", "unit_price,Currency\n").replace("0\n", "0,$\n")
    store, app = _serve(tmp_path, {"orders.csv": in_dollars})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        card = " ".join(_card(client.get("/?lang=en").text, "revenue").split())
        assert "$20.00" in card and "20.00 $" not in card  # before: "20.00 $"
    store.close()


def test_without_a_currency_the_pages_show_money_bare(returns_shop):
    page = returns_shop.get("/?lang=en").text
    assert 'id="money-in"' not in page and ">20.00<" in page


def campaign_shop(
    campaign_id: str,
    *,
    target: int = 40,
    control: int = 40,
    none: int = 40,
    offered: str = "target",
):
    """A shop folder (file name -> text) with one logged campaign: `target` customers got
    off10 (in group `offered`: a designed test's arms are ``explore``), `control` were held
    out, `none` were left out; one order each before it, and every third customer (every
    second with the offer) buys after it."""
    groups = [offered] * target + ["control"] * control + ["none"] * none
    orders = ["order_id,timestamp,customer_id,product_id,quantity,unit_price,discount"]
    exposures = ["campaign_id,customer_id,offer_id,sent_at,group,propensity"]
    for i, group in enumerate(groups):
        customer = f"c{i:03d}"
        orders.append(f"a{i},2026-09-{1 + i % 28:02d}T10:00:00,{customer},p{i % 5},1,20,0")
        offer = "off10" if group == offered else ""
        exposures.append(f"{campaign_id},{customer},{offer},2026-10-01T09:00:00,{group},0.5")
        if i % (2 if offer else 3) == 0:
            discount = 3 if offer else 0
            orders.append(f"b{i},2026-10-0{2 + i % 7}T10:00:00,{customer},p{i % 5},1,30,{discount}")
    return {
        "orders.csv": "\n".join(orders) + "\n",
        "campaigns.csv": "\n".join(exposures) + "\n",
        "offers.csv": "offer_id,kind,value,min_spend\noff10,percent_off,0.1,0\n",
    }


@pytest.fixture()
def logged_campaign(tmp_path):
    store, app = _serve(tmp_path, campaign_shop("spring"))
    app.state.holder.swap(build_state(store, campaign_id="spring"))
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        yield client
    store.close()


def test_a_live_campaign_served_without_a_plan_shows_the_overview(logged_campaign):
    """`promopilot serve --campaign-id spring` without --plan (a campaign sent earlier, to
    watch its report): the overview rendered a 500 (the plan's in-sample sum was undefined)."""
    answer = logged_campaign.get("/")
    assert answer.status_code == 200
    assert 'id="campaign">spring<' in answer.text
    assert 'id="in-sample-sum"' not in answer.text  # no plan, no model sum


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_measured_profit_gives_its_interval_level_and_control_group(logged_campaign, lang):
    """The overview's measured profit: its interval at the shop's level (90%) and the customers
    it is measured against, as `promopilot report` gives them; the campaign page names the
    level of its intervals too."""
    card = " ".join(_card(logged_campaign.get(f"/?lang={lang}").text, "measured-profit").split())
    assert "90%" in card
    assert "80" in card and "40" in card  # got nothing; of them the held-out control group
    page = logged_campaign.get(f"/campaigns/spring?lang={lang}").text
    assert re.search(r'id="confidence">90%<', page)


def _main_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<main>")[1]).split())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("shape", "says"),
    [
        # 5 held out from the plan's choices: too few to measure any offer on its own
        ({"control": 5}, {"en": ["choices: 5, too few", "at least 30"], "zh": ["5 位", "30 位"]}),
        # 10 got off10: too few for that offer on its own
        ({"target": 10}, {"en": ["off10 (10)", "at least 30"], "zh": ["off10（10）", "30 位"]}),
    ],
)
def test_a_campaign_whose_offers_cannot_be_measured_on_their_own_says_why(
    tmp_path, shape, says, lang
):
    """A campaign page with no offer row: it says why (too few held out, or too few got the
    offer), not an empty table and an empty chart; and the held-out group it has is not called
    missing ("no held-out group in the log")."""
    store, app = _serve(tmp_path, campaign_shop("small", **shape))
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get(f"/campaigns/small?lang={lang}").text
    store.close()
    text = _main_text(html)
    for words in says[lang]:
        assert words in text
    assert 'id="arms"' not in html and 'id="chart-lift"' not in html
    assert "no held-out group" not in text and "日志中没有留出组" not in text
    assert 'id="incremental-profit"' in html  # the whole campaign is still measured


def test_a_campaign_id_with_a_slash_has_its_report_page_and_api(tmp_path):
    """`spring/2026` is a fine campaign id for ingest and send; its report link on the
    campaigns page and its API report were a 404."""
    store, app = _serve(tmp_path, campaign_shop("spring/2026"))
    with TestClient(app) as client:
        api = client.get(
            "/v1/campaigns/spring%2F2026/report", headers={"Authorization": f"Bearer {KEY}"}
        )
        client.post("/login", data={"key": KEY})
        links = re.findall(r'href="(/campaigns/[^"]+)"', client.get("/campaigns").text)
        page = client.get(links[0])
        listed = client.get("/campaigns/")  # the list's address with a slash: still the list
    store.close()
    assert listed.status_code == 200 and listed.url.path == "/campaigns"
    assert api.status_code == 200 and api.json()["campaign_id"] == "spring/2026"
    assert page.status_code == 200
    assert 'id="report-title">spring/2026<' in page.text and 'id="incremental-profit"' in page.text


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        (
            "en",
            "Control of each offer (everyone who got nothing, 40 of them the randomized "
            "control group)",
        ),
        ("zh", "各优惠对照组（所有未获优惠的客户，其中 40 位为随机对照组）"),
    ],
)
def test_a_designed_tests_control_group_is_not_said_to_be_missing(tmp_path, lang, label):
    """`plan --run-test` logs randomized arms (explore) and a control group: each offer is
    measured against everyone who got nothing, the control group among them, as `promopilot
    report` says; the page said the log had no held-out group."""
    store, app = _serve(tmp_path, campaign_shop("t1", offered="explore"))
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get(f"/campaigns/t1?lang={lang}").text
    store.close()
    assert f'id="offer-control-label">{label}<' in html
    assert 'id="offer-control-customers">80<' in html


@pytest.mark.parametrize("typed", ["17850.0", " 17850 ", "17850"])
def test_the_customer_page_reads_an_id_as_the_api_does(tmp_path, typed):
    """UCI ids come out of Excel as 17850.0; the API answers 17850.0 and " 17850 " for the
    stored 17850, the dashboard said "Not in the store" and showed a stranger's offer."""
    store, app = _serve(
        tmp_path,
        {
            "orders.csv": "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
            "o1,2026-10-01T10:00:00,17850,p1,2,10\n"
        },
    )
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        page = client.get("/customers", params={"id": typed})
    store.close()
    assert page.status_code == 200 and page.url.path == "/customers/17850"
    assert 'id="customer-title">17850<' in page.text and 'id="profile-orders">1<' in page.text
    assert 'id="unknown-customer"' not in page.text


def test_a_shop_without_campaigns_gets_a_campaigns_page_that_says_so_and_no_logged_error(
    returns_shop, caplog
):
    """Every new shop has no campaign yet: the campaigns page logged "promotion depth failed"
    with a traceback on each visit, and showed an empty table without a word."""
    with caplog.at_level("DEBUG", logger="promopilot"):
        html = returns_shop.get("/campaigns").text
    assert not [r for r in caplog.records if r.levelno >= 30], caplog.text
    assert 'id="campaigns"' not in html
    assert "No campaign is logged yet" in _main_text(html)
    assert "还没有记录任何活动" in _main_text(returns_shop.get("/campaigns?lang=zh").text)


def test_an_overview_without_orders_has_no_empty_revenue_chart(tmp_path):
    """A shop of events only: no orders, so no weekly revenue chart (it was an empty plot)."""
    events = "timestamp,customer_id,product_id,event\n2026-10-01T10:00:00,c1,p1,view\n"
    store, app = _serve(tmp_path, {"events.csv": events})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get("/").text
    store.close()
    assert 'id="chart-revenue"' not in html and "plotly.min.js" not in html


@pytest.mark.parametrize(("lang", "words"), [("en", "No offer logged"), ("zh", "还没有记录")])
def test_a_customer_without_offers_says_so_instead_of_an_empty_history(returns_shop, lang, words):
    html = returns_shop.get(f"/customers/c1?lang={lang}").text
    assert 'id="history"' not in html
    assert words in _main_text(html)


@pytest.mark.parametrize(("lang", "words"), [("en", "Not scored"), ("zh", "未评分")])
def test_model_quality_names_the_offers_it_could_not_score(returns_shop, monkeypatch, lang, words):
    """UCI's designed test had three offers and the uplift table two, without a word; with
    none scored the page read "Not enough data: None"."""
    import pandas as pd

    from promopilot.offers import evaluate

    def evaluation(store, **kwargs):
        return evaluate.UpliftEvaluation(pd.DataFrame(), left_out=("big",), unscored=("pct10",))

    monkeypatch.setattr(evaluate, "evaluate_campaign_models", evaluation)
    text = _main_text(returns_shop.get(f"/models?lang={lang}").text)
    assert words in text and "pct10" in text and "big" in text
    assert "None" not in text


def _axis_titles(page: str) -> list[str]:
    """The y-axis titles of the page's charts (Plotly JSON in its scripts)."""
    return re.findall(r'"yaxis":\{"title":\{"text":"([^"]*)"', page)


def test_money_axes_and_headers_name_the_shops_currency(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    store, app = _serve(tmp_path, campaign_shop("spring"))
    app.state.holder.swap(build_state(store, campaign_id="spring"))
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        assert _axis_titles(client.get("/?lang=en").text) == ["revenue (EUR)"]
        segments = client.get("/segments?lang=en").text
        assert "revenue (EUR)" in _axis_titles(segments)
        assert "<th>Revenue per customer (EUR)</th>" in segments
        assert "<th>人均收入 (EUR)</th>" in client.get("/segments?lang=zh").text
        campaign = client.get("/campaigns/spring?lang=en").text
        assert "<th>Revenue lift per customer [interval] (EUR)</th>" in campaign
        assert "<th>Profit lift per customer [interval] (EUR)</th>" in campaign
        assert _axis_titles(campaign) == ["profit lift per customer (EUR)"]
        customer = client.get("/customers/c000?lang=en").text
        assert "<td>Revenue, net of discounts and returns (EUR)</td>" in customer
    store.close()


def test_without_a_currency_money_axes_and_headers_name_none(logged_campaign):
    """Headers are as they were before currencies were named; the money axes, untitled then
    (the lift chart's bars had no unit at all), say what they measure without a currency."""
    assert _axis_titles(logged_campaign.get("/?lang=en").text) == ["revenue"]
    segments = logged_campaign.get("/segments?lang=en").text
    assert "<th>Revenue per customer</th>" in segments and "(EUR)" not in segments
    campaign = logged_campaign.get("/campaigns/spring?lang=en").text
    assert "<th>Profit lift per customer [interval]</th>" in campaign
    assert _axis_titles(campaign) == ["profit lift per customer"]


def test_the_customer_pages_offer_words_use_the_sign_of_the_shops_currency(monkeypatch):
    from promopilot.serve.views import offer_words

    monkeypatch.delenv("PROMOPILOT_SEND_CURRENCY", raising=False)
    offer = {"kind": "amount_off", "value": 20, "min_spend": 150}
    assert offer_words(offer, "EUR")["en"] == "€20 off orders of €150 or more"
    # no currency named: bare amounts (before: ¥, to every such shop), else the files' sign
    assert offer_words(offer, None)["en"] == "20 off orders of 150 or more"
    assert offer_words(offer, None, "$")["en"] == "$20 off orders of $150 or more"
    assert offer_words(offer, "EUR", "$")["en"] == "€20 off orders of €150 or more"
    assert offer_words(offer, "CHF")["en"] == "20 CHF off orders of 150 CHF or more"
    monkeypatch.setenv("PROMOPILOT_SEND_CURRENCY", "£")  # the [send] sign wins
    assert offer_words(offer, "EUR")["en"] == "£20 off orders of £150 or more"


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        (
            "en",
            "Measured incremental profit of the whole campaign, against the customers who got "
            "nothing (80): ",
        ),
        ("zh", "整个活动的实测增量利润（对照：未获优惠的客户 80 位）："),
    ],
)
def test_the_campaign_pages_measured_profit_says_how_many_it_is_measured_against(
    logged_campaign, lang, says
):
    """The campaign page's whole-campaign profit read "Measured incremental profit (Control of
    the whole campaign (got nothing)): +..." with no size beside it; it names the customers who
    got nothing and how many (80: 40 held out and 40 left out), as the overview's card does."""
    page = logged_campaign.get(f"/campaigns/spring?lang={lang}").text
    line = page.split('<span id="incremental-profit">')[0].rsplit("<p>", 1)[1]
    assert line == says
    assert "(got nothing))" not in page


def _daily_orders(first: str, last: str) -> str:
    days = pd.date_range(first, last, freq="D")
    lines = [f"o{i},{day:%Y-%m-%d}T10:00:00,c{i % 3},p1,1,10" for i, day in enumerate(days)]
    return "order_id,timestamp,customer_id,product_id,quantity,unit_price\n" + "\n".join(lines)


def _revenue_chart(html: str) -> dict:
    import json

    script = html.split('data-target="chart-revenue">')[1].split("</script>")[0]
    return json.loads(script.replace("<\\/", "</"))


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Pale bars are weeks the data cover only in part, so they sum fewer days: "),
        ("zh", "浅色柱为数据只覆盖部分天数的周，合计天数较少："),
    ],
)
def test_the_weekly_revenue_marks_the_weeks_the_data_cover_in_part(tmp_path, lang, note):
    """A day's orders from Wednesday 2026-09-30 to Tuesday 2026-10-13: the first week has 5
    days of data, the last 2, the middle one 7. The chart drew the last week's 20.00 beside the
    70.00 of a whole one, which reads as sales collapsing this week (the demo's last bar is a
    third of the one before); the two part-weeks are pale and the page says which days they
    hold."""
    store, app = _serve(tmp_path, {"orders.csv": _daily_orders("2026-09-30", "2026-10-13")})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get(f"/?lang={lang}").text
    store.close()
    (bar,) = _revenue_chart(html)["data"]
    assert bar["marker"]["opacity"] == [0.4, 1.0, 0.4]
    said = html.split('id="revenue-partial">')[1].split("</p>")[0]
    assert said.startswith(note)
    assert "2026-09-30 .. 2026-10-04" in said and "2026-10-12 .. 2026-10-13" in said


def test_whole_weeks_are_drawn_as_they_were(tmp_path):
    store, app = _serve(tmp_path, {"orders.csv": _daily_orders("2026-09-28", "2026-10-11")})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get("/?lang=en").text
    store.close()
    (bar,) = _revenue_chart(html)["data"]
    assert bar["marker"]["opacity"] == [1.0, 1.0] and 'id="revenue-partial"' not in html


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Pale points are months the data cover only in part, so they sum fewer days: "),
        ("zh", "浅色点为数据只覆盖部分天数的月份，合计天数较少："),
    ],
)
def test_the_monthly_revenue_by_segment_marks_the_months_the_data_cover_in_part(
    tmp_path, lang, note
):
    """Orders every day from 2026-08-15 to 2026-10-10: August has 17 days of data, October
    10; the segments' monthly lines fell in the month still running (the demo's July, 14 of
    31 days). Those two months' points are pale and the page names their days."""
    import json

    store, app = _serve(tmp_path, {"orders.csv": _daily_orders("2026-08-15", "2026-10-10")})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get(f"/segments?lang={lang}").text
    store.close()
    script = html.split('data-target="chart-segments-2">')[1].split("</script>")[0]
    traces = json.loads(script.replace("<\\/", "</"))["data"]
    pale = {"2026-08-01": 0.4, "2026-09-01": 1.0, "2026-10-01": 0.4}
    assert traces
    for trace in traces:
        assert trace["marker"]["opacity"] == [pale[m[:10]] for m in trace["x"]]
    said = html.split('id="trend-partial">')[1].split("</p>")[0]
    assert said.startswith(note)
    assert "2026-08-15 .. 2026-08-31" in said and "2026-10-01 .. 2026-10-10" in said


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "No campaign is live, so this customer has no offer now."),
        ("zh", "当前没有进行中的活动，该客户目前没有优惠。"),
    ],
)
def test_a_customer_page_without_a_live_campaign_says_there_is_no_offer(returns_shop, lang, says):
    """Served without a plan or campaign (a shop just ingested), the customer page's "Offer
    now" was a row of campaign "none", group "none" (未发送) and propensity 1.0000, a figure
    of a decision there is none of; it says there is no offer now."""
    page = returns_shop.get(f"/customers/c1?lang={lang}").text
    assert f'<p class="note" id="no-offer-now">{says}</p>' in page
    assert 'id="offer-propensity"' not in page and "1.0000" not in page


def test_the_monthly_revenue_by_segment_starts_at_a_whole_month(tmp_path):
    """Orders every day from 2025-01-10 to 2026-03-10 but April 1st to 3rd 2025. The chart
    showed the last 12 months counted back from the latest order's second, so its first point
    was March 2025 from the 11th only, a pale point named "2025-03-11 .. 2025-03-31" although
    the data hold all of March (UCI: December 2010 from the 9th, its first 8 days dropped).
    It shows the 12 months up to the one running, the first whole: April 2025 with its 27 days
    of orders, not pale (the data begin before it; UCI's January 2011 from its 4th)."""
    import json

    orders = _daily_orders("2025-01-10", "2026-03-10").splitlines()
    orders = [line for line in orders if not re.search(r",2025-04-0[123]T", line)]
    store, app = _serve(tmp_path, {"orders.csv": "\n".join(orders)})
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get("/segments?lang=en").text
    store.close()
    script = html.split('data-target="chart-segments-2">')[1].split("</script>")[0]
    traces = json.loads(script.replace("<\\/", "</"))["data"]
    months = sorted({m[:7] for trace in traces for m in trace["x"]})
    assert months == [f"{m:%Y-%m}" for m in pd.date_range("2025-04-01", "2026-03-01", freq="MS")]
    april = sum(
        y for t in traces for m, y in zip(t["x"], _values(t["y"]), strict=True) if "2025-04" in m
    )
    assert april == pytest.approx(27 * 10)
    for trace in traces:  # April whole, March 2026 (the data end on its 10th) pale
        assert trace["marker"]["opacity"][0] == 1.0
        assert trace["marker"]["opacity"][-1] == 0.4
    said = html.split('id="trend-partial">')[1].split("</p>")[0]
    assert "2026-03-01 .. 2026-03-10" in said and "2025" not in said


def _values(y) -> list[float]:
    """A trace's numbers, as Plotly writes them: a list, or base64 with its dtype."""
    import base64

    import numpy as np

    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return list(y)
