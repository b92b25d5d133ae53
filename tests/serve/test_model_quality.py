"""The models page's recommendation scores on a shop whose orders carry postage lines: what is
scored is what the recommender may recommend."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.serve import quality

FILES = {
    "products.csv": """product_id,title,category,price,cost,is_product
p1,绿茶 Green tea,tea,10,4,true
p2,茶杯 Cup,ware,20,8,true
p3,茶壶 Teapot,ware,50,20,true
post,POSTAGE,,5,5,false
""",
    # c1 buys p1 with postage in the last 30 days, c2 only pays a postage line then
    "orders.csv": """order_id,timestamp,customer_id,product_id,quantity,unit_price
o1,2026-08-01T10:00:00,c1,p2,1,20
o2,2026-08-02T10:00:00,c2,p3,1,50
o3,2026-10-01T10:00:00,c1,p1,1,10
o3,2026-10-01T10:00:00,c1,post,1,5
o4,2026-10-02T10:00:00,c2,post,1,5
""",
}


class Model:
    """Recommends p1 to c1 and p2 to c2: c1's is bought, c2 bought no product."""

    def recommend(self, customers, k, exclude_seen):
        recs = pd.DataFrame(
            {"customer_id": ["c1", "c2"], "product_id": ["p1", "p2"], "rank": [1, 1]}
        )
        return recs[recs["customer_id"].isin(customers)].assign(score=1.0)


@pytest.fixture()
def shop(tmp_path, monkeypatch):
    folder = tmp_path / "shop"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(quality, "fit_recommender", lambda store, as_of=None: Model())
    with Store(tmp_path / "shop.duckdb") as store:
        ingest(store, folder)
        yield store


def test_postage_lines_are_not_purchases_the_recommendations_are_scored_on(shop):
    """A postage line is never recommended, so it is no purchase to find: c2, who bought
    nothing else, is not scored (he was, as a customer with a miss: hit rate 1/2, not 1), and
    the catalogue whose coverage is given is the three products: c1's p1 is 1 of 3 (it was
    p1 and c2's p2 of four, POSTAGE counted)."""
    result = quality.held_out_recommendations(shop, days=30)
    assert result["customers"] == 1
    assert result["hit_rate@10"] == 1.0 and result["recall@10"] == 1.0
    assert result["coverage"] == pytest.approx(1 / 3)


def test_a_shop_whose_recent_orders_are_only_postage_has_nothing_to_score(shop):
    """Hillstrom's outcome orders are a non-product spend line only: the page showed 578
    customers evaluated and every score 0.0000, which reads as a recommender that finds
    nothing; there is no product bought to find."""
    shop.con.execute("DELETE FROM orders WHERE order_id = 'o3'")
    assert quality.held_out_recommendations(shop, days=30) == {"customers": 0}


ONE_PRODUCT = """order_id,timestamp,customer_id,product_id,quantity,unit_price
a1,2026-07-01T10:00:00,c1,cd,1,14
a2,2026-07-02T10:00:00,c2,cd,2,14
a3,2026-08-03T10:00:00,c3,cd,1,14
b1,2026-10-01T10:00:00,c1,cd,1,14
b2,2026-10-02T10:00:00,c2,cd,1,14
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_shop_of_one_product_is_told_there_is_nothing_to_recommend(tmp_path, lang):
    """CDNOW sells one product, `cd`, which every recent buyer had bought before: the models
    page showed 138 customers evaluated with every score and the coverage 0.0000, which reads
    as a recommender that fails; it says there was nothing to recommend to them."""
    from fastapi.testclient import TestClient

    from promopilot.serve.app import create_app
    from promopilot.serve.config import ServeConfig
    from promopilot.serve.state import build_state

    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "orders.csv").write_text(ONE_PRODUCT, encoding="utf-8")
    with Store(tmp_path / "shop.duckdb") as store:
        ingest(store, folder)
        app = create_app(store, ServeConfig.from_keys(["k" * 16]), state=build_state(store))
        with TestClient(app) as client:
            client.post("/login", data={"key": "k" * 16})
            page = client.get(f"/models?lang={lang}").text
    assert 'id="rec-quality"' not in page and "0.0000" not in page
    note = page.split('id="rec-quality-note">')[1].split("</p>")[0]
    assert "nothing to recommend to the 2 customers who bought in the last 30 days" in note
    assert note.startswith("数据不足" if lang == "zh" else "Not enough data")


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "purchase rate with the offer minus without"),
        ("zh", "有优惠与无优惠的购买率之差"),
    ],
)
def test_the_models_page_says_what_its_uplift_scores_are_in(logged_in, monkeypatch, lang, says):
    """The demo's models page gave "Uplift in the top 30% [interval]: 0.095 [0.032, 0.146]"
    with no unit (a purchase-rate difference, 9.5 percentage points) and no scale for Qini and
    AUUC, which `promopilot plan`'s table explains in its caption; the page now does too."""
    table = pd.DataFrame(
        {
            "model": ["pooled-x"],
            "offer": ["off10"],
            "n_treated": [349],
            "n_control": [796],
            "qini": [0.189],
            "auuc": [0.07],
            "uplift_at_30": [0.095],
        }
    )
    monkeypatch.setattr(quality, "uplift_quality", lambda store: table)
    logged_in.app.state.quality_cache.clear()
    page = logged_in.get(f"/models?lang={lang}").text
    caption = html.unescape(page.split('id="uplift-caption">')[1].split("</p>")[0])
    assert says in caption
    if lang == "en":
        assert "0.095 is 9.5 percentage points" in caption
        assert "a random order (0) and a perfect one (1)" in caption
    else:
        assert "0.095 即 9.5 个百分点" in caption and "随机顺序（0）" in caption
