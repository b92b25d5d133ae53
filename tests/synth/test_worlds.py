"""The family of synthetic worlds: structures differ by seed, each world's truth explains its
own generated data, and every world's folder ingests cleanly."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.synth.oracle import oracle_plan
from promopilot.synth.truth import plan_true_value
from promopilot.synth.world import CAMPAIGN_AT, WINDOW_DAYS
from promopilot.synth.worldgen import make_world
from promopilot.synth.worlds import CAMPAIGN, DRIVERS, SHAPES, World, draw_world


def first_seed(wanted: Callable[[World], bool]) -> int:
    """The first world seed whose drawn structure is `wanted`."""
    return next(s for s in range(500) if wanted(draw_world(s)))


def test_seeds_draw_different_structures():
    worlds = [draw_world(s) for s in range(60)]
    assert {d for w in worlds for d in w.drivers} == set(DRIVERS)
    assert {w.shape for w in worlds} == set(SHAPES)
    assert {w.campaign for w in worlds} == set(CAMPAIGN)
    assert {w.effect for w in worlds} == {"purchase", "basket"}
    assert any(w.dog_share > 0 for w in worlds) and any(w.dog_share == 0 for w in worlds)
    assert len({str(w).split(": ", 1)[1] for w in worlds}) == len(worlds)
    assert all("\n" not in str(w) for w in worlds)
    assert draw_world(7) == draw_world(7)


def test_same_seed_same_world():
    a, b = make_world(4, n_customers=200), make_world(4, n_customers=200)
    assert a.world == b.world
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    pd.testing.assert_frame_equal(a.truth, b.truth)


def window_purchases(shop) -> tuple[pd.DataFrame, np.ndarray]:
    """The past campaign's rows and whether each customer bought in its window."""
    camp = shop.tables["campaigns"]
    orders = shop.tables["orders"]
    ts = pd.to_datetime(orders["timestamp"])
    window = orders[
        (ts >= CAMPAIGN_AT)
        & (ts < CAMPAIGN_AT + pd.Timedelta(days=WINDOW_DAYS))
        & ~orders.get("is_return", pd.Series(False, index=orders.index)).astype(bool)
    ]
    return camp, camp["customer_id"].isin(window["customer_id"]).to_numpy()


@pytest.mark.slow  # two 2,000-customer worlds: about 5 s each
@pytest.mark.parametrize(
    "wanted",
    [
        lambda w: w.campaign in ("uniform", "uneven") and w.effect == "purchase"
        and w.campaign_share > 0.7 and w.effect_scale > 0.3,
        lambda w: w.campaign == "targeted" and w.effect == "purchase" and w.campaign_share > 0.7,
    ],
    ids=["randomized", "targeted"],
)  # fmt: skip
def test_truth_agrees_with_the_worlds_past_campaign_orders(wanted):
    """Per arm of the past campaign, the observed purchase rate lies within 3.3 standard
    errors of the truth's purchase probabilities at the campaign date, and so does each
    offer's difference to no offer (within the same arm's customers: no assumption on how
    they were chosen)."""
    shop = make_world(first_seed(wanted), n_customers=2000)
    camp, bought = window_purchases(shop)
    truth = shop.truth.set_index("customer_id").loc[camp["customer_id"]]
    arm = camp["offer_id"].fillna("").to_numpy()
    for offer in ["", *shop.world.offers]:
        mask = arm == offer
        if mask.sum() < 50:
            continue
        p = truth[f"campaign_p_buy__{offer or 'none'}"].to_numpy()[mask]
        se = np.sqrt((p * (1 - p)).sum()) / mask.sum()
        assert abs(bought[mask].mean() - p.mean()) < 3.3 * se, (shop.world, offer)
        if offer:  # what no offer would have given the same customers: less, in truth
            p0 = truth["campaign_p_buy__none"].to_numpy()[mask]
            assert p.mean() > p0.mean()


def test_sleeping_dogs_buy_less_when_contacted():
    shop = make_world(first_seed(lambda w: w.dog_share > 0.15 and w.effect == "purchase"), 400)
    truth = shop.truth
    dogs = truth["sleeping_dog"].to_numpy() & ~truth["churned"].to_numpy()
    assert dogs.any()
    for offer in shop.world.offers:
        p, p0 = truth[f"p_buy__{offer}"].to_numpy(), truth["p_buy__none"].to_numpy()
        assert (p[dogs] < p0[dogs]).all()
        # most lose money too (a beauty coupon still adds a beauty item to a dog's basket:
        # 5 of 29 such dogs earn something with it)
        assert (truth[f"profit__{offer}"].to_numpy()[dogs] < 0).mean() > 0.7
    assert (truth["discount_sensitivity"].to_numpy()[truth["sleeping_dog"]] < 0).all()

    calm = make_world(first_seed(lambda w: w.dog_share == 0 and w.effect == "purchase"), 300)
    for offer in calm.world.offers:
        assert (calm.truth[f"p_buy__{offer}"] >= calm.truth["p_buy__none"]).all()


def test_only_randomized_campaigns_write_propensities():
    targeted = make_world(first_seed(lambda w: w.campaign == "targeted"), 300)
    assert "propensity" not in targeted.tables["campaigns"]
    uneven = make_world(first_seed(lambda w: w.campaign == "uneven"), 300)
    camp = uneven.tables["campaigns"]
    assert camp["propensity"].between(0, 1, inclusive="right").all()
    assert camp.loc[camp["offer_id"] == "", "propensity"].nunique() > 10  # not uniform
    none = make_world(first_seed(lambda w: w.campaign == "none"), 300)
    assert "campaigns" not in none.tables


@pytest.mark.parametrize(
    "wanted",
    [
        lambda w: w.return_rate > 0 and w.costs == "none" and w.browse_scale == 0,
        lambda w: w.stock == "null" and w.costs == "some" and w.campaign == "targeted",
    ],
    ids=["returns-no-costs-no-events", "null-stock-some-costs-targeted"],
)
def test_a_worlds_folder_ingests_cleanly(wanted, tmp_path):
    shop = make_world(first_seed(wanted), n_customers=300)
    with Store(":memory:") as store:
        report = ingest(store, shop.write(tmp_path))
    loaded = {f.table: f for f in report.files}
    assert set(loaded) == set(shop.tables)
    for f in report.files:
        assert f.n_quarantined == 0 and f.n_loaded == f.n_read == len(shop.tables[f.table]), f
    assert (tmp_path / "_truth" / "world.json").exists()


def test_the_oracle_scores_plans_on_a_world():
    shop = make_world(first_seed(lambda w: w.effect == "purchase" and len(w.offers) > 2), 300)
    plan = oracle_plan(shop.truth, 50.0, shop.offers)
    assert set(plan["offer_id"]) <= set(shop.world.offers)
    profit, cost = plan_true_value(plan, shop.truth, shop.offers)
    assert cost <= 50.0 + 1e-9 and profit >= 0
