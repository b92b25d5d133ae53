"""Data-driven segment names and descriptions in Chinese: every word and sentence part has a
Chinese form, put together from the same parts as the English (the same figures, in the same
order), not the English string translated; the English names stay the keys."""

from __future__ import annotations

import re

import pandas as pd

from promopilot.profile.build import segment_summary
from promopilot.profile.segment_describe import RETURNERS_NOUN, returned_sentence
from promopilot.profile.segment_names import (
    LABELS,
    MOSTLY_NO_ORDERS_BROWSING_NOUN,
    MOSTLY_NO_ORDERS_NOUN,
    NO_ORDERS_BROWSING_NOUN,
    NO_ORDERS_NOUN,
    NOT_BOUGHT_WORDS,
    OCCASIONAL,
    REPEAT,
    VOCAB,
    category_sentence,
)
from promopilot.profile.segment_not_bought import NOT_BOUGHT_FEATURES, not_bought_sentence
from promopilot.profile.segmenter import ClusterSegmenter
from tests.profile.test_segments import _planted

FIGURES = re.compile(r"\d[\d,.–]*%?")
LATIN = re.compile(r"[A-Za-z]")


def test_every_segment_word_has_its_own_chinese_form():
    """Each adjective, noun and label the names and descriptions use is said in Chinese, and
    no two English words share one (two names that differ in English differ in Chinese)."""
    from promopilot.profile import segment_lang

    adjectives = {a for f in VOCAB.values() for a, _, _ in f.values()}
    adjectives |= {OCCASIONAL[0], REPEAT[0], *(w for w in NOT_BOUGHT_WORDS.values() if w)}
    nouns = {n for f in VOCAB.values() for _, n, _ in f.values()}
    nouns |= {OCCASIONAL[1], REPEAT[1], RETURNERS_NOUN, "average customers"}
    nouns |= {NO_ORDERS_NOUN, NO_ORDERS_BROWSING_NOUN}
    nouns |= {MOSTLY_NO_ORDERS_NOUN, MOSTLY_NO_ORDERS_BROWSING_NOUN}
    for words, table in ((adjectives, segment_lang.ADJECTIVES), (nouns, segment_lang.NOUNS)):
        said = [table[w] for w in sorted(words)]
        assert len(set(said)) == len(said)
        assert not any(LATIN.search(w) for w in said)
    for feature in LABELS:
        assert not LATIN.search(segment_lang.label(feature))
    for column in NOT_BOUGHT_FEATURES:
        assert not LATIN.search(segment_lang.label(column, not_bought=True))
    # a feature without words of its own: from its label, as in English
    assert segment_lang.adjective("high-return-rate", "return_rate", "high") == "退货率高"


def test_segments_are_named_and_described_in_chinese_from_the_same_parts():
    """On the Chinese pages "loyal big spenders" and "1,523 customers (30%). Compared with all
    customers: ..." stayed English. Each cluster has a Chinese name and description with the
    same figures in the same order as its English one."""
    df, _ = _planted(100, seed=1)
    seg = ClusterSegmenter(random_state=0).fit(df)
    assert len(seg.names_zh_) == len(seg.names_) == seg.k_
    assert len(set(seg.names_zh_)) == seg.k_
    for en, zh, name in zip(seg.descriptions_, seg.descriptions_zh_, seg.names_zh_, strict=True):
        assert FIGURES.findall(en) == FIGURES.findall(zh), (en, zh)
        assert "与全部客户相比：" in zh and "overall" not in zh
        # only the shop's own category names are in Latin letters
        assert not LATIN.search(re.sub(r"beauty|home|electronics|books", "", name + zh)), zh
    assert "忠诚的大额消费者" in seg.names_zh_, seg.names_zh_
    summary = seg.summary()
    assert list(summary["name_zh"]) == seg.names_zh_
    assert list(summary["description_zh"]) == seg.descriptions_zh_


def test_the_profiles_segment_table_keeps_the_english_key_and_its_chinese_words():
    df, _ = _planted(100, seed=1)
    seg = ClusterSegmenter(random_state=0).fit(df)
    customers = df.assign(segment=seg.predict_names(df), churn_risk=0.5, clv_12m=100.0)
    table = segment_summary(customers, seg).set_index("segment")
    for c, name in enumerate(seg.names_):
        assert table.loc[name, "segment_zh"] == seg.names_zh_[c]
        assert table.loc[name, "description"] == seg.descriptions_[c]
        assert table.loc[name, "description_zh"] == seg.descriptions_zh_[c]


def test_the_sentences_of_non_buyers_returners_and_categories_read_in_chinese():
    info = {
        "ordered": 494,
        "ordered_share": 0.23,
        "mostly": True,
        "medians": True,
        "orders": 1.0,
        "spend": 192.0,
        "compared": 2,
        "figures": [
            ("days_since_last_event", "median days since last seen", 139.0, 15.0),
            ("views", "median product views", 8.5, 24.0),
        ],
    }
    assert not_bought_sentence(info, "zh") == (
        "其中 494 位（23%）下过单，订单数中位数 1 单，净消费中位数 192。与全部客户相比："
        "距上次出现天数中位数 139（整体 15，偏高）；商品浏览次数中位数 8–9（整体 24，偏低）。"
    )
    means = {**info, "medians": False, "orders": 1.5, "spend": 30.0, "figures": []}
    assert not_bought_sentence(means, "zh") == (
        "其中 494 位（23%）下过单，平均每人 1.5 单、净消费 30.00。其余方面接近平均客户。"
    )
    returned = {
        "return_share": 1.0,
        "overall_return_share": 0.0,
        "return_share_median": True,
        "spend": 0.0,
        "overall_spend": 664.0,
        "spend_median": True,
    }
    assert returned_sentence(returned, "zh") == (
        "他们退回了所购的大部分：退货金额占比中位数 100%（整体 0%），"
        "剩余净消费中位数 0.00（整体 664）。"
    )
    group = pd.Series({"茶叶": 0.45, "home": 0.30})
    overall = pd.Series({"home": 0.5, "茶叶": 0.2})
    assert category_sentence(group, overall, "bought", "zh") == (
        "最常购买的品类：茶叶（占本群 45%，整体 20%）。"
    )
    assert category_sentence(group, overall, "bought") == (
        " Most bought category: 茶叶 (45% of the group vs 20% overall)."
    )
