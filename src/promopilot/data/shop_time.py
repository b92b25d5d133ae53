"""The shop's time: stored timestamps are UTC, what people read and type is the shop's
wall-clock time (its `timezone`). :class:`ShopTime` gives :class:`~promopilot.data.store.Store`
its methods that convert between the two; :func:`local_time` and :func:`local_text` convert
without a store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from promopilot.data.sql import sql_str
from promopilot.exceptions import InputError

if TYPE_CHECKING:
    import duckdb

# the shop's newest order or event more than this many days before today: the store is an
# old export (a replay, or orders not ingested for a month), and `plan` and `send` say so
OLD_DATA_DAYS = 30


class ShopTime:
    """The store's methods on time (a mixin of :class:`~promopilot.data.store.Store`, which
    gives `timezone`, `con` and `scalar`)."""

    timezone: str
    con: duckdb.DuckDBPyConnection
    scalar: Callable[..., Any]

    def date_range(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last timestamp seen in orders and events."""
        row = self.con.execute(
            "SELECT min(t), max(t) FROM (SELECT min(timestamp) t FROM orders UNION ALL "
            "SELECT max(timestamp) FROM orders UNION ALL SELECT min(timestamp) FROM events "
            "UNION ALL SELECT max(timestamp) FROM events)"
        ).fetchall()[0]
        return (pd.Timestamp(row[0]) if row[0] else None, pd.Timestamp(row[1]) if row[1] else None)

    def local_time(self, ts: Any) -> pd.Timestamp | None:
        """A stored (UTC) timestamp as the shop's wall-clock time (:func:`local_time`)."""
        return local_time(ts, self.timezone)

    def local_text(self, ts: Any, *, to: str = "minute") -> str | None:
        """A stored (UTC) timestamp as the shop's wall-clock text (:func:`local_text`)."""
        return local_text(ts, self.timezone, to=to)

    def local_sql(self, column: str) -> str:
        """SQL of a stored (UTC) timestamp `column` as the shop's wall-clock timestamp: what
        days, weeks and months shown to people are cut from (at the shop's midnight)."""
        if self.timezone == "UTC":
            return column
        return f"timezone({sql_str(self.timezone)}, timezone('UTC', {column}))"

    def utc_time(self, ts: Any, *, what: str = "time") -> pd.Timestamp:
        """A date or time a person gave (``--as-of``, ``--sent-at``) as the stored UTC instant:
        a naive time is the shop's wall-clock time, read as ingest reads naive times in files
        (a date is the shop's midnight); an aware time is converted as it is. Text that is
        not a date or time is an :class:`InputError` naming `what`."""
        try:
            when = pd.Timestamp(ts)
        except (TypeError, ValueError):
            when = pd.NaT
        if pd.isna(when):
            raise InputError(
                f"{what}: {ts!r} is not a date or time: expected ISO 8601, such as 2026-10-12 "
                "or 2026-10-12 09:30"
            )
        if when.tzinfo is not None:
            return when.tz_convert("UTC").tz_localize(None)
        if self.timezone == "UTC":
            return when
        # DuckDB's reading, the one ingest uses (the same hour on a daylight-saving change)
        stored = self.scalar(
            f"SELECT timezone('UTC', timezone({sql_str(self.timezone)}, ?::TIMESTAMP))",
            [when.to_pydatetime()],
        )
        return pd.Timestamp(stored)

    def shop_days(self, instant: pd.Timestamp, days: float) -> pd.Timestamp:
        """The stored (UTC) instant `days` of the shop's days after `instant` (before, when
        negative): the same wall-clock time in the shop's zone, so a window from the shop's
        midnight ends at its midnight. Across a daylight-saving change that is an hour more
        or less than ``days`` × 24 hours (a window counted in hours started at 23:00 or 01:00
        there)."""
        instant = pd.Timestamp(instant)
        if self.timezone == "UTC":
            return instant + pd.Timedelta(days=days)
        return self.utc_time(self.local_time(instant) + pd.Timedelta(days=days))

    def as_of(self, value: pd.Timestamp | str | None) -> pd.Timestamp:
        """The stored (UTC) instant of an "as of": None is :meth:`default_as_of`; text (what a
        person types, ``--as-of``) is read in the shop's zone by :meth:`utc_time`, a date being
        the shop's midnight; a timestamp is a stored instant already (naive: UTC)."""
        if value is None:
            return self.default_as_of()
        if isinstance(value, str):
            return self.utc_time(value, what="as of")
        when = pd.Timestamp(value)
        return when.tz_convert("UTC").tz_localize(None) if when.tzinfo is not None else when

    def default_as_of(self) -> pd.Timestamp:
        """The shop's midnight after the last dated order or event (the start of the shop's
        next day), as a stored (UTC) instant: what "now" is for this shop's data."""
        _, last = self.date_range()
        if last is None:
            raise InputError("the store has no dated orders or events")
        return self.utc_time(self.local_time(last).normalize() + pd.Timedelta(days=1))

    def data_age(self, now: pd.Timestamp | None = None) -> tuple[pd.Timestamp | None, int]:
        """The shop's newest order or event (a stored UTC instant; None when there is none)
        and how many of the shop's days it is before `now` (a stored instant; default: the
        current time), 0 for none. More than :data:`OLD_DATA_DAYS`: an old export."""
        _, last = self.date_range()
        if last is None:
            return None, 0
        now = utc_now() if now is None else pd.Timestamp(now)
        today, newest = self.local_time(now).normalize(), self.local_time(last).normalize()
        return last, max(int((today - newest).days), 0)

    def old_data_words(self, now: pd.Timestamp) -> str:
        """Empty unless the shop's newest order or event is more than :data:`OLD_DATA_DAYS`
        shop days before `now` (a stored instant); then the opening of the line that says so:
        "Old data: the shop's newest order or event is from DAY, N days before" (the caller
        says before what)."""
        newest, days = self.data_age(now)
        if newest is None or days <= OLD_DATA_DAYS:
            return ""
        return (
            f"Old data: the shop's newest order or event is from "
            f"{self.local_text(newest, to='day')}, {days:,} days before"
        )


