"""A stand-in for `promopilot.campaigns.measure` (built in another branch) with the report
shape of issue 13, computed from the store so different campaigns give different numbers."""

from __future__ import annotations

import types

from promopilot.exceptions import UnknownIdError


def _interval(estimate: float, half: float) -> dict:
    return {"estimate": estimate, "low": estimate - half, "high": estimate + half, "p_value": 0.2}


def measure_campaign(store, campaign_id, *, window_days=None, confidence=0.95):
    rows = store.query(
        "SELECT coalesce(offer_id, '') AS offer_id, count(*) AS n FROM campaigns "
        "WHERE campaign_id = ? GROUP BY 1 ORDER BY 1",
        [campaign_id],
    )
    if rows.empty:
        raise UnknownIdError(f"campaign {campaign_id!r} is not in the store")
    counts = dict(zip(rows["offer_id"], rows["n"], strict=True))
    arms = [
        {
            "offer_id": offer,
            "customers": int(n),
            "conversion": 0.1 + 0.01 * i,
            "revenue_per_customer": 5.0 + i,
            "profit_per_customer": 1.25 + i,
            "lift": {
                "conversion": _interval(0.0123 + 0.01 * i, 0.02),
                "revenue_per_customer": _interval(1.5 + i, 2.0),
                "profit_per_customer": _interval(0.75 + i, 1.1),
            },
        }
        for i, (offer, n) in enumerate(sorted(counts.items()))
        if offer
    ]
    return {
        "campaign_id": campaign_id,
        "window_days": window_days or 14,
        "confidence": confidence,
        "control": {
            "customers": int(counts.get("", 0)),
            "conversion": 0.1,
            "revenue_per_customer": 5.0,
            "profit_per_customer": 1.0,
        },
        "arms": arms,
        "incremental_profit": {"estimate": 12.5, "low": -3.25, "high": 28.0},
        "verdict": "no clear effect",
    }


def install(monkeypatch) -> None:
    module = types.ModuleType("promopilot.campaigns.measure")
    module.measure_campaign = measure_campaign
    monkeypatch.setitem(__import__("sys").modules, "promopilot.campaigns.measure", module)
