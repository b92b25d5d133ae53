"""Sentiment of a shop's reviews: the trained model where the shop has enough rated reviews
of a language, the lexicon elsewhere."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from promopilot.columns import RATING, TEXT
from promopilot.data.words import noun_for
from promopilot.exceptions import InputError
from promopilot.text.labels import (
    LABEL,
    METHOD_LEXICON,
    METHOD_TRAINED,
    MIN_PER_CLASS,
    SENTIMENT,
    SENTIMENT_METHOD,
    STARS_MAX,
    STARS_MIN,
    checked_scale,
    labels_from_scores,
    ratings_to_labels,
    scale_text,
    scale_thresholds,
)
from promopilot.text.scorers import LexiconSentiment, SentimentModel
from promopilot.text.textproc import _as_str_list, detect_language


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} must be a table (pandas DataFrame)")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} lacks {noun_for(len(missing), 'column')} {', '.join(missing)}")


def _ratings(frame: pd.DataFrame, rating_range: tuple[float, float]) -> pd.Series:
    """The rating column as floats (NaN where missing); InputError on text or a rating outside
    `rating_range`."""
    if RATING not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    low, high = rating_range
    scale = scale_text(rating_range)
    raw = frame[RATING]
    blank = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "NaN", "None"])
    numeric = pd.to_numeric(raw.where(~blank), errors="coerce")
    bad = raw[numeric.isna() & ~blank]
    if len(bad):
        raise InputError(f"column rating must hold numbers {scale}; found {bad.iloc[0]!r}")
    outside = numeric[(numeric < low) | (numeric > high)]
    if len(outside):
        raise InputError(
            f"column rating must hold numbers {scale}; found {outside.iloc[0]:g} (another "
            "scale: set rating_range, e.g. rating_range=(1, 10))"
        )
    return numeric.astype(float)


def review_sentiment(
    reviews: pd.DataFrame,
    *,
    min_rated: int = 200,
    random_state: int | None = 0,
    neutral_band: float = 0.1,
    rating_range: tuple[float, float] = (STARS_MIN, STARS_MAX),
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
        Needs ``text``; ``rating`` (in ``rating_range``, may be missing) is used when present.
        Other columns
        (``customer_id``, ``product_id``, ...) are kept as they are.
    min_rated : int
        Rated reviews a language needs before the shop's own model is trusted for it.
    random_state : int or None
        Seed of the trained model.
    neutral_band : float
        Scores within ``(-neutral_band, neutral_band)`` are labelled ``"neutral"``.
    rating_range : (float, float)
        The shop's rating scale, 1-5 stars by default; a rating outside it is an InputError.
        Its top quarter is positive and its bottom quarter negative (:func:`scale_thresholds`:
        4-5 and 1-2 on 1-5, 8-10 and 1-3 on 1-10).

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
    positive_min, negative_max = scale_thresholds(rating_range)  # checks it
    rating_range = checked_scale(rating_range)
    ratings = _ratings(out, rating_range)
    weak = ratings_to_labels(ratings, positive_min=positive_min, negative_max=negative_max)
    languages = detect_language(texts)
    usable = weak >= 0
    n_per_class = (int((weak == 1).sum()), int((weak == 0).sum()))
    trusted = [
        lang for lang in ("zh", "en") if int((usable & (languages == lang)).sum()) >= min_rated
    ]
    use_model = (
        np.isin(languages, trusted)
        if trusted and min(n_per_class) >= MIN_PER_CLASS
        else (np.zeros(len(texts), dtype=bool))
    )
    scores = np.zeros(len(texts))
    n_trained = 0
    if use_model.any():
        model = SentimentModel(
            neutral_band=neutral_band,
            random_state=random_state,
            rating_range=rating_range,
            positive_min=positive_min,
            negative_max=negative_max,
        )
        model.fit(
            [t for t, u in zip(texts, usable, strict=True) if u],
            ratings.to_numpy()[usable],
        )
        n_trained = model.n_train_
        chosen = [t for t, u in zip(texts, use_model, strict=True) if u]
        scores[use_model] = model.predict_score(chosen)
    if (~use_model).any():
        scores[~use_model] = (
            LexiconSentiment()
            .fit()
            .predict_score([t for t, u in zip(texts, use_model, strict=True) if not u])
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
        "rating_range": (float(rating_range[0]), float(rating_range[1])),
        "language_counts": {str(k): int(v) for k, v in zip(langs, counts, strict=True)},
    }
    return out
