"""The customer profile: features, CLV, churn risk, purchase propensity, segments, sentiment.

``build_profile(store, as_of=...)`` returns one row per customer with the columns
``PROFILE_COLUMNS`` first, then every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone

from promopilot.data.queries.profile import CustomerSubset, promo_order_counts
from promopilot.data.queries.segments import keep_segments
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError
from promopilot.profile.baselines import Choice
from promopilot.profile.churn import ChurnModel
from promopilot.profile.fallbacks import fill_empty_columns, model_fallback
from promopilot.profile.features import (
    DailyShares,
    SharedSentiment,
    build_features,
    sale_days,
)
from promopilot.profile.lifetime import (
    CLV_FIT_CUSTOMERS,
    NO_ORDER_COLUMN,
    clv_columns,
    rfm_summary,
)
from promopilot.profile.models import Evaluation, WindowModel
from promopilot.profile.segments import ClusterSegmenter, rfm_segments
from promopilot.profile.sensitivity import SIGNAL_Z, PromoUseModel, chance_words
from promopilot.profile.sensitivity_check import (
    CAMPAIGN_DAYS,
    VALIDATION_DAYS,
    check_sensitivity,
    single_column_sensitivity,
)
from promopilot.profile.silence import no_order_probability
from promopilot.profile.windows import fit_with_baseline, predicted_value

__all__ = [
    "CLV_FIT_CUSTOMERS",
    "MODEL_FIT_CUSTOMERS",
    "PROFILE_COLUMNS",
    "Profile",
    "build_profile",
    "clv_columns",
    "profile_as_of",
    "rfm_summary",
    "segment_summary",
    "snapshot_dates",
]

PROFILE_COLUMNS = [
    "customer_id",
    "segment",
    "rfm_segment",
    "recency_days",
    "frequency",
    "monetary",
    "p_alive",
    "expected_purchases_90d",
    "clv_12m",
    "churn_risk",
    "purchase_propensity_30d",
    "discount_sensitivity",
    "top_category",
    "sentiment",
]
# expected_purchases_90d comes from a Poisson model trained on rolled-back windows, with the
# BG/NBD expectation (kept as bgnbd_expected_purchases_90d) and browsing among its inputs:
# BG/NBD alone sees only orders, and browsing is the clearest sign a customer is still around.

CHURN_HORIZON_DAYS = 180
"""churn_risk is the probability of no activity (no order, and no event where the shop logs
events) in the next 180 days: six months of silence is closer to having left than three, in
which many light buyers who are still around place no order (on the training worlds of
``bench/worlds.py`` the time split then agreed with the hidden truth on which of the model and
recency ranks the leavers better in 13 of 16 worlds, against 11 with 90 days)."""

WINDOWS = (  # name, column, horizon in days, target
    ("churn", "churn_risk", CHURN_HORIZON_DAYS, "churn"),
    ("propensity", "purchase_propensity_30d", 30, "purchase"),
    ("expected purchases", "expected_purchases_90d", 90, "orders"),
)

EARLIEST = pd.Timestamp("1900-01-01")  # "all history" for the own promotion counts

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
    choices: dict[str, Choice] = field(default_factory=dict)
    """Per model column: the model or its one-column baseline, with both validation scores."""


def join_by_id(frame: pd.DataFrame, extra: pd.DataFrame, on: str | None = None) -> pd.DataFrame:
    """``frame.join(extra, on=on)`` for tables with one row per customer: where `extra`'s
    index already lists the same ids in the same order (the profile's tables all come sorted
    by id), its columns are placed alongside as they are, without hashing a million ids
    (seconds on a million-customer shop)."""
    keys = frame.index if on is None else pd.Index(frame[on])
    if keys.equals(extra.index):
        return pd.concat([frame, extra.set_axis(frame.index)], axis=1)
    return frame.join(extra, on=on)


def profile_as_of(store: Store, as_of: pd.Timestamp | str | None) -> pd.Timestamp:
    """The profile's date as a stored (UTC) instant (:meth:`Store.as_of`): by default the
    shop's midnight after its last order or event; text such as ``2026-10-12`` is read in the
    shop's zone (its midnight)."""
    return store.as_of(as_of)


