"""A ``+`` or ``00`` international number in running text is masked exactly: not the digits of
an order number, a reference or a quantity after it, nor only part of it."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from promopilot.data.contact_ids import IN_TEXT, masked_in_text, stored_customer_id
from promopilot.data.review_text import masked_texts

# text, as masked (review texts, the quarantine: ***), as a message masks it
CASES = [
    (
        "+86 138 0013 8000 order 20251203",
        "*** order 20251203",
        "+86*******8000 order 20251203",
    ),
    ("+86 138 0013 8000 20251203", "*** 20251203", "+86*******8000 20251203"),
    ("+8613800138000 2025", "*** 2025", "+86*******8000 2025"),
    ("+86-138-0013-8000-1234", "***-1234", "+86*******8000-1234"),
    ("0086 138 0013 8000 20", "*** 20", "+86*******8000 20"),
    ("+1 555 123 4567 12", "*** 12", "+15*****4567 12"),
    ("001 (555) 123-4567 order 9", "*** order 9", "+15*****4567 order 9"),
    ("0044 20 7946 0958 ref 12345", "*** ref 12345", "+44******0958 ref 12345"),
    ("call +44 20 7946 0958 12345", "call *** 12345", "call +44******0958 12345"),
    ("订单20251203 电话+86 138 0013 8000 谢谢", "订单20251203 电话*** 谢谢", None),
    ("+86 138 0013 8000 +1 555 123 4567", "*** ***", "+86*******8000 +15*****4567"),
]


@pytest.mark.parametrize(("text", "starred", "shown"), CASES)
def test_an_international_number_in_text_is_masked_exactly(text, starred, shown):
    assert re.sub(IN_TEXT, "***", text) == starred  # the quarantine's and logs' scanner
    assert masked_texts(pd.Series([text])).iat[0] == starred  # ingest's SQL, review texts
    if shown is not None:
        assert masked_in_text(text) == shown  # a delivery error, a message


def test_the_number_found_is_the_customer_it_names():
    """The access log writes a number in a path as its customer's hash: the number's own."""
    found = re.search(IN_TEXT, "+86 138 0013 8000 20251203")
    assert found is not None
    assert stored_customer_id(found.group(0)) == stored_customer_id("+8613800138000")
