"""An offer that went to only a handful of customers in a past campaign is left out of
learning, with a note, instead of stopping the plan (the models split customers into folds
and cannot give every fold one of two)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import (
    CONTROL,
    MIN_ARM_ROWS,
    campaign_training_data,
    without_thin_arms,
)
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError
from promopilot.offers.evaluate import evaluate_campaign_models
from promopilot.offers.inputs import default_feature_fn
from promopilot.offers.plan import build_plan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "uci-online-retail-sample"


def _store(tmp_path_factory, small: str, n_small: int = 2):
    """The UCI sample with offers and a randomized past campaign in which `n_small` customers
    got `small` (an offer, or "" for the control group)."""
    folder = tmp_path_factory.mktemp("thin") / "shop"
    folder.mkdir()
    shutil.copy(FIXTURE / "online-retail-sample.csv", folder / "orders.csv")
    orders = pd.read_csv(folder / "orders.csv", dtype={"CustomerID": str})
    ids = orders["CustomerID"].dropna().unique()
    times = pd.to_datetime(orders["InvoiceDate"])
    sent = times.min() + (times.max() - times.min()) * 0.8
    arms = [a for a in ("", "pct10", "note") if a != small]
    arm = np.random.default_rng(0).choice(arms, len(ids))
    arm[:n_small] = small
    pd.DataFrame(
        {"offer_id": ["pct10", "note", "big"], "kind": "percent_off", "value": [0.1, 0, 0.3]}
    ).to_csv(folder / "offers.csv", index=False)
    pd.DataFrame(
        {
            "campaign_id": "past",
            "customer_id": ids,
            "offer_id": arm,
            "sent_at": sent.strftime("%Y-%m-%d"),
            "propensity": 1 / 3,
        }
    ).to_csv(folder / "campaigns.csv", index=False)
    store = Store(tmp_path_factory.mktemp("db") / "s.duckdb")
    ingest(store, folder)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with _store(tmp_path_factory, "big") as s:
        yield s


@pytest.fixture(scope="module")
def tiny_control(tmp_path_factory):
    with _store(tmp_path_factory, "") as s:
        yield s


def test_without_thin_arms_keeps_the_control_and_the_offers_enough_customers_got(store):
    data = campaign_training_data(store, default_feature_fn)
    assert (data.treatment == "big").sum() == 2
    kept, left_out = without_thin_arms(data)
    assert left_out == ("big",)
    assert set(kept.treatment) == {CONTROL, "pct10", "note"}
    assert kept.n == data.n - 2 and len(kept.X) == kept.n
    assert without_thin_arms(kept) == (kept, ())
    # the control group is kept however small it is
    _, left_out = without_thin_arms(data, min_rows=data.n)
    assert CONTROL not in left_out and MIN_ARM_ROWS > 2


def test_a_plan_leaves_the_thin_offer_out_and_says_so(store):
    result = build_plan(
        store, budget=200, campaign_id="t", n_bootstrap=2, select_model=False, do_no_harm=False
    )
    assert any("big" in line and "too few" in line for line in result.warnings)
    assert "big" not in set(result.plan["offer_id"])
    assert (result.plan["offer_id"] != "").any()


def test_the_uplift_scores_name_the_thin_offer(store):
    evaluation = evaluate_campaign_models(store, models=["t-learner", "pooled-x"])
    assert evaluation.left_out == ("big",) and "big" in evaluation.note()
    assert "big" not in set(evaluation.table.get("offer", []))
    table = evaluation.table.set_index("model")
    # pooled-x ranks the held-out customers: every score has its bootstrap interval
    for score in ("qini", "auuc", "uplift_at_30"):
        low, high = table.loc["pooled-x", f"{score}_low"], table.loc["pooled-x", f"{score}_high"]
        assert (low <= high).all() and low.notna().all()
    # on this little data the t-learner gives everyone one uplift: it ranks nobody, so its
    # scores are not defined (not an exact 0 [0, 0]) and the note says why
    assert set(evaluation.flat) == {("t-learner", "note"), ("t-learner", "pct10")}
    assert (
        table.loc["t-learner", ["qini", "qini_low", "auuc", "uplift_at_30"]].isna().to_numpy().all()
    )
    assert "no score for t-learner on note, pct10: the model gives every" in evaluation.note()


def test_a_control_group_of_two_is_too_little_to_learn_from(tiny_control):
    result = build_plan(
        tiny_control, budget=200, campaign_id="t", n_bootstrap=2, select_model=False,
        do_no_harm=False,
    )  # fmt: skip
    assert "2 of them in a control group" in result.design
    assert (result.plan["group"] != "target").all()
    with pytest.raises(NotEnoughDataError, match="control group has 2 customer"):
        evaluate_campaign_models(tiny_control, models=["t-learner"])


@pytest.mark.slow
def test_retrain_keeps_its_profile_and_says_why_it_scored_nothing(tiny_control):
    from promopilot.campaigns.retrain import retrain
    from promopilot.offers.evaluate import evaluate_models
    from promopilot.offers.response import DEFAULT_MODEL, campaign_candidates

    result = retrain(
        tiny_control,
        default_feature_fn,
        evaluate=lambda data: evaluate_models(
            data, {DEFAULT_MODEL: campaign_candidates(data, 0)[DEFAULT_MODEL]}
        ),
    )
    assert result.evaluation is None and len(result.profile.customers) > 100
    assert "control group has 2 customer" in result.unscored


@pytest.fixture(scope="module")
def few_held_out(tmp_path_factory):
    with _store(tmp_path_factory, "big", n_small=MIN_ARM_ROWS + 1) as s:
        yield s


def test_an_offer_too_few_held_out_customers_got_is_named_as_not_scored(few_held_out):
    """`big` went to 31 customers: enough to learn from, but fewer than 10 of them fall in a
    held-out share of 20%, so it has no score; it was dropped from the table without a word
    (the dashboard's model quality showed two of the UCI test's three offers)."""
    evaluation = evaluate_campaign_models(few_held_out, models=["t-learner"], share=0.2)
    assert evaluation.left_out == ()
    assert "big" not in set(evaluation.table["offer"])
    assert evaluation.unscored == ("big",)
