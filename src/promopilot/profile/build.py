"""The customer profile: features, CLV, churn risk, purchase propensity, segments, sentiment.

``build_profile(store, as_of=...)`` returns one row per customer with the columns
``PROFILE_COLUMNS`` first, then every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError
from promopilot.profile.features import build_features
from promopilot.profile.models import Evaluation, WindowModel

PROFILE_COLUMNS = [
    "customer_id", "segment", "rfm_segment", "recency_days", "frequency", "monetary",
    "p_alive", "expected_purchases_90d", "clv_12m", "churn_risk", "purchase_propensity_30d",
    "discount_sensitivity", "top_category", "sentiment",
]
# expected_purchases_90d comes from a Poisson model trained on rolled-back windows, with the
# BG/NBD expectation (kept as bgnbd_expected_purchases_90d) and browsing among its inputs:
# BG/NBD alone sees only orders, and browsing is the clearest sign a customer is still around.

CLV_FIT_CUSTOMERS = 200_000
"""Above this many buyers, BG/NBD and Gamma-Gamma (4 and 3 parameters) are fitted on a random
sample of this many (seeded) and applied to everyone."""
MODEL_FIT_CUSTOMERS = 100_000
"""Above this many customers, the window models (churn, purchase, expected orders) learn from
a random sample of this many (seeded) and predict for everyone; their rolled-back feature
snapshots are then built for the sample only."""


@dataclass
class Profile:
    customers: pd.DataFrame
    as_of: pd.Timestamp
    segments: pd.DataFrame  # segment summary
    evaluation: dict[str, Evaluation | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def profile_as_of(store: Store, as_of: pd.Timestamp | str | None) -> pd.Timestamp:
    if as_of is not None:
        return pd.Timestamp(as_of)
    return store.default_as_of()


def clv_columns(store: Store, customers: pd.Index, as_of: pd.Timestamp, *,
                max_fit_customers: int | None = CLV_FIT_CUSTOMERS,
                random_state: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """p_alive, expected purchases in 90 days (BG/NBD) and 12-month CLV (Gamma-Gamma spend),
    in days. Customers without orders get BG/NBD's values for a new customer's zero history.

    Only the orders of `customers` are read. With more buyers than `max_fit_customers`, the
    models are fitted on a random sample of that many and applied to all.

    BLAS runs on one thread here: the likelihoods make thousands of small dot products, and
    on a busy two-core machine OpenBLAS threads that spin while they wait for each other made
    the fits ten times slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _clv_columns(store, customers, as_of, max_fit_customers, random_state)


def _clv_columns(store: Store, customers: pd.Index, as_of: pd.Timestamp,
                 max_fit_customers: int | None, random_state: int
                 ) -> tuple[pd.DataFrame, list[str]]:
    from promopilot.profile.clv import (
        BetaGeoModel,
        GammaGammaModel,
        customer_lifetime_value,
    )

    out = pd.DataFrame(index=customers, columns=["p_alive", "expected_purchases_90d", "clv_12m"],
                       dtype=float)
    summary = rfm_summary(store, customers, as_of)
    if summary.empty:
        return out, ["no orders: CLV not computed"]
    f, r, T = (summary["frequency"].to_numpy(), summary["recency"].to_numpy(),
               summary["T"].to_numpy())
    m = summary["monetary_value"].to_numpy()
    fit = slice(None)
    if max_fit_customers is not None and len(summary) > max_fit_customers:
        rng = np.random.default_rng(random_state)
        fit = np.sort(rng.choice(len(summary), size=max_fit_customers, replace=False))
    notes = []
    try:
        bg = BetaGeoModel().fit(f[fit], r[fit], T[fit])
    except NotEnoughDataError as why:
        return out, [f"CLV not computed: {why}"]
    idx = summary.index
    out.loc[idx, "p_alive"] = bg.probability_alive(f, r, T)
    out.loc[idx, "expected_purchases_90d"] = bg.expected_purchases(90.0, f, r, T)
    try:
        repeat = f[fit] > 0
        gg = GammaGammaModel().fit(f[fit][repeat], m[fit][repeat])
        out.loc[idx, "clv_12m"] = customer_lifetime_value(bg, gg, f, r, T, m, horizon_days=365.0)
    except NotEnoughDataError as why:
        notes.append(f"12-month CLV not computed: {why}")
    return out, notes


