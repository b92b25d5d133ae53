"""Build a campaign plan: who gets which offer, within budget, with a holdout and exploration.

The steps, each a function of the modules below it:

1. features as of the plan date (``promopilot.profile``) and per-customer economics inputs;
2. an uplift model of P(buy | customer, arm) learned from past campaigns (model chosen by
   cross-validated Qini), with bootstrap draws for an uncertainty band;
3. expected incremental profit per customer x offer, with a lower confidence bound;
4. the budgeted assignment (at most one offer each; "do no harm": only offers whose lower bound
   is above zero);
5. randomization: a control group drawn from would-be targets, an exploration slice;
6. products to show, a reason per row, a few rules that explain the plan, and what blanket
   alternatives would be expected to earn.

With no campaign history, the plan is a designed randomized test instead (arms and sizes from a
power calculation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL, CampaignData, campaign_training_data
from promopilot.config import Settings
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.offers.inputs import customer_value_inputs

PLAN_COLUMNS = ["customer_id", "offer_id", "group", "propensity",
                "expected_incremental_profit", "expected_cost", "recommended_products",
                "reason", "expires_at", "profit_lower"]

FeatureFn = Callable[[Store, pd.Timestamp], pd.DataFrame]


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
    model_name: str = ""
    model_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    economics: pd.DataFrame = field(default_factory=pd.DataFrame)  # customer x offer estimates
    discount_scale: dict = field(default_factory=dict)  # see redemption_scale


# ---------------------------------------------------------------------------------------
def default_feature_fn(store: Store, as_of: pd.Timestamp) -> pd.DataFrame:
    """Customer features, plus the BG/NBD view of each customer (probability still active,
    expected purchases): an offer can only move a customer who is still shopping."""
    from promopilot.profile.build import clv_columns
    from promopilot.profile.features import build_features

    features = build_features(store, as_of=as_of)
    clv, _ = clv_columns(store, pd.Index(features["customer_id"]), as_of)
    return features.join(clv[["p_alive", "expected_purchases_90d"]].add_prefix("bg_"),
                         on="customer_id")


def model_matrix(features: pd.DataFrame) -> pd.DataFrame:
    """Numeric model inputs from a feature table: ids and text columns dropped (category
    taste is already there as numeric ``share_<category>`` columns), booleans as 0/1."""
    keep = [c for c in features.columns if c != "customer_id" and (
        pd.api.types.is_numeric_dtype(features[c]) or pd.api.types.is_bool_dtype(features[c]))]
    return features[keep].astype(float)


def load_offers(store: Store) -> pd.DataFrame:
    offers = store.table("offers")
    if offers.empty:
        raise InputError("the store has no offers: add an offers.csv to the shop folder")
    offers = offers.copy()
    offers["min_spend"] = offers["min_spend"].fillna(0.0)
    offers["send_cost"] = offers["send_cost"].fillna(0.0)
    offers["category"] = offers["category"].fillna("")
    return offers.reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# what drives a response to an offer: promotion responsiveness, price level, and whether the
# customer is still around (the smooth member of the ensemble sees only these)
RESPONSE_FEATURES = ("discount_sensitivity", "price_level", "view_price_level", "coupon_share",
                     "sale_order_lift", "sale_view_lift", "recency_days", "days_since_last_event",
                     "frequency", "avg_order_value", "browse_intensity", "views_30d",
                     "tenure_days", "bg_p_alive", "bg_expected_purchases_90d")


DEFAULT_MODEL = "pooled-x"


def response_candidates(random_state: int, columns: list[str] | None = None) -> dict:
    """The uplift models a plan may use; "pooled-x" is the default. `columns`: the model
    matrix's columns (the smooth and linear models keep the RESPONSE_FEATURES among them, plus
    category shares)."""
    from promopilot.uplift.models import (
        DRLearner,
        EnsembleUplift,
        PooledXLearner,
        TLearner,
        XLearner,
        linear_effect,
        spline_classifier,
    )

    x = XLearner(control=CONTROL, random_state=random_state)
    smooth = None
    if columns is not None:
        smooth = [c for c in columns if c in RESPONSE_FEATURES or c.startswith("share_")]
    t_spline = TLearner(control=CONTROL, outcome_model=spline_classifier(columns=smooth),
                        random_state=random_state)
    # every offer's effect along one shared direction of the response features, each offer at
    # its own level: the most profit against the truth on the synthetic shops (docs/uplift.md)
    pooled = PooledXLearner(control=CONTROL, effect_model=linear_effect(columns=smooth),
                            random_state=random_state)
    return {
        "pooled-x": pooled,
        "pooled-x-trees": PooledXLearner(control=CONTROL, random_state=random_state),
        "ensemble": EnsembleUplift(estimators=[("x-learner", x), ("t-spline", t_spline)],
                                   random_state=random_state),
        "x-learner": x,
        "t-learner-spline": t_spline,
        "t-learner": TLearner(control=CONTROL, random_state=random_state),
        "dr-learner": DRLearner(control=CONTROL, random_state=random_state),
    }


def campaign_candidates(data: CampaignData, random_state: int) -> dict:
    """:func:`response_candidates` for the model matrix of past-campaign data."""
    return response_candidates(random_state, list(model_matrix(data.X).columns))


def fit_response_model(data: CampaignData, *, random_state: int, n_bootstrap: int,
                       select: bool | str = True, calibrate: bool = True):
    """Learn P(buy | features, arm) from past campaigns; returns (model, name, scores).

    With ``select`` True, the candidate with the best cross-validated Qini replaces
    ``DEFAULT_MODEL`` if it is clearly better (by two standard errors of the fold
    differences); a name picks that candidate; False: ``DEFAULT_MODEL``. With ``calibrate``,
    the model's spread of effects between customers is scaled by how much of it held up out
    of fold (see ``promopilot.uplift.calibration``)."""
    X = model_matrix(data.X)
    candidates = response_candidates(random_state, list(X.columns))
    scores = pd.DataFrame()
    # the pooled X-learner earned the most against the truth on the synthetic shops
    # (docs/uplift.md)
    name = select if isinstance(select, str) else DEFAULT_MODEL
    if name not in candidates:
        raise InputError(f"unknown model {name!r}: expected one of {', '.join(candidates)}")
    if select is True and data.n >= 1000:
        from promopilot.uplift.selection import select_model

        name, scores = select_model(candidates, X, data.bought, data.treatment, cv=3,
                                    propensity=data.propensity, random_state=random_state,
                                    default=DEFAULT_MODEL)
    model = candidates[name]
    if calibrate:
        from promopilot.uplift.calibration import CalibratedUplift

        model = CalibratedUplift(model, cv=3, random_state=random_state)
    model.set_params(n_bootstrap=n_bootstrap)
    model.fit(X, data.bought, data.treatment, propensity=data.propensity)
    return model, name, scores


def predict_purchase(model, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """P(buy | arm) per customer, control first: point estimates (n, K+1) and draws
    (B, n, K+1) when the model has bootstrap replicates."""
    outcome = np.clip(np.asarray(model.predict_outcome(X), dtype=float), 0.0, 1.0)
    draws = None
    if getattr(model, "n_bootstrap", 0):
        uplift_draws = np.asarray(model.predict_distribution(X), dtype=float)  # (B, n, K)
        base = outcome[None, :, :1]
        draws = np.clip(np.concatenate([np.broadcast_to(base, (uplift_draws.shape[0],) +
                                                        base.shape[1:]),
                                        base + uplift_draws], axis=2), 0.0, 1.0)
    return outcome, draws, list(model.treatments_)


# ---------------------------------------------------------------------------------------
# economics
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OfferTerms:
    """What a purchase is worth, per customer (n) and offer (K): revenue and discount if they
    buy with the offer (n, K), margin rate and basket value without one (n,), send cost (K,)
    or, for picked pairs, (n, 1)."""

    revenue: np.ndarray
    discount: np.ndarray
    margin: np.ndarray
    basket: np.ndarray
    send: np.ndarray

    def profit(self, p: np.ndarray) -> np.ndarray:
        """Expected incremental profit (..., n, K) from purchase probabilities (..., n, K+1),
        no offer first: ``P(buy|offer)·(revenue·margin − discount) −
        P(buy|none)·basket·margin − send_cost``."""
        base = p[..., :1] * (self.basket * self.margin)[:, None]
        gain = self.revenue * self.margin[:, None] - self.discount
        return p[..., 1:] * gain - base - self.send

    def pick(self, rows: np.ndarray, offer_index: np.ndarray) -> OfferTerms:
        """The terms of one offer per row: customer ``rows[i]`` with offer ``offer_index[i]``."""
        return OfferTerms(revenue=self.revenue[rows, offer_index][:, None],
                          discount=self.discount[rows, offer_index][:, None],
                          margin=self.margin[rows], basket=self.basket[rows],
                          send=np.asarray(self.send)[offer_index][:, None])


def offer_terms(offers: pd.DataFrame, inputs: pd.DataFrame, default_margin: float,
                discount_scale: np.ndarray | None = None) -> OfferTerms:
    """Percent off applies to the basket, or for a category offer to one item of the category
    (the shop's mean line value) plus the customer's category share of the rest; 满减 lifts
    baskets within reach (>= 70% of min_spend) up to the threshold and gives nothing below it;
    free shipping costs the shipping fee. `discount_scale` (K,) corrects each offer's discount per
    purchase (see :func:`redemption_scale`). A missing basket value is the shop's mean."""
    basket = inputs["basket_value"].to_numpy(dtype=float)
    basket = np.where(np.isfinite(basket), basket, np.nanmean(basket) if np.isfinite(
        basket).any() else 0.0)
    margin = inputs["margin_rate"].fillna(default_margin).to_numpy(dtype=float)
    revenue = np.zeros((len(inputs), len(offers)))
    discount = np.zeros_like(revenue)
    for j, offer in enumerate(offers.itertuples()):
        share = np.ones(len(inputs))
        spend = basket  # what the offer's percentage applies to
        if offer.category:
            col = f"share_{offer.category}"
            share = inputs[col].to_numpy(dtype=float) if col in inputs else np.zeros(len(inputs))
            # a category coupon is redeemed with at least one item of its category, the rest of
            # the basket split as the customer usually splits it
            item = inputs.get(f"item_value_{offer.category}")
            item = np.zeros(len(inputs)) if item is None else np.nan_to_num(
                item.to_numpy(dtype=float))
            item = np.minimum(item, basket)
            spend = item + share * (basket - item)
        if offer.kind == "percent_off":
            revenue[:, j] = basket
            discount[:, j] = offer.value * spend
        elif offer.kind == "amount_off":
            threshold = float(offer.min_spend or 0.0)
            reach = (basket >= 0.7 * threshold) & (basket < threshold)
            lifted = np.where(reach, threshold, basket)
            revenue[:, j] = lifted
            qualifies = (lifted >= threshold) & (share > 0)
            discount[:, j] = np.where(qualifies, offer.value, 0.0)
        elif offer.kind == "free_shipping":
            revenue[:, j] = basket
            discount[:, j] = offer.value
        else:
            raise InputError(f"offer {offer.offer_id}: unknown kind {offer.kind!r}")
    if discount_scale is not None:
        discount = discount * np.asarray(discount_scale, dtype=float)[None, :]
    return OfferTerms(revenue=revenue, discount=discount, margin=margin, basket=basket,
                      send=offers["send_cost"].to_numpy(dtype=float))


def redemption_scale(store: Store, data: CampaignData, offers: pd.DataFrame, *,
                     default_margin: float, prior: float = 20.0) -> np.ndarray:
    """Per offer, how much discount its past buyers really got relative to what the offer
    terms predict for them (from their inputs as of the campaign): a factor for the predicted
    discount, shrunk toward 1 with few redeeming buyers (``n / (n + prior)``), in [0.25, 4].
    A category coupon, say, is only used with an item of that category in the basket, so it
    gives away more than ``value × usual category share``. Free shipping keeps its fee: order
    lines do not record it."""
    scale = np.ones(len(offers))
    if data.discount is None or data.campaign_start is None:
        return scale
    observed = np.zeros(len(offers))
    predicted = np.zeros(len(offers))
    buyers = np.zeros(len(offers))
    # free shipping's cost is the shipping fee, which order lines do not record
    column = {o: j for j, o in enumerate(offers["offer_id"])
              if offers["kind"].iloc[j] != "free_shipping"}
    rows = (data.bought > 0) & np.isin(data.treatment, list(column))
    for start in np.unique(data.campaign_start[rows]):
        here = np.flatnonzero(rows & (data.campaign_start == start))
        inputs = customer_value_inputs(store, as_of=pd.Timestamp(start),
                                       default_margin=default_margin)
        inputs = inputs.set_index("customer_id").reindex(
            data.customer_id[here].astype(str)).reset_index()
        discount = offer_terms(offers, inputs, default_margin).discount
        j = pd.Series(data.treatment[here]).map(column).to_numpy(dtype=int)
        np.add.at(predicted, j, discount[np.arange(len(here)), j])
        np.add.at(observed, j, data.discount[here])
        np.add.at(buyers, j, 1.0)
    ok = predicted > 0
    ratio = np.where(ok, observed / np.where(ok, predicted, 1.0), 1.0)
    weight = buyers / (buyers + prior)
    return np.clip(weight * ratio + (1 - weight), 0.25, 4.0)


def offer_economics(p_buy: np.ndarray, p_draws: np.ndarray | None, offers: pd.DataFrame,
                    inputs: pd.DataFrame, *, default_margin: float, confidence: float,
                    discount_scale: np.ndarray | None = None,
                    terms: OfferTerms | None = None) -> pd.DataFrame:
    """Expected incremental profit per customer x offer, with a lower confidence bound.

    ``profit = P(buy|offer)·(revenue·margin − discount) − P(buy|none)·basket·margin − send_cost``

    `p_buy` is (n, K+1) with no offer first; `p_draws` optional (B, n, K+1) bootstrap draws;
    `discount_scale` (K,) corrects the offer terms' discount per purchase (see
    :func:`redemption_scale`); `terms`, when given, are those :func:`offer_terms` computed.
    """
    if terms is None:
        terms = offer_terms(offers, inputs, default_margin, discount_scale)
    point = terms.profit(p_buy)
    if p_draws is not None and len(p_draws) > 1:
        draws = terms.profit(p_draws)
        lower = np.quantile(draws, 1 - confidence, axis=0)
        spread = draws.std(axis=0)
    else:
        lower, spread = point.copy(), np.zeros_like(point)
    n, k = point.shape
    return pd.DataFrame({
        "customer_id": np.repeat(inputs["customer_id"].to_numpy(), k),
        "offer_id": np.tile(offers["offer_id"].to_numpy(), n),
        "p_buy_none": np.repeat(p_buy[:, 0], k),
        "p_buy": p_buy[:, 1:].ravel(),
        "expected_revenue": (p_buy[:, 1:] * terms.revenue).ravel(),
        "expected_cost": (p_buy[:, 1:] * terms.discount).ravel(),
        "expected_incremental_profit": point.ravel(),
        "profit_lower": lower.ravel(),
        "profit_std": spread.ravel(),
    })


# ---------------------------------------------------------------------------------------
# assignment
# ---------------------------------------------------------------------------------------
def assign_offers(econ: pd.DataFrame, *, budget: float, max_messages: int | None = None,
                  do_no_harm: bool = True) -> pd.DataFrame:
    """At most one offer per customer, maximizing expected incremental profit with the total
    expected cost within `budget` (and at most `max_messages` offers): a multiple-choice
    knapsack solved as a linear program with HiGHS; fractional customers are rounded down so
    the budget always holds. Only offers whose lower bound (or, without do-no-harm, whose
    expected profit) is above zero are candidates."""
    from scipy import sparse
    from scipy.optimize import linprog

    key = "profit_lower" if do_no_harm else "expected_incremental_profit"
    cand = econ[(econ[key] > 0) & (econ["expected_incremental_profit"] > 0)].reset_index(
        drop=True)
    if cand.empty:
        out = cand.copy()
        out.attrs.update(lp_bound=0.0, objective=0.0)
        return out
    customers, row = np.unique(cand["customer_id"].to_numpy(), return_inverse=True)
    n_var = len(cand)
    profit = cand["expected_incremental_profit"].to_numpy()
    cost = np.maximum(cand["expected_cost"].to_numpy(), 0.0)
    one_each = sparse.csr_matrix((np.ones(n_var), (row, np.arange(n_var))),
                                 shape=(len(customers), n_var))
    rows = [one_each, sparse.csr_matrix(cost[None, :])]
    bounds = [np.ones(len(customers)), np.array([budget])]
    if max_messages is not None:
        rows.append(sparse.csr_matrix(np.ones((1, n_var))))
        bounds.append(np.array([max_messages], dtype=float))
    result = linprog(-profit, A_ub=sparse.vstack(rows).tocsr(), b_ub=np.concatenate(bounds),
                     bounds=(0, 1), method="highs")
    if result.status != 0:
        raise RuntimeError(f"the offer assignment could not be solved: {result.message}")
    x = result.x
    chosen = np.flatnonzero(x > 1 - 1e-6)
    # fractional customers: add them greedily (best profit per cost first) while they fit
    spent = cost[chosen].sum()
    taken = set(row[chosen])
    fractional = np.flatnonzero((x > 1e-6) & (x <= 1 - 1e-6))
    order = fractional[np.argsort(-(profit[fractional] / np.maximum(cost[fractional], 1e-9)))]
    extra = []
    for v in order:  # at most a handful: the LP has few fractional values
        if row[v] in taken or spent + cost[v] > budget:
            continue
        if max_messages is not None and len(chosen) + len(extra) >= max_messages:
            break
        extra.append(v)
        taken.add(row[v])
        spent += cost[v]
    picked = np.sort(np.concatenate([chosen, np.array(extra, dtype=int)]))
    out = cand.iloc[picked].reset_index(drop=True)
    out.attrs.update(lp_bound=float(-result.fun), objective=float(profit[picked].sum()))
    return out


# ---------------------------------------------------------------------------------------
# randomization
# ---------------------------------------------------------------------------------------
def hashed_uniform(customer_ids, campaign_id: str, salt: str) -> np.ndarray:
    """A uniform number in [0, 1) per customer, fixed by (campaign, customer, salt)."""
    import hashlib

    return np.array([
        int.from_bytes(hashlib.sha256(f"{campaign_id}:{salt}:{c}".encode()).digest()[:8], "big")
        for c in customer_ids
    ], dtype=np.float64) / 2.0**64


def randomize(customer_ids: np.ndarray, chosen: pd.Series, offer_ids: list[str], *,
              campaign_id: str, control_share: float, explore_share: float) -> pd.DataFrame:
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
    pick = (hashed_uniform(customer_ids, campaign_id, "arm") * k).astype(int)
    choice = chosen.reindex(customer_ids).fillna("").to_numpy(dtype=object)
    has_choice = choice != ""
    random_offer = np.asarray(offer_ids, dtype=object)[np.minimum(pick, k - 1)]
    group = np.where(explore, "explore", np.where(has_choice & control_draw, "control", "target"))
    offer = np.where(explore, random_offer, np.where(group == "control", "", choice))
    sent = offer != ""
    same_as_choice = offer == choice
    propensity = np.where(
        sent, e / k + (1 - e) * (1 - c) * (same_as_choice & has_choice),
        (1 - e) * np.where(has_choice, c, 1.0),
    )
    return pd.DataFrame({"customer_id": customer_ids, "offer_id": offer, "group": group,
                         "propensity": propensity, "model_choice": choice})


# ---------------------------------------------------------------------------------------
# explanation
# ---------------------------------------------------------------------------------------
def row_reasons(plan: pd.DataFrame, best: pd.DataFrame, titles: dict[str, str]) -> np.ndarray:
    """A short why for every row (vectorized string building)."""
    offer = plan["offer_id"].to_numpy(dtype=object)
    group = plan["group"].to_numpy(dtype=object)
    p0 = best["p_buy_none"].to_numpy()
    p1 = best["p_buy"].to_numpy()
    gain = best["expected_incremental_profit"].to_numpy()
    low = best["profit_lower"].to_numpy()
    best_offer = best["offer_id"].to_numpy(dtype=object)
    label = np.array([titles.get(o, o) for o in offer], dtype=object)
    reason = np.empty(len(plan), dtype=object)
    sent_target = (group == "target") & (offer != "")
    reason[sent_target] = [
        f"persuadable: P(buy) {a:.0%} -> {b:.0%} with {t}; {g:+.2f} expected profit"
        for a, b, t, g in zip(p0[sent_target], plan["p_buy"].to_numpy()[sent_target],
                              label[sent_target], plan["expected_incremental_profit"].to_numpy()
                              [sent_target])]
    none = (group == "target") & (offer == "")
    anyway = none & (p0 >= 0.3) & (gain <= 0)
    unsure = none & ~anyway & (gain > 0) & (low <= 0)
    budget = none & ~anyway & (low > 0)
    lost = none & ~anyway & ~unsure & ~budget
    reason[anyway] = "would buy anyway: an offer would only give margin away"
    reason[unsure] = [f"not clearly profitable: {b} might earn {g:+.2f} but could lose money"
                      for b, g in zip(best_offer[unsure], gain[unsure])]
    reason[budget] = "profitable, but the budget went to better-value customers"
    reason[lost] = [f"not persuadable: no offer pays for itself (P(buy) {a:.0%})"
                    for a in p0[lost]]
    reason[group == "control"] = [f"control: randomized holdout (the model chose {c})"
                                  for c in plan["model_choice"].to_numpy()[group == "control"]]
    reason[group == "explore"] = "explore: random offer, so the next model learns from it"
    return reason


def plan_rules(features: pd.DataFrame, choice: pd.Series, *, max_depth: int = 3,
               random_state: int = 0) -> str:
    """A shallow decision tree fitted on the plan's choices, printed as readable rules."""
    from sklearn.tree import DecisionTreeClassifier

    readable = [c for c in ("recency_days", "frequency", "monetary", "avg_order_value",
                            "discount_sensitivity", "churn_risk", "purchase_propensity_30d",
                            "p_alive", "tenure_days", "browse_intensity", "price_level")
                if c in features]
    if not readable:
        readable = [c for c in features.columns if c != "customer_id" and
                    pd.api.types.is_numeric_dtype(features[c])][:8]
    X = features.set_index("customer_id")[readable].reindex(choice.index)
    X = X.fillna(X.median(numeric_only=True)).fillna(0.0)
    labels = choice.replace("", "nothing")
    if labels.nunique() < 2:
        return f"everyone considered gets: {labels.iloc[0] if len(labels) else 'nothing'}"
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(20, len(X) // 200),
                                  random_state=random_state).fit(X, labels)
    text = _readable_rules(tree, readable)
    accuracy = tree.score(X, labels)
    return (f"who gets what (a depth-{max_depth} tree reproduces {accuracy:.0%} of the plan's "
            f"choices):\n{text}")


def _readable_rules(tree, names: list[str]) -> str:
    """The fitted tree as ``export_text`` prints it, but a split whose every leaf says the same
    thing is printed as that one leaf (a tree grown for purity often splits a group that gets
    one offer either way)."""
    t = tree.tree_
    classes = tree.classes_
    leaf_class: dict[int, object] = {}

    def same(node: int):
        if t.children_left[node] == -1:
            leaf_class[node] = classes[int(np.argmax(t.value[node][0]))]
        else:
            a, b = same(t.children_left[node]), same(t.children_right[node])
            leaf_class[node] = a if a is not None and a == b else None
        return leaf_class[node]

    same(0)
    lines: list[str] = []

    def show(node: int, depth: int) -> None:
        pad = "|   " * depth + "|--- "
        if leaf_class[node] is not None:
            lines.append(f"{pad}class: {leaf_class[node]}")
            return
        name, cut = names[t.feature[node]], t.threshold[node]
        lines.append(f"{pad}{name} <= {cut:.2f}")
        show(t.children_left[node], depth + 1)
        lines.append(f"{pad}{name} >  {cut:.2f}")
        show(t.children_right[node], depth + 1)

    show(0, 0)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# alternatives
# ---------------------------------------------------------------------------------------
def _fill_budget(rows: pd.DataFrame, budget: float) -> pd.DataFrame:
    spent = rows["expected_cost"].clip(lower=0).cumsum()
    return rows[spent <= budget]


def blanket_alternatives(econ: pd.DataFrame, offers: pd.DataFrame, *, budget: float,
                         seed: int = 0) -> pd.DataFrame:
    """What simpler campaigns would be expected to earn, under the same model."""
    rows = []
    for offer_id in offers["offer_id"]:
        sub = econ[econ["offer_id"] == offer_id]
        rows.append({"alternative": f"{offer_id} to everyone", "customers": len(sub),
                     "expected_profit": sub["expected_incremental_profit"].sum(),
                     "expected_cost": sub["expected_cost"].sum()})
        likely = _fill_budget(sub.sort_values("p_buy_none", ascending=False), budget)
        rows.append({"alternative": f"{offer_id} to the likeliest buyers, same budget",
                     "customers": len(likely),
                     "expected_profit": likely["expected_incremental_profit"].sum(),
                     "expected_cost": likely["expected_cost"].sum()})
        shuffled = _fill_budget(sub.sample(frac=1.0, random_state=seed), budget)
        rows.append({"alternative": f"{offer_id} to random customers, same budget",
                     "customers": len(shuffled),
                     "expected_profit": shuffled["expected_incremental_profit"].sum(),
                     "expected_cost": shuffled["expected_cost"].sum()})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# no history: a designed randomized test
# ---------------------------------------------------------------------------------------
def design_plan(store: Store, features: pd.DataFrame, offers: pd.DataFrame, *,
                campaign_id: str, as_of: pd.Timestamp, settings: Settings,
                min_effect: float) -> tuple[pd.DataFrame, str]:
    """Every customer gets one arm (nothing or an offer) uniformly at random; the printed
    design says which effect the test can detect with the shop's baseline conversion."""
    from promopilot.offers.power import design_test

    window = settings.campaign_window_days
    baseline = store.scalar(
        f"""SELECT count(DISTINCT customer_id) FROM orders WHERE NOT is_return
            AND timestamp >= TIMESTAMP '{as_of}' - INTERVAL {window * 4} DAY
            AND timestamp < TIMESTAMP '{as_of}'"""
    ) or 0
    n = len(features)
    # the share of customers buying in one window, from the last four windows
    rate = min(max(baseline / max(n, 1) / 4.0, 1e-4), 0.9)
    arms = ["", *offers["offer_id"]]
    design = design_test(n, rate, min_effect, list(offers["offer_id"]))
    ids = features["customer_id"].to_numpy(dtype=object)
    pick = (hashed_uniform(ids, campaign_id, "arm") * len(arms)).astype(int)
    offer = np.asarray(arms, dtype=object)[np.minimum(pick, len(arms) - 1)]
    plan = pd.DataFrame({
        "customer_id": ids, "offer_id": offer,
        "group": np.where(offer == "", "control", "explore"),
        "propensity": 1.0 / len(arms),
        "expected_incremental_profit": np.nan, "expected_cost": np.nan,
        "reason": np.where(offer == "", "designed test: control arm",
                           "designed test: randomized arm"),
    })
    return plan, design.explanation


# ---------------------------------------------------------------------------------------
def assign_with_holdouts(econ: pd.DataFrame, ids: np.ndarray, offer_ids: list[str], *,
                         budget: float, campaign_id: str, control_share: float,
                         explore_share: float, max_messages: int | None = None,
                         do_no_harm: bool = True) -> tuple[pd.DataFrame, float]:
    """The plan's groups: the exploration slice gets random offers, the rest of the budget
    goes to :func:`assign_offers`, and a control group is drawn from the chosen customers.
    Returns the :func:`randomize` frame and the LP's bound on expected profit."""
    e, c = explore_share, control_share
    explore = hashed_uniform(ids, campaign_id, "explore") < e
    pick = (hashed_uniform(ids, campaign_id, "arm") * len(offer_ids)).astype(int)
    explore_offer = np.asarray(offer_ids, dtype=object)[np.minimum(pick, len(offer_ids) - 1)]
    ekey = pd.MultiIndex.from_arrays([ids[explore], explore_offer[explore]])
    indexed = econ.set_index(["customer_id", "offer_id"])
    explore_cost = float(indexed.loc[ekey, "expected_cost"].clip(lower=0).sum()) if len(
        ekey) else 0.0
    # the control group is drawn from the chosen customers: plan for the budget they free
    target_budget = max(budget - explore_cost, 0.0) / (1 - c)
    pool = econ[~np.isin(econ["customer_id"].to_numpy(), ids[explore])]
    chosen = assign_offers(pool, budget=target_budget, max_messages=max_messages,
                           do_no_harm=do_no_harm)
    choice = pd.Series(chosen["offer_id"].to_numpy(), index=chosen["customer_id"])
    plan = randomize(ids, choice, offer_ids, campaign_id=campaign_id, control_share=c,
                     explore_share=e)
    plan = _trim_to_budget(plan, indexed, budget, e)
    return plan, float(chosen.attrs.get("lp_bound", 0.0))


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
) -> PlanResult:
    """Plan a campaign: see the module docstring for the steps.

    Parameters
    ----------
    budget : the most expected discount money to give away (target and exploration rows).
    campaign_id : names the campaign; with the customer id it fixes the random draws.
    as_of : the plan date (default: the day after the last order or event).
    max_messages : optional cap on offers sent.
    do_no_harm : only target offers whose lower confidence bound of profit is above zero.
    min_effect : with no campaign history, the smallest purchase-rate lift worth detecting.
    """
    from promopilot.config import load_settings
    from promopilot.recommend.models import (
        CategoryPopularityRecommender,
        interactions,
        joined_recommendations,
    )

    settings = settings or load_settings()
    feature_fn = feature_fn or default_feature_fn
    tell = progress or (lambda _: None)
    if budget < 0:
        raise InputError(f"budget must be >= 0, got {budget}")
    as_of = pd.Timestamp(as_of) if as_of is not None else store.default_as_of()
    offers = load_offers(store)
    titles = dict(zip(offers["offer_id"], offers["offer_id"]))

    tell("customer features")
    features = feature_fn(store, as_of)
    ids = features["customer_id"].astype(str).to_numpy(dtype=object)
    result = PlanResult(plan=pd.DataFrame(), campaign_id=campaign_id, as_of=as_of,
                        budget=budget)

    tell("past campaigns")
    try:
        data = campaign_training_data(store, feature_fn,
                                      window_days=settings.campaign_window_days)
    except NotEnoughDataError as why:
        plan, design = design_plan(store, features, offers, campaign_id=campaign_id,
                                   as_of=as_of, settings=settings, min_effect=min_effect)
        result.design = f"{why}. The plan is a randomized test instead.\n{design}"
    else:
        tell("uplift model")
        model, result.model_name, result.model_scores = fit_response_model(
            data, random_state=settings.seed, n_bootstrap=n_bootstrap, select=select_model)
        known = [o for o in offers["offer_id"] if o in model.treatments_]
        offers = offers[offers["offer_id"].isin(known)].reset_index(drop=True)
        if offers.empty:
            raise InputError("none of the shop's offers was tried in a past campaign")
        tell("offer economics")
        X = model_matrix(features)[model_matrix(data.X).columns]
        p_buy, p_draws, arm_order = predict_purchase(model, X)
        take = [0] + [1 + arm_order.index(o) for o in offers["offer_id"]]
        p_buy = p_buy[:, take]
        p_draws = None if p_draws is None else p_draws[:, :, take]
        inputs = customer_value_inputs(store, as_of=as_of,
                                       default_margin=settings.default_margin)
        inputs = inputs.set_index("customer_id").reindex(ids).reset_index()
        scale = redemption_scale(store, data, offers, default_margin=settings.default_margin)
        result.discount_scale = dict(zip(offers["offer_id"], scale.round(3)))
        terms = offer_terms(offers, inputs, settings.default_margin, scale)
        econ = offer_economics(p_buy, p_draws, offers, inputs,
                               default_margin=settings.default_margin,
                               confidence=settings.confidence, terms=terms)
        result.economics = econ

        tell("assignment")
        plan, lp_bound = assign_with_holdouts(
            econ, ids, list(offers["offer_id"]), budget=budget, campaign_id=campaign_id,
            control_share=settings.control_share, explore_share=settings.explore_share,
            max_messages=max_messages, do_no_harm=do_no_harm)
        result.totals["lp_bound"] = lp_bound
        indexed = econ.set_index(["customer_id", "offer_id"])
        sent = plan["offer_id"] != ""
        key = pd.MultiIndex.from_arrays([plan["customer_id"], plan["offer_id"]])
        values = indexed.reindex(key)
        plan["expected_incremental_profit"] = np.where(
            sent, values["expected_incremental_profit"].to_numpy(), 0.0)
        plan["expected_cost"] = np.where(sent, values["expected_cost"].to_numpy(), 0.0)
        plan["profit_lower"] = np.where(sent, values["profit_lower"].to_numpy(), 0.0)
        plan["p_buy"] = np.where(sent, values["p_buy"].to_numpy(), np.nan)
        best = (econ.sort_values("expected_incremental_profit", ascending=False)
                .drop_duplicates("customer_id").set_index("customer_id").reindex(ids)
                .reset_index())
        plan["reason"] = row_reasons(plan, best, titles)
        result.totals.update(_totals(plan, p_draws, offers, inputs, terms,
                                     settings.confidence))
        result.per_offer = _per_offer(plan)
        target = plan[plan["group"] != "explore"]
        result.rules = plan_rules(features, pd.Series(
            target["model_choice"].to_numpy(), index=target["customer_id"]))
        result.alternatives = blanket_alternatives(econ, offers, budget=budget,
                                                   seed=settings.seed)

    tell("products to show")
    valid = offers.set_index("offer_id")["valid_days"]
    days = plan["offer_id"].map(valid)
    plan["expires_at"] = np.where(days.notna() & (plan["offer_id"] != ""),
                                  (as_of + pd.to_timedelta(days.fillna(0), unit="D"))
                                  .dt.strftime("%Y-%m-%d"), "")
    inter = interactions(store, as_of=as_of)
    if len(inter):
        rec = CategoryPopularityRecommender().fit(inter, store.table("products"))
        joined = joined_recommendations(rec.recommend(plan["customer_id"], k=n_products))
        plan["recommended_products"] = plan["customer_id"].map(joined).fillna("")
    else:
        plan["recommended_products"] = ""
    for col in PLAN_COLUMNS:
        if col not in plan:
            plan[col] = np.nan
    result.plan = plan[PLAN_COLUMNS].reset_index(drop=True)
    return result


