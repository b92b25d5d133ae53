"""What each dashboard page shows, as plain dicts (figures as Plotly JSON). Every number comes
from the same functions the API uses, so page and API agree."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from promopilot.data.currency import message_sign, money_label, shop_currency
from promopilot.data.money_signs import money_currency, stored_sign
from promopilot.data.queries import serve as queries
from promopilot.data.store import Store
from promopilot.data.summary import shop_summary
from promopilot.exceptions import NotEnoughDataError, PromopilotError, UnknownIdError
from promopilot.offers.forecast import forecast_warning_figures
from promopilot.profile.segments import NO_PURCHASES, RETURNS_ONLY, rfm_segments
from promopilot.report.labels import readable_rules
from promopilot.serve.campaign_notes import too_few_notes
from promopilot.serve.decisions import decide
from promopilot.serve.gate import StoreGate
from promopilot.serve.i18n import english_detail, no_outcomes_note, word
from promopilot.serve.named_segments import named_segments
from promopilot.serve.periods import PALE, partial_note, partial_periods
from promopilot.serve.state import ServingState


def figure_json(figure: go.Figure) -> str:
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        height=340,
        template="plotly_white",
        title_font_size=15,
        # a row under the plot: beside it, a legend takes most of a phone's width
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
    )
    return figure.to_json().replace("</", "<\\/")  # safe inside a <script> element


def overview(gate: StoreGate, state: ServingState, report_fn, report_error, text: dict) -> dict:
    """The overview page; `report_fn(campaign_id)` measures the live campaign and
    `report_error(exception)` says what the page shows when that fails."""
    with gate.use() as store:
        summary = shop_summary(store)
        weekly = queries.weekly_revenue(store)
    measured, error = None, None
    if state.campaign_id:
        try:
            measured = report_fn(state.campaign_id)
        except Exception as why:  # the page still shows everything else
            message, status = report_error(why)
            if status == 404:  # a live campaign with nothing logged yet: in the page's language
                error = text["unknown_campaign"].format(id=state.campaign_id)
            elif message:  # our own one line, in English: marked as such on a Chinese page
                error = english_detail(text, text["cannot_measure"], message)
            else:
                error = text["see_log"]
    # a first or last week the data cover in part sums fewer days: pale, and said under it
    partial = partial_periods(weekly, "week", pd.DateOffset(weeks=1))
    figure = go.Figure(
        go.Bar(
            x=weekly["week"].astype(str),
            y=weekly["revenue"],
            name=text["revenue"],
            marker_opacity=[PALE if p else 1.0 for p in partial],
        )
    )
    figure.update_layout(title=text["weekly_revenue"])
    figure.update_xaxes(tickformat="%Y-%m-%d", title_text=text["week_axis"])  # numbers
    money_axis(figure, text["revenue_axis"], summary.currency)
    chart = figure_json(figure) if len(weekly) else None  # no orders: no empty plot
    return {
        "summary": summary,
        "currency": summary.currency,  # what the page's money is in (base.html)
        "campaign_id": state.campaign_id,
        "expected": state.expected,
        "measured": measured,
        "measured_against": measured_against(measured, text) if measured else "",
        "no_outcomes_note": no_outcomes_note(measured, text),
        "chart_note": partial_note(weekly, partial, text["partial_weeks"]) if chart else "",
        "measure_error": error,
        "chart": chart,
        **plan_words(state.expected.get("forecast") if state.expected else None, text),
        "plan_rules": plan_rules(state.expected.get("forecast") if state.expected else None, text),
    }


def money_axis(figure: go.Figure, label: str, currency: str | None) -> None:
    """Title a chart's axis of money with its currency (``revenue (EUR)``) where it is known,
    the label alone where it is not."""
    figure.update_yaxes(title_text=money_label(label, currency))


def measured_against(report: dict, text: dict) -> str:
    """Whom a campaign's incremental profit is measured against, as `promopilot report` says
    it: everyone who got nothing, with the randomized control group among them named."""
    n = report["control"]["customers"]
    held = report.get("groups", {}).get("control")
    if held is not None and held != n:
        return text["against_held_out"].format(n=f"{n:,}", held=f"{held:,}")
    return text["against"].format(n=f"{n:,}")


def plan_rules(forecast: dict | None, text: dict) -> str:
    """The rules that say who gets what (the plan's tree, written into its forecast) in the
    page's language, each column by its label (``report.labels.readable_rules``, as the HTML
    report and ``<plan>.rules.txt`` show them); "" without a plan, a forecast that matches it
    or rules in it (an older file)."""
    rules = (forecast or {}).get("rules")
    if not isinstance(rules, str) or not rules.strip():
        return ""
    return readable_rules(rules, text["language"]).rstrip("\n")


def depth_verdicts(gate: StoreGate, text: dict, *, confidence: float) -> list[str]:
    """Where deeper discounts stop paying, one sentence per segment across every logged
    campaign (``campaigns.depth``), in the page's language with the same figures as the
    campaign report's; none where no campaign with a control group can be measured."""
    try:
        from promopilot.campaigns.depth import depth_finding, promotion_depth, verdict_text
        from promopilot.report.campaign_extras import depth_verdict_zh
    except ImportError:  # measurement is not in this build (as the campaign page says)
        return []
    try:
        with gate.use() as store:
            table, _ = promotion_depth(store, confidence=confidence)
            currency = money_currency(store)  # the figures' money, as the report names it
    except (NotEnoughDataError, UnknownIdError):  # no campaign logged yet: nothing to say
        return []
    write = verdict_text if text["language"] == "en" else depth_verdict_zh
    segments = table["segment"].unique()
    return [write(depth_finding(table, segment, currency)) for segment in segments]


