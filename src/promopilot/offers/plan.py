"""Build a campaign plan: who gets which offer, within budget, with a holdout and exploration.

The steps, each a function of the modules below it:

1. features as of the plan date (``promopilot.profile``) and per-customer economics inputs;
2. the shop's randomized past campaigns (campaigns logged without propensities are left out,
   with a warning);
3. the self-check (:mod:`promopilot.offers.selfcheck`): a few candidate policies
   (:mod:`promopilot.offers.policies`) valued out of fold, doubly robust; the one with the
   highest lower bound is chosen, and the plan targets only when that bound is above zero;
4. the chosen policy fitted on every past campaign: expected incremental profit and cost per
   customer x offer, the cost corrected by what the policy's offers cost out of fold and by
   how often customers bought on the days before the plan date (:mod:`.recent`);
5. the budgeted assignment (at most one offer each, the offers of positive expected profit,
   best first) with its randomized slices: an exploration slice inside the budget, a control
   group drawn from would-be targets;
6. products to show, a reason per row, a few rules that explain the plan, and what blanket
   alternatives would be expected to earn.

When nobody can be targeted (no randomized history, or the check does not pass) nothing is
sent and a randomized test within the budget (arms and sizes from a power calculation) is
proposed; ``run_test=True`` sends it instead.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from promopilot.campaigns.history import (
    CONTROL,
    MIN_ARM_ROWS,
    CampaignData,
    FeatureFn,
    campaign_training_data,
)
from promopilot.config import Settings, load_settings
from promopilot.data.money_signs import money_currency
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.offers.assignment import assign_offers, assign_with_holdouts
from promopilot.offers.economics import redemption_scale
from promopilot.offers.explain import plan_rules, row_reasons
from promopilot.offers.finish import PLAN_COLUMNS, expiry, finish, products_to_show
from promopilot.offers.forecast import no_profit_warning
from promopilot.offers.inputs import customer_value_inputs, default_feature_fn, load_offers
from promopilot.offers.plan_date import old_data_note
from promopilot.offers.policies import CANDIDATES, LogValues, fit_policy, log_values
from promopilot.offers.recent import RecentCheck, recent_check
from promopilot.offers.response import DEFAULT_MODEL, campaign_candidates
from promopilot.offers.selfcheck import SelfCheck, cross_fitted_check
from promopilot.offers.totals import blanket_alternatives, per_offer_totals, plan_totals
from promopilot.offers.untargeted import no_targets, nothing_sent, randomized_only

# names other modules import from here (the planner's public entry points)
__all__ = [
    "DEFAULT_MODEL",
    "PLAN_COLUMNS",
    "FeatureFn",
    "PlanResult",
    "assign_offers",
    "assign_with_holdouts",
    "build_plan",
    "campaign_candidates",
    "default_feature_fn",
]

# past campaign exposures (randomized, logged propensity) below which nothing is learned
MIN_EXPOSURES = 200


@dataclass
class PlanResult:
    """A plan and everything needed to explain it."""

    plan: pd.DataFrame
    campaign_id: str
    as_of: pd.Timestamp
    budget: float
    per_offer: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict = field(default_factory=dict)
    alternatives: pd.DataFrame = field(default_factory=pd.DataFrame)
    rules: str = ""
    design: str = ""  # set when the plan is a designed test (no campaign history)
    test_proposed: bool = False  # the design is a randomized test proposed but not sent
    proposed_test: pd.DataFrame | None = None  # that test's rows, as --run-test would send them
    model_name: str = ""
    model_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    economics: pd.DataFrame = field(default_factory=pd.DataFrame)  # customer x offer estimates
    discount_scale: dict = field(default_factory=dict)  # see redemption_scale
    offer_source: str = ""  # "offers.csv" or "default offer catalogue"
    offers: pd.DataFrame = field(default_factory=pd.DataFrame)  # the offers the plan may send
    self_check: SelfCheck | None = None  # the policy's out-of-fold value on past campaigns
    self_check_note: str = ""  # one plain line when the check does not pass
    recent: RecentCheck | None = None  # purchase rates on the days before the plan date
    warnings: list[str] = field(default_factory=list)  # about the past campaigns used
    old_data_note: str = ""  # one line when the shop's newest activity is long before today
    timezone: str = "UTC"  # the shop's: `as_of` (UTC, as stored) is shown in it
    currency: str | None = None  # the shop's: money in the plan's words is shown in it


# one BLAS thread: the plan's matrices are narrow (ridge and logistic fits on a few dozen
# columns), and BLAS threads that wait beside LightGBM's OpenMP threads made a 64,000-customer
# Hillstrom plan spend 62 s in matrix products that take 6 ms alone
@threadpool_limits.wrap(limits=1, user_api="blas")
def build_plan(
    store: Store,
    *,
    budget: float,
    campaign_id: str = "campaign",
    as_of: pd.Timestamp | str | None = None,
    max_messages: int | None = None,
    settings: Settings | None = None,
    feature_fn: FeatureFn | None = None,
    n_bootstrap: int = 20,
    select_model: bool | str = True,
    do_no_harm: bool = True,
    min_effect: float = 0.02,
    n_products: int = 3,
    progress: Callable[[str], None] | None = None,
    self_check: bool = True,
    run_test: bool = False,
    currency: str | None = None,
) -> PlanResult:
    """Plan a campaign: see the module docstring for the steps.

    Parameters
    ----------
    budget : the most expected discount money to give away (target and exploration rows).
    campaign_id : names the campaign; with the customer id it fixes the random draws.
    as_of : the plan date: a stored (UTC) instant, or text read in the shop's zone (a date is
        its midnight); default: the shop's midnight after the last order or event.
    max_messages : optional cap on offers sent.
    select_model : True: the candidate policies of :mod:`promopilot.offers.policies`, chosen
        by their cross-fitted profit; a name: only that one; False: only ``DEFAULT_MODEL``.
    do_no_harm : target only when the self-check's lower bound is above zero; False: target
        with the check's best policy whatever its bound.
    min_effect : for the proposed randomized test, the smallest purchase-rate lift worth
        detecting.
    self_check : value the policies out of fold on the past campaigns
        (:mod:`promopilot.offers.selfcheck`); False: target with the first candidate unchecked.
    run_test : when the plan cannot target (no randomized campaign history, or the check does
        not pass), send the proposed randomized test within the budget instead of nothing.
    currency : the shop's currency (``data.money_signs.money_currency``, which the caller read
        once); None: read from the store. The plan's words write money in it.
    """
    settings = settings or load_settings()
    feature_fn = feature_fn or default_feature_fn
    tell = progress or (lambda _: None)
    if (
        isinstance(budget, bool)
        or not isinstance(budget, numbers.Real)
        or not math.isfinite(budget)
        or budget < 0
    ):
        raise InputError(f"budget must be a number >= 0, got {budget!r}")
    as_of = store.as_of(as_of)  # text in the shop's zone; default: its next midnight
    offers = load_offers(store, as_of)
    result = PlanResult(
        plan=pd.DataFrame(),
        campaign_id=campaign_id,
        as_of=as_of,
        budget=budget,
        timezone=store.timezone,
        currency=currency or money_currency(store),  # every line of the plan writes money in it
    )
    result.offer_source = offers.attrs.get("source", "")
    result.old_data_note = old_data_note(store, as_of)
    result.offers = offers

    tell("customer features")
    features = feature_fn(store, as_of)
    if budget <= 0:
        result.design = "Budget 0: nothing is sent."
        result.plan = finish(nothing_sent(features, "budget 0: nothing is sent"), campaign_id)
        result.totals = plan_totals(result.plan, None, offers, None, None, settings.confidence)
        return result

    tell("past campaigns")
    why, data, values, scale = "", None, None, None
    candidates = _candidates(select_model)
    try:
        data = campaign_training_data(store, feature_fn, window_days=settings.campaign_window_days)
    except NotEnoughDataError as error:
        why = f"No randomized campaign history to learn from ({error})."
    else:
        data, result.warnings = randomized_only(data)
        n_control = int((data.treatment == CONTROL).sum())
        if data.n < MIN_EXPOSURES or n_control < MIN_ARM_ROWS:
            why = (
                f"Too little randomized campaign history to learn from: {data.n:,} logged "
                f"exposures with a propensity, {n_control:,} of them in a control group; at "
                f"least {MIN_EXPOSURES:,}, with a control group of {MIN_ARM_ROWS}, are needed."
            )
        elif (data.treatment == CONTROL).all():
            why = (
                "The past randomized campaigns sent no offer (every logged exposure is in the "
                "control group): they cannot show what an offer changes."
            )
    if not why:
        values = log_values(store, data, offers, settings.default_margin, as_of)
        scale = redemption_scale(store, data, offers, default_margin=settings.default_margin)
        if self_check:
            check = cross_fitted_check(
                store,
                data,
                offers,
                budget_per_customer=budget / max(len(features), 1),
                default_margin=settings.default_margin,
                confidence=settings.confidence,
                as_of=as_of,
                control_share=settings.control_share,
                explore_share=settings.explore_share,
                candidates=candidates,
                scale=scale,
                random_state=settings.seed,
                values=values,
                progress=tell,
            )
            result.self_check = check
            if not check.passes:
                result.self_check_note = no_profit_warning(check, result.currency)
                if do_no_harm:
                    why = result.self_check_note
    if why:
        plan, offers = no_targets(
            store, features, offers, result, why, settings, min_effect, run_test
        )
    else:
        plan, offers = _learned_plan(
            store,
            features,
            offers,
            data,
            values,
            result,
            policy_name=result.self_check.policy if result.self_check else candidates[0],
            scale=scale,
            feature_fn=feature_fn,
            settings=settings,
            tell=tell,
            n_bootstrap=n_bootstrap,
            max_messages=max_messages,
        )

    tell("products to show")
    plan["expires_at"] = expiry(plan, offers, store.local_time(as_of))  # the shop's days
    plan["recommended_products"] = products_to_show(store, plan, offers, as_of, n_products)
    result.plan = finish(plan, campaign_id)
    return result


def _candidates(select_model: bool | str) -> tuple[str, ...]:
    if isinstance(select_model, str):
        return (select_model,)
    return CANDIDATES if select_model else (DEFAULT_MODEL,)


def _learned_plan(
    store: Store,
    features: pd.DataFrame,
    offers: pd.DataFrame,
    data: CampaignData,
    values: LogValues,
    result: PlanResult,
    *,
    policy_name: str,
    scale: np.ndarray,
    feature_fn: FeatureFn,
    settings: Settings,
    tell: Callable[[str], None],
    n_bootstrap: int,
    max_messages: int | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Steps 2-6 of the module docstring with the chosen policy: returns the plan (with
    reasons and expected values) and the offers it may send; fills in `result`."""
    ids = features["customer_id"].astype(str).to_numpy(dtype=object)
    titles = dict(zip(offers["offer_id"], offers["offer_id"], strict=True))
    tell("policy fitted on every past campaign")
    policy = fit_policy(
        policy_name, data, values, random_state=settings.seed, n_bootstrap=n_bootstrap
    )
    result.model_name = policy.label
    if result.self_check is not None:
        result.model_scores = result.self_check.candidates
    inputs = customer_value_inputs(
        store, as_of=result.as_of, default_margin=settings.default_margin
    )
    inputs = inputs.set_index("customer_id").reindex(ids).reset_index()
    tell("offer economics")
    known = offers["offer_id"].isin(policy.treatments).to_numpy()
    econ, offers, p_draws, terms = policy.economics(
        features,
        inputs,
        offers,
        default_margin=settings.default_margin,
        confidence=settings.confidence,
        scale=scale,
    )
    if offers.empty:
        raise InputError("none of the shop's offers was tried in a past campaign")
    result.discount_scale = dict(zip(offers["offer_id"], np.asarray(scale)[known], strict=True))
    # the cost forecast, corrected by what each of the policy's offers really cost out of fold
    # and by how often customers bought on the days before the plan date
    check = result.self_check
    ratio, per_offer = (check.cost_ratio, check.offer_cost_ratios) if check else (1.0, {})
    ratios = {o: per_offer.get(o, ratio) for o in offers["offer_id"]}
    tell("recent purchase rates")
    result.recent = recent_check(
        store,
        policy,
        feature_fn,
        offers,
        as_of=result.as_of,
        window_days=settings.campaign_window_days,
        default_margin=settings.default_margin,
        confidence=settings.confidence,
        scale=np.asarray(scale)[known],
    )
    if result.recent is not None:
        ratios = {o: r * result.recent.factor for o, r in ratios.items()}
    econ["expected_cost"] = econ["expected_cost"] * econ["offer_id"].map(ratios).fillna(1.0)
    result.economics = econ

    tell("assignment")
    plan, lp_bound = assign_with_holdouts(
        econ,
        ids,
        list(offers["offer_id"]),
        budget=result.budget,
        campaign_id=result.campaign_id,
        control_share=settings.control_share,
        explore_share=settings.explore_share,
        max_messages=max_messages,
        do_no_harm=False,
    )
    result.totals["lp_bound"] = lp_bound
    result.totals["explore_share"] = float(plan.attrs.get("explore_share", settings.explore_share))
    plan = _with_expected_values(plan, econ)
    best = (
        econ.sort_values("expected_incremental_profit", ascending=False)
        .drop_duplicates("customer_id")
        .set_index("customer_id")
        .reindex(ids)
        .reset_index()
    )
    plan["reason"] = row_reasons(plan, best, titles, result.currency)
    result.totals.update(
        plan_totals(plan, p_draws, offers, inputs, terms, settings.confidence, cost_ratios=ratios)
    )
    result.per_offer = per_offer_totals(plan)
    target = plan[plan["group"] != "explore"]
    result.rules = plan_rules(
        features,
        pd.Series(target["model_choice"].to_numpy(), index=target["customer_id"]),
        currency=result.currency,
    )
    result.alternatives = blanket_alternatives(
        econ, offers, budget=result.budget, seed=settings.seed
    )
    return plan, offers


def _with_expected_values(plan: pd.DataFrame, econ: pd.DataFrame) -> pd.DataFrame:
    """The plan with each row's expected profit, cost, profit lower bound and P(buy) for the
    offer it sends (0, or NaN for P(buy), where it sends nothing)."""
    indexed = econ.set_index(["customer_id", "offer_id"])
    sent = plan["offer_id"] != ""
    key = pd.MultiIndex.from_arrays([plan["customer_id"], plan["offer_id"]])
    values = indexed.reindex(key)
    plan = plan.copy()
    for col in ("expected_incremental_profit", "expected_cost", "profit_lower"):
        plan[col] = np.where(sent, values[col].to_numpy(), 0.0)
    plan["p_buy"] = np.where(sent, values["p_buy"].to_numpy(), np.nan)
    return plan
