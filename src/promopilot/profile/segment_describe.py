"""Names and descriptions of data-driven segments (:class:`~promopilot.profile.segmenter.
ClusterSegmenter`): a cluster of customers who (almost) never ordered, or most of whom never
did, is named for it and described by when they came, were last seen and what they browsed
(:mod:`~promopilot.profile.segment_not_bought`), the others from the features that stand
out most, ties broken with more adjectives, then numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from promopilot.profile import segment_lang as lang_words
from promopilot.profile.segment_names import (
    GROUP,
    LABELS,
    MOSTLY_NO_ORDERS_NOUNS,
    category_sentence,
    fmt_feature,
    fmt_money,
    material,
    not_bought_adjective,
)
from promopilot.profile.segment_names import (
    words as segment_words,
)
from promopilot.profile.segment_not_bought import (
    known_mean,
    known_median,
    not_bought_sentence,
    numbers,
    skewed,
)

# a buyer "returned most of what they bought" at this share of the value bought returned
# (``return_share``); a cluster is named for it when at least RETURNERS_SHARE of its buyers did
RETURNED_MOST = 0.8
RETURNERS_SHARE = 0.75
RETURNERS_NOUN = "customers who returned most of what they bought"
# spend after returns: near zero for such a cluster, which the returns explain
SPEND_FEATURES = frozenset(f for f, group in GROUP.items() if group == "spend")


def returners(
    features_df: pd.DataFrame, labels: np.ndarray, k: int, no_orders: list[str | None]
) -> list[dict[str, float] | None]:
    """Per cluster of buyers (not one named in `no_orders`) where at least
    :data:`RETURNERS_SHARE` of those who ordered returned at least :data:`RETURNED_MOST` of
    the value they bought: the ``return_share`` and net spend after returns (``monetary``,
    where known) of the cluster and of all customers, medians where the feature is
    :func:`skewed` (``..._median`` says so), else means, as the description's
    other "vs overall" figures; else None. Such a cluster's average order value (UCI's: 0.24
    against 220 overall) is near zero because its customers returned their orders, not
    because they buy small."""
    if "return_share" not in features_df.columns or "frequency" not in features_df.columns:
        return [None] * k
    share = numbers(features_df, "return_share")
    orders = numbers(features_df, "frequency")
    spend = numbers(features_df, "monetary")
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
        mine_all = labels == c
        share_centre = known_median if skewed(share) else known_mean
        spend_centre = known_median if skewed(spend) else known_mean
        out.append(
            {
                "return_share": share_centre(share[mine_all]),
                "overall_return_share": share_centre(share),
                "return_share_median": share_centre is known_median,
                "spend": spend_centre(spend[mine_all]),
                "overall_spend": spend_centre(spend),
                "spend_median": spend_centre is known_median,
            }
        )
    return out


def label_in(feature: str, lang: str) -> str:
    """A feature's label in `lang`: "total spend", "总消费"."""
    if lang == "zh":
        return lang_words.label(feature)
    return LABELS.get(feature, feature.replace("_", " "))


# what says whether anybody bought on a promotion: a discount, a coupon, a sale period
PROMOTION_COLUMNS = ("coupon_share", "discount_share", "sale_order_lift")
# ... and the features a segment is not named or described by where nobody did: with no
# discount, coupon or sale in the data, discount sensitivity is the default blend's guess from
# low prices paid (and browsing), so UCI Online Retail (no discount, coupon or sale in 396,681
# order lines) had "budget bargain hunters" and "at-risk full-price buyers"
PROMOTION_FEATURES = frozenset({"discount_sensitivity"})


def promotions_seen(features_df: pd.DataFrame) -> bool | None:
    """Whether any customer of `features_df` used a discount or coupon (``coupon_share``,
    ``discount_share`` above 0) or bought in a sale period (``sale_order_lift`` known and not
    1, the value for a shop without sale periods); None where the table has none of
    :data:`PROMOTION_COLUMNS`."""
    present = [c for c in PROMOTION_COLUMNS if c in features_df.columns]
    if not present:
        return None
    for column in present:
        values = numbers(features_df, column)
        values = values[np.isfinite(values)]
        if ((values != 1) if column == "sale_order_lift" else (values > 0)).any():
            return True
    return False


# a group whose buyers each ordered once has one figure for both: the first said is kept
ONE_ORDER_SAME = frozenset({"monetary", "avg_order_value"})


def ordered_once(features_df: pd.DataFrame, labels: np.ndarray, k: int) -> list[bool]:
    """Per cluster: whether each of its customers who ordered (``frequency`` above 0) ordered
    exactly once, so that their total spend is their order value (Hillstrom's low spenders
    read "total spend 29.99 vs ...; average order value 29.99 vs ..."); False without a
    ``frequency`` column or a buyer."""
    if "frequency" not in features_df.columns:
        return [False] * k
    orders = numbers(features_df, "frequency")
    buyers = orders > 0
    many = np.bincount(labels[buyers & (orders != 1)], minlength=k)
    some = np.bincount(labels[buyers], minlength=k)
    return [bool(some[c] and not many[c]) for c in range(k)]