def rfm_summary(store: Store, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    """Frequency, recency, T and monetary value in days, as
    :func:`~promopilot.profile.clv.summary_from_transactions` gives them for the net value of
    the orders (returns excluded) of `customers` before `as_of`, the period ending the day
    before `as_of`; computed in SQL. Indexed by customer id, sorted."""
    store.con.register("clv_customers_df", pd.DataFrame(
        {"customer_id": pd.Series(customers.to_numpy(), dtype=object)}))
    try:
        summary = store.query(
            f"""WITH daily AS (
                    SELECT customer_id, date_trunc('day', timestamp)::DATE AS day,
                           sum(quantity * unit_price - discount) AS value
                    FROM orders
                    WHERE NOT is_return AND timestamp < TIMESTAMP '{as_of}'
                      AND customer_id IN (SELECT customer_id FROM clv_customers_df)
                    GROUP BY 1, 2)
                SELECT customer_id, count(*) - 1 AS frequency,
                       date_diff('day', min(day), max(day))::DOUBLE AS recency,
                       date_diff('day', min(day),
                                 (TIMESTAMP '{as_of}' - INTERVAL 1 SECOND)::DATE)::DOUBLE AS T,
                       CASE WHEN count(*) > 1 THEN (sum(value) - arg_min(value, day))
                            / (count(*) - 1) ELSE 0.0 END AS monetary_value
                FROM daily GROUP BY 1 ORDER BY 1"""
        )
    finally:
        store.con.unregister("clv_customers_df")
    return summary.set_index("customer_id")


def build_profile(store: Store, *, as_of: pd.Timestamp | str | None = None,
                  feature_fn: Callable | None = None, evaluate: bool = True,
                  random_state: int = 0,
                  progress: Callable[[str], None] | None = None) -> Profile:
    """Everything a shop owner wants to know per customer, as of a date."""
    from promopilot.profile.segments import ClusterSegmenter, rfm_segments

    tell = progress or (lambda _: None)
    as_of = profile_as_of(store, as_of)
    custom_features = feature_fn is not None
    feature_fn = feature_fn or (lambda st, at: build_features(st, as_of=at))
    tell("features")
    features = feature_fn(store, as_of)
    table = features.set_index("customer_id")
    notes: list[str] = []

    tell("lifetime value")
    clv, clv_notes = clv_columns(store, table.index, as_of, random_state=random_state)
    notes += clv_notes
    table = table.join(clv)
    table["bgnbd_expected_purchases_90d"] = table["expected_purchases_90d"]

    # a big shop's models learn from a sample of customers: their rolled-back snapshots are
    # built for the sample only (the window models would sample them anyway)
    sample = None
    if not custom_features and len(table) > MODEL_FIT_CUSTOMERS:
        rng = np.random.default_rng(random_state)
        sample = np.sort(rng.choice(table.index.to_numpy(), size=MODEL_FIT_CUSTOMERS,
                                    replace=False))
    snapshots: dict[pd.Timestamp, pd.DataFrame] = {
        as_of: features.join(clv.add_prefix("bg_"), on="customer_id")}
    del features

    def model_features(st: Store, at: pd.Timestamp) -> pd.DataFrame:
        """Features plus the BG/NBD view of each customer at the same date (each date's
        snapshot is built once: the churn and expected-orders models share theirs)."""
        if at not in snapshots:
            frame = (feature_fn(st, at) if sample is None
                     else build_features(st, as_of=at, customers=sample))
            bg = clv_columns(st, pd.Index(frame["customer_id"]), at,
                             random_state=random_state)[0]
            snapshots[at] = frame.join(bg.add_prefix("bg_"), on="customer_id")
        return snapshots[at]

    current = snapshots[as_of]
    evaluation: dict[str, Evaluation | None] = {}
    for name, column, horizon, target in (
            ("churn", "churn_risk", 90, "churn"),
            ("propensity", "purchase_propensity_30d", 30, "purchase"),
            ("expected purchases", "expected_purchases_90d", 90, "orders")):
        tell(f"{name} model")
        try:
            model = WindowModel(horizon_days=horizon, target=target,
                                random_state=random_state).fit(
                store, as_of=as_of, feature_fn=model_features, validate=evaluate)
            table[column] = model.predict_proba(current)
            if target != "orders":
                evaluation[name] = model.validation_
        except NotEnoughDataError as why:
            if target != "orders":  # expected purchases keep the BG/NBD value
                table[column] = np.nan
                evaluation[name] = None
            notes.append(str(why))

    del snapshots, current
    tell("segments")
    table["rfm_segment"] = rfm_segments(table.rename_axis("customer_id").reset_index()
                                        ).to_numpy()
    cluster_cols = [c for c in ("recency_days", "frequency", "monetary", "avg_order_value",
                                "discount_sensitivity", "churn_risk", "browse_intensity",
                                "price_level") if c in table and table[c].notna().any()]
    segmenter = ClusterSegmenter(features=cluster_cols, random_state=random_state)
    frame = table.reset_index()
    table["segment"] = segmenter.fit(frame).predict_names(frame).to_numpy()
    customers = table.reset_index()
    ordered = PROFILE_COLUMNS + [c for c in customers.columns if c not in PROFILE_COLUMNS]
    customers = customers[ordered]
    return Profile(customers, as_of, segment_summary(customers, segmenter), evaluation, notes)


def segment_summary(customers: pd.DataFrame, segmenter=None) -> pd.DataFrame:
    """One row per data-driven segment: size, share, description and key averages."""
    descriptions = {}
    if segmenter is not None:
        descriptions = dict(zip(segmenter.names_, segmenter.descriptions_))
    summary = (customers.groupby("segment")
               .agg(customers=("customer_id", "size"), recency_days=("recency_days", "median"),
                    frequency=("frequency", "mean"), monetary=("monetary", "mean"),
                    churn_risk=("churn_risk", "mean"),
                    discount_sensitivity=("discount_sensitivity", "mean"),
                    clv_12m=("clv_12m", "mean"))
               .sort_values("customers", ascending=False).reset_index())
    summary.insert(2, "share", summary["customers"] / summary["customers"].sum())
    summary["description"] = summary["segment"].map(descriptions).fillna("")
    return summary
