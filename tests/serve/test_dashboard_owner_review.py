"""An owner's review of the dashboard: every column and chart axis says what it holds, and a
page never shows a table of dashes or a number an owner cannot read."""

from __future__ import annotations

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
