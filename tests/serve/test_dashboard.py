"""Dashboard pages through the test client: login, every page, languages, no contact data."""

from __future__ import annotations

import html
import logging
import re
import sys

import pytest

from promopilot.data.currency import money
from tests.serve.conftest import CONTACTS, READ, READ_H

PAGES = [
    "/",
    "/segments",
    "/customers",
    "/customers/c1",
    "/customers/新客",
    "/campaigns",
    "/campaigns/spring",
    "/models",
]


@pytest.mark.parametrize("page", PAGES)
def test_pages_redirect_to_login_without_a_session(client, page):
    answer = client.get(page, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")


def test_a_wrong_key_does_not_log_in(client):
    answer = client.post("/login", data={"key": "guess"}, follow_redirects=False)
    assert answer.status_code == 401
    assert "promopilot_session" not in answer.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_goes_back_to_the_page_asked_for_and_logout_ends_the_session(client):
    answer = client.post("/login?next=/segments", data={"key": READ}, follow_redirects=False)
    assert answer.headers["location"] == "/segments"
    assert client.get("/segments").status_code == 200
    client.get("/logout")
    assert client.get("/segments", follow_redirects=False).status_code == 303


def test_login_never_redirects_off_site(client):
    answer = client.post("/login?next=//evil.example", data={"key": READ}, follow_redirects=False)
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_contact_data(logged_in, page):
    answer = logged_in.get(page)
    assert answer.status_code == 200
    # plotly.js (4.8 MB) only where a chart is drawn
    charted = page in ("/", "/segments", "/campaigns/spring") or 'class="chart"' in answer.text
    assert ("/static/plotly.min.js" in answer.text) == charted
    for contact in CONTACTS:
        assert contact not in answer.text


def test_pages_speak_chinese_on_request(logged_in):
    assert "概览" in logged_in.get("/?lang=zh").text
    assert "客户分群" in logged_in.get("/segments").text  # the choice is kept in a cookie
    assert "Segments" in logged_in.get("/segments?lang=en").text


def test_plotly_is_served_by_the_app(client):
    answer = client.get("/static/plotly.min.js")
    assert answer.status_code == 200 and "plotly" in answer.text[:2000].lower()


def test_overview_shows_expected_and_measured_profit(logged_in):
    text = logged_in.get("/").text
    # no out-of-fold forecast beside the plan: "not checked", never the model's own sum as
    # the expectation (that is named for what it is)
    assert 'id="expected-profit">not checked<' in text
    assert 'id="in-sample-sum">4.50<' in text  # the plan's 3.5 + 0 + 1.0
    assert 'id="measured-profit">12.50<' in text
    assert 'id="campaign">spring<' in text


FORECAST = {
    "campaign_id": "spring",
    "customers": 3,
    "checked": True,
    "in_sample_sum": 4.5,
    "estimate": -4602.37,
    "low": -9380.14,
    "high": 175.4,
    "confidence": 0.9,
    "exposures": 700,
    "policy": "pooled-x",
    "passes": False,
    "warning": "Past campaigns do not show that any candidate policy makes money: ...",
    "decision_code": "targets_anyway",
    "decision": "Targets with pooled-x anyway (allow-uncertain): the forecast's interval ...",
}


def _with_forecast(client, forecast):
    from promopilot.serve.state import build_state
    from tests.serve.conftest import PLAN, SETTINGS

    with client.app.state.gate.use() as store:
        state = build_state(
            store, plan=PLAN, campaign_id="spring", forecast=forecast, settings=SETTINGS, version=99
        )
    client.app.state.holder.swap(state)


def test_overview_shows_the_plans_out_of_fold_forecast_with_interval_and_warning(logged_in):
    _with_forecast(logged_in, FORECAST)
    text = logged_in.get("/?lang=en").text
    assert 'id="expected-profit">-4,602.37<' in text
    assert 'id="expected-low">-9,380.14<' in text and 'id="expected-high">175.40<' in text
    assert "do not show that any candidate policy makes money" in text
    assert "Targets with pooled-x anyway" in text and "4.50" not in text
    zh = logged_in.get("/?lang=zh").text
    assert "往期活动未能证明任何候选策略能盈利" in zh and "仍然使用 pooled-x 定向发送" in zh


def _element(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', html).group(1)


def test_the_chinese_overview_gives_the_warnings_figures_as_the_english_one(logged_in):
    """The warning names the best policy and its out-of-fold profit per customer with its
    interval; the Chinese page says the same, not a general line."""
    per_customer = {  # as the plan writes them (offers.forecast.warning_figures)
        k: money(FORECAST[k] / FORECAST["customers"], sign=True)
        for k in ("estimate", "low", "high")
    }
    warning = {
        **FORECAST,
        "warning": (
            "Past campaigns do not show that any candidate policy makes money: the best, pooled-x, "
            f"earns {per_customer['estimate']} per customer out of fold (interval "
            f"{per_customer['low']} .. {per_customer['high']} at 90%)."
        ),
    }
    _with_forecast(logged_in, warning)
    english = _element(logged_in.get("/?lang=en").text, "plan-warning")
    chinese = _element(logged_in.get("/?lang=zh").text, "plan-warning")
    assert english == warning["warning"]
    for figure in ("pooled-x", *per_customer.values(), "90%"):
        assert figure in english and figure in chinese
    assert chinese.startswith("往期活动未能证明任何候选策略能盈利：")
    assert "Past campaigns" not in chinese
    assert "pooled-x" in _element(logged_in.get("/?lang=zh").text, "plan-decision")


def test_the_chinese_warning_names_the_currency_of_the_plans_forecast(logged_in):
    """A plan of a shop whose money is in EUR writes its forecast's currency: the Chinese
    line's figures name it as the plan's English one does."""
    _with_forecast(logged_in, {**FORECAST, "currency": "EUR"})
    chinese = _element(logged_in.get("/?lang=zh").text, "plan-warning")
    each = FORECAST["estimate"] / FORECAST["customers"]
    assert f"每位客户收益 {money(each, 'EUR', sign=True)}（" in chinese
    assert chinese.count(" EUR") == 3


def _failed_plan(per_customer, low, high, confidence, n_customers):
    """A plan whose self-check did not pass, with the plan's own warning
    (``offers.plan.build_plan`` writes it with ``no_profit_warning``)."""
    import pandas as pd

    from promopilot.offers.forecast import no_profit_warning
    from promopilot.offers.plan import PlanResult
    from promopilot.offers.selfcheck import SelfCheck

    check = SelfCheck(
        per_customer=per_customer,
        low=low,
        high=high,
        customers=700,
        policy_sends=300,
        confidence=confidence,
        policy="pooled-x",
    )
    plan = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(n_customers)], "offer_id": "", "group": "none"}
    )
    return PlanResult(
        plan=plan,
        campaign_id="spring",
        as_of=pd.Timestamp("2026-07-01"),
        budget=10.0,
        totals={"n_considered": n_customers},
        self_check=check,
        self_check_note=no_profit_warning(check),
    )


