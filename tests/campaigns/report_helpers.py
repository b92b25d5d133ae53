"""A small logged plan (targeted offers, a held-out control group, customers left alone and
exploration sends) with its outcomes, for the campaign report's HTML tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.data.ingest import ingest
from promopilot.data.store import Store

# (group, offer, customers, propensity, chance to buy in the window)
PLAN = [
    ("target", "pct10", 200, 0.85, 0.30),
    ("target", "ship", 80, 0.85, 0.35),
    ("target", "tiny", 1, 0.85, 0.5),
    ("explore", "pct10", 8, 0.0125, 0.3),
    ("explore", "ship", 8, 0.0125, 0.3),
    ("explore", "beauty", 8, 0.0125, 0.3),
    ("control", "", 100, 0.10, 0.15),
    ("none", "", 200, 0.95, 0.45),  # the plan left its best customers alone
]


def plan_store(tmp_path: Path, campaign_id: str = "plan", *, reviews: bool = False) -> Store:
    """The plan's shop; with `reviews`, one review written before the campaign (the shop
    records reviews, though none of the campaign's buyers wrote one in its review window)."""
    rng = np.random.default_rng(11)
    folder = tmp_path / "shop"
    folder.mkdir()
    pd.DataFrame({"product_id": ["p"], "price": [40.0], "cost": [20.0]}).to_csv(
        folder / "products.csv", index=False
    )
    pd.DataFrame(
        {
            "offer_id": ["pct10", "ship", "tiny", "beauty"],
            "kind": ["percent_off", "free_shipping", "amount_off", "percent_off"],
            "value": [0.1, 5.0, 20.0, 0.15],
            "min_spend": [0.0, 0.0, 150.0, 0.0],
            "send_cost": [0.1, 0.1, 0.1, 0.1],
        }
    ).to_csv(folder / "offers.csv", index=False)
    exposures, orders = [], []
    i = 0
    for group, offer, n, propensity, chance in PLAN:
        for _ in range(n):
            customer = f"c{i:04d}"
            sent = "2026-03-01T10:00:00"
            exposures.append((campaign_id, customer, offer, sent, propensity, group))
            if i % 10 >= 8:  # a repeat buyer: three orders before, one in the pre-period
                for k, day in enumerate(("2025-12-01", "2026-01-10", "2026-02-20")):
                    orders.append((f"b{i}-{k}", day, customer, 40.0, 0.0))
            if rng.random() < chance:
                day = int(rng.integers(0, 14))
                discount = 4.0 if offer == "pct10" else 0.0
                orders.append((f"o{i}", f"2026-03-{2 + day:02d}", customer, 40.0, discount))
            i += 1
    pd.DataFrame(
        exposures,
        columns=["campaign_id", "customer_id", "offer_id", "sent_at", "propensity", "group"],
    ).to_csv(folder / "campaigns.csv", index=False)
    frame = pd.DataFrame(
        orders, columns=["order_id", "timestamp", "customer_id", "unit_price", "discount"]
    )
    frame.assign(product_id="p", quantity=1).to_csv(folder / "orders.csv", index=False)
    if reviews:
        (folder / "reviews.csv").write_text(
            "customer_id,product_id,text,rating,timestamp\nc0008,p,Good value,4,2025-12-05\n"
        )
    store = Store(":memory:")
    ingest(store, folder)
    return store


def report_page(
    tmp_path: Path, campaign_id: str = "plan", *, reviews: bool = True
) -> tuple[dict, str]:
    """The measurement of the plan's campaign and its HTML report's text (its shop records
    reviews unless `reviews` is False: then neither returns nor reviews)."""
    from promopilot.report.campaign import report_campaign

    store = plan_store(tmp_path, campaign_id, reviews=reviews)
    path = tmp_path / "report.html"
    result = report_campaign(store, campaign_id, path, window_days=14, confidence=0.9)
    return result, path.read_text(encoding="utf-8")
