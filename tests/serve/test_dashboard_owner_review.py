"""An owner's review of the dashboard: every column and chart axis says what it holds, and a
page never shows a table of dashes or a number an owner cannot read."""

from __future__ import annotations

import json
import re

from tests.serve.conftest import READ_H


def _recommendations(page: str) -> str:
    return page.split('id="recommendations"')[1].split("</table>")[0]


def test_the_recommendations_table_heads_every_column_and_shows_ranks_not_raw_scores(
    logged_in,
):
    for lang, title in (("en", "Title"), ("zh", "名称")):
        table = _recommendations(logged_in.get(f"/customers/c1?lang={lang}").text)
        heads = re.findall(r"<th>([^<]*)</th>", table)
        assert len(heads) == 3 and all(h.strip() for h in heads), heads
        assert heads[2] == title
        rows = re.findall(r"<tr><td.*?</tr>", table, re.S)
        assert rows and all(len(re.findall(r"<td", row)) == len(heads) for row in rows)
        # the recommender's raw scores (similarities, or counts for a new customer) are gone
        assert not re.search(r">\d+\.\d{3}<", table)
    items = logged_in.get("/v1/customers/c1/recommendations?k=10", headers=READ_H).json()["items"]
    table = _recommendations(logged_in.get("/customers/c1?lang=en").text)
    assert re.findall(r'class="product-title">([^<]*)<', table) == [i["title"] for i in items]


def _figures(page: str) -> list[dict]:
    found = re.findall(r'<script type="application/json" class="figure"[^>]*>(.*?)</script>', page)
    return [json.loads(text) for text in found]


def test_every_dashboard_chart_titles_both_axes(logged_in):
    """The campaign page's lift chart had no y-axis title where the shop names no currency
    (the money axes were titled only with one); every chart names both its axes."""
    charts = {}
    for lang in ("en", "zh"):
        for page in ("/", "/segments", "/campaigns/spring", "/models"):
            for figure in _figures(logged_in.get(f"{page}?lang={lang}").text):
                layout = figure["layout"]
                title = layout["title"]["text"]
                for axis in ("xaxis", "yaxis"):
                    text = layout.get(axis, {}).get("title", {}).get("text")
                    assert text and text.strip(), (page, lang, title, axis)
                charts[(lang, title)] = layout["yaxis"]["title"]["text"]
    assert charts[("en", "Profit lift per customer, with interval")] == (
        "profit lift per customer"  # the tiny shop names no currency
    )
    assert charts[("zh", "人均利润提升及区间")] == "人均利润提升"
    assert len(charts) >= 8  # revenue per week, segment sizes and trend, lift: in two languages


def test_the_models_page_qini_chart_titles_both_axes():
    import pandas as pd

    from promopilot.serve import views
    from promopilot.serve.i18n import labels

    uplift = pd.DataFrame({"offer": ["off10", "off20"], "qini": [0.12, -0.03]})
    for lang in ("en", "zh"):
        (figure,) = views.quality_charts(uplift, labels(lang))
        layout = json.loads(figure)["layout"]
        assert layout["xaxis"]["title"]["text"] == labels(lang)["offer"]
        assert layout["yaxis"]["title"]["text"].startswith("Qini")