def plan_words(forecast: dict | None, text: dict) -> dict:
    """The plan's warning and decision in the page's language with the figures the English
    lines (the plan's own) give: the best policy, its out-of-fold profit per customer with its
    interval; a forecast without them (an older file) gets the general line."""
    if not forecast:
        return {"plan_warning": "", "plan_decision": ""}
    policy = str(forecast.get("policy") or "")
    figures = forecast_warning_figures(forecast)
    warning = text["plan_warning_detail"].format(**figures) if figures else text["plan_warning"]
    decision = text.get(f"decision_{forecast.get('decision_code')}")
    if decision:
        decision = decision.format(policy=policy)
    elif forecast.get("decision"):  # a decision this page has no words for: the plan's own
        decision = english_detail(text, text["plan_decision"], str(forecast["decision"]))
    return {"plan_warning": warning, "plan_decision": decision or ""}


def segments(gate: StoreGate, text: dict) -> dict:
    with gate.use() as store:
        as_of = store.default_as_of()
        as_of_text = store.local_text(as_of)  # the shop's date, as `promopilot profile` says
        inputs = queries.segment_inputs(store, as_of)  # the profile's RFM, net revenue
        monthly = queries.monthly_customer_revenue(store)
        currency = money_currency(store)
        named = named_segments(store, text, as_of)  # the profile's, as it last kept them
    inputs["segment"] = rfm_segments(inputs).to_numpy()
    table = inputs.groupby("segment").agg(
        customers=("customer_id", "size"),
        revenue=("revenue", "sum"),  # net, not the profile's floored monetary: they add up
        recency=("recency_days", "median"),
    )
    table["share"] = table["customers"] / table["customers"].sum()
    table["revenue_per_customer"] = table["revenue"] / table["customers"]
    # no purchase, so no days since one: "No purchases", "Returns only" (credits only)
    table["bought"] = ~table.index.isin([NO_PURCHASES, RETURNS_ONLY])
    table = table.sort_values("revenue", ascending=False).reset_index()
    names = [word(text, "rfm", s) for s in table["segment"]]
    sizes = go.Figure(go.Bar(x=names, y=table["customers"]))
    sizes.update_layout(title=text["segment_sizes"])
    sizes.update_xaxes(title_text=text["segment"])
    sizes.update_yaxes(title_text=text["customers_axis"])
    trend = monthly.merge(inputs[["customer_id", "segment"]], on="customer_id")
    trend = trend.groupby(["segment", "month"], as_index=False)["revenue"].sum()
    # a first or last month the data cover in part (the month running): pale points, said
    months = monthly.groupby("month", as_index=False).agg(
        first_day=("first_day", "min"), last_day=("last_day", "max")
    )
    if len(months) and pd.Timestamp(monthly["data_from"].min()) < pd.Timestamp(months["month"][0]):
        months.loc[0, "first_day"] = months["month"][0]  # data before it: a whole month
    partial = partial_periods(months, "month", pd.DateOffset(months=1))
    pale = set(months.loc[partial, "month"])
    lines = go.Figure(
        [
            go.Scatter(
                x=part["month"].astype(str),
                y=part["revenue"],
                name=word(text, "rfm", name),
                mode="lines+markers",
                marker_opacity=[PALE if m in pale else 1.0 for m in part["month"]],
            )
            for name, part in trend.groupby("segment")
        ]
    )
    lines.update_layout(title=text["segment_trend"])
    money_axis(lines, text["revenue_axis"], currency)
    lines.update_xaxes(tickformat="%Y-%m", title_text=text["month_axis"])  # numbers
    return {
        "as_of": as_of,
        "as_of_text": as_of_text,
        "table": table.to_dict("records"),
        "n_customers": len(inputs),
        "charts": [figure_json(sizes), figure_json(lines)],
        "trend_note": partial_note(months, partial, text["partial_months"]),
        "currency": currency,
        **named,
    }


