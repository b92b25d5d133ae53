"""Coupon codes: unique and unguessable, from the operating system's secure random source.

A code is ``prefix`` + `length` symbols from a 32-letter alphabet without look-alikes
(no 0/O, 1/I): 5 random bits per symbol, so the default 10 symbols hold 50 bits. Each symbol
comes from one byte of :func:`secrets.token_bytes` taken modulo 32, which is exactly uniform
because 32 divides 256. Codes are never derived from a counter, a customer id or a seed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import numpy as np
import pandas as pd

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SYMBOLS = np.array(list(CODE_ALPHABET), dtype="<U1")


def random_codes(n: int, *, length: int = 10, prefix: str = "") -> np.ndarray:
    """`n` random codes (not yet checked for uniqueness)."""
    if n <= 0:
        return np.array([], dtype=object)
    raw = np.frombuffer(secrets.token_bytes(n * length), dtype=np.uint8) % len(CODE_ALPHABET)
    symbols = _SYMBOLS[raw].reshape(n, length)
    joined = symbols.view(f"<U{length}").ravel()
    return np.char.add(prefix, joined).astype(object)


def new_codes(
    n: int, *, length: int = 10, prefix: str = "", taken: Iterable[str] = ()
) -> np.ndarray:
    """`n` codes, unique among themselves and unlike every code in `taken`.

    Examples
    --------
    >>> codes = new_codes(3, length=10, prefix="PP")
    >>> len(set(codes)), all(len(c) == 12 and c.startswith("PP") for c in codes)
    (3, True)
    """
    if length < 8:
        raise ValueError(f"codes shorter than 8 symbols are guessable; got length {length}")
    used = {"".join(str(code).split()).upper() for code in taken}  # as platforms compare
    codes = random_codes(n, length=length, prefix=prefix)
    for _ in range(100):  # collisions are astronomically rare at 40+ bits: redraw just those
        drawn = pd.Series(codes).str.upper()
        clash = (drawn.duplicated() | drawn.isin(used)).to_numpy()
        if not clash.any():
            return codes
        codes[clash] = random_codes(int(clash.sum()), length=length, prefix=prefix)
    raise RuntimeError("could not draw unique coupon codes: is the code length too short?")
