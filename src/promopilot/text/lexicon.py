"""Rule-based bilingual sentiment scorer on the lexicons shipped in ``lexicon_data/``.

The lexicons (``zh.txt``, ``en.txt``) were written by the promopilot authors and are licensed
like promopilot (Apache-2.0). Each holds sentiment words with a weight, negators, degree
adverbs, contrastive conjunctions and "excess" adjectives (see the file headers).

Scoring one text (:meth:`Lexicon.score`):

1. Tokens come from :func:`promopilot.text.textproc.raw_tokens`. Consecutive tokens that
   together form a lexicon entry are merged (``不会 再 买`` -> ``不会再买``, ``waste of money``);
   a Chinese token that is not an entry but starts with a negator or degree adverb, or ends in a
   modal particle, is split (``不满意`` -> ``不 满意``, ``坏了`` stays an entry); an English word
   that is not an entry loses a common suffix when that gives one (``delights`` -> ``delight``).
2. Each sentiment word contributes its weight. Looking back at most three tokens within its
   clause (filler words such as ``的``, ``那么``, ``the`` are skipped, up to six tokens in all):
   an odd number of negators turns it into ``-0.75 x`` its weight (``不好``, ``not good``,
   ``没有问题``); otherwise degree adverbs multiply it (``非常好``, ``a bit slow``). An "excess"
   adjective right after an excess trigger counts ``-1.0`` (``太大``, ``too small``).
3. In a sentence with a contrastive word (``但是``, ``but``), what comes before the last one
   counts half and what follows counts 1.5 times.
   A follow-up review (追评) appended after ``【追评】`` is scored the same way over the whole
   text: the review before the marker counts half, the follow-up 1.5 times.
4. The sum ``s`` over sentences is squashed to ``s / sqrt(s^2 + 4)``, in (-1, 1). A text with
   no sentiment evidence scores exactly 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from promopilot.data.followups import MARKER
from promopilot.text.textproc import (
    BREAKS,
    CLAUSE_BREAK,
    SENTENCE_BREAK,
    _as_str_list,
    is_cjk,
    raw_tokens,
)

NEGATION_FACTOR = -0.75
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5
EXCESS_WEIGHT = -1.0
WINDOW = 3
MAX_LOOKBACK = 6
SQUASH_ALPHA = 4.0
MAX_PHRASE_TOKENS = 4
_PARTICLES = ("了", "的", "啦", "啊", "呀", "哦", "吧", "呢", "哈", "嘛", "喔", "噢")

# English suffixes tried, in order, on a word that is not in the lexicon.
_EN_SUFFIXES = (
    ("ably", "able"),
    ("ibly", "ible"),
    ("ily", "y"),
    ("ness", ""),
    ("ingly", "ing"),
    ("ly", ""),
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ied", "y"),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("est", ""),
)

_SECTIONS = (
    "positive",
    "negative",
    "negator",
    "degree",
    "contrast",
    "excess_trigger",
    "excess",
    "ambiguous_degree",
    "filler",
)


@dataclass
class Lexicon:
    """Sentiment words and rules of one or more languages."""

    valence: dict[str, float] = field(default_factory=dict)
    negators: set[str] = field(default_factory=set)
    degree: dict[str, float] = field(default_factory=dict)
    contrast: set[str] = field(default_factory=set)
    excess_triggers: set[str] = field(default_factory=set)
    excess: set[str] = field(default_factory=set)
    ambiguous_degree: set[str] = field(default_factory=set)
    filler: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._vocab: set[str] = set()
        self._split_cache: dict[str, tuple[str, ...]] = {}
        self._refresh()

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_text(cls, *texts: str) -> Lexicon:
        """Parse lexicon files in the ``[section]`` / ``word weight`` format."""
        lex = cls()
        for text in texts:
            section = None
            for number, raw in enumerate(text.splitlines(), start=1):
                line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
                if not line:
                    continue
                if line.startswith("[") and line.endswith("]"):
                    section = line[1:-1]
                    if section not in _SECTIONS:
                        raise ValueError(f"line {number}: unknown lexicon section [{section}]")
                    continue
                if section is None:
                    raise ValueError(f"line {number}: entry before any [section]")
                parts = line.split()
                has_weight = section in ("positive", "negative", "degree")
                if has_weight:
                    if len(parts) < 2:
                        raise ValueError(f"line {number}: [{section}] needs 'word weight'")
                    word, weight = " ".join(parts[:-1]).lower(), float(parts[-1])
                else:
                    word, weight = " ".join(parts).lower(), 0.0
                if section == "positive":
                    lex.valence[word] = abs(weight)
                elif section == "negative":
                    lex.valence[word] = -abs(weight)
                elif section == "degree":
                    lex.degree[word] = weight
                elif section == "negator":
                    lex.negators.add(word)
                elif section == "contrast":
                    lex.contrast.add(word)
                elif section == "excess_trigger":
                    lex.excess_triggers.add(word)
                elif section == "excess":
                    lex.excess.add(word)
                elif section == "filler":
                    lex.filler.add(word)
                else:
                    lex.ambiguous_degree.add(word)
        lex._refresh()
        return lex

    def _refresh(self) -> None:
        self._vocab = (
            set(self.valence)
            | self.negators
            | set(self.degree)
            | self.contrast
            | self.excess_triggers
            | self.excess
        )
        self._cjk_prefixes = sorted(
            (w for w in self.negators | set(self.degree) if is_cjk(w)), key=len, reverse=True
        )
        self._split_cache = {}

    # ------------------------------------------------------------------ tokens
    def _split_cjk(self, token: str) -> tuple[str, ...]:
        """Split an unknown Chinese token into a known prefix/particle and a known rest."""
        cached = self._split_cache.get(token)
        if cached is not None:
            return cached
        result: tuple[str, ...] = (token,)
        if token not in self._vocab and len(token) > 1:
            for particle in _PARTICLES:
                if token.endswith(particle) and token[: -len(particle)] in self._vocab:
                    result = (token[: -len(particle)],)
                    break
            else:
                for prefix in self._cjk_prefixes:
                    if token.startswith(prefix) and len(token) > len(prefix):
                        rest = self._split_cjk(token[len(prefix) :])
                        if any(part in self._vocab for part in rest):
                            result = (prefix, *rest)
                            break
        self._split_cache[token] = result
        return result

    def _stem_latin(self, token: str) -> str:
        """An inflected English word mapped to its lexicon entry (``delights`` -> ``delight``)."""
        cached = self._split_cache.get(token)
        if cached is not None:
            return cached[0]
        result = token
        if token not in self._vocab and len(token) > 4:
            for suffix, replacement in _EN_SUFFIXES:
                if token.endswith(suffix):
                    candidate = token[: -len(suffix)] + replacement
                    if candidate in self.valence:
                        result = candidate
                        break
        self._split_cache[token] = (result,)
        return result

    def tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` with lexicon phrases merged, Chinese compounds split and English
        inflections reduced to the lexicon entry."""
        split: list[str] = []
        for token in raw_tokens(text):
            if is_cjk(token):
                split.extend(self._split_cjk(token))
            elif token.isalpha():
                split.append(self._stem_latin(token))
            else:
                split.append(token)
        merged: list[str] = []
        i, n = 0, len(split)
        while i < n:
            token = split[i]
            if token not in BREAKS:
                joiner = "" if is_cjk(token) else " "
                for length in range(min(MAX_PHRASE_TOKENS, n - i), 1, -1):
                    window = split[i : i + length]
                    if any(t in BREAKS for t in window):
                        continue
                    candidate = joiner.join(window)
                    if candidate in self._vocab:
                        token = candidate
                        i += length - 1
                        break
            merged.append(token)
            i += 1
        return merged

    # ------------------------------------------------------------------ scoring
    def _word_value(self, tokens: Sequence[str], i: int) -> float:
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if token in self.ambiguous_degree and nxt is not None and nxt in self.valence:
            return 0.0  # a degree adverb here (好慢 = so slow); the next word is scored
        prev = tokens[i - 1] if i > 0 else None
        if token in self.excess and prev in self.excess_triggers:
            return EXCESS_WEIGHT
        return self.valence.get(token, 0.0)

    def score_tokens(self, tokens: Sequence[str]) -> float:
        """Raw (unsquashed) sentiment sum of a token list from :meth:`tokens`."""
        total = 0.0
        before = after = 0.0
        seen_contrast = False
        clause_start = 0
        for i, token in enumerate([*tokens, SENTENCE_BREAK]):
            if token == SENTENCE_BREAK:
                if seen_contrast:
                    total += BEFORE_CONTRAST * before + AFTER_CONTRAST * after
                else:
                    total += before
                before = after = 0.0
                seen_contrast = False
                clause_start = i + 1
                continue
            if token == CLAUSE_BREAK:
                clause_start = i + 1
                continue
            if token in self.contrast:
                if seen_contrast:
                    before += after
                    after = 0.0
                seen_contrast = True
                clause_start = i + 1
            value = self._word_value(tokens, i)
            if value == 0.0:
                continue
            negations = 0
            multiplier = 1.0
            counted = 0
            for j in range(i - 1, max(clause_start, i - MAX_LOOKBACK) - 1, -1):
                prior = tokens[j]
                if prior in self.filler:
                    continue
                counted += 1
                if counted > WINDOW:
                    break
                if prior in self.negators:
                    negations += 1
                elif prior in self.degree and (
                    prior not in self.valence or prior in self.ambiguous_degree
                ):
                    multiplier *= self.degree[prior]
            if value == EXCESS_WEIGHT and tokens[i - 1] in self.excess_triggers:
                multiplier = 1.0  # the trigger made it negative; do not count it twice
            if negations % 2:
                value *= NEGATION_FACTOR
            else:
                value *= multiplier
            if seen_contrast:
                after += value
            else:
                before += value
        return total

    def score_text(self, text: str) -> float:
        """Raw (unsquashed) sentiment sum of a text. A follow-up review appended after
        :data:`~promopilot.data.followups.MARKER` is the later opinion: it counts as what follows
        a contrast (1.5x), the review before it as what precedes one (0.5x)."""
        first, marker, later = text.partition(MARKER)
        if not marker:
            return self.score_tokens(self.tokens(text))
        return BEFORE_CONTRAST * self.score_tokens(
            self.tokens(first)
        ) + AFTER_CONTRAST * self.score_text(later)

    def score(self, texts: Iterable[Any]) -> np.ndarray:
        """Sentiment of each text in [-1, 1]; 0 where the text has no sentiment evidence."""
        values = _as_str_list(texts)
        raw = np.fromiter((self.score_text(t) for t in values), float, len(values))
        return raw / np.sqrt(raw**2 + SQUASH_ALPHA)

    def evidence(self, texts: Iterable[Any]) -> np.ndarray:
        """Whether each text contains at least one sentiment word."""
        values = _as_str_list(texts)
        tokenized = map(self.tokens, values)
        found = [any(self._word_value(tok, i) for i in range(len(tok))) for tok in tokenized]
        return np.array(found, dtype=bool)


def squash(raw: float) -> float:
    """The map from a raw sentiment sum to (-1, 1) used by :meth:`Lexicon.score`."""
    return raw / math.sqrt(raw * raw + SQUASH_ALPHA)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped Chinese + English lexicon (loaded once)."""
    folder = resources.files("promopilot.text").joinpath("lexicon_data")
    texts = [folder.joinpath(name).read_text(encoding="utf-8") for name in ("zh.txt", "en.txt")]
    return Lexicon.from_text(*texts)
