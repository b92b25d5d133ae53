"""Customer features as of a date: the store's queries (``promopilot.data.queries.profile``)
and what is left to do on their tables in pandas.

Nothing at or after ``as_of`` is read, so the same function builds training snapshots for
earlier dates without leakage. Contact data is never read. Sale periods are found in the data
(days when the shop-wide discounted share of revenue spikes), not configured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.data.queries.profile import (
    customer_feature_tables,
    daily_discount_share,
    reviews_before,
)
from promopilot.data.store import Store, local_time
from promopilot.profile.kept_sentiment import kept_scores
from promopilot.text.sentiment import review_sentiment

MAX_CATEGORIES = 12
SENTIMENT_FIT_ROWS = 10_000
"""Above this many reviews, the default sentiment model learns from a random sample of this
many of them (seeded) and scores each distinct review text once."""

FEATURE_DESCRIPTIONS: dict[str, str] = {
    "recency_days": "days since the last order (for customers with none: since first seen)",
    "frequency": "number of distinct orders (returns excluded)",
    "orders_90d": "distinct orders in the last 90 days (recent activity)",
    "events_90d": "events of any kind in the last 90 days (recent activity without orders)",
    "monetary": "net revenue: quantity x price minus line discounts, minus returns (>= 0)",
    "tenure_days": "days since the customer was first seen (signup, event or order)",
    "avg_order_value": "net revenue (returns netted) per order",
    "interpurchase_days": "mean days between first and last order per repeat order",
    "n_returns": "return lines",
    "return_share": "returned value / purchased value, in [0, 1]",
    "coupon_share": "share of orders outside sale periods that used a coupon or discount",
    "discount_share": "discount money / gross value of their orders",
    "sale_order_lift": "their share of orders placed in sale periods / the shop's share",
    "sale_view_lift": "their views per day in sale periods / views per day otherwise",
    "price_level": "what they pay relative to the median price of the same category (1 = median)",
    "view_price_level": "price of what they view relative to the category's median price",
    "views": "product views",
    "views_30d": "views in the last 30 days",
    "browse_intensity": "views per day since first seen",
    "browse_trend": "views per day in the last 30 days / per day in the 90 days before",
    "days_since_last_event": "days since their last event or order of any kind",
    "carts": "add-to-cart events",
    "cart_abandonment": "share of carted products they did not buy",
    "n_reviews": "reviews written",
    "mean_rating": "mean star rating of their reviews",
    "sentiment": "mean review sentiment in [-1, 1] (0 without reviews)",
    "discount_sensitivity": "0..1: how much their buying depends on discounts (here the default "
    "blend: mean percentile of coupon use, sale-period buying and browsing, low price level; "
    "the profile may replace it by the learned promo use or one column, see its notes)",
    "top_category": "the category they spend (or, without orders, browse) most in",
    "share_<category>": "share of net spend in that category",
}


@dataclass(frozen=True)
class DailyShares:
    """The shop's discounted share of revenue per day (``daily_discount_share``), read once
    as of `as_of`: the sale days as of any of the shop's midnights up to `as_of` follow from
    its rows, so a profile's snapshots do not read every order again to find them. The days
    are the shop's (in `timezone`), `as_of` a stored (UTC) instant."""

    frame: pd.DataFrame
    as_of: pd.Timestamp
    timezone: str = "UTC"

    @classmethod
    def read(cls, store: Store, as_of: pd.Timestamp | str) -> DailyShares:
        as_of = store.as_of(as_of)
        return cls(daily_discount_share(store, as_of=as_of), as_of, store.timezone)

    def before(self, at: pd.Timestamp) -> pd.DataFrame | None:
        """The days before `at`, as ``daily_discount_share(as_of=at)`` reads them; None when
        `at` is after `as_of` or not the shop's midnight (its own day would be cut short)."""
        if at == self.as_of:
            return self.frame
        day = local_time(at, self.timezone)
        if at > self.as_of or day != day.normalize():
            return None
        return self.frame[self.frame["day"] < day]


def sale_days(
    store: Store, *, as_of: pd.Timestamp | str, daily: DailyShares | None = None
) -> pd.Series:
    """Days (before `as_of`) when the discounted share of the shop's revenue spiked: more than
    10 %, above the median day by 3 robust standard deviations, and on at least 5 orders (one
    coupon on a quiet day is not a sale). `daily`, read as of `as_of` or later, saves reading
    the orders (the same days either way)."""
    as_of = store.as_of(as_of)
    known = None if daily is None else daily.before(as_of)
    daily = daily_discount_share(store, as_of=as_of) if known is None else known
    if daily.empty:
        return pd.Series([], dtype="datetime64[us]")
    share = daily["share"].fillna(0.0)
    median = share.median()
    mad = (share - median).abs().median() * 1.4826
    spike = (share > 0.10) & (share > median + 3 * max(mad, 0.01)) & (daily["n_discounted"] >= 5)
    return pd.to_datetime(daily.loc[spike, "day"]).sort_values().reset_index(drop=True)


