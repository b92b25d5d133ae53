"""A plan's headline forecast, for the pages that show a plan: the out-of-fold value of its
policy on past campaigns (with its interval), the plan's warning, its decision and the rules
that say who gets what.

``promopilot plan`` (and the demo) write it next to the plan CSV as ``<plan>.forecast.json``;
the dashboard reads it from there. The plan's own column ``expected_incremental_profit`` is an
in-sample model sum: never the forecast.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from promopilot.data.currency import money

FORECAST_SUFFIX = ".forecast.json"


# the plan's warning when its self-check does not pass: the plan's note (offers.plan) and the
# dashboard's English line (serve.i18n) are both written from these, so they cannot drift
NO_PROFIT_SHOWN = "Past campaigns do not show that any candidate policy makes money"
NO_PROFIT_WARNING = (
    NO_PROFIT_SHOWN + ": the best, {policy}, earns {per_customer} per customer out of fold "
    "(interval {low} .. {high} at {confidence})."
)


def warning_figures(
    policy, per_customer, low, high, confidence, currency: str | None = None
) -> dict[str, str]:
    """The figures of :data:`NO_PROFIT_WARNING` as it writes them: profit per customer with a
    sign and two decimals and the shop's `currency` where it is known (``+1.25 EUR``), the
    confidence as a whole percentage (``90%``)."""
    return {
        "policy": str(policy),
        "per_customer": money(per_customer, currency, sign=True),
        "low": money(low, currency, sign=True),
        "high": money(high, currency, sign=True),
        "confidence": f"{confidence:.0%}",
    }


def no_profit_warning(check, currency: str | None = None) -> str:
    """The plan's warning for a ``SelfCheck`` that does not pass (:data:`NO_PROFIT_WARNING`),
    its money in `currency` where it is known."""
    figures = (check.policy, check.per_customer, check.low, check.high, check.confidence)
    return NO_PROFIT_WARNING.format(**warning_figures(*figures, currency))


def forecast_warning_figures(forecast: dict | None) -> dict[str, str] | None:
    """:func:`warning_figures` from a forecast (:func:`plan_forecast`, whose figures are for
    all the plan's customers): per customer again; None for a forecast without them (an older
    file, no check)."""
    if not forecast:
        return None
    customers = forecast.get("customers")
    policy = forecast.get("policy")
    figures = [forecast.get(k) for k in ("estimate", "low", "high", "confidence")]
    if not customers or not policy or not all(isinstance(v, int | float) for v in figures):
        return None
    estimate, low, high, confidence = figures
    per = (estimate / customers, low / customers, high / customers)
    return warning_figures(policy, *per, confidence, forecast.get("currency"))


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def plan_forecast(result) -> dict:
    """The forecast of a ``PlanResult``: ``checked`` (False when no out-of-fold check ran),
    ``estimate``/``low``/``high`` for the plan's customers, ``confidence``, ``exposures`` (past
    campaign exposures evaluated), ``policy``, ``passes``, ``warning`` (the plan's note, or ""),
    ``decision`` (one plain line), ``in_sample_sum`` (the model's own sum, not a forecast) and
    ``rules`` (the tree that says who gets what, ``offers.explain.plan_rules``, with column
    names: each page labels them in its language; "" when the plan has none) and ``currency``
    (the shop's ISO code its money is in; None where it is unknown)."""
    totals = result.totals
    plan = result.plan
    sends = int((plan["offer_id"].astype(str) != "").sum()) if "offer_id" in plan else 0
    n = int(totals.get("n_considered", len(plan)))
    check = result.self_check
    in_sample = totals.get("expected_profit")
    forecast: dict = {
        "campaign_id": result.campaign_id,
        "customers": n,
        "checked": check is not None,
        "in_sample_sum": None if in_sample is None else _number(in_sample),
        "warning": result.self_check_note or "",
        "rules": result.rules or "",
        "currency": result.currency,
    }
    if check is not None:
        est, low, high = check.scaled(n)
        forecast.update(
            estimate=_number(est),
            low=_number(low),
            high=_number(high),
            confidence=float(check.confidence),
            exposures=int(check.customers),
            policy=check.policy,
            passes=bool(check.passes),
        )
    if result.design and sends:
        code = "test"
    elif result.design or not sends:
        code = "nothing"
    elif check is None:
        code = "unchecked"
    else:
        code = "targets" if check.passes else "targets_anyway"
    forecast["decision_code"] = code
    forecast["decision"] = DECISIONS[code].format(policy=forecast.get("policy", ""))
    return forecast


# what a plan does, one plain line per case (the dashboard translates them by their code)
DECISIONS = {
    "test": "A randomized test is sent instead of targeting: past campaigns cannot show which "
    "offer pays.",
    "nothing": "Nothing is sent: no offer goes out unless past campaigns show it pays.",
    "unchecked": "Targets without an out-of-fold check: its profit is not known.",
    "targets": "Targets with {policy}: the forecast's lower bound is above zero.",
    "targets_anyway": "Targets with {policy} anyway (allow-uncertain): the forecast's interval "
    "includes a loss.",
}


def forecast_text(forecast: dict | None) -> str:
    """The forecast in one paragraph of English (the HTML report's words), its money in the
    forecast's currency where it is known."""
    currency = (forecast or {}).get("currency")
    if not forecast or not forecast.get("checked") or forecast.get("estimate") is None:
        text = "Expected incremental profit: not checked (no out-of-fold check on past campaigns)."
        if forecast and forecast.get("in_sample_sum") is not None:
            in_sample = money(forecast["in_sample_sum"], currency)
            text += f" The model's in-sample sum, {in_sample}, is no forecast."
    else:
        text = (
            f"Expected incremental profit (out of fold on {forecast['exposures']:,} past campaign "
            f"exposures, doubly robust): {money(forecast['estimate'], currency)} (interval "
            f"{money(forecast['low'], currency)} .. {money(forecast['high'], currency)} at "
            f"{forecast['confidence']:.0%}) "
            f"for {forecast['customers']:,} customers."
        )
    if forecast and forecast.get("warning"):
        text += " " + forecast["warning"]
    if forecast:
        text += " " + forecast["decision"]
    return text


def forecast_path(plan_path: str | Path) -> Path:
    """Where the forecast of the plan at `plan_path` is kept (``plan.csv`` ->
    ``plan.forecast.json``)."""
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.stem + FORECAST_SUFFIX)


def write_forecast(plan_path: str | Path, result) -> Path:
    path = forecast_path(plan_path)
    path.write_text(
        json.dumps(plan_forecast(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def read_forecast(plan_path: str | Path | None) -> dict | None:
    """The forecast written beside the plan, or None (no plan, no file, or unreadable: the
    plan's profit is then "not checked")."""
    if plan_path is None:
        return None
    path = forecast_path(plan_path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
