import shutil

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.retrain import retrain
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.synth.outcomes import simulate_plan_outcomes


def _features(store, as_of):
    return store.query(
        "SELECT customer_id, count(*) AS n_orders_before FROM orders "
        f"WHERE timestamp < TIMESTAMP '{as_of}' GROUP BY 1"
    )


@pytest.mark.slow  # builds the whole customer profile
def test_retrain_learns_from_the_new_campaign_too(shop, shop_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(shop_db, db)
    ids = shop.truth["customer_id"].to_numpy()
    rng = np.random.default_rng(1)
    plan = pd.DataFrame(
        {"customer_id": ids, "offer_id": rng.choice(["", "pct10"], len(ids)), "propensity": 0.5}
    )
    with Store(db) as store:
        before = store.count("campaigns")
        sent_at = store.default_as_of()
        new = simulate_plan_outcomes(
            shop.truth, plan, store.table("products"), campaign_id="summer", sent_at=sent_at
        )
        folder = tmp_path / "new"
        folder.mkdir()
        for name, frame in new.items():
            frame.to_csv(folder / f"{name}.csv", index=False)
        ingest(store, folder)
        with_history = len(_features(store, sent_at))  # rows need features at send time
        seen = []
        result = retrain(
            store,
            _features,
            window_days=14,
            as_of=sent_at,
            progress=seen.append,
            evaluate=lambda data: sorted(set(data.campaign_id)),
        )
    assert seen == ["profile", "outcomes", "training data", "response model"]
    assert result.evaluation == ["spring-2026", "summer"]
    assert (result.training.campaign_id == "summer").sum() == with_history
    assert (result.training.campaign_id == "spring-2026").sum() <= before
    summary = result.campaigns.set_index("campaign_id")
    assert summary.loc["summer", "customers"] == len(ids)
    assert summary.loc["summer", "buyers"] == new["orders"]["customer_id"].nunique()
    assert len(result.profile.customers) == len(ids)


@pytest.mark.slow  # builds the whole customer profile
def test_retrain_after_a_campaign_that_sent_nothing_rebuilds_without_scoring(tmp_path):
    """A plan that sent nothing (its check failed) logs everyone as getting nothing: there
    is no response to score yet, and retrain still rebuilds the customers."""
    from pathlib import Path

    fixture = Path(__file__).parents[1] / "fixtures" / "uci-online-retail-sample"
    with Store(":memory:") as store:
        ingest(store, fixture)
        as_of = store.default_as_of()
        ids = store.table("customers", ["customer_id"])["customer_id"].head(300)
        folder = tmp_path / "log"
        folder.mkdir()
        pd.DataFrame(
            {"campaign_id": "quiet", "customer_id": ids, "offer_id": "", "sent_at": as_of}
        ).to_csv(folder / "campaigns.csv", index=False)
        ingest(store, folder / "campaigns.csv")

        def must_not_run(data):
            raise AssertionError("scored a response model without a treated customer")

        result = retrain(store, _features, window_days=14, as_of=as_of, evaluate=must_not_run)
    assert result.evaluation is None
    assert len(result.profile.customers) > 0
    assert result.campaigns.set_index("campaign_id").loc["quiet", "customers"] == len(ids)


def test_retrain_while_the_only_campaign_waits_for_outcomes_says_so(tmp_path, monkeypatch):
    """A campaign just sent has no outcomes yet: retrain says there is no training set yet,
    not that no customer got an offer (it sent offers; their results are not in)."""
    import promopilot.profile.build as build

    monkeypatch.setattr(build, "build_profile", lambda store, as_of=None: "profile")  # not tested
    folder = tmp_path / "shop"
    folder.mkdir()
    ids = [f"c{i}" for i in range(40)]
    rng = np.random.default_rng(3)
    n = 120
    pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(n)],
            "timestamp": [f"2026-01-{d:02d}" for d in rng.integers(1, 29, n)],
            "customer_id": rng.choice(ids, n),
            "product_id": rng.choice(["p", "q", "r"], n),
            "quantity": rng.integers(1, 4, n),
            "unit_price": rng.choice([5.0, 10.0, 25.0], n),
        }
    ).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame(
        {
            "campaign_id": "soon",
            "customer_id": ids,
            "offer_id": ["pct10", ""] * 20,
            "sent_at": "2026-02-01",
            "propensity": 0.5,
        }
    ).to_csv(folder / "campaigns.csv", index=False)
    with Store(":memory:") as store:
        ingest(store, folder)

        def must_not_run(data):
            raise AssertionError("scored a response model without a training set")

        result = retrain(store, _features, window_days=14, evaluate=must_not_run)
    assert result.training is None and "soon" in result.note
    assert "no uplift training set yet" in result.unscored
    assert "got an offer" not in result.unscored


@pytest.mark.slow  # builds the whole customer profile
def test_retrain_says_why_no_model_is_scored_when_the_log_is_too_small(tmp_path):
    """A first campaign of 40 customers, most of them offered a coupon: too few exposures to
    learn from, which is what retrain says (not that nobody got an offer)."""
    lines = [
        f"o{c}-{n},2026-0{1 + n}-1{c % 9} 10:00,c{c},p{(c + n) % 4},1,20\n"
        for c in range(40)
        for n in range(3)
    ]
    orders = "order_id,timestamp,customer_id,product_id,quantity,unit_price\n" + "".join(lines)
    log = "campaign_id,customer_id,offer_id,sent_at,propensity\n" + "".join(
        f"first,c{c},{'' if c % 4 == 0 else 'pct10'},2026-05-01T09:00:00,0.5\n" for c in range(40)
    )
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "orders.csv").write_text(orders, encoding="utf-8")
    (folder / "campaigns.csv").write_text(log, encoding="utf-8")
    with Store(":memory:") as store:
        ingest(store, folder)
        result = retrain(store, _features, window_days=14, evaluate=lambda data: "scored")
    assert result.evaluation is None
    assert "at least 200" in result.unscored and "no logged customer" not in result.unscored
