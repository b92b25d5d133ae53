"""The plan date on an old export: one line saying that the shop's newest order or event is
long before today, and what date the plan describes its customers at."""

from __future__ import annotations

import pandas as pd

from promopilot.data import shop_time
from promopilot.data.store import Store


def old_data_note(store: Store, as_of: pd.Timestamp, now: pd.Timestamp | None = None) -> str:
    """Empty unless the newest order or event is more than ``OLD_DATA_DAYS`` (30) shop days
    before `now` (default: the current time); then one line naming that day, how long ago it
    is, the plan date (`as_of`, a stored instant) the features are computed at, and the
    options that choose the plan's and the send's dates (UCI Online Retail, whose orders end
    on 2011-12-09, planned in 2026: features as of 2011-12-10, a campaign logged in 2026)."""
    now = shop_time.utc_now() if now is None else now
    opening = store.old_data_words(now)
    if not opening:
        return ""
    return (
        f"{opening} today ({store.local_text(now, to='day')}); this plan describes its "
        f"customers as of {store.local_text(as_of)} (choose the date with --as-of), and send "
        "logs the campaign as sent when it runs unless given --sent-at."
    )