def test_the_dashboards_english_warning_is_the_plans_own_for_the_same_forecast():
    """One sentence (offers.forecast.NO_PROFIT_WARNING) for the plan and the dashboard: the
    page's English line, rebuilt from the forecast's figures for all the plan's customers, is
    word for word the warning the plan wrote."""
    import numpy as np

    from promopilot.offers.forecast import plan_forecast
    from promopilot.serve.i18n import labels
    from promopilot.serve.views import plan_words

    rng = np.random.default_rng(7)
    for _ in range(50):
        low, estimate, high = np.sort(rng.normal(0, 20, 3))
        confidence = float(rng.choice([0.8, 0.9, 0.95]))
        result = _failed_plan(estimate, low, high, confidence, int(rng.integers(1, 5000)))
        forecast = plan_forecast(result)
        english = plan_words(forecast, labels("en"))["plan_warning"]
        assert english == result.self_check_note == forecast["warning"]
        chinese = plan_words(forecast, labels("zh"))["plan_warning"]
        assert f"{estimate:+.2f}" in english and f"{estimate:+.2f}" in chinese


def test_the_overview_shows_the_plans_own_warning(logged_in):
    from promopilot.offers.forecast import plan_forecast

    forecast = plan_forecast(_failed_plan(-1.534, -3.1, 0.25, 0.9, 3))
    _with_forecast(logged_in, forecast)
    assert _element(logged_in.get("/?lang=en").text, "plan-warning") == forecast["warning"]
    assert "-1.53" in forecast["warning"] and "pooled-x" in forecast["warning"]


