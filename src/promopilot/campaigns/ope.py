"""Off-policy evaluation: what a candidate assignment would have earned on a logged randomized
campaign, per customer, relative to sending nothing.

Every customer ``i`` of the campaign got arm ``A_i`` with logged probability ``p_i`` and earned
profit ``y_i``; the candidate policy would give them ``pi_i`` (an offer, or nothing). With
``w_i = 1 / p_i`` (only the logged arm's probability is needed):

- IPS: mean of ``w_i y_i ([A_i = pi_i] - [A_i = nothing])``;
- SNIPS: the self-normalized (Hajek) means of the customers whose logged arm matches the policy,
  minus that of the customers who got nothing;
- DR (doubly robust): an outcome model ``m(x, a)`` on pre-period features (ridge per arm,
  cross-fitted so no customer is scored by a model that saw them) plus the IPS correction of
  its residuals: ``m(x_i, pi_i) - m(x_i, 0) + w_i [A_i = pi_i](y_i - m(x_i, pi_i)) -
  w_i [A_i = 0](y_i - m(x_i, 0))``.

Intervals are normal ones from the per-customer influence values. A policy offer that was
never sent in the campaign cannot be evaluated on it and is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.data.cells import cells_of
from promopilot.data.contact_ids import file_customer_ids
from promopilot.data.hand_tables import LINE, read_hand_table
from promopilot.data.schema import id_text
from promopilot.data.store import Store
from promopilot.data.words import noun_for
from promopilot.exceptions import InputError

FEATURES = ("pre_revenue", "pre_orders", "orders_before")
ESTIMATORS = ("ips", "snips", "dr")
POLICY_COLUMNS = ("customer_id", "offer_id")
ONCE = "each customer once per policy"


def read_policy(path: str | os.PathLike) -> pd.DataFrame:
    """A policy file (``customer_id, offer_id``; an empty offer: nothing), a CSV or an Excel
    .xlsx workbook as :func:`promopilot.data.hand_tables.read_hand_table` reads it: its ids as
    the store holds them, each customer once, rows indexed by their line in the file."""
    return read_hand_table(Path(path), POLICY_COLUMNS, what="policy", once=ONCE)


def policy_arms(frame: pd.DataFrame, policy: pd.DataFrame) -> tuple[np.ndarray, int]:
    """The policy's arm for every customer of the campaign (``control`` for nothing; customers
    the policy does not name get nothing) and how many customers it did not name."""
    if not isinstance(policy, pd.DataFrame):
        raise InputError(
            f"policy: expected a table (pandas DataFrame) of customer_id, offer_id, got "
            f"{type(policy).__name__}"
        )
    missing = {"customer_id", "offer_id"} - set(policy.columns)
    if missing:
        raise InputError(
            f"policy: missing {noun_for(len(missing), 'column')} {', '.join(sorted(missing))}; "
            "expected customer_id, offer_id (empty offer = send nothing)"
        )
    # as text, an empty offer as "": a column of empty offers only is read as float NaN
    offer_ids = policy["offer_id"].astype(object)
    offers = offer_ids.where(offer_ids.notna(), "").astype(str).str.strip()
    # ids as the store holds them: 17850.0 is 17850, an e-mail address or phone number its
    # hash; a customer named twice by line where the policy was read from a file
    lines = policy.index.to_numpy() if policy.index.name == LINE else None
    stored = file_customer_ids(
        policy["customer_id"],
        "policy",
        expected=ONCE,
        first_line=None,
        lines=lines,
        cells=cells_of(policy),
    )
    by_customer = pd.Series(np.where(offers == "", CONTROL, offers), index=stored.to_numpy())
    arms = by_customer.reindex(id_text(frame["customer_id"]).to_numpy())
    unnamed = int(arms.isna().sum())
    arms = arms.fillna(CONTROL).to_numpy(dtype=object)
    logged = set(frame["arm"])
    unknown = sorted(set(arms) - logged)
    if unknown:
        raise InputError(
            f"policy: {noun_for(len(unknown), 'offer')} {', '.join(unknown)} "
            f"{'was' if len(unknown) == 1 else 'were'} never sent in this campaign, so it "
            f"cannot tell what they would earn (sent: {', '.join(sorted(logged - {CONTROL}))})"
        )
    return arms, unnamed


def _interval(values: np.ndarray, confidence: float) -> dict:
    from scipy.special import ndtri

    n = len(values)
    estimate = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    q = float(ndtri(0.5 + confidence / 2))
    return {
        "estimate": estimate,
        "low": estimate - q * se,
        "high": estimate + q * se,
        "std_error": se,
    }


class OutcomeModel:
    """The doubly robust estimator's cross-fitted outcome model on a logged campaign `frame`
    (``arm``, ``propensity``, `outcome` and the `features` columns), fitted once: per-row DR
    values for any number of policies (:meth:`dr_values`)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        features: tuple[str, ...] = FEATURES,
        outcome: str = "profit",
        *,
        n_folds: int = 2,
        random_state: int = 0,
    ):
        self.arm = frame["arm"].to_numpy(dtype=object)
        self.y = frame[outcome].to_numpy(dtype=float)
        self.w = 1.0 / frame["propensity"].to_numpy(dtype=float)
        arms = sorted(set(self.arm))
        self.col = {a: j for j, a in enumerate(arms)}
        x = frame[list(features)].to_numpy(dtype=float)
        self.predictions_ = outcome_model_predictions(
            x, self.arm, self.y, arms, n_folds=n_folds, random_state=random_state
        )

    def dr_values(self, policy_arm: np.ndarray) -> np.ndarray:
        """Per-row doubly robust values of the policy that sends `policy_arm` (their mean is
        its incremental outcome per customer against sending nothing)."""
        n, y, w = len(self.y), self.y, self.w
        follow = (self.arm == policy_arm).astype(float)
        nothing = (self.arm == CONTROL).astype(float)
        m_policy = self.predictions_[np.arange(n), [self.col[a] for a in policy_arm]]
        m_zero = self.predictions_[:, self.col[CONTROL]]
        return m_policy - m_zero + w * follow * (y - m_policy) - w * nothing * (y - m_zero)


