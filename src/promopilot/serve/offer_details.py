"""What an offer *is*, for ``/v1/customers/{id}/offer``: the offer's terms (kind, value,
min_spend, max_discount, category, valid_days) from the store's ``offers`` table, and per
planned customer the date it expires and the coupon code ``promopilot send`` issued. All of
it is read once when the serving state is built (at start and on every reload), never per
request.

Expiry: a customer whose coupon was sent gets the date of the coupon import file (the send day
plus the offer's ``valid_days``, or the plan's ``expires_at`` when later:
:func:`promopilot.campaigns.delivery.validity_from_send`); another planned customer the plan's
``expires_at``; a live decision none (its offer's ``valid_days`` says how long it lasts).
"""

from __future__ import annotations

import pandas as pd

from promopilot.campaigns.delivery import validity_from_send
from promopilot.data.queries import serve as queries
from promopilot.data.store import Store

UNISSUED = {"expires_at": None, "coupon_code": None}
# an offer the plan names that the offers table lacks: its id alone
UNKNOWN = (
    dict.fromkeys(("kind", "value", "min_spend", "max_discount", "category", "valid_days"), None)
    | UNISSUED
)


def _plain(value):
    """A stored value as JSON shows it: NaN as null, 14.0 days as 14."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def offer_terms(store: Store) -> dict[str, dict]:
    """``{offer_id: {"offer_id", "kind", "value", "min_spend", "max_discount", "category",
    "valid_days",
    "expires_at": None, "coupon_code": None}}`` for every offer of the shop (a handful)."""
    terms = {}
    for row in queries.offer_terms(store).to_dict("records"):
        offer_id = str(row["offer_id"])
        terms[offer_id] = {
            "offer_id": offer_id,
            "kind": row["kind"],
            "value": None if pd.isna(row["value"]) else float(row["value"]),
            "min_spend": None if pd.isna(row["min_spend"]) else float(row["min_spend"]),
            "max_discount": None if pd.isna(row["max_discount"]) else float(row["max_discount"]),
            "category": _plain(row["category"]),
            "valid_days": _plain(row["valid_days"]),
            **UNISSUED,
        }
    return terms


def plan_offers(
    store: Store, plan: pd.DataFrame, campaign_id: str, terms: dict[str, dict]
) -> dict[str, dict]:
    """``{customer_id: offer}`` for every planned customer whose offer has an expiry or a
    coupon code: the plan's ``expires_at``, or where ``promopilot send`` logged a code for that
    offer in this campaign, the code and the coupon's own expiry (counted from the day it was
    sent, as in the coupon import file)."""
    offer_ids = plan["offer_id"].astype(str).str.strip()
    offered = plan.loc[offer_ids != ""]
    rows = pd.DataFrame(
        {
            "customer_id": offered["customer_id"].astype(str),
            "offer_id": offer_ids[offer_ids != ""],
            "expires_at": (
                offered["expires_at"].fillna("").astype(str).str.strip()
                if "expires_at" in offered
                else ""
            ),
        }
    )
    sent = queries.campaign_coupons(store, campaign_id)
    sent = sent.assign(customer_id=sent["customer_id"].astype(str)).drop_duplicates("customer_id")
    rows = rows.merge(sent, on=["customer_id", "offer_id"], how="left", validate="many_to_one")
    coded = rows["coupon_code"].notna()
    if coded.any():
        offers = queries.offer_terms(store)
        for sent_at, part in rows[coded].groupby("sent_at"):  # one send time per campaign
            rows.loc[part.index, "expires_at"] = validity_from_send(
                part,
                offers,
                store.local_time(sent_at),  # the shop's day of the send
            )
    rows = rows[coded | (rows["expires_at"] != "")]
    return {
        customer: {
            **describe(terms, {}, customer, offer),
            "expires_at": expires or None,
            "coupon_code": code if isinstance(code, str) else None,
        }
        for customer, offer, expires, code in zip(
            rows["customer_id"],
            rows["offer_id"],
            rows["expires_at"],
            rows["coupon_code"],
            strict=True,
        )
    }


def describe(
    terms: dict[str, dict], planned: dict[str, dict], customer_id: str, offer_id: str | None
) -> dict | None:
    """The ``offer`` of an answer (two dictionary look-ups, nothing built per request): the
    customer's own (with expiry and code) when it is this offer, else the offer's terms; None
    when nothing is offered."""
    if offer_id is None:
        return None
    own = planned.get(customer_id)
    if own is not None and own["offer_id"] == offer_id:
        return own
    return terms.get(offer_id) or {"offer_id": offer_id, **UNKNOWN}