def test_a_randomized_test_plan_shows_its_decision_not_a_missing_check_or_a_zero_sum(logged_in):
    """`plan --run-test` writes no expected profit (the column is empty) and a forecast file
    that says a test is sent: the card neither says no check was found nor shows 0.00."""
    from promopilot.serve.state import build_state
    from tests.serve.conftest import PLAN, SETTINGS

    test_plan = PLAN.assign(expected_incremental_profit=float("nan"))
    forecast = {
        "campaign_id": "spring",
        "customers": 3,
        "checked": False,
        "in_sample_sum": 0.0,
        "warning": "",
        "decision_code": "test",
        "decision": "A randomized test is sent instead of targeting: past campaigns cannot show "
        "which offer pays.",
    }
    with logged_in.app.state.gate.use() as store:
        state = build_state(
            store, plan=test_plan, campaign_id="spring", forecast=forecast, settings=SETTINGS
        )
    logged_in.app.state.holder.swap(state)
    text = logged_in.get("/?lang=en").text
    assert 'id="expected-profit">not checked<' in text
    assert 'id="in-sample-sum"' not in text
    assert "no out-of-fold check of this plan on past campaigns was found" not in text
    assert "A randomized test is sent instead" in _element(text, "plan-decision")


@pytest.mark.parametrize(
    "other", [{"customers": 5000}, {"campaign_id": "demo2"}, {"in_sample_sum": -15.73}]
)
def test_a_forecast_written_for_another_plan_is_not_shown(logged_in, other):
    """Another plan's forecast copied beside this one (same size, say) is not shown as its."""
    _with_forecast(logged_in, {**FORECAST, **other})
    assert 'id="expected-profit">not checked<' in logged_in.get("/?lang=en").text


def test_the_customer_page_shows_the_offer_without_logging_it(logged_in, app, store):
    before = store.scalar("SELECT count(*) FROM campaigns")
    text = logged_in.get("/customers/visitor-99").text
    app.state.writer.flush()
    assert store.scalar("SELECT count(*) FROM campaigns") == before
    assert 'id="unknown-customer"' in text


def test_offer_history_shows_a_missing_group_as_a_dash_and_times_to_the_minute(logged_in, store):
    # an ingested past campaign has no group; the live exposure (logged by the fixture) has
    # a time with microseconds: the owner reads when it went out, not its seconds
    store.execute(
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at) "
        "VALUES ('past', 'c1', 'off10', TIMESTAMP '2026-09-01 08:30:15.123456')"
    )
    text = logged_in.get("/customers/c1").text
    history = text.split('id="history"')[1].split("</table>")[0]
    assert "nan" not in history
    groups = re.findall(r'class="group">([^<]*)<', history)
    times = re.findall(r'class="sent-at">([^<]*)<', history)
    assert len(groups) == len(times) == 2
    assert sorted(groups) == ["target", "–"]  # c1 is the plan's target
    assert "2026-09-01 08:30" in times
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in times)
    zh = logged_in.get("/customers/c1?lang=zh").text
    assert 'id="offer-group">定向<' in zh and 'class="group">定向<' in zh


def test_an_unknown_campaign_is_a_friendly_404_page(logged_in):
    answer = logged_in.get("/campaigns/NOPE")
    assert answer.status_code == 404
    assert 'id="report-error"' in answer.text
    assert "No campaign NOPE in the store." in answer.text
    assert 'id="campaigns"' in answer.text  # still the page, with the campaign list


def test_a_failing_report_shows_no_exception_text_and_logs_it(logged_in, monkeypatch, caplog):
    def broken(store, campaign_id, **kwargs):
        raise OverflowError(34, "Numerical result out of range")

    monkeypatch.setattr(sys.modules["promopilot.campaigns.measure"], "measure_campaign", broken)
    with caplog.at_level(logging.ERROR, logger="promopilot.serve"):
        for page in ("/campaigns/spring", "/"):
            answer = logged_in.get(page)
            assert answer.status_code == 200
            assert "Numerical result" not in answer.text and "(34," not in answer.text
            assert "see the server&#39;s log" in answer.text
    assert "Numerical result out of range" in caplog.text