def _trim_to_budget(plan: pd.DataFrame, indexed: pd.DataFrame, budget: float,
                    explore_share: float) -> pd.DataFrame:
    """The control draw is random: if the offers still sent cost more than the budget, drop the
    lowest-value targets until it holds (they become 'budget' non-targets)."""
    sent = plan["offer_id"] != ""
    key = pd.MultiIndex.from_arrays([plan["customer_id"], plan["offer_id"]])
    values = indexed.reindex(key)
    cost = np.where(sent, values["expected_cost"].clip(lower=0).to_numpy(), 0.0)
    over = cost.sum() - budget
    if over <= 1e-9:
        return plan
    targets = np.flatnonzero(sent & (plan["group"] == "target").to_numpy())
    gain = values["expected_incremental_profit"].to_numpy()[targets]
    order = targets[np.argsort(gain / np.maximum(cost[targets], 1e-9))]
    drop = order[np.cumsum(cost[order]) - cost[order] < over]
    plan = plan.copy()
    plan.loc[drop, "offer_id"] = ""
    plan.loc[drop, "model_choice"] = ""
    plan.loc[drop, "propensity"] = 1 - explore_share  # not explored; the model chose nothing
    return plan


def _totals(plan: pd.DataFrame, p_draws: np.ndarray | None, offers: pd.DataFrame,
            inputs: pd.DataFrame, terms: OfferTerms, confidence: float) -> dict:
    """Plan totals, with intervals from the bootstrap draws over the rows that send an offer
    (the same terms as the economics)."""
    sent = plan[plan["offer_id"] != ""]
    totals = {
        "expected_profit": float(sent["expected_incremental_profit"].sum()),
        "expected_cost": float(sent["expected_cost"].sum()),
        "n_target": int(((plan["group"] == "target") & (plan["offer_id"] != "")).sum()),
        "n_control": int((plan["group"] == "control").sum()),
        "n_explore": int((plan["group"] == "explore").sum()),
        "n_considered": int(len(plan)),
    }
    if p_draws is not None and len(p_draws) > 1 and len(sent):
        rows = pd.Index(inputs["customer_id"]).get_indexer(sent["customer_id"])
        j = pd.Index(offers["offer_id"]).get_indexer(sent["offer_id"])
        picked = terms.pick(rows, j)
        p = np.stack([p_draws[:, rows, 0], p_draws[:, rows, 1 + j]], axis=-1)  # (B, m, 2)
        profit = picked.profit(p).sum(axis=(1, 2))
        cost = (p[..., 1:] * picked.discount).sum(axis=(1, 2))
        alpha = 1 - confidence
        totals["profit_interval"] = tuple(np.quantile(profit, [alpha / 2, 1 - alpha / 2]))
        totals["cost_interval"] = tuple(np.quantile(cost, [alpha / 2, 1 - alpha / 2]))
    return totals


def _per_offer(plan: pd.DataFrame) -> pd.DataFrame:
    sent = plan[plan["offer_id"] != ""]
    table = (sent.groupby(["offer_id", "group"])
             .agg(customers=("customer_id", "size"),
                  expected_profit=("expected_incremental_profit", "sum"),
                  expected_cost=("expected_cost", "sum"))
             .reset_index())
    return table