def returned_sentence(info: dict[str, float], lang: str = "en") -> str:
    """What sets a cluster of :func:`returners` apart, in place of its near-zero spend, in
    `lang` ("en" or "zh")."""
    spend = np.isfinite(info["spend"]) and np.isfinite(info["overall_spend"])
    if lang == "zh":
        centre = "中位数" if info.get("return_share_median") else "平均"
        text = (
            f"他们退回了所购的大部分：退货金额占比{centre} {info['return_share']:.0%}"
            f"（整体 {info['overall_return_share']:.0%}）"
        )
        if spend:
            centre = "中位数" if info.get("spend_median") else ""
            text += (
                f"，剩余净消费{centre} {fmt_money(info['spend'])}"
                f"（整体 {fmt_money(info['overall_spend'])}）"
            )
        return text + "。"
    share = f"{info['return_share']:.0%} of its value"
    if info.get("return_share_median"):  # skewed (most return nothing): medians, as elsewhere
        share = f"a median of {share}"
    else:
        share += " on average"
    text = (
        f" They returned most of what they bought: {share} vs "
        f"{info['overall_return_share']:.0%} overall"
    )
    if spend:
        median = "median " if info.get("spend_median") else ""
        text += (
            f", leaving a {median}net spend of {fmt_money(info['spend'])} vs "
            f"{fmt_money(info['overall_spend'])} overall"
        )
    return text + "."