def test_the_campaign_page_shows_each_offers_own_control_and_every_lift_as_the_cli(
    logged_in, monkeypatch
):
    """A plan's log: each offer is measured against the held-out control (7 customers), the
    whole campaign against everyone who got nothing; lifts written as `promopilot report`."""
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def planned(store, campaign_id, **kwargs):
        report = plain(store, campaign_id, **kwargs)
        report["control"]["customers"] = 555
        report["per_offer_control"] = {
            "customers": 7,
            "conversion": 0.04,
            "revenue_per_customer": 2.0,
            "profit_per_customer": 1.0,
        }
        near_zero = {"estimate": -0.00004, "low": -0.05, "high": 0.042}
        report["arms"][0]["lift"]["conversion"] = near_zero
        return report

    monkeypatch.setattr(module, "measure_campaign", planned)
    text = logged_in.get("/campaigns/spring").text
    rows = re.findall(r'<tr class="arm".*?</tr>', text, flags=re.S)
    assert rows and all('<td class="control">7</td>' in row for row in rows)
    assert 'id="offer-control-customers">7<' in text and 'id="control-customers">555<' in text
    assert 'id="offer-control-label">Control of each offer (held out)<' in text
    # a rate minus a rate: percentage points, as the header spells out
    assert '<td class="conversion-lift">0.0 pp [-5.0 pp, +4.2 pp]</td>' in rows[0]
    assert "Conversion lift, percentage points (pp) [interval]" in text
    assert '<td class="control-conversion">4.0%</td>' in rows[0]
    assert '<td class="revenue-lift">+2.50 [+0.50, +4.50]</td>' in rows[0]
    assert '<td class="profit-lift">+1.75 [+0.65, +2.85]</td>' in rows[0]
    assert 'id="incremental-profit">+12.50 [-3.25, +28.00]<' in text
    assert "0.0123" not in text and "-0.00" not in text


def test_pages_fit_a_phone_and_their_tables_scroll_sideways(logged_in):
    text = logged_in.get("/segments").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert re.search(r"main table \{[^}]*display: block;[^}]*overflow-x: auto", text)


def test_chinese_pages_translate_verdicts_segments_columns_and_messages(logged_in, monkeypatch):
    import pandas as pd

    from promopilot.serve import quality

    overview = logged_in.get("/?lang=zh").text
    assert "效果不明显" in overview and "no clear effect" not in overview
    campaign = logged_in.get("/campaigns/spring").text
    assert 'id="verdict">效果不明显<' in campaign and "no clear effect" not in campaign
    segments = logged_in.get("/segments").text.split('id="segments"')[1].split("</table>")[0]
    names = re.findall(r"<tr><td>([^<]*)</td>", segments)
    assert names and not any(re.search(r"[A-Za-z]", n) for n in names)
    answer = logged_in.get("/campaigns/NOPE")
    assert answer.status_code == 404 and "店内没有活动 NOPE。" in answer.text
    table = pd.DataFrame(
        {
            "model": ["pooled-x"],
            "offer": ["off10"],
            "n_treated": [10],
            "n_control": [5],
            "qini": [0.01],
            "auuc": [0.1],
            "uplift_at_30": [0.02],
        }
    )
    monkeypatch.setattr(quality, "uplift_quality", lambda store: table)
    logged_in.app.state.quality_cache.clear()
    models = logged_in.get("/models").text
    assert "收到优惠的客户" in models and "前 30% 客户的增量" in models
    assert "n_treated" not in models and "uplift_at_30" not in models


def test_the_models_page_gives_each_score_its_interval_and_no_nan(logged_in, monkeypatch):
    import pandas as pd

    from promopilot.serve import quality

    table = pd.DataFrame(
        {
            "model": ["pooled-x"],
            "offer": ["off10"],
            "n_treated": [1200],
            "n_control": [300],
            "qini": [0.01],
            "qini_low": [-0.02],
            "qini_high": [0.04],
            "auuc": [0.1],
            "auuc_low": [0.05],
            "auuc_high": [0.15],
            "uplift_at_30": [float("nan")],
            "uplift_at_30_low": [float("nan")],
            "uplift_at_30_high": [float("nan")],
        }
    )
    table.attrs["flat"] = ("off20",)  # a model that ranked nobody for it: the page says so
    monkeypatch.setattr(quality, "uplift_quality", lambda store: table)
    logged_in.app.state.quality_cache.clear()
    page = logged_in.get("/models").text
    assert "No score for off20: the model gives every held-out customer the same" in page
    cells = page.split('id="uplift-quality"')[1].split("</table>")[0]
    assert "<td>0.010 [-0.020, 0.040]</td>" in cells and "<td>0.100 [0.050, 0.150]</td>" in cells
    assert "<td>1,200</td>" in cells and "<td>–</td>" in cells
    assert "nan" not in cells.lower() and "Qini [interval]" in cells
    assert '"error_y"' in page  # the Qini bars carry their intervals


