"""Words for data-driven segments: adjectives and nouns per feature, labels, number format."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.profile import segment_lang

# feature -> {direction: (adjective, noun, noun priority)}; unknown features get generic words
VOCAB: dict[str, dict[str, tuple[str, str, int]]] = {
    "monetary": {
        "high": ("high-spending", "big spenders", 3),
        "low": ("low-spending", "small spenders", 2),
    },
    "avg_order_value": {
        "high": ("big-basket", "big-basket shoppers", 2),
        "low": ("small-basket", "small-basket shoppers", 1),
    },
    "frequency": {"high": ("loyal", "regulars", 2), "low": ("one-time", "one-time buyers", 3)},
    "recency_days": {
        "high": ("lapsed", "lapsed customers", 1),
        "low": ("recently active", "recent buyers", 1),
    },
    "discount_sensitivity": {
        "high": ("deal-seeking", "bargain hunters", 4),
        "low": ("full-price", "full-price buyers", 2),
    },
    "churn_risk": {
        "high": ("at-risk", "customers at risk of leaving", 1),
        "low": ("steady", "steady customers", 1),
    },
    "price_level": {
        "high": ("premium", "premium shoppers", 2),
        "low": ("budget", "budget shoppers", 2),
    },
    "browse_intensity": {
        "high": ("keen-browsing", "window shoppers", 2),
        "low": ("decisive", "decisive buyers", 1),
    },
    "clv": {
        "high": ("high-value", "high-value customers", 2),
        "low": ("low-value", "low-value customers", 1),
    },
    "tenure_days": {
        "high": ("long-standing", "long-standing customers", 1),
        "low": ("newly acquired", "newcomers", 2),
    },
    "return_rate": {
        "high": ("return-prone", "frequent returners", 3),
        "low": ("keep-what-they-buy", "keepers", 0),
    },
}

# A segment of customers none of whom has ordered is named for that, not for its order
# features (0 orders reads as "one-time", 0 spend as "low-spending"): the noun is one of these,
# and its adjectives (only to tell such segments apart) never come from ORDER_FEATURES, which
# are zero or undefined without orders.
NO_ORDERS_NOUN = "customers who have not bought"
NO_ORDERS_BROWSING_NOUN = "browsers who have not bought"
# ... and a cluster most of whom (but not almost all) have not ordered: its few orders and
# little spend come from the minority who did, so "one-time" and "low-spending" would say
# what the numbers do not (the demo's 2,121 such customers: 77% no order, 16% one)
MOSTLY_NO_ORDERS_NOUN = "customers most of whom have not bought"
MOSTLY_NO_ORDERS_BROWSING_NOUN = "browsers most of whom have not bought"
MOSTLY_NO_ORDERS_NOUNS = frozenset({MOSTLY_NO_ORDERS_NOUN, MOSTLY_NO_ORDERS_BROWSING_NOUN})
ORDER_FEATURES = frozenset(
    {"monetary", "avg_order_value", "frequency", "clv", "tenure_days", "return_rate"}
)
# ... and some buyers' words mean something else for them: their recency_days counts from when
# they were first seen, not from an order ("recently active", "lapsed" said they had bought);
# "keen-browsing browsers" said the noun twice and "decisive" (buys without browsing) is not
# what a non-buyer's low browsing is; "steady" (low churn risk) read as a steady buyer. None:
# no adjective (browsing, for customers who do not browse at all, whom the noun already names).
NOT_BOUGHT_WORDS: dict[tuple[str, str], str | None] = {
    ("recency_days", "high"): "long-known",
    ("recency_days", "low"): "newly arrived",
    ("browse_intensity", "high"): "frequent",
    ("browse_intensity", "low"): "occasional",
    ("churn_risk", "low"): "returning",
}


def not_bought_adjective(feature: str, direction: str, noun: str) -> str | None:
    """The adjective for a cluster named `noun` (one that has not bought, or mostly not)
    standing out on `feature` in `direction`: never from :data:`ORDER_FEATURES`, browsing only
    for browsers, :data:`NOT_BOUGHT_WORDS` before the buyers' words."""
    if feature in ORDER_FEATURES:
        return None
    if feature == "browse_intensity" and not noun.startswith("browsers"):
        return None
    if (feature, direction) in NOT_BOUGHT_WORDS:
        return NOT_BOUGHT_WORDS[(feature, direction)]
    return words(feature, direction)[0]


# features that say the same thing: an adjective never repeats the noun's group
GROUP: dict[str, str] = {"monetary": "spend", "avg_order_value": "spend", "clv": "spend"}

LABELS: dict[str, str] = {
    "monetary": "total spend",
    "avg_order_value": "average order value",
    "frequency": "orders",
    "recency_days": "days since last order",
    "discount_sensitivity": "discount sensitivity",
    "churn_risk": "churn risk",
    "price_level": "price level",
    "browse_intensity": "browsing intensity",
    "clv": "predicted lifetime value",
    "tenure_days": "days since first order",
    "return_rate": "return rate",
}


