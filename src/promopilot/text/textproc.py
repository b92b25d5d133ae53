"""Bilingual (Chinese/English) text handling for review models.

Texts are cut into runs of one script: runs of CJK characters go through jieba, runs of Latin
letters are split into lower-case words (contractions kept whole: ``don't``), and punctuation
becomes clause and sentence break markers. A review that mixes both languages is handled run by
run, so "质量很好 but shipping was slow" gives Chinese and English tokens side by side.

jieba is imported and initialised lazily, on the first Chinese text, never at import of
promopilot. Its dictionary cache is written to a per-user folder under the system temp folder
(``$TMPDIR/promopilot-jieba-<uid>``) and its log output is silenced.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from promopilot.exceptions import InputError

# CJK Unified Ideographs, extension A and compatibility ideographs.
_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
_LATIN_CHAR = re.compile("[A-Za-z]")

#: Marker token that ends a clause (comma-like punctuation).
CLAUSE_BREAK = "<c>"
#: Marker token that ends a sentence (full stop, ! ? or a new line).
SENTENCE_BREAK = "<s>"
BREAKS = frozenset({CLAUSE_BREAK, SENTENCE_BREAK})

_TOKEN_RE = re.compile(
    r"(?P<emoticon>(?<![A-Za-z0-9])(?:[:;=][\-']?[()DPp]|<3)(?![A-Za-z0-9]))"
    rf"|(?P<cjk>[{_CJK_CLASS}]+)"
    r"|(?P<word>[A-Za-z0-9]+(?:[-'][A-Za-z]+)*\+?)"
    r"|(?P<sentence>[.!?。！？\n\r]+)"
    r"|(?P<clause>[,;:，；：、…~～()（）\[\]【】\"“”]+)"
    r"|(?P<emoji>[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\uff07": "'", "\u00b4": "'"})
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}  # ＡＢＣ１２３ -> ABC123
# keep full-width CJK punctuation as is: it is matched directly by the patterns above
for _keep in "，。！？；：（）～":
    _FULLWIDTH.pop(ord(_keep), None)

_JIEBA_LOCK = threading.Lock()
_JIEBA: Any = None


def jieba_cache_dir() -> str:
    """Folder where jieba's dictionary cache is written (created on demand)."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return os.path.join(tempfile.gettempdir(), f"promopilot-jieba-{uid}")


def _jieba() -> Any:
    """The initialised jieba default tokenizer, set up on first use."""
    global _JIEBA
    if _JIEBA is None:
        with _JIEBA_LOCK:
            if _JIEBA is None:
                with warnings.catch_warnings():  # jieba 0.42 has invalid escapes in regexes
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.simplefilter("ignore", SyntaxWarning)
                    # imported on first use, not at the top: jieba is slow to import and
                    # warns while it does, and most commands never tokenize Chinese
                    import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                cache_dir = jieba_cache_dir()
                os.makedirs(cache_dir, exist_ok=True)
                tokenizer = jieba.dt
                tokenizer.tmp_dir = cache_dir
                tokenizer.cache_file = "jieba.cache"
                tokenizer.initialize()
                _JIEBA = tokenizer
    return _JIEBA


def _as_str_list(texts: Iterable[Any]) -> list[str]:
    """`texts` as a list of strings (a missing value is ``""``); one string, or anything else
    that is no sequence of texts, is an :class:`InputError` naming ``texts``."""
    try:
        if isinstance(texts, (str, bytes)):
            raise TypeError
        items = iter(texts)
    except TypeError:  # one string, None, a number, a 0-d array
        raise InputError(
            f"texts is a {type(texts).__name__}: expected a list of strings, one per text "
            "([text] for one)"
        ) from None
    out = []
    for text in items:
        if text is None or (isinstance(text, float) and np.isnan(text)):
            out.append("")
        else:
            out.append(str(text))
    return out


def cjk_share(texts: Iterable[Any]) -> np.ndarray:
    """Share of CJK characters among the letters (CJK characters plus Latin letters) of each text.

    Digits, punctuation and spaces are not counted. A text without letters has share 0.

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    ndarray of float in [0, 1], one per text.
    """
    values = _as_str_list(texts)
    share = np.zeros(len(values))
    for i, text in enumerate(values):
        n_cjk = len(_CJK_CHAR.findall(text))
        n_latin = len(_LATIN_CHAR.findall(text))
        if n_cjk + n_latin:
            share[i] = n_cjk / (n_cjk + n_latin)
    return share


def detect_language(texts: Iterable[Any], *, zh_threshold: float = 0.25) -> np.ndarray:
    """Language of each text from its CJK character share: ``"zh"`` or ``"en"``.

    A text is ``"zh"`` when at least ``zh_threshold`` of its letters are CJK characters. The
    default 0.25 reflects that one Chinese character carries about as much as three or four Latin
    letters, so "质量很好 but slow" (4 of 11 letters) counts as Chinese. Texts without letters are
    ``"en"``.
    """
    share = cjk_share(texts)
    return np.where(share >= zh_threshold, "zh", "en")


def normalize(text: str) -> str:
    """Full-width ASCII to half-width, typographic apostrophes to ``'``, lower case."""
    return text.translate(_FULLWIDTH).translate(_APOSTROPHES).lower()


def raw_tokens(text: str) -> list[str]:
    """Tokens of one text, with :data:`CLAUSE_BREAK` / :data:`SENTENCE_BREAK` markers.

    CJK runs are segmented by jieba (dictionary only, no HMM new-word guessing, so results are
    the same on every machine); Latin words are lower-cased.
    """
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(normalize(text)):
        kind = match.lastgroup
        piece = match.group()
        if kind == "cjk":
            tokens.extend(_jieba().lcut(piece, HMM=False))
        elif kind == "sentence":
            if tokens and tokens[-1] in BREAKS:
                tokens[-1] = SENTENCE_BREAK
            elif tokens:
                tokens.append(SENTENCE_BREAK)
        elif kind == "clause":
            if tokens and tokens[-1] not in BREAKS:
                tokens.append(CLAUSE_BREAK)
        else:  # word, emoticon, emoji
            tokens.append(piece.rstrip("\ufe0f") if kind == "emoji" else piece)
    while tokens and tokens[-1] in BREAKS:
        tokens.pop()
    return tokens


def is_cjk(token: str) -> bool:
    """Whether a token starts with a CJK character."""
    return bool(token) and _CJK_CHAR.match(token) is not None


def word_ngrams(tokens: Sequence[str], n_max: int = 2) -> list[str]:
    """Unigrams and n-grams up to ``n_max`` that do not cross a clause or sentence break."""
    grams: list[str] = []
    clause: list[str] = []
    for token in [*tokens, SENTENCE_BREAK]:
        if token in BREAKS:
            grams.extend(clause)
            for n in range(2, n_max + 1):
                grams.extend(" ".join(clause[i : i + n]) for i in range(len(clause) - n + 1))
            clause = []
        else:
            clause.append(token)
    return grams
