"""Review sentiment in Chinese and English.

Two scorers share one output: a sentiment score in [-1, 1] and a label.

* :class:`SentimentModel` learns from the shop's own star ratings used as weak labels (4-5 stars
  positive, 1-2 negative, 3 ignored): TF-IDF of jieba/English word uni- and bigrams plus
  character 1-3-grams, and a logistic regression. Its score is ``2 P(positive) - 1``.
* :class:`LexiconSentiment` is the fallback for shops with too few rated reviews: the
  hand-written bilingual lexicon and rules of :mod:`promopilot.text.lexicon`. It needs no
  training data. A text without any sentiment word scores exactly 0.

Labels: ``"positive"`` when the score is at least ``neutral_band``, ``"negative"`` when it is at
most ``-neutral_band``, ``"neutral"`` in between (so texts without evidence are neutral).

:func:`review_sentiment` picks between them per language, :func:`aspect_keywords` summarises
what reviews say about delivery, quality, price, packaging, service and size per product, and
:func:`score_csv` is what ``promopilot sentiment`` runs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from promopilot.columns import PRODUCT_ID, RATING, TEXT
from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.text.lexicon import default_lexicon
from promopilot.text.textproc import _as_str_list, detect_language, raw_tokens, word_ngrams

POSITIVE = "positive"
NEGATIVE = "negative"
NEUTRAL = "neutral"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

SENTIMENT = "sentiment"
LABEL = "label"
SENTIMENT_METHOD = "sentiment_method"
METHOD_TRAINED = "trained"
METHOD_LEXICON = "lexicon"

#: Fewest reviews of the rarer class (negative, usually) needed to train on a shop's ratings.
MIN_PER_CLASS = 20


def labels_from_scores(
    scores: Sequence[float] | np.ndarray, neutral_band: float = 0.1
) -> np.ndarray:
    """``"positive"`` / ``"neutral"`` / ``"negative"`` for each score (see the module notes)."""
    s = np.asarray(scores, dtype=float)
    return np.where(s >= neutral_band, POSITIVE, np.where(s <= -neutral_band, NEGATIVE, NEUTRAL))


def ratings_to_labels(
    ratings: Iterable[Any], *, positive_min: float = 4, negative_max: float = 2
) -> np.ndarray:
    """Weak labels from star ratings: 1 positive (``>= positive_min``), 0 negative
    (``<= negative_max``), -1 ignored (in between, or missing)."""
    r = pd.to_numeric(pd.Series(list(ratings), dtype=object), errors="coerce").to_numpy(float)
    out = np.full(len(r), -1, dtype=int)
    out[r >= positive_min] = 1
    out[r <= negative_max] = 0
    return out


def _binary_targets(y: Any, positive_min: float, negative_max: float) -> np.ndarray:
    """1 / 0 / -1 (ignored) from star ratings or from label strings."""
    values = pd.Series(list(y), dtype=object)
    non_missing = values.dropna()
    if len(non_missing) and all(isinstance(v, str) for v in non_missing):
        lowered = values.str.strip().str.lower()
        unknown = sorted(set(lowered.dropna()) - set(LABELS))
        if unknown:
            raise InputError(
                f"labels must be {', '.join(LABELS)} or star ratings; got {unknown[:3]}"
            )
        return np.select([lowered == POSITIVE, lowered == NEGATIVE], [1, 0], -1)
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values[numeric.isna() & values.notna()]
    if len(bad):
        raise InputError(f"ratings must be numbers; got {bad.iloc[0]!r}")
    return ratings_to_labels(numeric, positive_min=positive_min, negative_max=negative_max)


class _WordAnalyzer:
    """Picklable analyzer: bilingual tokens, uni- to n-grams within clauses."""

    def __init__(self, n_max: int) -> None:
        self.n_max = n_max

    def __call__(self, text: str) -> list[str]:
        return word_ngrams(raw_tokens(text), self.n_max)


class SentimentModel(BaseEstimator):
    """Sentiment classifier trained on a shop's reviews with star ratings as weak labels.

    Parameters
    ----------
    positive_min, negative_max : float
        Ratings ``>= positive_min`` are positive examples, ``<= negative_max`` negative ones;
        ratings in between (3 stars) and missing ratings are left out of training.
    neutral_band : float
        Half-width of the score band labelled ``"neutral"`` by :meth:`predict`.
    C : float
        Inverse regularisation strength of the logistic regression.
    word_ngram_max : int
        Longest word n-gram (words from jieba for Chinese, lower-case words for English).
    char_ngram_range : tuple of int
        Character n-gram lengths (within word boundaries for English).
    min_df : int
        Features seen in fewer training texts are dropped.
    class_weight : "balanced" or None
        Reweights classes; shops' ratings are mostly positive, so balanced by default.
    random_state : int
        Seed (the liblinear solver shuffles its coordinate order).

    Attributes
    ----------
    vectorizer_ : FeatureUnion
    classifier_ : LogisticRegression
    n_train_ : int
        Reviews used in training (3-star and unrated ones excluded).
    class_counts_ : dict
        ``{"negative": n, "positive": n}`` in training.
    language_counts_ : dict
        Training reviews per detected language (``"zh"``, ``"en"``).
    """

    def __init__(
        self,
        *,
        positive_min: float = 4,
        negative_max: float = 2,
        neutral_band: float = 0.1,
        C: float = 4.0,
        word_ngram_max: int = 2,
        char_ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 2,
        class_weight: str | None = "balanced",
        random_state: int | None = 0,
    ) -> None:
        self.positive_min = positive_min
        self.negative_max = negative_max
        self.neutral_band = neutral_band
        self.C = C
        self.word_ngram_max = word_ngram_max
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, texts: Iterable[Any], y: Iterable[Any]) -> "SentimentModel":
        """Fit on review texts and their star ratings (or ``"positive"``/``"negative"`` labels).

        Raises
        ------
        InputError
            ``texts`` and ``y`` differ in length, or ``y`` holds values that are neither numbers
            nor known labels.
        NotEnoughDataError
            Fewer than two usable examples of either class.
        """
        if self.positive_min <= self.negative_max:
            raise InputError("positive_min must be greater than negative_max")
        values = _as_str_list(texts)
        target = _binary_targets(y, self.positive_min, self.negative_max)
        if len(values) != len(target):
            raise InputError(f"{len(values)} texts but {len(target)} ratings/labels")
        keep = target >= 0
        n_pos, n_neg = int((target == 1).sum()), int((target == 0).sum())
        if n_pos < 2 or n_neg < 2:
            raise NotEnoughDataError(
                f"need at least 2 positive and 2 negative rated reviews; got {n_pos} and {n_neg}"
            )
        train = [t for t, k in zip(values, keep, strict=True) if k]
        y_train = target[keep]
        min_df = self.min_df if len(train) >= 10 * self.min_df else 1
        self.vectorizer_ = FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        analyzer=_WordAnalyzer(self.word_ngram_max),
                        min_df=min_df,
                        sublinear_tf=True,
                    ),
                ),
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=tuple(self.char_ngram_range),
                        min_df=min_df,
                        sublinear_tf=True,
                        lowercase=True,
                    ),
                ),
            ]
        )
        features = self.vectorizer_.fit_transform(train)
        self.classifier_ = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            solver="liblinear",
            random_state=self.random_state,
        ).fit(features, y_train)
        self.n_train_ = len(train)
        self.class_counts_ = {NEGATIVE: n_neg, POSITIVE: n_pos}
        langs, counts = np.unique(detect_language(train), return_counts=True)
        self.language_counts_ = {str(k): int(v) for k, v in zip(langs, counts, strict=True)}
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "classifier_"):
            raise NotFittedError("SentimentModel is not fitted; call fit(texts, ratings) first")

    def predict_proba_positive(self, texts: Iterable[Any]) -> np.ndarray:
        """Probability that each text is positive."""
        self._check_fitted()
        values = _as_str_list(texts)
        if not values:
            return np.zeros(0)
        features = self.vectorizer_.transform(values)
        column = list(self.classifier_.classes_).index(1)
        return self.classifier_.predict_proba(features)[:, column]

    def predict_score(self, texts: Iterable[Any]) -> np.ndarray:
        """Sentiment in [-1, 1]: ``2 P(positive) - 1``."""
        return 2.0 * self.predict_proba_positive(texts) - 1.0

    def predict(self, texts: Iterable[Any]) -> np.ndarray:
        """``"positive"`` / ``"neutral"`` / ``"negative"`` for each text."""
        return labels_from_scores(self.predict_score(texts), self.neutral_band)


class LexiconSentiment(BaseEstimator):
    """Rule-based bilingual sentiment from the shipped lexicon; needs no training data.

    ``fit`` is a no-op kept so the fallback can stand wherever :class:`SentimentModel` does;
    ``predict_score`` and ``predict`` work without it.

    Parameters
    ----------
    neutral_band : float
        Half-width of the score band labelled ``"neutral"``.
    """

    def __init__(self, *, neutral_band: float = 0.1) -> None:
        self.neutral_band = neutral_band

    def fit(self, texts: Iterable[Any] | None = None, y: Any = None) -> "LexiconSentiment":
        """Nothing to learn; returns self."""
        return self

    def predict_score(self, texts: Iterable[Any]) -> np.ndarray:
        """Sentiment in [-1, 1]; exactly 0 for a text without any sentiment word."""
        return default_lexicon().score(texts)

    def predict(self, texts: Iterable[Any]) -> np.ndarray:
        """``"positive"`` / ``"neutral"`` / ``"negative"`` for each text."""
        return labels_from_scores(self.predict_score(texts), self.neutral_band)


# --------------------------------------------------------------------------- shop reviews
def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} must be a table (pandas DataFrame)")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {', '.join(missing)}")


def _ratings(frame: pd.DataFrame) -> pd.Series:
    """The rating column as floats (NaN where missing); InputError on text or out-of-range."""
    if RATING not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    raw = frame[RATING]
    blank = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "NaN", "None"])
    numeric = pd.to_numeric(raw.where(~blank), errors="coerce")
    bad = raw[numeric.isna() & ~blank]
    if len(bad):
        raise InputError(f"column rating must hold numbers 1-5; found {bad.iloc[0]!r}")
    outside = numeric[(numeric < 1) | (numeric > 5)]
    if len(outside):
        raise InputError(f"column rating must hold numbers 1-5; found {outside.iloc[0]:g}")
    return numeric.astype(float)


def review_sentiment(
    reviews: pd.DataFrame,
    *,
    min_rated: int = 200,
    random_state: int | None = 0,
    neutral_band: float = 0.1,
) -> pd.DataFrame:
    """Score every review: a copy of ``reviews`` with ``sentiment``, ``label`` and
    ``sentiment_method`` columns added.

    Each review's language comes from its CJK character share
    (:func:`~promopilot.text.textproc.detect_language`). When a language has at least
    ``min_rated`` reviews rated 1-2 or 4-5 stars (3-star and unrated ones do not count), and the
    shop has at least :data:`MIN_PER_CLASS` reviews of each class, a :class:`SentimentModel` is
    trained on all of the shop's rated reviews and scores that language's reviews (its score
    on the rated reviews themselves is an in-sample fit). Every other review gets the lexicon
    fallback, :class:`LexiconSentiment`.

    Parameters
    ----------
    reviews : DataFrame
        Needs ``text``; ``rating`` (1-5, may be missing) is used when present. Other columns
        (``customer_id``, ``product_id``, ...) are kept as they are.
    min_rated : int
        Rated reviews a language needs before the shop's own model is trusted for it.
    random_state : int or None
        Seed of the trained model.
    neutral_band : float
        Scores within ``(-neutral_band, neutral_band)`` are labelled ``"neutral"``.

    Returns
    -------
    DataFrame
        Same rows and index. ``sentiment_method`` is ``"trained"`` or ``"lexicon"`` per row;
        ``result.attrs["sentiment"]`` holds a summary: ``method`` (``"trained"``,
        ``"lexicon"`` or ``"trained+lexicon"``), ``n_rated``, ``n_trained``, ``language_counts``.
    """
    _require_columns(reviews, [TEXT], "reviews")
    if min_rated < 1:
        raise InputError(f"min_rated must be at least 1, got {min_rated}")
    out = reviews.copy()
    texts = _as_str_list(out[TEXT].tolist())
    ratings = _ratings(out)
    weak = ratings_to_labels(ratings)
    languages = detect_language(texts)
    usable = weak >= 0
    n_per_class = (int((weak == 1).sum()), int((weak == 0).sum()))
    trusted = [
        lang
        for lang in ("zh", "en")
        if int((usable & (languages == lang)).sum()) >= min_rated
    ]
    use_model = np.isin(languages, trusted) if trusted and min(n_per_class) >= MIN_PER_CLASS else (
        np.zeros(len(texts), dtype=bool)
    )
    scores = np.zeros(len(texts))
    n_trained = 0
    if use_model.any():
        model = SentimentModel(neutral_band=neutral_band, random_state=random_state)
        model.fit(
            [t for t, u in zip(texts, usable, strict=True) if u],
            ratings.to_numpy()[usable],
        )
        n_trained = model.n_train_
        chosen = [t for t, u in zip(texts, use_model, strict=True) if u]
        scores[use_model] = model.predict_score(chosen)
    if (~use_model).any():
        scores[~use_model] = LexiconSentiment().predict_score(
            [t for t, u in zip(texts, use_model, strict=True) if not u]
        )
    out[SENTIMENT] = scores
    out[LABEL] = labels_from_scores(scores, neutral_band)
    out[SENTIMENT_METHOD] = np.where(use_model, METHOD_TRAINED, METHOD_LEXICON)
    if use_model.all() and len(texts):
        method = METHOD_TRAINED
    elif use_model.any():
        method = f"{METHOD_TRAINED}+{METHOD_LEXICON}"
    else:
        method = METHOD_LEXICON
    langs, counts = np.unique(languages, return_counts=True)
    out.attrs[SENTIMENT] = {
        "method": method,
        "n_rated": int(usable.sum()),
        "n_trained": n_trained,
        "min_rated": min_rated,
        "language_counts": {str(k): int(v) for k, v in zip(langs, counts, strict=True)},
    }
    return out


# --------------------------------------------------------------------------- aspects
#: Aspect -> keywords. Chinese keywords match anywhere; English ones as whole words
#: (a trailing ``s`` allowed), case-insensitively.
ASPECT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "物流", "快递", "发货", "送货", "配送", "送达", "到货", "送餐", "骑手",
        "shipping", "shipment", "shipped", "delivery", "delivered", "arrived", "arrival",
        "courier", "postage", "dispatch", "dispatched",
    ),
    "quality": (
        "质量", "品质", "做工", "材质", "质感", "用料",
        "quality", "build", "material", "workmanship", "craftsmanship", "made",
    ),
    "price": (
        "价格", "性价比", "价钱", "价位", "便宜", "划算", "实惠", "贵",
        "price", "priced", "value", "cost", "expensive", "cheap", "worth", "money", "bargain",
    ),
    "packaging": (
        "包装", "外包装", "包裹", "盒子",
        "packaging", "package", "packaged", "box", "wrapped", "wrapping",
    ),
    "service": (
        "客服", "服务", "态度", "售后", "商家", "卖家",
        "service", "support", "seller", "staff", "customer care", "responded", "response",
    ),
    "size": (
        "尺码", "大小", "尺寸", "码数", "偏大", "偏小", "合身",
        "size", "sizing", "fit", "fits", "fitting", "too small", "too big", "too large",
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
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            columns, [reviews[PRODUCT_ID].dtype, object, "int64", "float64"], strict=True)})
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


# --------------------------------------------------------------------------- CSV in, CSV out
@dataclass(frozen=True)
class SentimentRun:
    """What :func:`score_csv` did."""

    n_rows: int
    method: str
    n_rated: int
    n_trained: int
    encoding: str
    label_counts: dict[str, int] = field(default_factory=dict)
    method_counts: dict[str, int] = field(default_factory=dict)


def read_text_csv(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV as text cells (nothing converted), in UTF-8 (with or without BOM) or
    GBK/GB18030. Returns the table and the encoding used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly any byte string
        raise InputError(f"{path}: not UTF-8 or GBK/GB18030 text")
    try:
        table = pd.read_csv(io.StringIO(decoded), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path}: not a readable CSV table ({str(error).strip()})") from None
    return table, "utf-8" if encoding == "utf-8-sig" else encoding


def score_csv(
    in_path: str | Path,
    out_path: str | Path,
    *,
    min_rated: int = 200,
    random_state: int | None = 0,
) -> SentimentRun:
    """Read a CSV with a ``text`` column, score it with :func:`review_sentiment` and write it
    back (UTF-8) with ``sentiment``, ``label`` and ``sentiment_method`` added. Other cells are
    written exactly as read."""
    table, encoding = read_text_csv(in_path)
    if TEXT not in table.columns:
        found = ", ".join(map(str, table.columns[:8])) or "none"
        raise InputError(f"{in_path}: no 'text' column (columns: {found})")
    scored = review_sentiment(table, min_rated=min_rated, random_state=random_state)
    try:
        scored.to_csv(out_path, index=False, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{out_path}: cannot write ({error.strerror})") from None
    summary = scored.attrs[SENTIMENT]
    labels = scored[LABEL].value_counts()
    methods = scored[SENTIMENT_METHOD].value_counts()
    return SentimentRun(
        n_rows=len(scored),
        method=summary["method"],
        n_rated=summary["n_rated"],
        n_trained=summary["n_trained"],
        encoding=encoding,
        label_counts={k: int(labels.get(k, 0)) for k in (POSITIVE, NEUTRAL, NEGATIVE)},
        method_counts={k: int(v) for k, v in methods.items()},
    )
