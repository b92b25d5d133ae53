import warnings

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.ope import evaluate_policy, off_policy_value, policy_arms
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.synth.outcomes import random_campaign


def _policy(frame: pd.DataFrame) -> np.ndarray:
    """A candidate: offer a to past buyers, b to every third other customer, else nothing."""
    third = np.arange(len(frame)) % 3 == 0
    return np.where(frame["pre_revenue"] > 0, "a", np.where(third, "b", "control")).astype(object)


@pytest.mark.slow  # about 12 s of CPU
def test_off_policy_intervals_cover_the_true_policy_value():
    rng = np.random.default_rng(20261202)
    rows = []
    for i in range(200):
        campaign = random_campaign(
            rng,
            3000,
            effects={"a": 0.02, "b": 0.01},
            send_cost=[0.05, None][i % 2],
            unequal=i % 4 != 0,
            activity=3.0,
        )
        frame = campaign.frame.assign(orders_before=campaign.frame["pre_orders"])
        policy = _policy(frame)
        truth = campaign.policy_value(policy)
        result = off_policy_value(frame, policy, confidence=0.95, random_state=i)
        for name, e in result["estimators"].items():
            rows.append(
                {
                    "estimator": name,
                    "covered": e["low"] <= truth <= e["high"],
                    "error": e["estimate"] - truth,
                    "width": e["high"] - e["low"],
                }
            )
    table = (
        pd.DataFrame(rows)
        .groupby("estimator")
        .agg(
            coverage=("covered", "mean"),
            bias=("error", "mean"),
            rmse=("error", lambda e: np.sqrt((e**2).mean())),
            width=("width", "mean"),
        )
    )
    print(
        "\noff-policy estimates over 200 synthetic campaigns (own simulator, 3/4 with "
        "unequal propensities), 95% intervals:"
    )
    print(table.round(3).to_string())
    for name in ("ips", "snips", "dr"):
        assert 0.90 <= table.loc[name, "coverage"] <= 0.99, name
    assert table.loc["dr", "rmse"] < table.loc["ips", "rmse"]


def test_ips_by_hand_and_nothing_is_worth_nothing():
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "arm": ["x", "control", "x", "control"],
            "propensity": [0.5, 0.25, 0.8, 0.5],
            "profit": [10.0, 4.0, -1.0, 2.0],
            "pre_revenue": 0.0,
            "pre_orders": 0,
            "orders_before": 0,
        }
    )
    policy = np.array(["x", "x", "control", "control"], dtype=object)
    result = off_policy_value(frame, policy, n_folds=2)
    # a follows (+10/0.5); b got nothing (-4/0.25); c: policy says nothing, logged x: 0;
    # d: policy nothing and logged nothing: the two terms cancel
    assert result["estimators"]["ips"]["estimate"] == pytest.approx((20 - 16) / 4)
    assert result["policy_sends"] == 2 and result["matching_logged_arm"] == 2  # a and d
    nothing = off_policy_value(frame, np.full(4, "control", dtype=object))
    assert nothing["estimators"]["ips"]["estimate"] == 0
    assert nothing["estimators"]["dr"]["estimate"] == pytest.approx(0)


def test_policy_input_is_checked():
    frame = pd.DataFrame({"customer_id": ["a", "b"], "arm": ["x", "control"]})
    with pytest.raises(InputError, match="never sent"):
        policy_arms(frame, pd.DataFrame({"customer_id": ["a"], "offer_id": ["zzz"]}))
    with pytest.raises(InputError, match="missing column"):
        policy_arms(frame, pd.DataFrame({"customer_id": ["a"]}))
    with pytest.raises(InputError, match="more than once"):
        policy_arms(frame, pd.DataFrame({"customer_id": ["a", "a"], "offer_id": ["x", ""]}))
    arms, unnamed = policy_arms(frame, pd.DataFrame({"customer_id": ["a"], "offer_id": ["x"]}))
    assert list(arms) == ["x", "control"] and unnamed == 1


