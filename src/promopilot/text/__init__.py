"""Review language: tokenizing, lexicons, sentiment and aspects, in Chinese and English.

Exported here (imported on first use)::

    from promopilot.text import review_sentiment, SentimentModel, LexiconSentiment

See docs/sentiment.md and docs/python-api.md.
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it (imported on first use: see __getattr__)
_EXPORTS = {
    "review_sentiment": "promopilot.text.reviews",
    "SentimentModel": "promopilot.text.scorers",
    "LexiconSentiment": "promopilot.text.scorers",
    "aspect_keywords": "promopilot.text.aspects",
    "score_csv": "promopilot.text.csv_scoring",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    """Each public name is imported from its module on first use, so importing this package
    stays light: the heavy libraries load with the estimator that needs them."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
