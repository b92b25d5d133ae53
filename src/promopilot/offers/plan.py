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


# ---------------------------------------------------------------------------------------
def default_feature_fn(store: Store, as_of: pd.Timestamp) -> pd.DataFrame:
    from promopilot.profile.features import build_features

    return build_features(store, as_of=as_of)


def model_matrix(features: pd.DataFrame) -> pd.DataFrame:
    """Numeric model inputs from a feature table: ids dropped, text columns as categories."""
    X = features.drop(columns=[c for c in ("customer_id",) if c in features])
    for col in X.columns:
        if X[col].dtype == object or str(X[col].dtype).startswith("string"):
            X[col] = X[col].astype("category")
        elif X[col].dtype == bool:
            X[col] = X[col].astype(np.int8)
    return X


def load_offers(store: Store) -> pd.DataFrame:
    offers = store.table("offers")
    if offers.empty:
        raise InputError("the store has no offers: add an offers.csv to the shop folder")
    offers = offers.copy()
    offers["min_spend"] = offers["min_spend"].fillna(0.0)
    offers["send_cost"] = offers["send_cost"].fillna(0.0)
    offers["category"] = offers["category"].fillna("")
    return offers.reset_index(drop=True)


def default_as_of(store: Store) -> pd.Timestamp:
    _, last = store.date_range()
    if last is None:
        raise InputError("the store has no dated orders or events")
    return (last + pd.Timedelta(days=1)).normalize()


# ---------------------------------------------------------------------------------------
def fit_response_model(data: CampaignData, *, random_state: int, n_bootstrap: int,
                       select: bool = True):
    """Learn P(buy | features, arm) from past campaigns; returns (model, name, scores)."""
    from promopilot.uplift.models import DRLearner, TLearner, XLearner

    X = model_matrix(data.X)
    candidates = {
        "t-learner": TLearner(control=CONTROL, random_state=random_state),
        "x-learner": XLearner(control=CONTROL, random_state=random_state),
        "dr-learner": DRLearner(control=CONTROL, random_state=random_state),
    }
    scores = pd.DataFrame()
    name = "t-learner"
    if select and data.n >= 1000:
        from promopilot.uplift.selection import select_model

        name, scores = select_model(candidates, X, data.bought, data.treatment, cv=3,
                                    random_state=random_state)
    model = candidates[name].set_params(n_bootstrap=n_bootstrap)
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
