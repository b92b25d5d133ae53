"""What reviews say about delivery, quality, price, packaging, service and size, per product."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from promopilot.columns import PRODUCT_ID, TEXT
from promopilot.text.labels import SENTIMENT
from promopilot.text.lexicon import default_lexicon
from promopilot.text.reviews import _require_columns
from promopilot.text.textproc import _as_str_list

#: Aspect -> keywords. Chinese keywords match anywhere; English ones as whole words
#: (a trailing ``s`` allowed), case-insensitively.
ASPECT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "物流",
        "快递",
        "发货",
        "送货",
        "配送",
        "送达",
        "到货",
        "送餐",
        "骑手",
        "shipping",
        "shipment",
        "shipped",
        "delivery",
        "delivered",
        "arrived",
        "arrival",
        "courier",
        "postage",
        "dispatch",
        "dispatched",
    ),
    "quality": (
        "质量",
        "品质",
        "做工",
        "材质",
        "质感",
        "用料",
        "quality",
        "build",
        "material",
        "workmanship",
        "craftsmanship",
        "made",
    ),
    "price": (
        "价格",
        "性价比",
        "价钱",
        "价位",
        "便宜",
        "划算",
        "实惠",
        "贵",
        "price",
        "priced",
        "value",
        "cost",
        "expensive",
        "cheap",
        "worth",
        "money",
        "bargain",
    ),
    "packaging": (
        "包装",
        "外包装",
        "包裹",
        "盒子",
        "packaging",
        "package",
        "packaged",
        "box",
        "wrapped",
        "wrapping",
    ),
    "service": (
        "客服",
        "服务",
        "态度",
        "售后",
        "商家",
        "卖家",
        "service",
        "support",
        "seller",
        "staff",
        "customer care",
        "responded",
        "response",
    ),
    "size": (
        "尺码",
        "大小",
        "尺寸",
        "码数",
        "偏大",
        "偏小",
        "合身",
        "size",
        "sizing",
        "fit",
        "fits",
        "fitting",
        "too small",
        "too big",
        "too large",
    ),
}

_CLAUSE_SPLIT = re.compile(
    r"[，。！？；,.!?;\n\r…~～]+|(?=但是|不过|可是|然而|就是|只是)|(?=\b(?:but|however|though)\b)",
    re.IGNORECASE,
)


def _aspect_patterns(vocabulary: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    patterns = {}
    for aspect, words in vocabulary.items():
        parts = []
        for word in sorted(words, key=len, reverse=True):
            if re.search(r"[A-Za-z]", word):
                parts.append(r"\b" + re.escape(word.lower()) + r"s?\b")
            else:
                parts.append(re.escape(word))
        patterns[aspect] = re.compile("|".join(parts), re.IGNORECASE)
    return patterns


def aspect_keywords(
    reviews: pd.DataFrame,
    *,
    vocabulary: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """How often, and how favourably, reviews of each product mention each aspect.

    A review mentions an aspect when one of its clauses (split at punctuation and before
    contrastive words such as 但是 / but) contains one of the aspect's keywords
    (:data:`ASPECT_KEYWORDS`). The sentiment of a mention is the lexicon score of that clause,
    so "质量很好，但是物流太慢" is positive on quality and negative on delivery; where the clause
    itself carries no sentiment word, the whole review's sentiment is used (the ``sentiment``
    column when given, else the lexicon score of the review).

    Parameters
    ----------
    reviews : DataFrame
        Needs ``product_id`` and ``text``; ``sentiment`` in [-1, 1] is optional.
    vocabulary : mapping, optional
        Aspect -> keywords, replacing :data:`ASPECT_KEYWORDS`.

    Returns
    -------
    DataFrame
        ``product_id, aspect, n_mentions, mean_sentiment``: one row per product and aspect
        mentioned at least once; ``n_mentions`` counts reviews, ``mean_sentiment`` averages
        their mention sentiment. Sorted by product_id, then n_mentions descending.
    """
    _require_columns(reviews, [PRODUCT_ID, TEXT], "reviews")
    columns = [PRODUCT_ID, "aspect", "n_mentions", "mean_sentiment"]
    if reviews.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(
                    columns, [reviews[PRODUCT_ID].dtype, object, "int64", "float64"], strict=True
                )
            }
        )
    patterns = _aspect_patterns(vocabulary if vocabulary is not None else ASPECT_KEYWORDS)
    frame = pd.DataFrame(
        {
            "_row": np.arange(len(reviews)),
            PRODUCT_ID: reviews[PRODUCT_ID].to_numpy(),
            "clause": pd.Series(_as_str_list(reviews[TEXT].tolist())).str.split(_CLAUSE_SPLIT),
        }
    ).explode("clause")
    frame = frame[frame["clause"].notna() & (frame["clause"].str.strip() != "")]
    mentions = []
    for aspect, pattern in patterns.items():
        hit = frame[frame["clause"].str.contains(pattern, regex=True)]
        if len(hit):
            mentions.append(hit.assign(aspect=aspect))
    if not mentions:
        return aspect_keywords(reviews.iloc[:0], vocabulary=vocabulary)
    hits = pd.concat(mentions, ignore_index=True)
    lexicon = default_lexicon()
    unique_clauses = hits["clause"].unique()
    clause_score = dict(zip(unique_clauses, lexicon.score(unique_clauses), strict=True))
    hits["score"] = hits["clause"].map(clause_score)
    rows = hits["_row"].to_numpy()
    if SENTIMENT in reviews.columns:
        review_score = pd.to_numeric(reviews[SENTIMENT], errors="coerce").to_numpy(float)[rows]
    else:
        needed = np.unique(rows)
        texts = _as_str_list(reviews[TEXT].iloc[needed].tolist())
        lookup = dict(zip(needed, lexicon.score(texts), strict=True))
        review_score = np.array([lookup[r] for r in rows])
    hits["score"] = np.where(hits["score"].to_numpy() != 0, hits["score"], review_score)
    per_review = (
        hits.groupby(["_row", PRODUCT_ID, "aspect"], sort=False)["score"].mean().reset_index()
    )
    result = (
        per_review.groupby([PRODUCT_ID, "aspect"], sort=False)
        .agg(n_mentions=("score", "size"), mean_sentiment=("score", "mean"))
        .reset_index()
    )
    result["n_mentions"] = result["n_mentions"].astype("int64")
    return result.sort_values(
        [PRODUCT_ID, "n_mentions", "aspect"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)[columns]
