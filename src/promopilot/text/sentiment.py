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

The code lives in one module per job: :mod:`~promopilot.text.labels`,
:mod:`~promopilot.text.scorers` (the two scorers), :mod:`~promopilot.text.reviews`,
:mod:`~promopilot.text.aspects` and :mod:`~promopilot.text.csv_scoring`; this module gathers
their public names.
"""

from promopilot.text.aspects import ASPECT_KEYWORDS, aspect_keywords
from promopilot.text.csv_scoring import SentimentRun, read_text_csv, score_csv
from promopilot.text.labels import (
    LABEL,
    LABELS,
    METHOD_LEXICON,
    METHOD_TRAINED,
    MIN_PER_CLASS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SENTIMENT,
    SENTIMENT_METHOD,
    labels_from_scores,
    ratings_to_labels,
)
from promopilot.text.reviews import review_sentiment
from promopilot.text.scorers import LexiconSentiment, SentimentModel

__all__ = [
    "ASPECT_KEYWORDS",
    "LABEL",
    "LABELS",
    "METHOD_LEXICON",
    "METHOD_TRAINED",
    "MIN_PER_CLASS",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "SENTIMENT",
    "SENTIMENT_METHOD",
    "LexiconSentiment",
    "SentimentModel",
    "SentimentRun",
    "aspect_keywords",
    "labels_from_scores",
    "ratings_to_labels",
    "read_text_csv",
    "review_sentiment",
    "score_csv",
]
