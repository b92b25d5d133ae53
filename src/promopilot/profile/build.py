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
    from promopilot.offers.plan import default_as_of

    return default_as_of(store)


def clv_columns(store: Store, customers: pd.Index, as_of: pd.Timestamp) -> tuple[pd.DataFrame,
                                                                                   list[str]]:
    """p_alive, expected purchases in 90 days (BG/NBD) and 12-month CLV (Gamma-Gamma spend),
    in days. Customers without orders get BG/NBD's values for a new customer's zero history."""
    from promopilot.profile.clv import (
        BetaGeoModel,
        GammaGammaModel,
        customer_lifetime_value,
        summary_from_transactions,
    )

    out = pd.DataFrame(index=customers, columns=["p_alive", "expected_purchases_90d", "clv_12m"],
                       dtype=float)
    orders = store.query(
        f"""SELECT customer_id, timestamp, quantity * unit_price - discount AS value FROM orders
            WHERE NOT is_return AND timestamp < TIMESTAMP '{as_of}'"""
    )
    if orders.empty:
        return out, ["no orders: CLV not computed"]
    summary = summary_from_transactions(orders, "customer_id", "timestamp", "value",
                                        as_of=as_of - pd.Timedelta(seconds=1))
    summary = summary.reindex(customers.intersection(summary.index))
    f, r, T = (summary["frequency"].to_numpy(), summary["recency"].to_numpy(),
               summary["T"].to_numpy())
    notes = []
    try:
        bg = BetaGeoModel().fit(f, r, T)
    except NotEnoughDataError as why:
        return out, [f"CLV not computed: {why}"]
    idx = summary.index
    out.loc[idx, "p_alive"] = bg.probability_alive(f, r, T)
    out.loc[idx, "expected_purchases_90d"] = bg.expected_purchases(90.0, f, r, T)
    try:
        gg = GammaGammaModel().fit(f[f > 0], summary["monetary_value"].to_numpy()[f > 0])
        out.loc[idx, "clv_12m"] = customer_lifetime_value(
            bg, gg, f, r, T, summary["monetary_value"].to_numpy(), horizon_days=365.0)
    except NotEnoughDataError as why:
        notes.append(f"12-month CLV not computed: {why}")
    return out, notes


def build_profile(store: Store, *, as_of: pd.Timestamp | str | None = None,
                  feature_fn: Callable | None = None, evaluate: bool = True,
                  random_state: int = 0,
                  progress: Callable[[str], None] | None = None) -> Profile:
    """Everything a shop owner wants to know per customer, as of a date."""
    from promopilot.profile.segments import ClusterSegmenter, rfm_segments

    tell = progress or (lambda _: None)
    as_of = profile_as_of(store, as_of)
    feature_fn = feature_fn or (lambda st, at: build_features(st, as_of=at))
    tell("features")
    features = feature_fn(store, as_of)
    table = features.set_index("customer_id")
    notes: list[str] = []

    tell("lifetime value")
    clv, clv_notes = clv_columns(store, table.index, as_of)
    notes += clv_notes
    table = table.join(clv)
    table["bgnbd_expected_purchases_90d"] = table["expected_purchases_90d"]

    def model_features(st: Store, at: pd.Timestamp) -> pd.DataFrame:
        """Features plus the BG/NBD view of each customer at the same date."""
        frame = features if at == as_of else feature_fn(st, at)
        bg = clv if at == as_of else clv_columns(st, pd.Index(frame["customer_id"]), at)[0]
        return frame.join(bg.add_prefix("bg_"), on="customer_id")

    current = model_features(store, as_of)
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