def test_chart_dates_are_numbers_in_any_language(logged_in):
    text = logged_in.get("/?lang=zh").text
    assert '"tickformat":"%Y-%m-%d"' in text
    assert '"tickformat":"%Y-%m"' in logged_in.get("/segments").text


def test_the_login_page_does_not_load_plotly(client):
    assert "plotly" not in client.get("/login").text


def test_dashboard_cosmetics_scores_recency_channel(logged_in, store):
    text = logged_in.get("/customers/c1").text
    ranks = re.findall(r'class="rank">([^<]*)<', text)
    assert ranks and ranks == [str(i) for i in range(1, len(ranks) + 1)]
    # a control customer got nothing: no channel
    store.execute(
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel) "
        "VALUES ('past', 'c2', NULL, TIMESTAMP '2026-09-01 08:30:15', 'email')"
    )
    history = logged_in.get("/customers/c2").text.split('id="history"')[1]
    assert 'class="channel">email<' not in history.split("</table>")[0]
    segments = logged_in.get("/segments?lang=en").text
    for row in re.findall(r"<tr><td>No purchases</td>.*?</tr>", segments, re.S):
        assert 'class="recency">–<' in row


def test_model_quality_reports_the_hit_rate(store, monkeypatch):
    import pandas as pd

    from promopilot.serve import quality

    class Model:
        def recommend(self, customers, k, exclude_seen):
            return pd.DataFrame(
                {
                    "customer_id": ["c1", "c2", "c3"],
                    "product_id": ["p1", "p4", "p2"],
                    "rank": [1, 1, 1],
                    "score": [1.0, 1.0, 1.0],
                }
            )

    monkeypatch.setattr(quality, "fit_recommender", lambda store, as_of=None: Model())
    result = quality.recommendation_quality(store, days=60)
    # of the three recommendations only c1's (p1) was bought in the last 60 days
    assert result["customers"] == 3 and result["hit_rate@10"] == pytest.approx(1 / 3)


def test_a_live_campaign_not_logged_yet_is_said_in_the_pages_language(logged_in):
    from promopilot.serve.state import build_state
    from tests.serve.conftest import PLAN, SETTINGS

    with logged_in.app.state.gate.use() as store:
        state = build_state(store, plan=PLAN, campaign_id="winter", settings=SETTINGS, version=98)
    logged_in.app.state.holder.swap(state)
    zh = logged_in.get("/?lang=zh").text
    assert "店内没有活动 winter。" in zh and "is not in the store" not in zh


def test_the_dashboard_reads_column_words_from_the_same_mapping():
    from promopilot.report.labels import COLUMN_LABELS
    from promopilot.serve.i18n import labels, word

    zh, en = labels("zh"), labels("en")
    for column, (english, chinese) in COLUMN_LABELS.items():
        # a score the models page writes with its interval says so
        suffix = (" [区间]", " [interval]") if column == "uplift_at_30" else ("", "")
        assert word(zh, "col", column) == chinese + suffix[0]
        assert word(en, "col", column).lower() == (english + suffix[1]).lower()


RULES = """who gets what (a depth-3 tree reproduces 87% of the plan's choices):
|--- recency_days <= 30.50
|   |--- class: off10
|--- recency_days >  30.50
|   |--- class: nothing
"""


