"""The plan on synthetic worlds with a known truth: where offers only hurt, it sends nothing and
spends nothing; where a randomized campaign shows a strong effect, it targets, earns money in
truth, and spends its budget (figures from our own synthetic data)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.plan import build_plan
from promopilot.synth import worldgen
from promopilot.synth.oracle import oracle_plan
from promopilot.synth.truth import plan_true_value, true_incremental_profit
from promopilot.synth.world import END
from promopilot.synth.worlds import draw_world


def _world(monkeypatch, tmp_path, n: int, **changes):
    """World 8 (a uniform randomized campaign) with `changes` to what its seed drew."""
    world = replace(draw_world(8), campaign="uniform", campaign_share=1.0, **changes)
    monkeypatch.setattr(worldgen, "draw_world", lambda seed: world)
    shop = worldgen.make_world(8, n)
    store = Store(tmp_path / "world.duckdb")
    ingest(store, shop.write(tmp_path / "shop"))
    return shop, store


@pytest.mark.slow
def test_a_world_of_sleeping_dogs_gets_nothing(monkeypatch, tmp_path):
    shop, store = _world(
        monkeypatch,
        tmp_path,
        1500,
        dog_share=0.6,
        dog_strength=0.8,
        dog_trait="random",
        effect_scale=0.05,
    )
    # in truth every offer loses money on average
    assert (true_incremental_profit(shop.truth, shop.offers).mean() < 0).all()
    with store:
        result = build_plan(store, budget=900.0, campaign_id="dogs", as_of=END)
    assert result.self_check is not None and not result.self_check.passes
    assert (result.plan["offer_id"] == "").all()
    assert result.totals["n_target"] == 0 and result.totals["n_explore"] == 0
    assert plan_true_value(result.plan, shop.truth, shop.offers) == (0.0, 0.0)
    assert "randomized test" in result.design


@pytest.mark.slow
def test_a_strong_randomized_effect_is_targeted_within_the_budget(monkeypatch, tmp_path):
    shop, store = _world(monkeypatch, tmp_path, 3000, dog_share=0.0, effect_scale=2.0)
    budget = 1800.0
    with store:
        result = build_plan(store, budget=budget, campaign_id="strong", as_of=END)
    check = result.self_check
    assert check is not None and check.passes and check.low > 0
    assert result.totals["n_target"] > 0
    # the plan's own forecast spends the budget, and no more
    assert result.plan["expected_cost"].sum() <= budget + 1e-6
    assert result.plan["expected_cost"].sum() >= 0.9 * budget
    profit, cost = plan_true_value(result.plan, shop.truth, shop.offers)
    oracle, _ = plan_true_value(
        oracle_plan(shop.truth, budget, shop.offers, plan=result.plan), shop.truth, shop.offers
    )
    assert profit > 0.2 * oracle > 0
    assert 0.7 * budget <= cost <= 1.2 * budget