def outcome_model_predictions(
    x: np.ndarray,
    arm: np.ndarray,
    y: np.ndarray,
    arms: list[str],
    *,
    n_folds: int = 2,
    random_state: int = 0,
) -> np.ndarray:
    """Cross-fitted predictions ``m(x_i, a)`` for every customer and arm (columns in `arms`
    order): a ridge regression per arm on ``log1p`` features, fitted on the other folds."""
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(random_state)
    fold = rng.integers(0, n_folds, len(y))
    features = np.column_stack([np.log1p(np.clip(x, 0, None)), x])
    out = np.zeros((len(y), len(arms)))
    for k in range(n_folds):
        train, test = fold != k, fold == k
        for j, a in enumerate(arms):
            rows = train & (arm == a)
            if rows.sum() < 5:  # too few to fit: the arm's mean over all folds
                out[test, j] = y[arm == a].mean() if (arm == a).any() else 0.0
                continue
            model = Ridge(alpha=1.0).fit(features[rows], y[rows])
            out[test, j] = model.predict(features[test])
    return out


def off_policy_value(
    frame: pd.DataFrame,
    policy_arm: np.ndarray,
    *,
    confidence: float = 0.95,
    features: tuple[str, ...] = FEATURES,
    outcome: str = "profit",
    n_folds: int = 2,
    random_state: int = 0,
) -> dict:
    """IPS, SNIPS and DR estimates of the policy's incremental `outcome` per customer (against
    sending nothing), each with a normal interval at `confidence`."""
    if not 0.5 < confidence < 1:
        raise InputError(f"confidence must be in (0.5, 1), got {confidence}")
    arm = frame["arm"].to_numpy(dtype=object)
    if not (arm == CONTROL).any():
        raise InputError(
            "the campaign has no customer who got nothing: the value of sending "
            "nothing cannot be estimated from it"
        )
    y = frame[outcome].to_numpy(dtype=float)
    w = 1.0 / frame["propensity"].to_numpy(dtype=float)
    follow = (arm == policy_arm).astype(float)
    nothing = (arm == CONTROL).astype(float)
    n = len(y)

    ips = w * y * (follow - nothing)

    share_follow, share_nothing = (w * follow).mean(), (w * nothing).mean()
    m_follow = (w * follow * y).sum() / (w * follow).sum() if follow.any() else 0.0
    m_nothing = (w * nothing * y).sum() / (w * nothing).sum()
    snips_value = m_follow - m_nothing
    influence = (w * follow * (y - m_follow) / share_follow if follow.any() else 0.0) - (
        w * nothing * (y - m_nothing) / share_nothing
    )
    snips = snips_value + influence - influence.mean()

    model = OutcomeModel(frame, features, outcome, n_folds=n_folds, random_state=random_state)
    dr = model.dr_values(policy_arm)

    estimators = {
        name: _interval(values, confidence)
        for name, values in (("ips", ips), ("snips", snips), ("dr", dr))
    }
    return {
        "customers": n,
        "estimator": "dr",
        "incremental_profit_per_customer": {
            k: estimators["dr"][k] for k in ("estimate", "low", "high")
        },
        "estimators": estimators,
        "policy_sends": int((policy_arm != CONTROL).sum()),
        "matching_logged_arm": int(follow.sum()),
        "confidence": confidence,
    }


def evaluate_policy(
    store: Store,
    policy_frame: pd.DataFrame | str | os.PathLike,
    campaign_id: str,
    *,
    window_days: int | None = None,
    confidence: float = 0.95,
) -> dict:
    """What `policy_frame` (``customer_id, offer_id``; empty offer = nothing) would have earned
    on the logged randomized campaign `campaign_id`, per customer, relative to sending
    nothing: IPS, self-normalized IPS and doubly robust estimates with intervals (``dr`` is
    the headline). Customers of the campaign the policy does not name get nothing. A path is
    read as a policy file (:func:`read_policy`: CSV or .xlsx)."""
    if isinstance(policy_frame, (str, os.PathLike)):
        policy_frame = read_policy(policy_frame)
    frame = campaign_outcomes(store, campaign_id, window_days=window_days)
    arms, unnamed = policy_arms(frame, policy_frame)
    result = off_policy_value(frame, arms, confidence=confidence)
    return {
        "campaign_id": campaign_id,
        "window_days": int(frame.attrs["window_days"]),
        **result,
        "customers_not_in_policy": unnamed,
    }
