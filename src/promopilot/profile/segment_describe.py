"""Names and descriptions of data-driven segments (:class:`~promopilot.profile.segmenter.
ClusterSegmenter`): a cluster of customers who (almost) never ordered, or most of whom never
did, is named for it and described by when they came, were last seen and what they browsed,
the others from the features that stand out most, ties broken with more adjectives, then
numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from promopilot.profile.segment_names import (
    GROUP,
    LABELS,
    MOSTLY_NO_ORDERS_BROWSING_NOUN,
    MOSTLY_NO_ORDERS_NOUN,
    MOSTLY_NO_ORDERS_NOUNS,
    NO_ORDERS_BROWSING_NOUN,
    NO_ORDERS_NOUN,
    ORDER_FEATURES,
    category_sentence,
    counted_orders,
    fmt_feature,
    fmt_money,
)
from promopilot.profile.segment_names import (
    words as segment_words,
)

# a cluster is named for not buying when at least this share of it has no order
NO_ORDERS_SHARE = 0.9
# ... and for most of it not buying ("customers most of whom have not bought") when at least
# this share, but under NO_ORDERS_SHARE, has no order: a majority, so the name stays true
MOSTLY_NO_ORDERS_SHARE = 0.5
# a buyer "returned most of what they bought" at this share of the value bought returned
# (``return_share``); a cluster is named for it when at least RETURNERS_SHARE of its buyers did
RETURNED_MOST = 0.8
RETURNERS_SHARE = 0.75
RETURNERS_NOUN = "customers who returned most of what they bought"
# spend after returns: near zero for such a cluster, which the returns explain
SPEND_FEATURES = frozenset(f for f, group in GROUP.items() if group == "spend")


def no_orders(features_df: pd.DataFrame, labels: np.ndarray, k: int) -> list[str | None]:
    """Per cluster: the noun for a cluster in which (almost) nobody has ordered (at least
    :data:`NO_ORDERS_SHARE` of the known ``frequency``, else ``monetary``, is 0: a few
    one-off buyers do not make 274 non-buyers "one-time buyers"), or most have not (at least
    :data:`MOSTLY_NO_ORDERS_SHARE`: "customers most of whom have not bought"), "browsers ..."
    when they browse; else None."""
    column = next((c for c in ("frequency", "monetary") if c in features_df.columns), None)
    if column is None:
        return [None] * k
    orders = pd.to_numeric(features_df[column], errors="coerce").to_numpy(dtype=float)
    browse = (
        pd.to_numeric(features_df["browse_intensity"], errors="coerce").to_numpy(dtype=float)
        if "browse_intensity" in features_df.columns
        else np.zeros(len(labels))
    )
    out: list[str | None] = []
    for c in range(k):
        known = orders[labels == c]
        known = known[~np.isnan(known)]
        share = (known == 0).mean() if len(known) else 0.0
        browsing = np.nansum(browse[labels == c]) > 0
        if share >= NO_ORDERS_SHARE:
            out.append(NO_ORDERS_BROWSING_NOUN if browsing else NO_ORDERS_NOUN)
        elif share >= MOSTLY_NO_ORDERS_SHARE:
            out.append(MOSTLY_NO_ORDERS_BROWSING_NOUN if browsing else MOSTLY_NO_ORDERS_NOUN)
        else:
            out.append(None)
    return out


# what a cluster of customers who have not bought is described by (its name says they have
# not, so their zero spend and orders tell nothing): when they came and were last seen, what
# they browsed and carted, the returns (credits) they have without a purchase
NOT_BOUGHT_FEATURES: dict[str, str] = {
    "tenure_days": "days since first seen",
    "days_since_last_event": "days since last seen",
    "views": "product views",
    "browse_intensity": "views per day",
    "carts": "add-to-cart events",
    "n_returns": "return lines",
}
# zero for a cluster of non-buyers, this says nothing: left out then
NOT_BOUGHT_IF_ANY = frozenset({"carts", "n_returns"})


def not_bought(
    features_df: pd.DataFrame, labels: np.ndarray, k: int, no_orders: list[str | None]
) -> list[dict | None]:
    """Per cluster named in `no_orders`: ``ordered`` (its customers who did order, the few a
    cluster may hold) and ``figures``, a list of (column, label, the cluster's mean, everyone's
    mean)
    of :data:`NOT_BOUGHT_FEATURES` the table has (``browse_intensity`` only without
    ``views``; ``carts`` and ``n_returns`` only where the cluster has some); else None. A
    cluster most of whom have not bought (:data:`MOSTLY_NO_ORDERS_NOUNS`) also has ``mostly``
    (True), ``ordered_share`` and the mean ``orders`` and ``spend`` (``monetary``) of those
    who ordered: what its minority of buyers did."""
    orders = _numbers(features_df, "frequency")
    spend = _numbers(features_df, "monetary")
    if "frequency" not in features_df.columns:  # who ordered, as no_orders tells it
        orders = np.where(np.isnan(spend), np.nan, (spend > 0).astype(float))
    columns = [c for c in NOT_BOUGHT_FEATURES if c in features_df.columns]
    if "views" in columns and "browse_intensity" in columns:
        columns.remove("browse_intensity")
    out: list[dict | None] = []
    for c in range(k):
        if not no_orders[c]:
            out.append(None)
            continue
        mine = labels == c
        figures = []
        for column in columns:
            values = _numbers(features_df, column)
            mean, overall = _mean(values[mine]), _mean(values)
            if not (np.isfinite(mean) and np.isfinite(overall)):
                continue
            if mean == 0 and (column in NOT_BOUGHT_IF_ANY or overall == 0):
                continue
            figures.append((column, NOT_BOUGHT_FEATURES[column], mean, overall))
        bought = mine & (orders > 0)
        info = {"ordered": int(bought.sum()), "figures": figures}
        if no_orders[c] in MOSTLY_NO_ORDERS_NOUNS:
            known = mine & ~np.isnan(orders)
            info["mostly"] = True
            info["ordered_share"] = bought.sum() / max(int(known.sum()), 1)
            info["orders"] = _mean(orders[bought]) if "frequency" in features_df else np.nan
            info["spend"] = _mean(spend[bought])
        out.append(info)
    return out


def not_bought_sentence(info: dict) -> str:
    """What tells a cluster of :func:`not_bought` apart, in place of its zero spend and orders:
    " Compared with all customers: days since first seen 254 vs 330 overall (lower); ..."."""
    text = ""
    if info.get("mostly"):  # most have not: what the others bought, and how many they are
        text += f" {info['ordered']:,} of them ({info['ordered_share']:.0%}) ordered"
        each = [
            counted_orders(info["orders"]) if np.isfinite(info["orders"]) else "",
            f"a net spend of {fmt_money(info['spend'])}" if np.isfinite(info["spend"]) else "",
        ]
        each = [e for e in each if e]
        text += ", " + " and ".join(each) + " each on average." if each else "."
    elif info["ordered"]:
        text += f" {info['ordered']:,} of them ordered."
    if info["figures"]:
        text += (
            " Compared with all customers: "
            + "; ".join(
                f"{label} {fmt_feature(column, mean)} vs {fmt_feature(column, overall)} overall "
                f"({'higher' if mean > overall else 'lower' if mean < overall else 'the same'})"
                for column, label, mean, overall in info["figures"]
            )
            + "."
        )
    return text


def returners(
    features_df: pd.DataFrame, labels: np.ndarray, k: int, no_orders: list[str | None]
) -> list[dict[str, float] | None]:
    """Per cluster of buyers (not one named in `no_orders`) where at least
    :data:`RETURNERS_SHARE` of those who ordered returned at least :data:`RETURNED_MOST` of
    the value they bought: the mean ``return_share`` and net spend after returns
    (``monetary``, where known) of the cluster and of all customers, as the description's
    other "vs overall" figures; else None. Such a cluster's average order value (UCI's: 0.24
    against 220 overall) is near zero because its customers returned their orders, not
    because they buy small."""
    if "return_share" not in features_df.columns or "frequency" not in features_df.columns:
        return [None] * k
    share = _numbers(features_df, "return_share")
    orders = _numbers(features_df, "frequency")
    spend = _numbers(features_df, "monetary")
    buyers = (orders > 0) & ~np.isnan(share)
    out: list[dict[str, float] | None] = []
    for c in range(k):
        mine = buyers & (labels == c)
        if (
            no_orders[c]
            or not mine.any()
            or (share[mine] >= RETURNED_MOST).mean() < RETURNERS_SHARE
        ):
            out.append(None)
            continue
        out.append(
            {
                "return_share": _mean(share[labels == c]),
                "overall_return_share": _mean(share),
                "spend": _mean(spend[labels == c]),
                "overall_spend": _mean(spend),
            }
        )
    return out


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _mean(values: np.ndarray) -> float:
    known = values[np.isfinite(values)]
    return float(known.mean()) if len(known) else np.nan


def returned_sentence(info: dict[str, float]) -> str:
    """What sets a cluster of :func:`returners` apart, in place of its near-zero spend."""
    text = (
        f" They returned most of what they bought: {info['return_share']:.0%} of its value on "
        f"average vs {info['overall_return_share']:.0%} overall"
    )
    if np.isfinite(info["spend"]) and np.isfinite(info["overall_spend"]):
        text += (
            f", leaving a net spend of {fmt_money(info['spend'])} vs "
            f"{fmt_money(info['overall_spend'])} overall"
        )
    return text + "."


def describe(
    seg: Any, labels: np.ndarray, cats: np.ndarray | None, n: int
) -> tuple[list[str], list[str]]:
    """Names and descriptions of a fitted :class:`~promopilot.profile.segmenter.ClusterSegmenter`'s
    clusters (`seg`: its ``k_``, ``features_``, ``centers_``, ``centers_z_``, ``overall_means_``,
    ``sizes_``, ``no_orders_``, ``returners_`` and ``threshold``), from each cluster's most
    outstanding features and, where `cats` gives each customer's top category, the category
    that sets it apart. A cluster of :func:`returners` is named and described for its returns,
    not for the near-zero spend they leave; one that has not bought is described by
    :func:`not_bought` (``not_bought_``), not by the zero spend and orders its name says."""
    k = seg.k_
    cols = seg.features_
    returned = getattr(seg, "returners_", None) or [None] * k
    quiet = getattr(seg, "not_bought_", None) or [None] * k
    standouts: list[list[tuple[str, str, float]]] = []
    for c in range(k):
        zrow = seg.centers_z_.iloc[c].to_numpy()
        idx = np.argsort(-np.abs(zrow), kind="stable")
        standouts.append([(cols[j], "high" if zrow[j] > 0 else "low", float(zrow[j])) for j in idx])
    overall_cat_share: pd.Series | None = None
    if cats is not None:
        valid = pd.Series(cats).dropna()
        if len(valid):
            overall_cat_share = valid.value_counts(normalize=True)
    cat_info: list[tuple[str, float, float] | None] = []
    cat_shares: list[pd.Series | None] = []
    for c in range(k):
        info, counts = None, None
        if cats is not None and overall_cat_share is not None:
            in_c = pd.Series(cats[labels == c]).dropna()
            if len(in_c):
                counts = in_c.value_counts(normalize=True)
                top = counts.index[0]
                info = (str(top), float(counts.iloc[0]), float(overall_cat_share.get(top, 0.0)))
        cat_info.append(info)
        cat_shares.append(counts)

    def base_name(c: int, n_adj: int) -> str:
        def words(f: str, d: str) -> tuple[str, str, int]:  # with the segment's own mean
            mean = seg.centers_.loc[c, f] if f in seg.centers_.columns else None
            return segment_words(f, d, None if mean is None else float(mean))

        outstanding = [s for s in standouts[c] if abs(s[2]) >= seg.threshold]
        if seg.no_orders_[c]:  # adjectives only to tell such clusters apart
            adjs = [words(f, d)[0] for f, d, _ in outstanding if f not in ORDER_FEATURES]
            return " ".join([*adjs[: n_adj - 1], seg.no_orders_[c]])
        if returned[c]:  # so are theirs, never from the spend their returns took away
            adjs = [words(f, d)[0] for f, d, _ in outstanding if f not in SPEND_FEATURES]
            return " ".join([*adjs[: n_adj - 1], RETURNERS_NOUN])
        if not outstanding:  # near the overall mean on every feature
            if n_adj <= 1:
                return "average customers"
            quals = [
                f"{'higher' if zval > 0 else 'lower'} {LABELS.get(f, f.replace('_', ' '))}"
                for f, _, zval in standouts[c][: n_adj - 1]
            ]
            return "average customers with " + " and ".join(quals)
        # noun: best-priority noun among the three most outstanding features
        head = outstanding[:3]
        noun_feat = max(head, key=lambda s: (words(s[0], s[1])[2], abs(s[2])))
        info = cat_info[c]
        with_category = info is not None and info[1] >= 0.4 and info[1] - info[2] >= 0.15
        # a category phrase already makes the name specific: adjectives only to break ties
        n_words = n_adj - 1 if with_category else n_adj
        group = GROUP.get(noun_feat[0], noun_feat[0])
        adjs = [words(f, d)[0] for f, d, _ in outstanding if GROUP.get(f, f) != group][
            : max(n_words, 0)
        ]
        noun = words(noun_feat[0], noun_feat[1])[1]
        name = " ".join([*adjs, noun]) if adjs else noun
        if with_category:
            name += f" who buy {info[0]}"
            if any(f == "discount_sensitivity" and d == "high" for f, d, _ in head):
                name += " on sale"
        return name

    names: list[str | None] = [None] * k
    n_adj = dict.fromkeys(range(k), 1)
    for c in range(k):
        names[c] = base_name(c, 1)
    for _ in range(len(cols) + 1):
        dup = pd.Series(names).duplicated(keep=False).to_numpy()
        if not dup.any():
            break
        for c in np.nonzero(dup)[0]:
            n_adj[c] += 1
            names[c] = base_name(int(c), n_adj[c])
    counts = pd.Series(names).value_counts()
    seen: dict[str, int] = {}
    final_names = []
    for name in names:
        assert name is not None
        if counts[name] > 1:  # still tied after every adjective: number them
            seen[name] = seen.get(name, 0) + 1
            name = f"{name} ({seen[name]})"
        final_names.append(name)

    descriptions = []
    for c in range(k):
        size = int(seg.sizes_[c])
        parts = []
        # a cluster of returners: the returns are said first, its spend is left out
        candidates = [s for s in standouts[c] if not returned[c] or s[0] not in SPEND_FEATURES]
        for feat, _direction, zval in candidates[:3]:
            if abs(zval) < seg.threshold and (parts or returned[c]):
                break
            label = LABELS.get(feat, feat.replace("_", " "))
            parts.append(
                f"{label} {fmt_feature(feat, seg.centers_.loc[c, feat])} vs "
                f"{fmt_feature(feat, seg.overall_means_[feat])} overall "
                f"({'higher' if zval > 0 else 'lower'})"
            )
        if seg.no_orders_[c] and quiet[c] is not None:  # not by the zero spend its name says
            text = f"{size:,} customers ({size / n:.0%})." + not_bought_sentence(quiet[c])
        elif returned[c]:
            text = f"{size:,} customers ({size / n:.0%})." + returned_sentence(returned[c])
            if parts:
                text += " Compared with all customers: " + "; ".join(parts) + "."
        elif any(abs(s[2]) >= seg.threshold for s in standouts[c]):
            text = f"{size:,} customers ({size / n:.0%}). Compared with all customers: "
            text += "; ".join(parts) + "."
        else:
            text = (
                f"{size:,} customers ({size / n:.0%}), close to the average customer on "
                "every feature."
            )
        shares = cat_shares[c]
        if shares is not None and overall_cat_share is not None:
            # without orders, the top category is the one they browse most; a category
            # no more common in the group than overall is left out (category_sentence)
            verb = "viewed" if seg.no_orders_[c] else "bought"
            if seg.no_orders_[c] in MOSTLY_NO_ORDERS_NOUNS:  # most viewed, the others bought
                verb = "viewed or bought"
            text += category_sentence(shares, overall_cat_share, verb)
        descriptions.append(text)
    return final_names, descriptions