def offer_words(
    offer: dict | None, shop: str | None = None, written: str | None = None
) -> dict[str, str] | None:
    """What an offer is in words, per language (``{"en": "10% off", "zh": "9折"}``), as the
    customer's message says it (prices with send's sign, else the one of the shop's currency
    `shop`, else the one its files write money with, `written`, else none); None for no offer
    or one the offers table lacks."""
    if not offer or not offer.get("kind"):
        return None
    from promopilot.campaigns.messages import offer_text
    from promopilot.campaigns.settings import load_send_settings

    try:
        currency = message_sign(load_send_settings().currency, shop, written)
    except PromopilotError:  # a settings file the server did not need: no sign, not a 500
        currency = ""
    return {lang: offer_text(offer, lang, currency) for lang in ("en", "zh")}


def customer(gate: StoreGate, state: ServingState, customer_id: str) -> dict:
    with gate.use() as store:
        profile = queries.customer_profile(store, customer_id)
        history = _history_rows(queries.offer_history(store, customer_id), store)
        shop = shop_currency(store)
        written = None if shop else stored_sign(store)  # $59.00 in its files: $
        if profile is not None:  # stored in UTC, shown in the shop's time zone
            for column in ("signup_at", "last_order", "last_event"):
                profile[column] = store.local_text(profile[column])
            # returns and credits above what they bought (UCI's 14437: 63.00 bought, a manual
            # credit of 106.40): the page says so, and that the profile counts 0 for them
            profile["credited_more"] = (profile["revenue"] or 0) < -0.005
    decision = decide(state, customer_id)  # shown, not logged: no exposure
    return {
        "customer_id": customer_id,
        "profile": profile,
        "recommendations": state.recommendations(customer_id, 10),
        "decision": decision,
        "offer_words": offer_words(decision.offer, shop, written),
        "history": history,
        "currency": shop,
    }


def _history_rows(history: pd.DataFrame, store: Store) -> list[dict]:
    """Offer history for the page: a missing value (the group and channel of a campaign
    ingested from campaigns.csv) is None, shown as "–", never "nan"; exposure times are shown
    to the minute in the shop's time zone, as the last order is (the API keeps the seconds)."""
    rows = []
    for row in history.to_dict("records"):
        row = {
            k: (None if v is None or (np.isscalar(v) and pd.isna(v)) else v) for k, v in row.items()
        }
        row["sent_at"] = store.local_text(row.get("sent_at"))
        rows.append(row)
    return rows


def campaigns(gate: StoreGate) -> list[dict]:
    """The logged campaigns; first and last exposure to the minute in the shop's time zone
    (the date alone at its midnight): a send that took some seconds is one time, not a range
    ``2011-11-20 12:50:37 .. 2011-11-20 12:50:41``."""
    with gate.use() as store:
        rows = queries.campaign_summary(store).to_dict("records")
        for row in rows:
            for column in ("first_sent", "last_sent"):
                row[column] = store.local_text(row[column])
    return rows


