"""Randomization: who is held out, who explores, and the exact probability of what each got.

Every draw is a hash of the campaign id, a salt and the customer id (:func:`hashed_uniform`),
so a plan can be rebuilt exactly and a customer's draw does not depend on who else is in it.
A plan holds out a control group from the customers the model would target and sends a slice
of everyone a random offer (:func:`randomize`); a shop with no campaign history gets a designed
test instead, every customer one arm uniformly at random (:func:`design_plan`).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from promopilot.config import Settings
from promopilot.data.currency import money
from promopilot.data.queries.offers import buyers_between
from promopilot.data.store import Store
from promopilot.offers.economics import offer_terms
from promopilot.offers.inputs import customer_value_inputs
from promopilot.offers.power import design_test

LEFT_OUT_REASON = "outside the test (its expected cost is above the cap per customer)"
"""The reason of a customer a designed test leaves out before it is drawn (:func:`design_plan`):
what the customer's own dearest offer is expected to cost them (the test's purchase rate times
that offer's discount on their basket) is above the setting ``test_max_cost_share`` of the
budget."""


def hashed_uniform(customer_ids, *key: str, bits: int = 64) -> np.ndarray:
    """A number in [0, 1) per customer, fixed by the key and the customer id: the first
    `bits` bits (a multiple of 8, at most 64) of ``sha256("<key...>:<customer_id>")`` read as
    a big-endian integer, divided by ``2**bits``. A plan's draws are keyed by (campaign id,
    salt), e.g. ``hashed_uniform(ids, "spring", "explore")``."""
    if bits % 8 or not 8 <= bits <= 64:
        raise ValueError(f"bits must be a multiple of 8 between 8 and 64, got {bits}")
    size = bits // 8
    prefix = "".join(f"{part}:" for part in key)
    pad = bytes(8 - size)
    digests = b"".join(
        pad + hashlib.sha256(f"{prefix}{c}".encode()).digest()[:size] for c in customer_ids
    )
    return np.frombuffer(digests, dtype=">u8").astype(np.float64) / 2.0**bits


def randomize(
    customer_ids: np.ndarray,
    chosen: pd.Series,
    offer_ids: list[str],
    *,
    campaign_id: str,
    control_share: float,
    explore_share: float,
) -> pd.DataFrame:
    """Groups and exact propensities.

    Each customer first falls in the exploration slice with probability ``e`` (then gets an
    offer uniformly at random among the K offers); otherwise, if the model chose an offer for
    them, they are held out as control with probability ``c``. So for a customer whose model
    choice is ``a`` the probability of receiving offer ``o`` is ``e/K + (1-e)(1-c)[o = a]``
    and of receiving nothing is ``(1-e)(c[a is an offer] + [a is nothing])``; the
    ``propensity`` column holds that probability for what the customer actually got.
    """
    e, c, k = explore_share, control_share, len(offer_ids)
    explore = hashed_uniform(customer_ids, campaign_id, "explore") < e
    control_draw = hashed_uniform(customer_ids, campaign_id, "control") < c
    random_offer = random_arm(customer_ids, offer_ids, campaign_id=campaign_id)
    choice = chosen.reindex(customer_ids).fillna("").to_numpy(dtype=object)
    has_choice = choice != ""
    group = np.where(
        explore,
        "explore",
        np.where(has_choice, np.where(control_draw, "control", "target"), "none"),
    )
    offer = np.where(explore, random_offer, np.where(group == "control", "", choice))
    sent = offer != ""
    same_as_choice = offer == choice
    propensity = np.where(
        sent,
        e / k + (1 - e) * (1 - c) * (same_as_choice & has_choice),
        (1 - e) * np.where(has_choice, c, 1.0),
    )
    return pd.DataFrame(
        {
            "customer_id": customer_ids,
            "offer_id": offer,
            "group": group,
            "propensity": propensity,
            "model_choice": choice,
        }
    )


def random_arm(customer_ids: np.ndarray, arms: list[str], *, campaign_id: str) -> np.ndarray:
    """One of `arms` per customer, uniformly at random (the hashed "arm" draw)."""
    pick = (hashed_uniform(customer_ids, campaign_id, "arm") * len(arms)).astype(int)
    return np.asarray(arms, dtype=object)[np.minimum(pick, len(arms) - 1)]


def design_plan(
    store: Store,
    features: pd.DataFrame,
    offers: pd.DataFrame,
    *,
    campaign_id: str,
    as_of: pd.Timestamp,
    settings: Settings,
    min_effect: float,
    budget: float,
    currency: str | None = None,
) -> tuple[pd.DataFrame, str]:
    """A randomized test within the budget: customers enter the test in the order of a hashed
    draw ``u`` while the test's expected discount cost fits the budget; inside it each gets one
    arm (nothing or an offer) uniformly at random. A customer's purchase probability with an
    offer is taken as the shop's baseline rate plus `min_effect` (the lift the test is sized
    to find), its discount from the offer terms.

    Before anything is drawn, a customer whose expected discount under the offer dearest for
    them (the largest of their discounts over the offers, not one arm for everyone) is above
    ``settings.test_max_cost_share`` of the budget is left out (one wholesale
    basket under an uncapped 每满 offer would otherwise end the fill): propensity 1 for
    nothing, never in the test. The test holds the other customers with ``u < q``, so each of
    their propensities is exact: ``q / (K+1)`` for an offer, ``1 − q·K/(K+1)`` for nothing.
    Customers outside the test are in group ``none``. Its explanation writes money in the
    shop's `currency` where it is known."""
    window = settings.campaign_window_days
    baseline = buyers_between(store, store.shop_days(as_of, -window * 4), as_of)
    n = len(features)
    # the share of customers buying in one window, from the last four windows
    rate = min(max(baseline / max(n, 1) / 4.0, 1e-4), 0.9)
    min_effect = min(min_effect, 0.5 * (1 - rate))
    offer_ids = list(offers["offer_id"])
    arms = ["", *offer_ids]
    k = len(offer_ids)
    ids = features["customer_id"].astype(str).to_numpy(dtype=object)
    offer = random_arm(ids, arms, campaign_id=campaign_id)
    inputs = customer_value_inputs(store, as_of=as_of, default_margin=settings.default_margin)
    inputs = inputs.set_index("customer_id").reindex(ids).reset_index()
    discount = offer_terms(offers, inputs, settings.default_margin).discount
    j = pd.Index(offer_ids).get_indexer(offer)
    p_buy = min(rate + min_effect, 1.0)
    cost = np.where(j >= 0, p_buy * discount[np.arange(n), np.maximum(j, 0)], 0.0)
    # fixed before the draw: whoever could cost more than the cap in some arm stays out
    cap = settings.test_max_cost_share * budget
    priced = p_buy * discount.max(axis=1) if k else np.zeros(n)
    left_out = priced > cap + 1e-9
    u = hashed_uniform(ids, campaign_id, "test")
    order = np.argsort(u, kind="stable")
    order = order[~left_out[order]]  # the hashed order of those who may enter
    n_open = len(order)
    fits = np.cumsum(cost[order]) <= budget + 1e-9
    n_in = int(np.argmin(fits)) if not fits.all() else n_open
    q = 1.0 if n_in == n_open else float(u[order[n_in]])
    if n_in < len(arms):  # fewer customers than arms: no test, nothing sent (q = 0)
        q = 0.0
    in_test = (u < q) & ~left_out
    offer = np.where(in_test, offer, "")
    sent = offer != ""
    plan = pd.DataFrame(
        {
            "customer_id": ids,
            "offer_id": offer,
            "group": np.where(in_test, np.where(sent, "explore", "control"), "none"),
            "propensity": np.where(sent, q / (k + 1), np.where(left_out, 1.0, 1 - q * k / (k + 1))),
            "expected_incremental_profit": np.nan,
            "expected_cost": np.where(sent, cost, 0.0),
            "reason": np.where(
                in_test,
                np.where(sent, "designed test: randomized arm", "designed test: control arm"),
                np.where(left_out, LEFT_OUT_REASON, "outside the test (budget)"),
            ),
        }
    )
    n_out = int(left_out.sum())
    lines = []
    # counted among those the test may draw: the ones left out could never enter it
    more = f" ({n_out:,} more {'is' if n_out == 1 else 'are'} left out, below)" if n_out else ""
    if n_out:
        lines.append(left_out_line(n_out, n, settings.test_max_cost_share, money(cap, currency)))
    if not in_test.any():
        fit = cost[order[:n_in]].sum()
        nxt = (
            f"; the next one's alone is {money(cost[order[n_in]], currency)}"
            if n_in < n_open
            else ""
        )
        holds = (
            f"no customer may enter the test (all {n:,} are left out, below)"
            if n_open == 0 and n_out
            else f"it holds {n_in:,} of the {n_open:,} customers the test may draw{more}, in the "
            f"hashed order it draws them (expected discount cost {money(fit, currency)}{nxt}, "
            f"assuming a purchase rate of {p_buy:.1%} with an offer), fewer than the "
            f"{len(arms)} arms of a test"
        )
        lines[:0] = [
            f"Budget {money(budget, currency)}: {holds}. The budget is too small for a test: "
            "nothing is sent."
        ]
        return plan, "\n".join(lines)
    lines[:0] = [
        f"Budget {money(budget, currency)}: the test holds {int(in_test.sum()):,} of the "
        f"{n_open:,} customers it may draw{more}, expected discount cost "
        f"{money(cost[in_test].sum(), currency)} (assuming a purchase rate of {p_buy:.1%} with "
        "an offer)."
    ]
    design = design_test(int(in_test.sum()), rate, min_effect, offer_ids)
    lines.append(design.explanation)
    return plan, "\n".join(lines)


def left_out_line(n_out: int, n: int, share: float, cap: str) -> str:
    """The plan's line saying how many of its `n` customers a designed test leaves out before
    it is drawn (`n_out`, at least 1), above `share` of the budget (`cap`, written in money)."""
    of = f"{n_out:,} of {n:,} customer{'' if n == 1 else 's'}"
    if n_out == 1:
        who = f"{of} is left out of the test before it is drawn (they get nothing): their"
    else:
        who = f"{of} are left out of the test before it is drawn (they get nothing): each one's"
    return (
        f"{who} expected discount under the offer dearest for them is above {share * 100:g}% of "
        f"the budget ({cap}; setting test_max_cost_share)."
    )
