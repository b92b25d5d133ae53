"""SQL for delivering a campaign: the exposure log, unsubscribes, contacts and deliveries.

The exposure log is the ``campaigns`` table: one row per customer of a plan (target, control
and explore), written once, before anything is sent, and never updated. What happened to each
message lives apart, in ``deliveries`` (one row per campaign, customer and channel, replaced as
the message moves from ``deferred`` to ``sent``).

Contact data is read here only by :func:`contacts_for`, for the customers about to be messaged.
"""

from __future__ import annotations

import pandas as pd

from promopilot.data.contact_ids import masked_in_text
from promopilot.data.forgotten import FORGOTTEN
from promopilot.data.queries.measure import same_code
from promopilot.data.store import Store

EXPOSURE_COLUMNS = (
    "campaign_id",
    "customer_id",
    "offer_id",
    "sent_at",
    "channel",
    "propensity",
    "group",
    "coupon_code",
)
LIVE_CHANNEL = "api"  # the channel of the decisions `promopilot serve` logs
# deliveries.status values after which a message is never sent again
FINAL_STATUSES = ("sent", "exported", "failed")
DELIVERED_STATUSES = ("sent", "exported")


def _ids(customer_ids) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(list(customer_ids), dtype=object).astype(str)})


def campaign_exposures(store: Store, campaign_id: str) -> pd.DataFrame:
    """The logged exposures of one campaign (every group), in customer order."""
    cols = ", ".join(f'"{c}"' for c in EXPOSURE_COLUMNS)
    return store.query(
        f"SELECT {cols} FROM campaigns WHERE campaign_id = ? ORDER BY customer_id", [campaign_id]
    )


def insert_exposures(store: Store, exposures: pd.DataFrame) -> int:
    """Append exposure rows (columns :data:`EXPOSURE_COLUMNS`); rows of a forgotten customer
    are never written. Returns the rows inserted."""
    cols = ", ".join(f'"{c}"' for c in EXPOSURE_COLUMNS)
    with store.frame("delivery_new_exposures", exposures[list(EXPOSURE_COLUMNS)]):
        return int(
            store.scalar(
                f"INSERT INTO campaigns ({cols}) SELECT campaign_id, customer_id, "
                "NULLIF(offer_id, ''), CAST(sent_at AS TIMESTAMP), channel, propensity, \"group\", "
                "NULLIF(coupon_code, '') FROM delivery_new_exposures WHERE NOT "
                + FORGOTTEN.format("CAST(customer_id AS VARCHAR)")
            )
        )


def fill_codes(store: Store, campaign_id: str, codes: pd.DataFrame) -> int:
    """Give logged exposures of `campaign_id` that have no code yet their coupon code
    (`codes`: customer_id, coupon_code): the plan's customers `promopilot serve` answered before
    the plan was sent. Nothing else of a row changes. Returns the rows given a code."""
    with store.frame("delivery_fill_codes", codes[["customer_id", "coupon_code"]]):
        return int(
            store.scalar(
                "UPDATE campaigns SET coupon_code = f.coupon_code FROM delivery_fill_codes f "
                "WHERE campaigns.campaign_id = ? AND campaigns.customer_id = f.customer_id "
                "AND NULLIF(campaigns.coupon_code, '') IS NULL",
                [campaign_id],
            )
            or 0
        )


def known_codes(store: Store) -> set[str]:
    """Every coupon code already handed out or seen in an order, upper case without spaces (new
    codes must differ from each as the shop platform compares codes)."""
    frame = store.query(
        f"SELECT {same_code('coupon_code')} AS coupon_code FROM campaigns "
        "WHERE coupon_code IS NOT NULL UNION "
        f"SELECT {same_code('coupon_code')} FROM orders WHERE coupon_code IS NOT NULL"
    )
    return set(frame["coupon_code"].astype(str))


def known_offers(store: Store) -> pd.DataFrame:
    """The offers table (terms of every offer)."""
    return store.query(
        "SELECT offer_id, kind, value, min_spend, category, send_cost, valid_days, "
        "max_discount FROM offers"
    )


def products_by_id(store: Store, product_ids) -> pd.DataFrame:
    """Title and price of the given products."""
    with store.frame("delivery_product_ids", pd.DataFrame({"product_id": list(product_ids)})):
        return store.query(
            "SELECT p.product_id, p.title, p.price FROM products p "
            "WHERE p.product_id IN (SELECT CAST(product_id AS VARCHAR) FROM delivery_product_ids)"
        )


def product_titles_sample(store: Store, limit: int = 500) -> pd.Series:
    """Up to `limit` product titles: what language the shop writes in."""
    frame = store.query(f"SELECT title FROM products WHERE title IS NOT NULL LIMIT {int(limit)}")
    return frame["title"]


def review_texts(store: Store, customer_ids) -> pd.DataFrame:
    """customer_id, text of every review written by the given customers."""
    with store.frame("delivery_review_ids", _ids(customer_ids)):
        return store.query(
            "SELECT customer_id, text FROM reviews WHERE customer_id IN "
            "(SELECT customer_id FROM delivery_review_ids) AND text IS NOT NULL"
        )