# a segment of few orders whose typical customer (the median where orders are skewed, as
# the description compares them; else the mean) ordered 1.5 times or more is not "one-time":
# frequency is relative, and the words should not say what the numbers do not. The mean alone
# made a group whose median customer ordered once, beside a few who ordered often, "occasional"
OCCASIONAL_ORDERS = 1.5
OCCASIONAL = ("infrequent", "occasional buyers", 3)
# ... nor is one of more orders than the rest "loyal" unless its typical customer (the
# median: orders are skewed) has ordered at least LOYAL_ORDERS times; on Hillstrom "loyal big
# spenders" had 2 orders against 1 overall, a second purchase: they are "repeat" buyers
LOYAL_ORDERS = 3
REPEAT = ("repeat", "repeat buyers", 2)


def words(
    feature: str, direction: str, mean: float | None = None, typical: float | None = None
) -> tuple[str, str, int]:
    """(adjective, noun, noun priority) for a segment standing out on `feature` in
    `direction`; `mean` is the segment's mean of the feature where known, `typical` the
    centre its description compares (the median of a skewed feature, else the mean)."""
    centre = typical if typical is not None else mean
    low = feature == "frequency" and direction == "low"
    if low and centre is not None and centre >= OCCASIONAL_ORDERS:
        return OCCASIONAL
    loyal = typical is None or typical >= LOYAL_ORDERS
    if feature == "frequency" and direction == "high" and not loyal:
        return REPEAT
    if feature in VOCAB:
        return VOCAB[feature][direction]
    label = feature.replace("_", " ")
    return (f"{direction}-{label.replace(' ', '-')}", f"customers with {direction} {label}", 0)


def fmt(value: float) -> str:
    """A ratio or score: 0.72, 14.5, 1,280."""
    if not np.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


# a figure is named for a segment (in its name or description) only where the segment's mean
# is at least this share of everyone's mean away from it, besides the segmenter's `threshold`
# standard deviations: on Hillstrom churn risk barely varies (0.9924 to 0.9934), so a cluster
# half a standard deviation above the rest was "at-risk" and one below "steady", with "churn
# risk 0.99 vs 0.99 overall" as what set them apart
MATERIAL_SHARE = 0.10


# a feature is skewed where it is non-negative and its skewness is above this: the segmenter
# log-scales it (where its log_transform says) and names and descriptions compare its medians,
# not its means: on UCI Online Retail a few customers paying far more pulled the mean price
# level to 2.28, so a group at 1.05, about what most customers pay, was called "budget"
SKEW_LIMIT = 1.0


def skewed_columns(x: np.ndarray) -> np.ndarray:
    """Whether each column of `x` (no NaN; a 1-d array is one column) is non-negative with
    skewness above :data:`SKEW_LIMIT`: the segmenter's test, and its describers'."""
    sd = x.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = ((x - x.mean(axis=0)) ** 3).mean(axis=0) / sd**3
    return np.all(x >= 0, axis=0) & (sd > 0) & (skew > SKEW_LIMIT)


