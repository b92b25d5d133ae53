"""The two sentiment scorers: a model trained on the shop's star ratings and the lexicon.

Both give a score in [-1, 1] (``predict_score``) and a label (``predict``); see
:mod:`promopilot.text.sentiment`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.text.labels import (
    NEGATIVE,
    POSITIVE,
    STARS_MAX,
    STARS_MIN,
    _binary_targets,
    _shown,
    checked_scale,
    labels_from_scores,
)
from promopilot.text.lexicon import default_lexicon
from promopilot.text.textproc import _as_str_list, detect_language, raw_tokens, word_ngrams

_CACHE_TEXTS = 20_000


@functools.lru_cache(maxsize=_CACHE_TEXTS)
def _word_grams(text: str, n_max: int) -> tuple[str, ...]:
    """The word n-grams of one text, remembered for the last :data:`_CACHE_TEXTS` distinct
    texts of the process: shops' reviews repeat ("好评", "great product"), a profile trains
    one sentiment model per snapshot date on mostly the same reviews, and tokenizing (jieba,
    n-grams) is most of the cost of training and scoring."""
    return tuple(word_ngrams(raw_tokens(text), n_max))


@functools.lru_cache(maxsize=8)
def _char_wb_analyzer(low: int, high: int):
    """scikit-learn's own ``char_wb`` analyzer (lower-cased), one per n-gram range."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high)).build_analyzer()


_CHAR_CACHE_TEXTS = 5_000
_CHAR_CACHE_LENGTH = 100
"""Texts of up to this many characters have their character n-grams remembered (the last
:data:`_CHAR_CACHE_TEXTS` of them): about 13 KB for a text of 110 characters, so at most
some 65 MB; the texts that repeat are the short ones ("好评", "great product")."""


@functools.lru_cache(maxsize=_CHAR_CACHE_TEXTS)
def _char_grams(text: str, low: int, high: int) -> tuple[str, ...]:
    """The character n-grams (within word boundaries, lower-cased) of one short text,
    remembered like :func:`_word_grams`: the same list scikit-learn's ``char_wb`` analyzer
    makes."""
    return tuple(_char_wb_analyzer(low, high)(text))


class _CharAnalyzer:
    """Picklable analyzer: scikit-learn's ``char_wb`` n-grams of the lower-cased text, through
    the process's cache for short texts (:func:`_char_grams`, not pickled or copied)."""

    def __init__(self, ngram_range: tuple[int, int]) -> None:
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))

    def __call__(self, text: str) -> list[str]:
        if len(text) > _CHAR_CACHE_LENGTH:  # a long text is seldom repeated word for word
            return _char_wb_analyzer(*self.ngram_range)(text)
        return list(_char_grams(text, *self.ngram_range))


class _WordAnalyzer:
    """Picklable analyzer: bilingual tokens, uni- to n-grams within clauses (through the
    process's cache, :func:`_word_grams`, which is not pickled or copied)."""

    def __init__(self, n_max: int) -> None:
        self.n_max = n_max

    def __call__(self, text: str) -> list[str]:
        return list(_word_grams(text, self.n_max))


def _checked_range(
    rating_range: Any, positive_min: float, negative_max: float
) -> tuple[float, float]:
    """``rating_range`` as (low, high) floats; InputError unless it is two finite numbers, low
    below high, with ``negative_max`` and ``positive_min`` within it."""
    low, high = checked_scale(rating_range)
    for name, value in (("negative_max", negative_max), ("positive_min", positive_min)):
        if not low <= value <= high:
            raise InputError(
                f"{name} is {value:g}, outside rating_range ({low:g}, {high:g}): set "
                "rating_range to the shop's rating scale, e.g. rating_range=(1, 10)"
            )
    return low, high