def customer_regions(store: Store, customer_ids) -> pd.DataFrame:
    """customer_id, region of the given customers (region text hints at their language)."""
    with store.frame("delivery_region_ids", _ids(customer_ids)):
        return store.query(
            "SELECT customer_id, region FROM customers WHERE customer_id IN "
            "(SELECT customer_id FROM delivery_region_ids) AND region IS NOT NULL"
        )


def unsubscribed(store: Store, customer_ids, channel: str) -> set[str]:
    """Those of the given customers who asked not to get messages on `channel` (or on any
    channel: an empty or ``all`` channel). An unsubscribe holds whatever its date."""
    with store.frame("delivery_unsub_ids", _ids(customer_ids)):
        frame = store.query(
            "SELECT DISTINCT customer_id FROM unsubscribes WHERE customer_id IN "
            "(SELECT customer_id FROM delivery_unsub_ids) AND (channel IS NULL OR "
            "lower(trim(channel)) IN ('', 'all', '*', lower(?)))",
            [channel],
        )
    return set(frame["customer_id"].astype(str))


def contacts_for(store: Store, customer_ids, field: str) -> pd.DataFrame:
    """customer_id, address (the `field`: ``email`` or ``phone``) and name of the given
    customers who have that address. One masked by a platform's export (``138****0001``,
    ``b***@qq.com``) is none: a message to it could only bounce. Contact data: keep it in
    memory, never write it out."""
    if field not in ("email", "phone"):
        raise ValueError(f"unknown contact field {field!r}")
    with store.frame("delivery_contact_ids", _ids(customer_ids)):
        return store.query(
            f"SELECT customer_id, {field} AS address, name FROM contacts WHERE customer_id IN "
            f"(SELECT customer_id FROM delivery_contact_ids) AND nullif(trim({field}), '') "
            f"IS NOT NULL AND NOT contains({field}, '*')"
        )


def delivery_status(store: Store, campaign_id: str) -> pd.DataFrame:
    """customer_id, channel, status, attempts, delivered_at, error of one campaign's messages.

    A customer of the campaign without a row here was never sent anything (control, or no
    offer, or not attempted yet). ``status`` in :data:`DELIVERED_STATUSES` means the message
    left promopilot."""
    return store.query(
        "SELECT customer_id, channel, status, attempts, delivered_at, error FROM deliveries "
        "WHERE campaign_id = ? ORDER BY customer_id",
        [campaign_id],
    )


def exposure_log(store: Store, campaign_id: str) -> pd.DataFrame:
    """The campaign's logged exposures with what happened to each: ``delivery_status`` (NULL:
    never attempted, e.g. control) and ``delivered`` (the message left promopilot on the
    campaign's channel; for a customer `serve` answered first, on the send's). For
    measurement, compare groups as assigned (every row), not only the delivered ones."""
    cols = ", ".join(f'c."{c}"' for c in EXPOSURE_COLUMNS)
    done = ", ".join(f"'{s}'" for s in DELIVERED_STATUSES)
    return store.query(
        f"SELECT {cols}, d.status AS delivery_status, coalesce(d.status IN ({done}), false) "
        "AS delivered FROM campaigns c LEFT JOIN deliveries d ON d.campaign_id = c.campaign_id "
        "AND d.customer_id = c.customer_id AND (d.channel IS NOT DISTINCT FROM c.channel "
        # a plan customer `serve` answered before the plan was sent: messaged on the send's
        "OR c.channel = ?) WHERE c.campaign_id = ? ORDER BY c.customer_id",
        [LIVE_CHANNEL, campaign_id],
    )


def record_deliveries(store: Store, campaign_id: str, rows: pd.DataFrame) -> None:
    """Write (replace) delivery rows: columns customer_id, channel, status, attempts,
    delivered_at, error. One transaction: the rows are all written or none. A forgotten
    customer's row is never written. An e-mail address or phone number in an error (a mail
    server's ``550 <ann@example.com>: mailbox unavailable``) is kept masked
    (:func:`~promopilot.data.contact_ids.masked_in_text`)."""
    if "error" in rows:
        rows = rows.assign(
            error=[masked_in_text(e) if isinstance(e, str) else e for e in rows["error"]]
        )
    with store.transaction(), store.frame("delivery_rows", rows):
        store.execute(
            "DELETE FROM deliveries WHERE campaign_id = ? AND (customer_id, channel) IN "
            "(SELECT (customer_id, channel) FROM delivery_rows)",
            [campaign_id],
        )
        store.execute(
            "INSERT INTO deliveries SELECT ?, customer_id, channel, status, "
            "CAST(attempts AS INTEGER), CAST(delivered_at AS TIMESTAMP), error FROM delivery_rows "
            "WHERE NOT " + FORGOTTEN.format("CAST(customer_id AS VARCHAR)"),
            [campaign_id],
        )