def test_the_overview_shows_the_plans_rules_in_the_pages_language(logged_in):
    """The plan's tree (written into its forecast) with each column by its label, as the HTML
    report and <plan>.rules.txt show it; in Chinese, labels and the lines around it too."""
    from dataclasses import replace

    from promopilot.offers.forecast import plan_forecast

    result = replace(_failed_plan(-1.5, -3.0, 0.5, 0.9, 3), rules=RULES)
    _with_forecast(logged_in, plan_forecast(result))
    english = logged_in.get("/?lang=en").text
    rules = english.split('<pre id="plan-rules">')[1].split("</pre>")[0]
    assert "Who gets what: the plan&#39;s rules" in english
    assert "|--- days since last order &lt;= 30.50" in rules
    assert "|   |--- offer: off10" in rules and "offer: nothing" in rules
    assert "recency_days" not in rules and "class:" not in rules
    chinese = logged_in.get("/?lang=zh").text
    rules = chinese.split('<pre id="plan-rules">')[1].split("</pre>")[0]
    assert rules.startswith("谁得到什么（深度为 3 的决策树重现了计划 87% 的选择）：")
    assert "|--- 距上次下单天数 &gt;  30.50" in rules and "|   |--- 优惠: 无" in rules
    assert "谁得到什么：计划的规则" in chinese


@pytest.mark.parametrize("forecast", [None, FORECAST, {**FORECAST, "rules": ""}])
def test_the_overview_shows_no_rules_without_them(logged_in, forecast):
    """No forecast beside the plan, an older one without rules, or a plan without a tree."""
    _with_forecast(logged_in, forecast)
    for lang in ("en", "zh"):
        text = logged_in.get(f"/?lang={lang}").text
        assert 'id="plan-rules"' not in text and "plan-rules-title" not in text


@pytest.fixture()
def depth_shop(tmp_path):
    """The dashboard on a shop with a measured plan campaign: a 10% offer and free shipping,
    each against the plan's held-out control (tests/campaigns/report_helpers.py)."""
    from fastapi.testclient import TestClient

    from promopilot.serve.app import create_app
    from promopilot.serve.config import ServeConfig
    from tests.campaigns.report_helpers import plan_store
    from tests.serve.conftest import ADMIN, builder

    store = plan_store(tmp_path)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
    with TestClient(app) as client:
        client.post("/login", data={"key": READ})
        yield client, store
    store.close()


def test_the_campaigns_page_gives_the_depth_verdict_in_both_languages(depth_shop):
    """The campaign report's depth verdict, per segment, with the same figures: free shipping
    named as such (its fee is not on its order lines), never a 0% depth."""
    import html

    from promopilot.campaigns.depth import depth_finding, promotion_depth, verdict_text
    from promopilot.config import load_settings
    from promopilot.report.campaign_extras import depth_verdict_zh

    client, store = depth_shop
    table, _ = promotion_depth(store, confidence=load_settings().confidence)
    findings = [depth_finding(table, s) for s in table["segment"].unique()]
    english = html.unescape(client.get("/campaigns?lang=en").text)
    shown = re.findall(r'<p class="depth-verdict">([^<]*)</p>', english)
    assert shown == [verdict_text(f) for f in findings] and len(shown) == 2
    # 10% is the one depth measured (free shipping has none)
    assert shown[0].startswith("all customers: only one depth was measured, 10% (pct10 in plan")
    assert "Free shipping (ship in plan;" in shown[0] and " 0%" not in english
    chinese = html.unescape(client.get("/campaigns?lang=zh").text)
    shown = re.findall(r'<p class="depth-verdict">([^<]*)</p>', chinese)
    assert shown == [depth_verdict_zh(f) for f in findings]
    assert shown[0].startswith("全部客户：只测到一种力度 10%")
    assert "包邮（plan 活动中的 ship" in shown[0]
    assert "折扣力度：折扣多深开始不划算" in chinese


def test_the_depth_verdict_names_the_shops_currency_as_the_report_does(depth_shop, monkeypatch):
    import html

    from promopilot.campaigns.depth import depth_finding, promotion_depth, verdict_text
    from promopilot.config import load_settings

    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    client, store = depth_shop
    table, _ = promotion_depth(store, confidence=load_settings().confidence)
    english = html.unescape(client.get("/campaigns?lang=en").text)
    shown = re.findall(r'<p class="depth-verdict">([^<]*)</p>', english)
    assert shown == [
        verdict_text(depth_finding(table, s, "EUR")) for s in table["segment"].unique()
    ]
    assert re.search(r"profit lift -?[\d,]+\.\d\d EUR per customer, interval", shown[0])


def test_the_campaigns_page_has_no_depth_verdict_without_a_measured_campaign(logged_in):
    text = logged_in.get("/campaigns").text
    assert 'id="campaigns"' in text and 'id="depth"' not in text