def campaign_view(report: dict, text: dict) -> dict:
    """The campaign page's figures written as ``promopilot report`` writes them: each offer
    with the size of its own control group (the plan's held-out customers where the log has
    them), conversion in percent, its lift in percentage points ("pp": one rate minus the
    other), revenue and profit lift in money, each with its interval;
    the whole campaign's control is everyone who got nothing. ``notes``: why an offer has no
    row of its own (too few held out, or too few got it), in the page's language."""
    from promopilot.report import formats as fmt

    per_offer = report.get("per_offer_control") or report["control"]
    held = report.get("held_out_customers")  # the plan's held-out group, when the log has one
    randomized = report.get("groups", {}).get("control")  # a designed test's control group
    # which control that is: the plan's held-out customers, or everyone who got nothing
    if report.get("per_offer_control"):
        label = text["control_offers"]
    elif held is not None:  # there is one, too small to measure each offer against
        label, per_offer = text["control_offers_too_few"], {**per_offer, "customers": held}
    elif randomized:  # randomized arms against everyone who got nothing, as the CLI says
        label = text["control_offers_randomized"].format(held=f"{randomized:,}")
    else:
        label = text["control_offers_all"]
    return {
        "control_offers": f"{per_offer['customers']:,}",
        "control_offers_label": label,
        "control_campaign": f"{report['control']['customers']:,}",
        "notes": too_few_notes(report, text),
        "arms": [
            {
                "offer_id": arm["offer_id"],
                "customers": f"{arm['customers']:,}",
                "control": f"{per_offer['customers']:,}",
                "conversion": fmt.percent(arm.get("conversion")),
                "control_conversion": fmt.percent(per_offer.get("conversion")),
                "conversion_lift": fmt.lift(arm["lift"]["conversion"], kind="points"),
                "revenue_lift": fmt.lift(arm["lift"]["revenue_per_customer"]),
                "profit_lift": fmt.lift(arm["lift"]["profit_per_customer"]),
            }
            for arm in report.get("arms", [])
        ],
        "profit": fmt.lift(report["incremental_profit"]),
    }


def lift_chart(report: dict, text: dict) -> str | None:
    """The profit lift per offer with its interval; None without an offer measured on its own."""
    arms = report.get("arms", [])
    if not arms:
        return None
    lift = [a["lift"]["profit_per_customer"] for a in arms]
    figure = go.Figure(
        go.Bar(
            x=[a["offer_id"] for a in arms],
            y=[x["estimate"] for x in lift],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [x["high"] - x["estimate"] for x in lift],
                "arrayminus": [x["estimate"] - x["low"] for x in lift],
            },
        )
    )
    figure.update_layout(title=text["profit_lift"])
    figure.update_xaxes(title_text=text["offer"])
    money_axis(figure, text["profit_lift_axis"], report.get("currency"))
    return figure_json(figure)


def uplift_notes(uplift: pd.DataFrame | str, text: dict) -> list[str]:
    """The offers of past campaigns the uplift table has no row for, and why: too few got them
    to learn from, too few of the held-out customers got them to score, or the model gives
    everyone the same uplift for them (it ranks nobody)."""
    from promopilot.campaigns.history import MIN_ARM_ROWS
    from promopilot.offers.evaluate import MIN_HELD_OUT

    if isinstance(uplift, str):
        return []
    notes = []
    for key, n in (("left_out", MIN_ARM_ROWS), ("unscored", MIN_HELD_OUT), ("flat", 0)):
        offers = uplift.attrs.get(key) or ()
        if offers:
            notes.append(text[f"uplift_{key}"].format(offers=", ".join(offers), n=n))
    return notes


def quality_charts(uplift: pd.DataFrame | str, text: dict) -> list[str]:
    """The default model's Qini per offer, each bar with its bootstrap interval where the
    table has one."""
    if isinstance(uplift, str) or "qini" not in uplift:
        return []
    error_y = None
    if {"qini_low", "qini_high"} <= set(uplift.columns):
        error_y = {
            "type": "data",
            "symmetric": False,
            "array": (uplift["qini_high"] - uplift["qini"]).tolist(),
            "arrayminus": (uplift["qini"] - uplift["qini_low"]).tolist(),
        }
    figure = go.Figure(go.Bar(x=uplift["offer"].astype(str), y=uplift["qini"], error_y=error_y))
    figure.update_layout(title=text["uplift_quality"])
    figure.update_xaxes(title_text=text["offer"])
    figure.update_yaxes(title_text=text["qini_axis"])
    return [figure_json(figure)]


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
