"""Hashed draws and the plan's randomized groups: fixed by campaign and customer, with the
documented shares and exact propensities."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from promopilot.offers.randomization import hashed_uniform, random_arm, randomize

IDS = np.array([f"c{i}" for i in range(6_000)] + ["顾客-7", "42"], dtype=object)


def test_hashed_uniform_is_the_documented_hash():
    """sha256 of "<key>:...:<id>", its first 8 bytes (or 6: the evaluation's 48-bit holdout
    split) as a big-endian integer over 2**bits: the values every plan and every benchmark
    figure so far were drawn with."""
    ids = IDS[[0, 1, 999, -2, -1]]
    want = (
        np.array(
            [
                int.from_bytes(hashlib.sha256(f"spring:explore:{c}".encode()).digest()[:8], "big")
                for c in ids
            ],
            dtype=np.float64,
        )
        / 2.0**64
    )
    np.testing.assert_array_equal(hashed_uniform(ids, "spring", "explore"), want)
    want = np.array(
        [int(hashlib.sha256(f"holdout:{c}".encode()).hexdigest()[:12], 16) for c in ids],
        dtype=np.float64,
    ) / float(16**12)
    np.testing.assert_array_equal(hashed_uniform(ids, "holdout", bits=48), want)
    with pytest.raises(ValueError, match="bits"):
        hashed_uniform(ids, "x", bits=12)


def test_hashed_uniform_is_uniform_and_independent_of_the_others():
    u = hashed_uniform(IDS, "spring", "explore")
    assert (u >= 0).all() and (u < 1).all()
    # every tenth of [0, 1) holds a tenth of the customers (4 binomial standard errors)
    counts = np.bincount((u * 10).astype(int), minlength=10)
    assert np.abs(counts / len(u) - 0.1).max() < 4 * np.sqrt(0.09 / len(u))
    # a customer's draw depends on their own id only: a subset, reordered, draws the same
    order = np.random.default_rng(0).permutation(len(IDS))[:500]
    np.testing.assert_array_equal(hashed_uniform(IDS[order], "spring", "explore"), u[order])
    other = hashed_uniform(IDS, "autumn", "explore")
    assert abs(np.corrcoef(u, other)[0, 1]) < 0.03


def test_groups_are_fixed_by_campaign_and_customer_with_exact_propensities():
    offers = ["a", "b", "c", "d"]
    e, c, k = 0.05, 0.10, len(offers)
    rng = np.random.default_rng(1)
    chosen = pd.Series(rng.choice(["a", "b", ""], len(IDS)), index=IDS)
    chosen = chosen[chosen != ""]
    kw = {"control_share": c, "explore_share": e}
    plan = randomize(IDS, chosen, offers, campaign_id="spring", **kw)
    # the same customers in another order, and a subset of them, get the same groups
    order = rng.permutation(len(IDS))
    again = randomize(IDS[order], chosen, offers, campaign_id="spring", **kw)
    pd.testing.assert_frame_equal(
        again.set_index("customer_id").loc[IDS], plan.set_index("customer_id")
    )
    other = randomize(IDS, chosen, offers, campaign_id="autumn", **kw)
    assert (other["group"] != plan["group"]).mean() > 0.05
    explore = plan["group"] == "explore"
    np.testing.assert_array_equal(
        plan.loc[explore, "offer_id"], random_arm(IDS[explore], offers, campaign_id="spring")
    )
    has_choice = plan["customer_id"].isin(chosen.index)
    control = plan["group"] == "control"
    assert (plan.loc[control, "offer_id"] == "").all() and has_choice[control].all()
    target = plan["group"] == "target"
    assert (plan.loc[target, "offer_id"] == plan.loc[target, "model_choice"]).all()
    # the propensity of what each customer got, as the docstring derives it
    sent = plan["offer_id"] != ""
    same = plan["offer_id"] == plan["model_choice"]
    want = np.where(
        sent,
        e / k + (1 - e) * (1 - c) * (same & has_choice),
        (1 - e) * np.where(has_choice, c, 1.0),
    )
    np.testing.assert_allclose(plan["propensity"], want)
    # and the draws give the advertised shares (4 binomial standard errors)
    n = len(plan)
    assert abs(explore.mean() - e) < 4 * np.sqrt(e * (1 - e) / n)
    held = control.sum() / (~explore & has_choice).sum()
    assert abs(held - c) < 4 * np.sqrt(c * (1 - c) / (~explore & has_choice).sum())