def build_features(
    store: Store,
    as_of: pd.Timestamp | str | None = None,
    *,
    sentiment_fn=None,
    customers: pd.Index | list[str] | None = None,
    daily: DailyShares | None = None,
) -> pd.DataFrame:
    """One row per customer seen before `as_of` (see ``FEATURE_DESCRIPTIONS``); by default
    the shop's midnight after its last order or event (:meth:`Store.as_of`). With its first two
    parameters, ``build_features(store, as_of)``, it is itself a feature function, as
    :func:`~promopilot.profile.windows.window_tables` and the campaign history take.

    `customers` limits the table to those customers (e.g. a random sample to train models
    on). Everything is then computed from their rows only, including the few statistics
    across customers (category median prices, the shop's share of orders in sale periods,
    the percentiles behind ``discount_sensitivity``), so on a random sample those are
    estimates from the sample. Sale periods are always found from all orders (from `daily`
    where given: see :func:`sale_days`).
    """
    as_of = store.as_of(as_of)
    tables = customer_feature_tables(
        store,
        as_of=as_of,
        sale_days=sale_days(store, as_of=as_of, daily=daily),
        customers=customers,
    )
    frame = tables["features"].set_index("customer_id")
    shares = tables["category_spend"]
    browse_top = tables["browse_top"].set_index("customer_id")["category"]
    reviews = tables["reviews"]

    top_spend = shares.groupby("category")["spend"].sum().sort_values(ascending=False)
    keep = list(top_spend.index[:MAX_CATEGORIES])
    if not shares.empty:
        pivot = shares.pivot_table(
            index="customer_id", columns="category", values="spend", aggfunc="sum", fill_value=0.0
        )
        total = pivot.sum(axis=1).replace(0, np.nan)
        share_frame = pivot[keep].div(total, axis=0).fillna(0.0)
        share_frame.columns = [f"share_{c}" for c in keep]
        frame = frame.join(share_frame)
        top = pivot.idxmax(axis=1)
    else:
        top = pd.Series(dtype=object)
    if len(top) or not browse_top.empty:
        top = top.reindex(frame.index)  # once: looking up a million ids takes a second
        if not browse_top.empty:
            top = top.fillna(browse_top.reindex(frame.index))
    frame["top_category"] = top.fillna("(none)") if len(top) else "(none)"
    for col in [c for c in frame.columns if c.startswith("share_")]:
        frame[col] = frame[col].fillna(0.0)

    sentiment = _sentiment(reviews, sentiment_fn, store, as_of, customers is not None)
    frame["sentiment"] = sentiment.reindex(frame.index).fillna(0.0)
    frame["discount_sensitivity"] = discount_sensitivity(frame)
    return frame.reset_index()


def discount_sensitivity(frame: pd.DataFrame) -> pd.Series:
    """Weighted mean percentile of the available promotion signals (higher = more
    discount-driven). Price level weighs most: it is observed on every order; coupon use next;
    sale-period buying and browsing are noisier. Browsing price level stands in for customers
    without orders."""
    price = (
        frame["price_level"].fillna(frame["view_price_level"])
        if "view_price_level" in frame
        else frame["price_level"]
    )
    signals = {
        "price": (price, False, 3.0),
        "coupon": (frame.get("coupon_share"), True, 1.5),
        "sale_orders": (frame.get("sale_order_lift"), True, 0.5),
        "sale_views": (frame.get("sale_view_lift"), True, 0.5),
    }
    total = pd.Series(0.0, index=frame.index)
    weight = pd.Series(0.0, index=frame.index)
    for values, ascending, w in signals.values():
        if values is None or values.notna().sum() == 0:
            continue
        rank = values.rank(pct=True, ascending=ascending)
        total += rank.fillna(0.0) * w
        weight += rank.notna() * w
    score = (total / weight.replace(0, np.nan)).fillna(0.5)
    return score.clip(0, 1)


