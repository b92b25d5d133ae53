"""Review language: tokenizing, lexicons, sentiment and aspects, in Chinese and English.

Exported here (imported on first use)::

    from promopilot.text import review_sentiment, SentimentModel, LexiconSentiment

See docs/sentiment.md and docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
_EXPORTS = {
    "review_sentiment": "promopilot.text.reviews",
    "SentimentModel": "promopilot.text.scorers",
    "LexiconSentiment": "promopilot.text.scorers",
    "aspect_keywords": "promopilot.text.aspects",
    "score_csv": "promopilot.text.csv_scoring",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