def test_a_failing_depth_verdict_is_logged_and_the_page_shows_the_rest(
    logged_in, monkeypatch, caplog
):
    from promopilot.serve import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "depth_verdicts", broken)
    with caplog.at_level(logging.ERROR, logger="promopilot.serve"):
        answer = logged_in.get("/campaigns")
    assert answer.status_code == 200 and 'id="campaigns"' in answer.text
    assert "boom" not in answer.text and 'id="depth"' not in answer.text
    assert "promotion depth failed" in caplog.text


def test_a_campaign_whose_window_is_not_over_is_said_to_be_not_final(logged_in, monkeypatch):
    """The measurement says some windows run past the latest order: the pages say the
    figures are not final, as `promopilot report` does, in the page's language."""
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def still_open(store, campaign_id, **kwargs):
        report = plain(store, campaign_id, **kwargs)
        report["open_windows"] = {
            "customers": 1200,
            "of": 1750,
            "window_days": 14,
            "data_until": "2011-03-14 16:54",
        }
        return report

    monkeypatch.setattr(module, "measure_campaign", still_open)
    campaign = logged_in.get("/campaigns/spring?lang=en").text
    assert 'id="not-final">Not final: the 14-day window of 1,200 of 1,750 customers' in campaign
    assert "(2011-03-14 16:54)" in campaign
    overview = logged_in.get("/?lang=zh").text
    assert 'id="measured-not-final">尚非最终结果：1,750 位顾客中有 1,200 位' in overview
    monkeypatch.setattr(module, "measure_campaign", plain)
    assert 'id="not-final"' not in logged_in.get("/campaigns/spring").text


def test_a_files_campaign_whose_window_runs_past_the_data_says_how_many_days_it_holds(
    logged_in, monkeypatch
):
    """Hillstrom at the 14-day window: `promopilot report` says its window holds only the 7
    days the store's data reach after the e-mail; the dashboard showed the figures with no
    word of it. Both pages say it now, in the page's language."""
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def past_the_data(store, campaign_id, **kwargs):
        report = plain(store, campaign_id, **kwargs)
        report["window_past_data"] = {
            "customers": 64000,
            "of": 64000,
            "days": 7.0,
            "data_until": "2008-03-08",
        }
        return report

    monkeypatch.setattr(module, "measure_campaign", past_the_data)
    campaign = " ".join(html.unescape(logged_in.get("/campaigns/spring?lang=en").text).split())
    assert (
        'id="window-past-data">The 14-day window is the campaign_window_days setting (a campaign '
        "from a file does not say how long its outcomes were counted); the store's orders and "
        "events end 7 days after it was sent (2008-03-08), so every customer's window holds only "
        "those 7 days.</p>"
    ) in campaign
    overview = logged_in.get("/?lang=zh").text
    assert (
        "店铺的订单和行为数据截至发送后 7 天（2008-03-08），所以所有顾客的窗口期只包含这 7 天"
        in overview
    )
    assert 'id="measured-past-data"' in overview
    monkeypatch.setattr(module, "measure_campaign", plain)
    assert 'id="window-past-data"' not in logged_in.get("/campaigns/spring").text


def test_a_campaign_without_outcomes_yet_shows_no_figures(logged_in, monkeypatch):
    """Right after a send no customer has an order in the window: every figure would be
    0.00 [0.00, 0.00]; the pages say there are no outcomes yet instead."""
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def no_orders(store, campaign_id, **kwargs):
        report = plain(store, campaign_id, **kwargs)
        zero = {"estimate": 0.0, "low": 0.0, "high": 0.0}
        report["buyers"] = 0
        report["incremental_profit"] = zero
        for arm in report["arms"]:
            arm["lift"] = dict.fromkeys(arm["lift"], zero)
        return report

    monkeypatch.setattr(module, "measure_campaign", no_orders)
    overview = logged_in.get("/?lang=en").text
    assert 'id="no-outcomes">No outcomes yet' in overview and 'id="measured-low"' not in overview
    campaign = logged_in.get("/campaigns/spring?lang=zh").text
    assert 'id="no-outcomes">尚无结果' in campaign
    assert 'id="arms"' not in campaign and "0.00 [0.00, 0.00]" not in campaign


