"""The planner's uplift model: P(buy | customer, arm) learned from past campaigns.

The candidates are the uplift learners of :mod:`promopilot.uplift.models`; the default is the
pooled X-learner with a linear effect model (the most profit against the truth on the
synthetic shops, docs/uplift.md). With enough history, a candidate whose cross-validated Qini
is clearly better replaces it; the chosen model's spread of effects between customers is then
calibrated out of fold, and bootstrap replicates give the draws behind the plan's lower
confidence bounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL, CampaignData
from promopilot.exceptions import InputError
from promopilot.offers.inputs import model_matrix
from promopilot.uplift.calibration import CalibratedUplift
from promopilot.uplift.models import (
    DRLearner,
    EnsembleUplift,
    PooledXLearner,
    TLearner,
    XLearner,
    linear_effect,
    spline_classifier,
)
from promopilot.uplift.selection import select_model

# what drives a response to an offer: promotion responsiveness, price level, and whether the
# customer is still around (the smooth member of the ensemble sees only these)
RESPONSE_FEATURES = (
    "discount_sensitivity",
    "price_level",
    "view_price_level",
    "coupon_share",
    "sale_order_lift",
    "sale_view_lift",
    "recency_days",
    "days_since_last_event",
    "frequency",
    "avg_order_value",
    "browse_intensity",
    "views_30d",
    "tenure_days",
    "bg_p_alive",
    "bg_expected_purchases_90d",
)

DEFAULT_MODEL = "pooled-x"


def response_candidates(random_state: int, columns: list[str] | None = None) -> dict:
    """The uplift models a plan may use; "pooled-x" is the default. `columns`: the model
    matrix's columns (the smooth and linear models keep the RESPONSE_FEATURES among them, plus
    category shares)."""
    x = XLearner(control=CONTROL, random_state=random_state)
    smooth = None
    if columns is not None:
        smooth = [c for c in columns if c in RESPONSE_FEATURES or c.startswith("share_")]
    t_spline = TLearner(
        control=CONTROL, outcome_model=spline_classifier(columns=smooth), random_state=random_state
    )
    # every offer's effect along one shared direction of the response features, each offer at
    # its own level: the most profit against the truth on the synthetic shops (docs/uplift.md)
    pooled = PooledXLearner(
        control=CONTROL, effect_model=linear_effect(columns=smooth), random_state=random_state
    )
    return {
        "pooled-x": pooled,
        "pooled-x-trees": PooledXLearner(control=CONTROL, random_state=random_state),
        "ensemble": EnsembleUplift(
            estimators=[("x-learner", x), ("t-spline", t_spline)], random_state=random_state
        ),
        "x-learner": x,
        "t-learner-spline": t_spline,
        "t-learner": TLearner(control=CONTROL, random_state=random_state),
        "dr-learner": DRLearner(control=CONTROL, random_state=random_state),
    }


def campaign_candidates(data: CampaignData, random_state: int) -> dict:
    """:func:`response_candidates` for the model matrix of past-campaign data."""
    return response_candidates(random_state, list(model_matrix(data.X).columns))


def fit_response_model(
    data: CampaignData,
    *,
    random_state: int,
    n_bootstrap: int,
    select: bool | str = True,
    calibrate: bool = True,
):
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
        name, scores = select_model(
            candidates,
            X,
            data.bought,
            data.treatment,
            cv=3,
            propensity=data.propensity,
            random_state=random_state,
            default=DEFAULT_MODEL,
        )
    model = candidates[name]
    if calibrate:
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
        base = np.broadcast_to(base, (uplift_draws.shape[0], *base.shape[1:]))
        draws = np.clip(np.concatenate([base, base + uplift_draws], axis=2), 0.0, 1.0)
    return outcome, draws, list(model.treatments_)
