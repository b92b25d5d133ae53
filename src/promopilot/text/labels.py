"""Sentiment labels: the three label names, scores to labels, star ratings to weak labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from promopilot.data.ratings import parse_scale, read_stars
from promopilot.exceptions import InputError

POSITIVE = "positive"
NEGATIVE = "negative"
NEUTRAL = "neutral"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

SENTIMENT = "sentiment"
LABEL = "label"
SENTIMENT_METHOD = "sentiment_method"
METHOD_TRAINED = "trained"
METHOD_LEXICON = "lexicon"

#: Chinese review grades read as the labels (Taobao's 好评/中评/差评)
LABEL_NAMES = {"好评": POSITIVE, "中评": NEUTRAL, "差评": NEGATIVE}

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


STARS_MIN, STARS_MAX = 1, 5
"""The star ratings a sentiment model learns from, unless told another scale
(``SentimentModel(rating_range=(1, 10))``)."""


def parse_rating_scale(text: str) -> tuple[float, float]:
    """A rating scale written ``LOWEST-HIGHEST`` (``1-10``, ``0-100``; ``~`` or ``to`` also
    separate them) as (lowest, highest), as ingest reads it
    (:func:`promopilot.data.ratings.parse_scale`). InputError naming the value otherwise."""
    return parse_scale(text, "--rating-scale")


def checked_scale(rating_range: Any) -> tuple[float, float]:
    """``rating_range`` as (low, high) floats; InputError unless it is two finite numbers, low
    below high."""
    try:
        low, high = (float(v) for v in rating_range)
    except (TypeError, ValueError):
        raise InputError(
            f"rating_range is {rating_range!r}: expected (lowest, highest) rating, e.g. (1, 5)"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise InputError(
            f"rating_range is {rating_range!r}: expected two finite numbers, lowest first"
        )
    return low, high


def scale_thresholds(rating_range: Any) -> tuple[float, float]:
    """(positive_min, negative_max) of a rating scale (checked: :func:`checked_scale`): its
    top quarter is positive, its bottom quarter negative, as 4-5 and 1-2 stars are on 1-5
    (1-10: 7.75 and 3.25, so 8-10 positive and 1-3 negative; 0-100: 75 and 25)."""
    low, high = checked_scale(rating_range)
    return low + (high - low) * 3 / 4, low + (high - low) / 4


def scale_text(rating_range: tuple[float, float]) -> str:
    """``1-5``, ``1-10``: a scale as its errors name it."""
    low, high = rating_range
    return f"{_shown(low):g}-{_shown(high):g}"


def _shown(value: Any) -> Any:
    """A value as written in Python (5, True), not as numpy repeats it (np.int64(5))."""
    return value.item() if isinstance(value, np.generic) else value


def _binary_targets(
    y: Any,
    positive_min: float,
    negative_max: float,
    rating_range: tuple[float, float] = (STARS_MIN, STARS_MAX),
) -> np.ndarray:
    """1 / 0 / -1 (ignored) from star ratings in `rating_range` (1-5 by default; numbers, or
    text as review exports write
    them: ``"5"``, ``"4.5"``, ``"5星"``, ``"五星"``, ``"★★★★☆"``) or from label strings
    (``positive``/``neutral``/``negative``, ``好评``/``中评``/``差评``); missing or blank
    ratings are ignored. InputError, naming ``y`` and the first bad value with its position,
    for no values, a boolean (True is no rating: it read as 1 star, negative), a value that
    is neither a number nor a known label, or a rating outside `rating_range` (10 read as
    positive, 0 as negative)."""
    low, high = rating_range
    scale = f"{_shown(low):g}-{_shown(high):g}"
    values = pd.Series(list(y), dtype=object)
    if not len(values):
        raise InputError(
            f"y is empty: give one star rating ({scale}) or label (positive/negative) per text"
        )
    flags = values.map(lambda v: isinstance(v, bool | np.bool_))
    if flags.any():
        at = int(np.flatnonzero(flags.to_numpy())[0])
        raise InputError(
            f"y[{at}] is {_shown(values.iloc[at])!r}: y holds star ratings {scale} or the labels "
            f"{POSITIVE}/{NEGATIVE}, not True/False"
        )
    text = values.map(lambda v: isinstance(v, str))
    values = values.mask(text & (values.astype(str).str.strip() == ""))  # a blank: missing
    non_missing = values.dropna()
    # ratings written as text ("5", "4.5", "5星", "五星") are read as review exports write them
    stars = None
    if len(non_missing) and all(isinstance(v, str) for v in non_missing):
        lowered = values.str.strip().str.lower().map(lambda v: LABEL_NAMES.get(v, v))
        unknown = sorted(set(lowered.dropna()) - set(LABELS))
        if not unknown:
            return np.select([lowered == POSITIVE, lowered == NEGATIVE], [1, 0], -1)
        stars = read_stars(values.where(text))
        if pd.to_numeric(stars, errors="coerce").isna().all():  # no rating: labels, some unknown
            raise InputError(
                f"y: labels must be {', '.join(LABELS)} (好评/中评/差评) or star ratings; "
                f"got {unknown[:3]}"
            )
    if text.any() and stars is None:
        stars = read_stars(values.where(text))
    read = values.where(~text, stars) if text.any() else values
    numeric = pd.to_numeric(read, errors="coerce")
    bad = (numeric.isna() & values.notna()) | (numeric < low) | (numeric > high)
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"y[{at}] is {_shown(values.iloc[at])!r}: ratings must be numbers {scale} (stars; "
            f"a missing rating is left out) or the labels {POSITIVE}/{NEGATIVE}"
        )
    return ratings_to_labels(numeric, positive_min=positive_min, negative_max=negative_max)