def utc_now() -> pd.Timestamp:
    """The current time as a stored (UTC, naive) instant: "today" for :meth:`ShopTime.data_age`
    (one function, so a test can set the clock)."""
    return pd.Timestamp.now(tz="UTC").tz_localize(None)


def local_time(ts: Any, timezone: str) -> pd.Timestamp | None:
    """A stored (UTC) timestamp as wall-clock time in `timezone` (the shop's), for showing
    to people: every date or time a person sees goes through here (or :func:`local_text`, or
    :meth:`Store.local_sql` in SQL). An aware time is converted as it is; None or a missing
    value stays None.

    >>> local_time(pd.Timestamp("2026-10-11 16:15"), "Asia/Shanghai")
    Timestamp('2026-10-12 00:15:00')
    """
    if ts is None or (not isinstance(ts, str) and pd.isna(ts)):
        return None
    ts = pd.Timestamp(ts)
    if ts.tzinfo is not None:  # an aware time is already an instant: no UTC to assume
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.tz_localize("UTC").tz_convert(timezone).tz_localize(None)


def local_text(ts: Any, timezone: str, *, to: str = "minute") -> str | None:
    """A stored (UTC) timestamp as wall-clock text in `timezone`: ``to="day"`` the date,
    ``"second"`` the date and time to the second, ``"minute"`` the date and time to the
    minute, or the date alone at midnight there (an "as of" date that is a whole day).

    >>> local_text(pd.Timestamp("2026-10-12"), "America/Los_Angeles")  # the evening before
    '2026-10-11 17:00'
    >>> local_text(pd.Timestamp("2026-10-12 07:00"), "America/Los_Angeles")
    '2026-10-12'
    """
    formats = {"day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S"}
    if to not in formats:
        raise ValueError(f"to must be one of {', '.join(formats)}, got {to!r}")
    local = local_time(ts, timezone)
    if local is None:
        return None
    if to == "minute" and local == local.normalize():
        to = "day"
    return local.strftime(formats[to])
