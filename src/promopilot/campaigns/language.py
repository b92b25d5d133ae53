"""The language (Chinese or English) to write to each customer in.

Decided from what the shop's data show, first match wins:

1. the language most of the customer's reviews are written in (``promopilot.text``'s
   detector; a tie counts as Chinese);
2. a region written in Chinese characters (``上海``) means Chinese;
3. the shop's default: the ``[send] language`` setting, or with ``auto`` the language most of
   the shop's product titles are written in (English when there are none).

Contact data (names) are never used: they are not features.
"""

from __future__ import annotations

import pandas as pd

from promopilot.data.queries import delivery as q
from promopilot.data.store import Store
from promopilot.text.textproc import cjk_share, detect_language

LANGUAGES = ("zh", "en")


def shop_language(store: Store, setting: str = "auto") -> str:
    """The shop's default language: the setting, or (``auto``) that of its product titles."""
    if setting in LANGUAGES:
        return setting
    titles = q.product_titles_sample(store)
    if titles.empty:
        return "en"
    return "zh" if (detect_language(titles) == "zh").mean() >= 0.5 else "en"


def customer_languages(store: Store, customer_ids, *, default: str) -> pd.Series:
    """``zh`` or ``en`` per customer id (a Series indexed by customer id)."""
    ids = pd.Index(pd.Series(list(customer_ids), dtype=object).astype(str).unique())
    language = pd.Series(default, index=ids, dtype=object)
    regions = q.customer_regions(store, ids)
    if len(regions):
        chinese = regions.loc[cjk_share(regions["region"]) > 0, "customer_id"]
        language[language.index.isin(chinese)] = "zh"
    reviews = q.review_texts(store, ids)
    if len(reviews):
        zh = pd.Series(detect_language(reviews["text"]) == "zh", index=reviews.index)
        share = zh.groupby(reviews["customer_id"]).mean()
        language.loc[share.index] = (share >= 0.5).map({True: "zh", False: "en"})
    return language