class SentimentModel(BaseEstimator):
    """Sentiment classifier trained on a shop's reviews with star ratings as weak labels.

    Parameters
    ----------
    positive_min, negative_max : float
        Ratings ``>= positive_min`` are positive examples, ``<= negative_max`` negative ones;
        ratings in between (3 stars) and missing ratings are left out of training. Both must
        lie within ``rating_range``.
    rating_range : (float, float)
        The lowest and highest rating of the shop's scale, ``(1, 5)`` stars by default;
        ``fit`` refuses a rating outside it. A 1-10 scale is
        ``SentimentModel(rating_range=(1, 10), positive_min=7, negative_max=4)``.
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
        rating_range: tuple[float, float] = (STARS_MIN, STARS_MAX),
    ) -> None:
        self.positive_min = positive_min
        self.negative_max = negative_max
        self.rating_range = rating_range
        self.neutral_band = neutral_band
        self.C = C
        self.word_ngram_max = word_ngram_max
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, texts: Iterable[Any], y: Iterable[Any]) -> SentimentModel:
        """Fit on review texts and their star ratings in ``rating_range`` (1-5 by default) or
        ``"positive"``/``"negative"`` labels; a missing rating (None, NaN) is left out.

        Raises
        ------
        InputError
            ``y`` is one value rather than one per text; ``texts`` and ``y`` differ in
            length, ``y`` is empty, or ``y`` holds a value that is neither a rating in
            ``rating_range`` nor a known label (a boolean, 0, 10 on 1-5, text); the message
            names its position in ``y`` and the value. ``rating_range`` is not two numbers,
            low below high, or ``positive_min``/``negative_max`` lie outside it.
        NotEnoughDataError
            Fewer than two usable examples of either class.
        """
        if self.positive_min <= self.negative_max:
            raise InputError("positive_min must be greater than negative_max")
        low, high = _checked_range(self.rating_range, self.positive_min, self.negative_max)
        scalar = isinstance(y, np.ndarray) and y.ndim == 0  # np.array(5): no values to list
        if scalar or isinstance(y, str | bytes) or not isinstance(y, Iterable):
            raise InputError(
                f"y is {_shown(y)!r} ({type(y).__name__}): expected one star rating "
                f"({low:g}-{high:g}) or label (positive/negative) per text, as a list, array "
                "or Series"
            )
        values = _as_str_list(texts)
        target = _binary_targets(y, self.positive_min, self.negative_max, (low, high))
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
                        analyzer=_CharAnalyzer(self.char_ngram_range),
                        min_df=min_df,
                        sublinear_tf=True,
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
        # each distinct text is scored once (reviews repeat): a text's score depends on it
        # alone, so the values are the same as row by row
        codes, distinct = pd.factorize(np.asarray(values, dtype=object))
        features = self.vectorizer_.transform(list(distinct))
        column = list(self.classifier_.classes_).index(1)
        return self.classifier_.predict_proba(features)[codes, column]

    def predict_score(self, texts: Iterable[Any]) -> np.ndarray:
        """Sentiment in [-1, 1]: ``2 P(positive) - 1``."""
        return 2.0 * self.predict_proba_positive(texts) - 1.0

    def predict(self, texts: Iterable[Any]) -> np.ndarray:
        """``"positive"`` / ``"neutral"`` / ``"negative"`` for each text."""
        return labels_from_scores(self.predict_score(texts), self.neutral_band)


class LexiconSentiment(BaseEstimator):
    """Rule-based bilingual sentiment from the shipped lexicon; needs no training data.

    ``fit`` learns nothing from data (it takes the shipped lexicon), so the fallback can stand
    wherever :class:`SentimentModel` does; like any estimator it must be fitted before use.

    Parameters
    ----------
    neutral_band : float
        Half-width of the score band labelled ``"neutral"``.

    Attributes
    ----------
    lexicon_ : Lexicon
        The shipped bilingual lexicon.
    """

    def __init__(self, *, neutral_band: float = 0.1) -> None:
        self.neutral_band = neutral_band

    def fit(self, texts: Iterable[Any] | None = None, y: Any = None) -> LexiconSentiment:
        """Nothing to learn from ``texts``; takes the shipped lexicon and returns self."""
        self.lexicon_ = default_lexicon()
        return self

    def predict_score(self, texts: Iterable[Any]) -> np.ndarray:
        """Sentiment in [-1, 1]; exactly 0 for a text without any sentiment word."""
        if not hasattr(self, "lexicon_"):
            raise NotFittedError("LexiconSentiment is not fitted; call fit() first")
        return self.lexicon_.score(texts)

    def predict(self, texts: Iterable[Any]) -> np.ndarray:
        """``"positive"`` / ``"neutral"`` / ``"negative"`` for each text."""
        return labels_from_scores(self.predict_score(texts), self.neutral_band)
