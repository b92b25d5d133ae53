"""SMS length: one message is 160 GSM-7 septets, or 70 UCS-2 units when any character is
outside the GSM 03.38 alphabet (Chinese, emoji, ...).

The alphabet is the ``gsm0338`` codec's (3GPP TS 23.038 default table and its extension table):
a character of the extension table (``{ } [ ] ~ \\ | ^ €`` and form feed) takes two septets. In
UCS-2 a character outside the Basic Multilingual Plane (most emoji) takes two units.
"""

from __future__ import annotations

from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7_LIMIT = 160
UCS2_LIMIT = 70
GSM7 = "gsm7"
UCS2 = "ucs2"


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or 16-bit units (UCS-2)
    limit: int

    @property
    def fits(self) -> bool:
        return self.units <= self.limit


def sms_length(text: str) -> SmsLength:
    """How a text is encoded in one SMS and how much of the message it uses.

    Examples
    --------
    >>> sms_length("Hi {you}")
    SmsLength(encoding='gsm7', units=10, limit=160)
    >>> sms_length("满150减20")
    SmsLength(encoding='ucs2', units=7, limit=70)
    """
    try:
        septets = len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        units = len(text.encode("utf-16-le")) // 2
        return SmsLength(UCS2, units, UCS2_LIMIT)
    return SmsLength(GSM7, septets, GSM7_LIMIT)


def fit_sms(before: str, products: str, after: str, *, ellipsis: str = "...") -> str:
    """``before + products + after`` cut to one SMS by shortening only `products`.

    The fixed parts (which hold the coupon code) are never cut: if they alone do not fit,
    ``ValueError`` says by how much. A cut product text ends in `ellipsis`.
    """
    fixed = sms_length(before + after)
    if not fixed.fits:
        raise ValueError(
            f"the SMS without products is {fixed.units} {fixed.encoding} units, over the "
            f"{fixed.limit} of one message: shorten the SMS template or the shop name"
        )
    if sms_length(before + products + after).fits:
        return before + products + after

    def fits(k: int) -> bool:
        part = products[:k].rstrip() + ellipsis if k else ""
        return sms_length(before + part + after).fits

    # fits(k) is monotone: a longer prefix has more units and is GSM-7 less often
    low, high = 0, len(products)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    # cut from what fits() measured: the prefix without its trailing white space (an em space
    # left on would be one unit more than measured)
    part = _cut_at_a_word(products[:low].rstrip()) + ellipsis if low else ""
    return before + part + after


def _cut_at_a_word(cut: str) -> str:
    """A cut product text ends where a word, a product or the label ends: at its last space
    or list separator (``、``, ``,`` then a space). A price follows its title after a space, so
    it is dropped whole, never cut to ``¥1,`` (which reads as one yuan). A prefix without a
    boundary (one long title) is kept as cut."""
    ends = [cut.rfind(" "), cut.rfind("、"), cut.rfind("\u3000")]
    end = max(ends)
    return (cut[:end] if end > 0 else cut).rstrip(" 、,，\u3000")