def test_a_policy_that_is_not_a_table_or_sends_nothing_reads_plainly():
    """A dict stopped on "'dict' object has no attribute 'columns'"; a policy that sends
    nothing to anyone (its offer column all empty, read by pandas as float NaN) printed
    pandas' warning about filling a float column with text."""
    frame = pd.DataFrame({"customer_id": ["a", "b"], "arm": ["x", "control"]})
    with pytest.raises(InputError, match=r"expected a table .* got dict"):
        policy_arms(frame, {"a": "x"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        arms, unnamed = policy_arms(
            frame, pd.DataFrame({"customer_id": ["a", "b"], "offer_id": [np.nan, np.nan]})
        )
    assert list(arms) == ["control", "control"] and unnamed == 0


def test_a_policy_with_float_ids_names_the_stored_customers():
    # pandas reads a numeric id column with gaps as floats: 17850.0 is the store's 17850, as
    # the recommenders and ingest read it; before, such a policy named no one and was worth 0
    frame = pd.DataFrame({"customer_id": ["17850", "13047"], "arm": ["x", "control"]})
    policy = pd.DataFrame({"customer_id": [17850.0, 13047.0], "offer_id": ["x", np.nan]})
    arms, unnamed = policy_arms(frame, policy)
    assert list(arms) == ["x", "control"] and unnamed == 0


def test_evaluate_policy_on_a_logged_campaign(tmp_path):
    rng = np.random.default_rng(3)
    n = 400
    ids = [f"c{i}" for i in range(n)]
    arm = np.where(rng.random(n) < 0.5, "pct10", "")
    buy = rng.random(n) < np.where(arm == "pct10", 0.4, 0.2)
    folder = tmp_path / "shop"
    folder.mkdir()
    pd.DataFrame(
        {"offer_id": ["pct10"], "kind": ["percent_off"], "value": [0.1], "send_cost": [0.1]}
    ).to_csv(folder / "offers.csv", index=False)
    pd.DataFrame(
        {
            "campaign_id": "k",
            "customer_id": ids,
            "offer_id": arm,
            "sent_at": "2026-03-01",
            "propensity": 0.5,
        }
    ).to_csv(folder / "campaigns.csv", index=False)
    buyers = np.flatnonzero(buy)
    pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in buyers],
            "timestamp": "2026-03-05",
            "customer_id": [ids[i] for i in buyers],
            "product_id": "p",
            "quantity": 1,
            "unit_price": 50.0,
            "discount": 0.0,
        }
    ).to_csv(folder / "orders.csv", index=False)
    store = Store(":memory:")
    ingest(store, folder)
    everyone = pd.DataFrame({"customer_id": ids, "offer_id": "pct10"})
    result = evaluate_policy(store, everyone, "k", window_days=14)
    assert result["campaign_id"] == "k" and result["customers"] == n
    assert result["estimator"] == "dr"
    assert set(result["estimators"]) == {"ips", "snips", "dr"}
    # profit per buyer 50 x 0.35 (default margin) = 17.5; sending to all: 0.2 x 17.5 - 0.1 = 3.4
    interval = result["incremental_profit_per_customer"]
    assert interval["low"] < 3.4 < interval["high"]
    assert interval["low"] > 0
    # the Python API takes a policy file's path as evaluate-policy reads it (a blank line is
    # no row) and values it as the same table
    path = tmp_path / "policy.csv"
    rows = [f"{i},pct10" for i in ids]
    path.write_text("\n".join(["customer_id,offer_id", *rows[:9], "", *rows[9:]]) + "\n")
    assert evaluate_policy(store, str(path), "k", window_days=14) == result
    path.write_text("customer_id,offer_id\nc1,pct10\n\nc1,\n")
    with pytest.raises(InputError, match=r"policy.csv: line 4, column customer_id: 'c1'"):
        evaluate_policy(store, path, "k", window_days=14)
