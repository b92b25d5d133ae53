"""SQL for past campaigns as training data: who got which arm when, and what they bought in
the campaign window afterwards.

An outcome order is an order line (not a return) placed in ``[sent_at, sent_at + window)``;
revenue = quantity x unit_price - discount.
"""

from __future__ import annotations

import pandas as pd

from promopilot.data.queries import settled
from promopilot.data.store import Store


def sent_nothing(alias: str = "") -> str:
    """SQL: the ``campaigns`` row (of table `alias`, where given) gave its customer no offer (a
    control customer, or one left out)."""
    at = f"{alias}." if alias else ""
    return f"NULLIF(trim({at}offer_id), '') IS NULL"


def never_offered(alias: str = "") -> str:
    """SQL, per ``campaigns`` row (of table `alias`, where given), for a SELECT over every row
    of its campaign (a window over the campaign): a customer promopilot logged in group
    ``none`` who got nothing for certain (propensity 1) in a campaign that sent offers, such as
    one a designed test left out before it was drawn (its expected discount above the cap per
    customer). No offer could reach them: counted among those who got nothing they would set
    the offers against customers unlike any who got one, so they are no control customers. The
    one statement of the rule: the report (``exposure_outcomes``), the training data of past
    campaigns (``campaign_exposures``) and the dashboard's list of campaigns all read it."""
    at = f"{alias}." if alias else ""
    nothing = sent_nothing(alias)
    return (
        f"(coalesce({at}\"group\", '') = 'none' AND {nothing} "
        f"AND coalesce({at}propensity >= 1 - 1e-9, false) "
        f"AND bool_or(NOT ({nothing})) OVER (PARTITION BY {at}campaign_id))"
    )


def campaign_exposures(store: Store, *, control: str) -> pd.DataFrame:
    """The campaigns table with rows that sent nothing labelled `control` (column ``arm``),
    one send date per campaign (``campaign_start``, its first ``sent_at``), whether
    promopilot logged the row (``logged``: it has a ``group``, written by ``send`` and
    ``serve``; a past campaign from ``campaigns.csv`` has none), that ``group`` (NULL
    where none) and whether no offer could reach the customer (``never_offered``:
    :func:`never_offered`), sorted by campaign and customer."""
    return store.query(
        f"""
        SELECT campaign_id, customer_id,
               coalesce(NULLIF(trim(offer_id), ''), $control) AS arm,
               sent_at, min(sent_at) OVER (PARTITION BY campaign_id) AS campaign_start,
               propensity, "group" IS NOT NULL AS logged, "group",
               {never_offered()} AS never_offered
        FROM campaigns ORDER BY campaign_id, customer_id
        """,
        {"control": control},
    )


def campaign_send_dates(store: Store) -> list[pd.Timestamp]:
    """Each campaign's send date (its first ``sent_at``, :func:`campaign_exposures`'
    ``campaign_start``), the earliest first: the dates past campaigns' features are built
    for."""
    starts = store.query(
        "SELECT DISTINCT start FROM (SELECT min(sent_at) AS start FROM campaigns "
        "GROUP BY campaign_id) WHERE start IS NOT NULL ORDER BY start"
    )["start"]
    return [pd.Timestamp(start) for start in starts]


def window_outcomes(store: Store, *, window_days: int) -> pd.DataFrame:
    """Per exposure (campaign_id, customer_id): ``bought`` (any order within `window_days`
    of sent_at), its net ``revenue`` and the ``discount`` given (0 when none)."""
    return settled(
        store.query(
            """
        SELECT c.campaign_id, c.customer_id,
               count(DISTINCT o.order_id) > 0 AS bought,
               coalesce(sum(o.quantity * o.unit_price - o.discount), 0) AS revenue,
               coalesce(sum(o.discount), 0) AS discount
        FROM campaigns c LEFT JOIN orders o
          ON o.customer_id = c.customer_id AND NOT o.is_return
         AND o.timestamp >= c.sent_at
         AND o.timestamp < c.sent_at + to_days(CAST($days AS INTEGER))
        GROUP BY ALL
        """,
            {"days": int(window_days)},
        )
    )
