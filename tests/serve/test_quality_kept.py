"""The dashboard's model quality is kept in the store for its data: a server started again
on the same data shows the /models page without computing it, the same page; other data or
settings compute it anew; what is read back is what was computed, exactly."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.data.queries import computed
from promopilot.data.store import Store
from promopilot.serve import quality
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from tests.serve.conftest import ADMIN, READ, builder


def counted(monkeypatch, calls: list[str]) -> None:
    """Count the computations behind the page (still computing them for real)."""
    recs, uplift = quality.held_out_recommendations, quality.held_out_uplift

    def count_recs(store, **kwargs):
        calls.append("recommendations")
        return recs(store, **kwargs)

    def count_uplift(store):
        calls.append("uplift")
        return uplift(store)

    monkeypatch.setattr(quality, "held_out_recommendations", count_recs)
    monkeypatch.setattr(quality, "held_out_uplift", count_uplift)


def models_page(path, builder=builder) -> str:
    """The /models page of a server started on the store at `path` (`builder` None: the
    server's own state, without a plan)."""
    with Store(path) as store:
        app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
        with TestClient(app) as client:
            assert client.post("/login", data={"key": READ}, follow_redirects=False).is_redirect
            page = client.get("/models")
            assert page.status_code == 200
            return page.text


def test_a_server_started_again_on_the_same_data_computes_no_model_quality(
    tiny_db, tmp_path, monkeypatch
):
    path = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, path)
    calls: list[str] = []
    counted(monkeypatch, calls)
    first = models_page(path)
    assert calls == ["recommendations", "uplift"]
    second = models_page(path)
    assert calls == ["recommendations", "uplift"]  # before: computed again by every server
    assert second == first
    with Store(path) as store:  # an order more: the data changed, so it is computed again
        store.execute(
            "INSERT INTO orders (order_id, timestamp, customer_id, product_id, quantity, "
            "unit_price) VALUES ('o9', TIMESTAMP '2026-10-11 10:00:00', 'c3', 'p2', 1, 12)"
        )
    models_page(path)
    assert calls == ["recommendations", "uplift"] * 2


def test_the_demo_keeps_the_model_quality_so_the_first_visit_computes_none(
    tiny_db, tmp_path, monkeypatch
):
    """`promopilot demo` ends by computing the models page's figures into its store: a
    server started on it shows the page at once (the demo store's first visit took 8.6 s,
    computed there), the same page a server computing it shows."""
    from promopilot.cli import demo

    fresh, kept_by_demo = tmp_path / "fresh.duckdb", tmp_path / "demo.duckdb"
    shutil.copy(tiny_db, fresh)
    shutil.copy(tiny_db, kept_by_demo)
    with Store(kept_by_demo) as store:
        assert demo.DEMO_STEPS[-1](store, tmp_path) == []  # its last step: no report section
    calls: list[str] = []
    counted(monkeypatch, calls)
    page = models_page(kept_by_demo)
    assert calls == []  # before: the first visit computed both
    assert page == models_page(fresh)
    assert calls == ["recommendations", "uplift"]


def test_a_kept_table_reads_back_exactly_with_its_attrs(store):
    table = pd.DataFrame(
        {
            "model": ["pooled-x", "pooled-x"],
            "offer": ["off10", "满200打9折"],
            "n_treated": [1200, 7],
            "qini": [0.1 + 0.2, float("nan")],
            "auuc": [1e-17, -2.5],
        }
    )
    table.attrs.update(left_out=("thin",), unscored=(), flat=("off20",))
    assert quality.kept(store, "table", lambda: table) is table
    again = quality.kept(store, "table", lambda: pytest.fail("computed again"))
    pd.testing.assert_frame_equal(again, table, check_exact=True)
    assert again.attrs == table.attrs
    # a message (the reason there is no table) and a dict of figures read back as they were
    assert quality.kept(store, "why", lambda: "no campaigns") == "no campaigns"
    assert quality.kept(store, "why", lambda: pytest.fail("computed again")) == "no campaigns"
    figures = {"customers": 3, "nDCG@10": 1 / 3, "hit_rate@10": float("nan")}
    quality.kept(store, "figures", lambda: figures)
    back = quality.kept(store, "figures", lambda: pytest.fail("computed again"))
    assert back["customers"] == 3 and back["nDCG@10"] == 1 / 3
    assert math.isnan(back["hit_rate@10"])


def test_other_settings_or_arguments_compute_again(store, monkeypatch):
    calls: list[int] = []

    def compute() -> float:
        calls.append(1)
        return 0.5

    quality.kept(store, "x", compute, days=30)
    quality.kept(store, "x", compute, days=30)
    assert len(calls) == 1
    quality.kept(store, "x", compute, days=60)
    assert len(calls) == 2
    monkeypatch.setenv("PROMOPILOT_SEED", "7")
    quality.kept(store, "x", compute, days=60)
    assert len(calls) == 3


def test_a_read_only_store_computes_and_keeps_nothing(tiny_db, tmp_path):
    path = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, path)
    calls: list[int] = []
    with Store(path, read_only=True) as store:
        for _ in range(2):
            quality.kept(store, "x", lambda: calls.append(1) or 1.0)
    assert len(calls) == 2


def test_the_fingerprint_follows_the_data_and_leaves_contact_data_out(store):
    before = computed.fingerprint(store)
    assert computed.fingerprint(store) == before
    store.execute("UPDATE contacts SET name = 'someone else'")  # never read by a computation
    assert computed.fingerprint(store) == before
    store.execute("UPDATE products SET title = 'Green tea' WHERE product_id = 'p1'")
    assert computed.fingerprint(store) != before


@pytest.mark.slow
def test_after_outcomes_the_page_reads_the_kept_review_sentiment_and_shows_the_same(
    shop_db, tmp_path, monkeypatch
):
    """The models page builds the customer features as of each past campaign's send date, each
    with a review sentiment model fitted on the reviews before it. After outcomes (an order
    more) the page is computed anew, but those reviews did not change: their kept scores are
    read back (the demo store: 1-2.5 s and jieba's dictionary less), and the page is the one
    computed with nothing kept, byte for byte."""
    from promopilot.data.ingest import ingest
    from promopilot.profile import features, kept_sentiment

    path = tmp_path / "shop.duckdb"
    shutil.copy(shop_db, path)
    models_page(path, builder=None)  # the first visit: the page and the sentiment are kept
    (tmp_path / "outcomes").mkdir()
    (tmp_path / "outcomes" / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "extra-1,2026-06-30T22:00:00,C000247,P0049,1,429.9\n"
    )
    with Store(path) as store:
        ingest(store, tmp_path / "outcomes")
    fits: list[int] = []
    real = features.review_sentiment
    monkeypatch.setattr(features, "review_sentiment", lambda r, **k: fits.append(1) or real(r, **k))
    calls: list[str] = []
    counted(monkeypatch, calls)
    after = models_page(path, builder=None)
    assert calls == ["recommendations", "uplift"]  # the data changed: computed anew
    assert fits == []  # before: a sentiment model fitted per past campaign
    with Store(path) as store:  # nothing kept: the page computed from scratch
        store.execute(f"DELETE FROM {computed.TABLE}")
    fresh = models_page(path, builder=None)
    assert fits and calls == ["recommendations", "uplift"] * 2
    assert after == fresh
    with Store(path, read_only=True) as store:
        assert store.scalar(
            f"SELECT count(*) FROM {computed.TABLE} WHERE name = ?", [kept_sentiment.NAME]
        )