def describe(
    seg: Any, labels: np.ndarray, cats: np.ndarray | None, n: int
) -> dict[str, tuple[list[str], list[str]]]:
    """Names and descriptions, per language ("en", "zh"), of a fitted
    :class:`~promopilot.profile.segmenter.ClusterSegmenter`'s clusters (`seg`: its ``k_``,
    ``features_``, ``centers_``, ``centers_z_``, ``overall_means_``, ``sizes_``,
    ``no_orders_``, ``returners_`` and ``threshold``), from each cluster's most outstanding
    features and, where `cats` gives each customer's top category, the category that sets it
    apart. A cluster of :func:`returners` is named and described for its returns, not for the
    near-zero spend they leave; one that has not bought is described by :func:`not_bought`
    (``not_bought_``), not by the zero spend and orders its name says. Both languages are put
    together from the same parts (:mod:`~promopilot.profile.segment_lang`): the English names
    are the keys, the Chinese ones say the same words."""
    k = seg.k_
    cols = seg.features_
    returned = getattr(seg, "returners_", None) or [None] * k
    quiet = getattr(seg, "not_bought_", None) or [None] * k
    once = getattr(seg, "ordered_once_", None) or [False] * k
    # the centres compared: medians of skewed features, means of the others (typical_centres)
    typical = getattr(seg, "typical_", seg.centers_)
    overall = getattr(seg, "overall_typical_", seg.overall_means_)
    skewed = set(getattr(seg, "skewed_features_", ()))
    # without any promotion in the data, discount sensitivity is a guess from prices paid:
    # no name or description says it (PROMOTION_FEATURES)
    unsaid = PROMOTION_FEATURES if getattr(seg, "promotions_seen_", None) is False else set()
    standouts: list[list[tuple[str, str, float]]] = []
    for c in range(k):
        zrow = seg.centers_z_.iloc[c].to_numpy()
        idx = [j for j in np.argsort(-np.abs(zrow), kind="stable") if cols[j] not in unsaid]
        standouts.append([(cols[j], "high" if zrow[j] > 0 else "low", float(zrow[j])) for j in idx])
    # what a name or description may say of a cluster: its features at least `threshold`
    # standard deviations and a material share (segment_names.material) from everyone
    stands = [
        [
            s
            for s in standouts[c]
            if abs(s[2]) >= seg.threshold and material(typical.loc[c, s[0]], overall[s[0]], s[2])
        ]
        for c in range(k)
    ]
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

    def base_name(c: int, n_adj: int, lang: str = "en") -> str:
        """The name of cluster `c` with up to `n_adj` adjectives, in `lang`: its words are
        chosen in English (priorities, groups), then each is said in `lang`."""

        def words(f: str, d: str) -> tuple[str, str, int]:  # with the segment's own mean
            if f not in seg.centers_.columns:
                return segment_words(f, d)
            return segment_words(f, d, float(seg.centers_.loc[c, f]), float(typical.loc[c, f]))

        def adjective(english: str, f: str, d: str) -> str:
            return lang_words.adjective(english, f, d) if lang == "zh" else english

        def noun(english: str, f: str = "", d: str = "") -> str:
            return lang_words.noun(english, f, d) if lang == "zh" else english

        outstanding = stands[c]
        if seg.no_orders_[c]:  # adjectives only to tell such clusters apart
            said = [
                (not_bought_adjective(f, d, seg.no_orders_[c]), f, d) for f, d, _ in outstanding
            ]
            adjs = [adjective(a, f, d) for a, f, d in said if a]
            return lang_words.name(adjs[: n_adj - 1], noun(seg.no_orders_[c]), lang)
        if returned[c]:  # so are theirs, never from the spend their returns took away
            adjs = [
                adjective(words(f, d)[0], f, d)
                for f, d, _ in outstanding
                if f not in SPEND_FEATURES
            ]
            return lang_words.name(adjs[: n_adj - 1], noun(RETURNERS_NOUN), lang)
        if not outstanding:  # near the overall mean on every feature
            if n_adj <= 1:
                return noun("average customers")
            quals = [
                lang_words.leaning(
                    label_in(f, lang),
                    zval > 0,
                    lang,
                )
                for f, _, zval in standouts[c][: n_adj - 1]
            ]
            return lang_words.average_with(quals, lang)
        # noun: best-priority noun among the three most outstanding features
        head = outstanding[:3]
        noun_feat = max(head, key=lambda s: (words(s[0], s[1])[2], abs(s[2])))
        info = cat_info[c]
        with_category = info is not None and info[1] >= 0.4 and info[1] - info[2] >= 0.15
        # a category phrase already makes the name specific: adjectives only to break ties
        n_words = n_adj - 1 if with_category else n_adj
        group = GROUP.get(noun_feat[0], noun_feat[0])
        adjs = [
            adjective(words(f, d)[0], f, d) for f, d, _ in outstanding if GROUP.get(f, f) != group
        ][: max(n_words, 0)]
        name = lang_words.name(adjs, noun(words(*noun_feat[:2])[1], *noun_feat[:2]), lang)
        if with_category:
            on_sale = any(f == "discount_sensitivity" and d == "high" for f, d, _ in head)
            name = lang_words.who_buy(name, info[0], on_sale, lang)
        return name

    # the names are told apart in English (the key each customer's ``segment`` holds); the
    # Chinese name of a cluster has as many adjectives, and its number where tied
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
    said: dict[str, list[str]] = {lang: [] for lang in lang_words.LANGUAGES}
    for c, name in enumerate(names):
        assert name is not None
        number = None
        if counts[name] > 1:  # still tied after every adjective: number them
            seen[name] = seen.get(name, 0) + 1
            number = seen[name]
        for lang in lang_words.LANGUAGES:
            core = name if lang == "en" else base_name(c, n_adj[c], lang)
            said[lang].append(core if number is None else lang_words.numbered(core, number, lang))

    descriptions: dict[str, list[str]] = {lang: [] for lang in lang_words.LANGUAGES}
    for c in range(k):
        size = int(seg.sizes_[c])
        # a cluster of returners: the returns are said first, its spend is left out
        candidates = [s for s in stands[c] if not returned[c] or s[0] not in SPEND_FEATURES]
        if once[c]:  # one order each: total spend and order value are one figure, said once
            same = [s for s in candidates if s[0] in ONE_ORDER_SAME]
            candidates = [s for s in candidates if s[0] not in ONE_ORDER_SAME or s == same[0]]
        for lang in lang_words.LANGUAGES:
            parts = []
            for feat, _direction, zval in candidates[:3]:
                median = feat in skewed
                feature_label = label_in(feat, lang)
                if median:
                    feature_label = lang_words.median_label(feature_label, lang)
                value = fmt_feature(feat, typical.loc[c, feat], median)
                everyone = fmt_feature(feat, overall[feat], median)
                parts.append(lang_words.part(feature_label, value, everyone, zval > 0, lang))
            text = lang_words.size(size, size / n, lang, close=not parts)
            if seg.no_orders_[c] and quiet[c] is not None:  # not by the zero spend its name says
                text = lang_words.size(size, size / n, lang) + not_bought_sentence(quiet[c], lang)
            elif returned[c]:
                text = lang_words.size(size, size / n, lang) + returned_sentence(returned[c], lang)
                if parts:
                    text += lang_words.compared(parts, lang)
            elif parts:
                text += lang_words.compared(parts, lang)
            shares = cat_shares[c]
            if shares is not None and overall_cat_share is not None:
                # without orders, the top category is the one they browse most; a category
                # no more common in the group than overall is left out (category_sentence)
                verb = "viewed" if seg.no_orders_[c] else "bought"
                if seg.no_orders_[c] in MOSTLY_NO_ORDERS_NOUNS:  # most viewed, the others bought
                    verb = "viewed or bought"
                text += category_sentence(shares, overall_cat_share, verb, lang)
            descriptions[lang].append(text)
    return {lang: (said[lang], descriptions[lang]) for lang in lang_words.LANGUAGES}
