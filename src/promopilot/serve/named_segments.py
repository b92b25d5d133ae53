"""The segments page's named segments: the latest the profile kept in the store
(:mod:`promopilot.data.queries.segments`), each with its name and description in the page's
language, its size and share, and the date of the profile that found them."""

from __future__ import annotations

import pandas as pd

from promopilot.data.queries.segments import latest_segments
from promopilot.data.store import Store


def named_segments(store: Store, text: dict, as_of: pd.Timestamp) -> dict:
    """The latest kept named segments for the page (``named``: rows of name, description,
    customers and share, largest first), their profile's date and when it ran in the shop's
    time, and a note where the store's data now go beyond that date (`as_of`: the page's
    date); no rows where none is kept yet (the page then says to run ``promopilot profile``)."""
    kept = latest_segments(store)
    if kept.empty:
        return {"named": []}
    chinese = text["language"] == "zh"

    def said(english, chinese_text) -> str:  # a Chinese form missing: the English one
        text = chinese_text if chinese and isinstance(chinese_text, str) else english
        return text if isinstance(text, str) else ""  # NULL: nothing, never "nan"

    rows = [
        {
            "name": said(row.segment, row.segment_zh),
            "description": said(row.description, row.description_zh),
            "customers": int(row.customers),
            "share": float(row.share),
        }
        for row in kept.itertuples()
    ]
    profiled = pd.Timestamp(kept["as_of"].iloc[0])
    profiled_text = store.local_text(profiled)
    return {
        "named": rows,
        "named_as_of": profiled_text,
        "named_kept_at": store.local_text(kept["kept_at"].iloc[0]),
        "named_customers": sum(r["customers"] for r in rows),
        "named_older": text["named_older"].format(as_of=profiled_text, now=store.local_text(as_of))
        if profiled < pd.Timestamp(as_of)
        else "",
    }