def typical_centres(
    frame: pd.DataFrame, labels: np.ndarray, k: int, skewed: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """The centre of each feature of `frame` that a name or description compares, per
    cluster (rows 0..k-1) and for everyone: the median of the `skewed` ones, the mean of the
    others."""
    grouped = frame.groupby(labels)
    per = grouped.mean().reindex(range(k))
    overall = frame.mean()
    if skewed:
        per[skewed] = grouped[skewed].median().reindex(range(k))
        overall[skewed] = frame[skewed].median()
    per.index.name = "cluster"
    return per, overall


def centre_label(feature: str, skewed: bool) -> str:
    """The label of `feature` in a description: "median total spend" where it is skewed."""
    label = LABELS.get(feature, feature.replace("_", " "))
    return f"median {label}" if skewed else label


def material(mean: float, overall: float, direction: float) -> bool:
    """Whether a segment's `mean` is materially away from everyone's (`overall`): by at least
    :data:`MATERIAL_SHARE` of it, on the side `direction` (a z-score, or the difference in
    whatever scale the rule was checked on) says, so "higher" is never written beside a
    lower mean."""
    if not (np.isfinite(mean) and np.isfinite(overall)):
        return False
    gap = mean - overall
    return bool(abs(gap) >= MATERIAL_SHARE * abs(overall) and gap * direction > 0)


# features that count (orders, days, views) or are money: a mean of counts keeps at most one
# decimal and none where it is whole ("1 order", "5.2 orders", never "1.00 orders" or "94.0
# days"), money keeps cents under 100 ("63.74", "2,157")
COUNT_FEATURES = frozenset(
    {
        "frequency",
        "recency_days",
        "tenure_days",
        "days_since_last_event",
        "interpurchase_days",
        "orders_90d",
        "events_90d",
        "views",
        "views_30d",
        "carts",
        "n_returns",
        "n_reviews",
    }
)
# ... of which days are written whole, a mean or a median alike ("139 vs 15 overall", not
# "139 vs 15.1": a median of an even count of whole days can end in .5)
DAY_FEATURES = frozenset(
    {"recency_days", "tenure_days", "days_since_last_event", "interpurchase_days"}
)
MONEY_FEATURES = frozenset({"monetary", "avg_order_value", "clv"})
# probabilities and shares, as percentages ("churn risk 55% vs 84% overall")
PERCENT_FEATURES = frozenset(
    {"churn_risk", "purchase_propensity_30d", "return_share", "coupon_share", "discount_share"}
)


def fmt_count(value: float) -> str:
    """A mean of counts: whole from 100 up ("1,280"), else one decimal, none where the
    rounded mean is whole ("1", "5.2", "94"); under 0.1 two decimals ("0.04", not "0")."""
    if not np.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if 0 < abs(value) < 0.095:
        return f"{value:.2f}"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def fmt_money(value: float) -> str:
    """Money: whole from 100 up ("2,157"), else with cents ("63.74")."""
    if not np.isfinite(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def fmt_median_count(value: float) -> str:
    """A median of whole counts: whole ("8"), or, where it falls between two whole counts
    (the middle of an even number of customers), those two ("8–9": half the group has 8 or
    fewer, half 9 or more; "8.5 product views" read as odd to an owner, and a rounded 9 or 8
    would say what no centre is)."""
    if np.isfinite(value) and value != np.floor(value) and (2 * value) == np.floor(2 * value):
        return f"{fmt_count(np.floor(value))}–{fmt_count(np.ceil(value))}"
    return fmt_count(value)


def fmt_feature(feature: str, value: float, median: bool = False) -> str:
    """`value` of `feature` as a description writes it: whole days, a count (a `median` of
    counts whole or "8–9", :func:`fmt_median_count`), money or a ratio."""
    if feature in DAY_FEATURES and np.isfinite(value):
        return f"{value:,.0f}"
    if feature in COUNT_FEATURES:
        return fmt_median_count(value) if median else fmt_count(value)
    if feature in MONEY_FEATURES:
        return fmt_money(value)
    if feature in PERCENT_FEATURES and np.isfinite(value):
        return f"{value:.0%}" if abs(value) >= 0.1 else f"{value:.1%}"
    return fmt(value)


def counted_orders(value: float, median: bool = False, lang: str = "en") -> str:
    """A mean number of orders with its noun: "1 order", "1.5 orders", "2 orders"; a
    `median` whole or between two ("1–2 orders", :func:`fmt_median_count`); "1–2 单" in
    Chinese (`lang` "zh")."""
    return segment_lang.orders(fmt_median_count(value) if median else fmt_count(value), lang)


# a segment's category share is "clearly above" the overall share by both of these: 20% of the
# group against 20% overall (the top category of a shop where one dominates) tells nothing
CLEARLY_MORE_POINTS = 0.05
CLEARLY_MORE_RATIO = 1.25
MIN_CATEGORY_SHARE = 0.10  # a category named for a segment covers at least this much of it


def clearly_more(share: float, overall: float) -> bool:
    return share - overall >= CLEARLY_MORE_POINTS and share >= CLEARLY_MORE_RATIO * overall


def category_sentence(group: pd.Series, overall: pd.Series, verb: str, lang: str = "en") -> str:
    """The description's sentence on a segment's category (each customer's top category):
    its most common one where its share is clearly above the share overall; else the category
    whose share is most above the overall one, where any clearly is; else nothing. `group` and
    `overall` are shares per category, largest first; "(none)" (no category) is never named.
    `verb` ("bought", "viewed", "viewed or bought") and the sentence in `lang` ("en", "zh")."""
    named = group[(group.index != "(none)") & (group >= MIN_CATEGORY_SHARE)]
    if not len(named):
        return ""
    base = overall.reindex(named.index).fillna(0.0)
    top = named.index[0]
    if top == group.index[0] and clearly_more(named.iloc[0], base.iloc[0]):
        best, most = top, True
    else:
        above = [c for c in named.index if clearly_more(named[c], base[c])]
        if not above:
            return ""
        best, most = max(above, key=lambda c: (named[c] - base[c], named[c])), False
    share, everyone = f"{named[best]:.0%}", f"{base[best]:.0%}"
    if lang == "zh":
        said = segment_lang.VERBS[verb]
        lead = f"最常{said}的品类" if most else f"{said}比例明显高于整体的品类"
        return f"{lead}：{best}（占本群 {share}，整体 {everyone}）。"
    lead = f"Most {verb} category" if most else f"Category {verb} more than overall"
    return f" {lead}: {best} ({share} of the group vs {everyone} overall)."