def test_a_campaign_without_outcomes_says_how_many_were_sent_and_what_a_figure_needs(
    logged_in, monkeypatch
):
    """The note said only "No outcomes yet ... Ingest the orders placed since it was sent",
    of Hillstrom's 64,000 customers too, whose orders are in the store a day past a 7-day
    window. It says how many were sent an offer and how many got nothing, the days of data
    after the send and what a figure needs, in the page's language."""
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def after_the_window(store, campaign_id, **kwargs):
        report = plain(store, campaign_id, **kwargs)
        report.update(buyers=0, window_days=7, power={"sent_customers": 42694})
        report["control"]["customers"] = 21306
        report["no_outcomes"] = {
            "state": "later",
            "window_days": 7,
            "window_end": "2008-03-08",
            "data_until": "2008-03-08",
            "data_days": 7.0,
            "later_orders": 578,
            "later_customers": 578,
            "later_first_days": 7.0,
            "window_needed": 8,
        }
        return report

    monkeypatch.setattr(module, "measure_campaign", after_the_window)
    overview = " ".join(logged_in.get("/?lang=en").text.split())
    assert (
        'id="no-outcomes">No outcomes in the 7-day window: none of the 64,000 customers of '
        "campaign spring (42,694 sent an offer, 21,306 got nothing) has an order in it."
    ) in overview
    assert "its orders and events end 7 days after it (2008-03-08)" in overview
    assert "A window of at least 8 days counts them" in overview
    campaign = logged_in.get("/campaigns/spring?lang=zh").text
    assert "64,000 位顾客（42,694 位收到优惠，21,306 位未获优惠）" in campaign
    assert "数据截至发送后 7 天（2008-03-08）" in campaign and "窗口期至少 8 天" in campaign


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_a_held_out_group_the_offers_control_is_not_called_held_out(logged_in, lang):
    """A log with no plan holdout: each offer is measured against everyone who got nothing,
    and the page says so instead of calling them held out."""
    text = logged_in.get(f"/campaigns/spring?lang={lang}").text
    label = _element(text, "offer-control-label")
    assert (
        ("held out)" not in label and "everyone who got nothing" in label)
        if lang == "en"
        else ("（留出）" not in label and "所有未获优惠的客户" in label)
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_designed_tests_control_group_is_not_said_to_be_missing(lang):
    """A randomized test (explore and control, no target) is measured against everyone who
    got nothing, its control group among them: the label must not say the log has none."""
    from promopilot.serve.i18n import labels
    from promopilot.serve.views import campaign_view

    interval = {"estimate": 1.0, "low": 0.0, "high": 2.0}
    report = {
        "control": {"customers": 68},
        "groups": {"control": 68, "explore": 232},
        "arms": [],
        "incremental_profit": interval,
    }
    label = campaign_view(report, labels(lang))["control_offers_label"]
    assert "no held-out group" not in label and "没有留出组" not in label
    assert ("control group" in label) if lang == "en" else ("随机对照组" in label)


def test_visitors_outside_the_plan_are_counted_apart_on_the_campaigns_pages(logged_in, monkeypatch):
    """The list counts the plan's customers and the visitors apart (before, the visitors were
    among its customers and those without an offer), and the campaign page says how many
    visitors its figures leave out, in the page's language."""
    for visitor in ("visitor-1", "visitor-2"):
        logged_in.get(f"/v1/customers/{visitor}/offer", headers=READ_H)
    logged_in.app.state.writer.flush()
    listing = logged_in.get("/campaigns?lang=en").text
    assert '<td>spring</td><td>3</td><td>1</td><td class="visitors">2</td>' in listing
    module = sys.modules["promopilot.campaigns.measure"]
    plain = module.measure_campaign

    def with_visitors(store, campaign_id, **kwargs):
        return {
            **plain(store, campaign_id, **kwargs),
            "visitors": {"customers": 1642, "offered": 72},
        }

    monkeypatch.setattr(module, "measure_campaign", with_visitors)
    english = logged_in.get("/campaigns/spring?lang=en").text
    assert 'id="visitors">Visitors answered outside the plan while it was served: 1,642' in english
    assert "(72 of them shown an exploration offer)" in english
    assert (
        'id="visitors">计划投放期间在计划之外应答的 1,642 位访客'
        in logged_in.get("/campaigns/spring?lang=zh").text
    )
    monkeypatch.setattr(module, "measure_campaign", plain)
    assert 'id="visitors"' not in logged_in.get("/campaigns/spring").text