def snapshot_dates(store: Store, as_of: pd.Timestamp) -> list[pd.Timestamp]:
    """The dates of the rolled-back feature snapshots the profile learns from, earliest
    first: each window model's last two window starts and the discount-sensitivity check's
    split date, counted in the shop's days (:meth:`Store.shop_days`)."""
    days = {k * horizon for *_, horizon, _ in WINDOWS for k in (1, 2)} | {VALIDATION_DAYS}
    return sorted(store.shop_days(as_of, -d) for d in days)


def build_profile(
    store: Store,
    *,
    as_of: pd.Timestamp | str | None = None,
    feature_fn: Callable | None = None,
    evaluate: bool = True,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Profile:
    """Everything a shop owner wants to know per customer, as of a date (see
    :func:`profile_as_of`). The segment table is kept in a writable store as the latest
    named segments (:func:`promopilot.data.queries.segments.keep_segments`)."""
    tell = progress or (lambda _: None)
    as_of = profile_as_of(store, as_of)
    custom_features = feature_fn is not None
    daily = None if custom_features else DailyShares.read(store, as_of)  # sale days, read once
    feature_fn = feature_fn or (lambda st, at: build_features(st, as_of=at, daily=daily))
    tell("features")
    features = feature_fn(store, as_of)
    table = features.set_index("customer_id")
    notes: list[str] = []

    tell("lifetime value")
    clv, clv_notes = clv_columns(store, table.index, as_of, random_state=random_state)
    notes += clv_notes
    table = join_by_id(table, clv)
    table["bgnbd_expected_purchases_90d"] = table["expected_purchases_90d"]
    clv = clv.drop(columns=NO_ORDER_COLUMN, errors="ignore")  # the churn fallback's, no feature

    # a big shop's models learn from a sample of customers: their rolled-back snapshots are
    # built for the sample only (the window models would sample them anyway)
    sample = None
    if not custom_features and len(table) > MODEL_FIT_CUSTOMERS:
        rng = np.random.default_rng(random_state)
        sample = np.sort(
            rng.choice(table.index.to_numpy(), size=MODEL_FIT_CUSTOMERS, replace=False)
        )
    snapshots: dict[pd.Timestamp, pd.DataFrame] = {
        as_of: join_by_id(features, clv.add_prefix("bg_"), on="customer_id")
    }
    del features
    shared: list[SharedSentiment] = []  # the sample's sentiment model, made when first needed
    # the sample's rows, copied once for all its snapshots (dropped at the end)
    subset = None if sample is None else CustomerSubset(store, sample, before=as_of)

    def sample_features(st: Store, at: pd.Timestamp) -> pd.DataFrame:
        """The sample's snapshot: one sentiment model for all of them, learnt from the reviews
        before the earliest snapshot date (a snapshot before that date fits its own)."""
        if not shared:
            dates = snapshot_dates(st, as_of)
            shared.append(
                SharedSentiment.read(
                    st, fit_before=dates[0], score_before=dates[-1], customers=sample
                )
            )
        sentiment = shared[0] if at >= shared[0].fit_before else None
        return build_features(st, as_of=at, customers=subset, daily=daily, sentiment_fn=sentiment)

    def model_features(st: Store, at: pd.Timestamp) -> pd.DataFrame:
        """Features plus the BG/NBD view of each customer at the same date (each date's
        snapshot is built once: the churn and expected-orders models share theirs)."""
        if at not in snapshots:
            frame = feature_fn(st, at) if sample is None else sample_features(st, at)
            bg = clv_columns(st, pd.Index(frame["customer_id"]), at, random_state=random_state)[0]
            bg = bg.drop(columns=NO_ORDER_COLUMN, errors="ignore")
            snapshots[at] = join_by_id(frame, bg.add_prefix("bg_"), on="customer_id")
        return snapshots[at]

    current = snapshots[as_of]
    try:
        evaluation, choices = _window_columns(
            store, as_of, table, current, model_features, notes, tell, random_state
        )
        tell("discount sensitivity check")
        _check_sensitivity(store, as_of, table, model_features, choices, notes, daily)
    finally:
        if subset is not None:
            subset.drop()
    snapshots.clear()  # free the snapshots before clustering
    table = table.drop(columns=NO_ORDER_COLUMN, errors="ignore")
    del current
    tell("segments")
    table["rfm_segment"] = rfm_segments(table.rename_axis("customer_id").reset_index()).to_numpy()
    cluster_cols = [
        c
        for c in (
            "recency_days",
            "frequency",
            "monetary",
            "avg_order_value",
            "discount_sensitivity",
            "churn_risk",
            "browse_intensity",
            "price_level",
        )
        if c in table and table[c].notna().any()
    ]
    segmenter = ClusterSegmenter(features=cluster_cols, random_state=random_state)
    frame = table.reset_index()
    table["segment"] = segmenter.fit(frame).predict_names(frame).to_numpy()
    customers = table.reset_index()
    ordered = PROFILE_COLUMNS + [c for c in customers.columns if c not in PROFILE_COLUMNS]
    customers, filled = fill_empty_columns(customers[ordered])
    notes += filled
    summary = segment_summary(customers, segmenter)
    if not store.read_only:  # the dashboard's segments page shows the latest (docs/serve.md)
        keep_segments(store, summary, as_of)
    return Profile(customers, as_of, summary, evaluation, notes, choices)


def _window_columns(store, as_of, table, current, model_features, notes, tell, random_state):
    """Churn risk, purchase propensity and expected orders: each window model or its
    one-column baseline, whichever wins on the shop's own time split (fallbacks when there
    is too little history); returns the validations and the choices."""
    evaluation: dict[str, Evaluation | None] = {}
    choices: dict[str, Choice] = {}
    # a shop without orders (events only, e.g. ratings): the windows are labelled by events
    activity = "orders" if table["frequency"].sum() > 0 else "events"
    if activity == "events":
        notes.append(
            "no orders: churn_risk, purchase_propensity_30d and expected_purchases_90d are "
            "about events (no event in 180 days, an event in 30 days, events in 90 days)"
        )
    churn_activity = activity if activity == "events" or store.count("events") == 0 else "any"
    for name, column, horizon, target in WINDOWS:
        tell(f"{name} model")
        try:
            model, baseline, validation, choice = fit_with_baseline(
                store,
                ChurnModel(horizon_days=horizon, random_state=random_state)
                if target == "churn"
                else WindowModel(horizon_days=horizon, target=target, random_state=random_state),
                as_of=as_of,
                feature_fn=model_features,
                column=column,
                # churn is leaving: no order and no event (browsing shows who is still around)
                activity=churn_activity if target == "churn" else activity,
            )
            if choice is not None:
                choices[column] = choice
                notes.append(choice.line())
            if choice is not None and choice.winner == "baseline":
                table[column] = baseline.predict(current)
            else:
                table[column] = predicted_value(model, current)
            if target != "orders":
                evaluation[name] = validation
        except NotEnoughDataError as why:
            how = "kept from the BG/NBD model"
            if target != "orders":  # expected purchases keep the BG/NBD value
                table[column], how = model_fallback(
                    table,
                    target,
                    lambda rows, days: no_order_probability(store, as_of, rows, days),
                    horizon,
                )
                evaluation[name] = None
            notes.append(f"{column}: {why}; {how}")

    return evaluation, choices


def _check_sensitivity(store, as_of, table, model_features, choices, notes, daily) -> None:
    """discount_sensitivity: the learned promo use (:class:`.PromoUseModel`), the best single
    promotion column, or the default blend, whichever the shop's own orders support
    (:mod:`.sensitivity_check`); the verdict goes in the notes."""
    days = sale_days(store, as_of=as_of, daily=daily)  # found once: the counts below share them
    current = _with_own_counts(store, model_features(store, as_of), as_of, days)
    model = PromoUseModel(random_state=0)
    try:
        learned = pd.Series(model.fit_predict(current), index=current["customer_id"])
    except NotEnoughDataError as why:
        notes.append(f"discount_sensitivity: default blend kept ({why})")
        return
    if model.signal_z_ <= SIGNAL_Z:
        notes.append(
            "discount_sensitivity: nobody's own use of discounts and coupons is predictable "
            f"({chance_words(model.signal_auc_, model.signal_z_)}): the default blend is kept"
        )
        return
    table["discount_sensitivity"] = (
        learned.to_numpy() if learned.index.equals(table.index) else learned.reindex(table.index)
    )
    split = store.shop_days(as_of, -VALIDATION_DAYS)
    snapshot = _with_own_counts(
        store,
        model_features(store, split),
        split,
        sale_days(store, as_of=split, daily=daily),
        only_these=True,  # a big shop's snapshot holds a sample: count theirs only
    )
    counts = promo_order_counts(
        store, split, as_of, days, CAMPAIGN_DAYS, customers=snapshot["customer_id"]
    )
    try:
        result = check_sensitivity(snapshot, clone(model).fit_predict(snapshot), counts)
    except NotEnoughDataError:
        result = None
    if result is None:
        notes.append(
            f"discount_sensitivity: learned score kept, not validated (too few orders with and "
            f"without a discount in the {VALIDATION_DAYS} days before the profile date)"
        )
        return
    notes.append(result.line())
    if result.choice is None:
        return
    choices["discount_sensitivity"] = result.choice
    if result.column is not None:
        frame = table.rename_axis("customer_id").reset_index()
        table["discount_sensitivity"] = single_column_sensitivity(frame, result.column).to_numpy()


def _with_own_counts(
    store: Store,
    features: pd.DataFrame,
    at: pd.Timestamp,
    days: pd.Series,
    only_these: bool = False,
) -> pd.DataFrame:
    """The feature table plus each customer's orders before `at` outside sale `days` (the sale
    days found as of `at`) and campaign windows, and how many of those used a discount or
    coupon (``own_orders``, ``own_promo_orders``). With `only_these`, only the table's own
    customers' orders are read (the same result; cheaper for a sample)."""
    ids = features["customer_id"] if only_these else None
    counts = promo_order_counts(store, EARLIEST, at, days, CAMPAIGN_DAYS, customers=ids).rename(
        columns={"orders": "own_orders", "promo": "own_promo_orders"}
    )
    out = features.merge(counts, on="customer_id", how="left")
    return out.fillna({"own_orders": 0, "own_promo_orders": 0})


def segment_summary(customers: pd.DataFrame, segmenter=None) -> pd.DataFrame:
    """One row per data-driven segment: size, share, description and key averages, and the
    segment's name and description in Chinese (``segment_zh``, ``description_zh``)."""
    descriptions, names_zh, descriptions_zh = {}, {}, {}
    if segmenter is not None:
        descriptions = dict(zip(segmenter.names_, segmenter.descriptions_, strict=True))
        names_zh = dict(zip(segmenter.names_, segmenter.names_zh_, strict=True))
        descriptions_zh = dict(zip(segmenter.names_, segmenter.descriptions_zh_, strict=True))
    summary = (
        customers.groupby("segment")
        .agg(
            customers=("customer_id", "size"),
            recency_days=("recency_days", "median"),
            frequency=("frequency", "mean"),
            monetary=("monetary", "mean"),
            churn_risk=("churn_risk", "mean"),
            discount_sensitivity=("discount_sensitivity", "mean"),
            clv_12m=("clv_12m", "mean"),
        )
        .sort_values("customers", ascending=False)
        .reset_index()
    )
    summary.insert(2, "share", summary["customers"] / summary["customers"].sum())
    summary["description"] = summary["segment"].map(descriptions).fillna("")
    summary["segment_zh"] = summary["segment"].map(names_zh).fillna(summary["segment"])
    summary["description_zh"] = summary["segment"].map(descriptions_zh).fillna("")
    return summary