class SharedSentiment:
    """One review-sentiment model for all the rolled-back snapshots of a profile: a
    ``sentiment_fn`` for :func:`build_features`.

    The model learns from the reviews written before `fit_before`, the earliest snapshot's
    date (a seeded sample of :data:`SENTIMENT_FIT_ROWS` of them when there are more), so no
    snapshot's sentiment comes from a model that read a review written after its date. Each
    distinct text is scored once; a snapshot's ``sentiment`` is then the mean score of each
    customer's reviews before its own date (the only ones :func:`build_features` hands over).
    Fitting it once instead of once per snapshot saves a few seconds a snapshot.

    Attributes
    ----------
    fit_before : Timestamp
        Snapshots as of this date or later may use it (earlier ones would see a later review).
    scores : Series
        Sentiment in [-1, 1] by text.
    """

    def __init__(self, reviews: pd.DataFrame, fit_before: pd.Timestamp | str) -> None:
        self.fit_before = pd.Timestamp(fit_before)
        stamps = reviews["timestamp"]
        early = reviews[stamps.isna() | (stamps < self.fit_before)].drop(columns="timestamp")
        self._fit_rows = _fit_rows(early)
        self.scores = _text_scores(self._fit_rows, reviews["text"].drop_duplicates())

    @classmethod
    def read(
        cls,
        store: Store,
        *,
        fit_before: pd.Timestamp,
        score_before: pd.Timestamp,
        customers: pd.Index | np.ndarray | list[str],
    ) -> SharedSentiment:
        """Fitted on the reviews of `customers` before `fit_before`, with their texts before
        `score_before` scored."""
        return cls(reviews_before(store, pd.Timestamp(score_before), customers), fit_before)

    def __call__(self, reviews: pd.DataFrame) -> pd.DataFrame:
        """`reviews` with a ``sentiment`` column (a text not scored yet is scored by the same
        model, refitted on the same rows)."""
        texts = reviews["text"].drop_duplicates()
        new = texts[~texts.isin(self.scores.index)]
        if len(new):
            self.scores = pd.concat([self.scores, _text_scores(self._fit_rows, new)])
        score = self.scores.reindex(reviews["text"].to_numpy()).to_numpy()
        return reviews.assign(sentiment=score)


def _fit_rows(reviews: pd.DataFrame) -> pd.DataFrame:
    """The reviews the shop's sentiment model learns from: all of them, or above
    :data:`SENTIMENT_FIT_ROWS` a seeded random sample of that many."""
    if len(reviews) <= SENTIMENT_FIT_ROWS:
        return reviews
    ordered = reviews.sort_values(
        ["customer_id", "product_id", "text", "rating"], kind="stable", ignore_index=True
    )
    return ordered.sample(n=SENTIMENT_FIT_ROWS, random_state=0)


def _text_scores(fit_rows: pd.DataFrame, texts: pd.Series) -> pd.Series:
    """Sentiment of each of `texts` (distinct) from the model learnt on `fit_rows`. A score
    depends only on the text once the model is trained, so the texts ride along unrated
    (unrated reviews are scored, never learnt from)."""
    scored = review_sentiment(
        pd.concat(
            [fit_rows[["text", "rating"]], pd.DataFrame({"text": texts, "rating": np.nan})],
            ignore_index=True,
        )
    )
    return pd.Series(scored["sentiment"].to_numpy()[len(fit_rows) :], index=texts.to_numpy())


def _sentiment(
    reviews: pd.DataFrame, sentiment_fn, store: Store, as_of: pd.Timestamp, some: bool
) -> pd.Series:
    """Mean review sentiment per customer (without `sentiment_fn`, the scores of the same
    reviews, those before `as_of` (of `some` customers only), are read back from `store` where
    kept: :mod:`promopilot.profile.kept_sentiment`)."""
    if reviews.empty:
        return pd.Series(dtype=float)
    if sentiment_fn is not None:
        scored = sentiment_fn(reviews)
        return scored.groupby("customer_id")["sentiment"].mean()
    scores = kept_scores(
        store, reviews, lambda: _review_scores(reviews), as_of=as_of, some_customers=some
    )
    per_review = pd.Series(scores, index=reviews.index)
    return per_review.groupby(reviews["customer_id"]).mean()


def _review_scores(reviews: pd.DataFrame) -> np.ndarray:
    """The sentiment of each review, from a model learnt on them all or, above
    :data:`SENTIMENT_FIT_ROWS`, on a random sample of them (each distinct text scored once)."""
    if len(reviews) <= SENTIMENT_FIT_ROWS:
        return review_sentiment(reviews)["sentiment"].to_numpy()
    score = _text_scores(_fit_rows(reviews), reviews["text"].drop_duplicates())
    return score.reindex(reviews["text"].to_numpy()).to_numpy()
