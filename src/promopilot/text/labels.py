"""Sentiment labels: the three label names, scores to labels, star ratings to weak labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

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
