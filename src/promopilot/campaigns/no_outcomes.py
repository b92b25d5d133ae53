"""What a report says when none of a campaign's customers has an order in its window: how
many were sent an offer and how many got nothing, and which of these is the case, with the
days the data reach after the send:

- ``open``: the store's orders and events end before the window does (a report run right
  after a send): the outcomes are still to come;
- ``later``: the window is over and orders came only after it (Hillstrom's orders are dated
  7 days after the e-mail, so a 7-day window, ``[sent, sent + 7 days)``, holds none): a longer
  window counts them;
- ``none``: the window is over and no customer of the campaign ordered, in it or since;
- ``no data``: the store holds no order or event at all.

Every figure would read 0 [0, 0] in all four, a certainty the data do not have, so the report
shows none and says this instead ("No outcomes yet" said it of all four). The facts are kept
in the result (``no_outcomes``) for the JSON, the HTML report and the dashboard, which words
them in English or Chinese (:func:`no_outcome_words`).
"""

from __future__ import annotations

import math

import pandas as pd

from promopilot.campaigns.history import window_open
from promopilot.data.queries import measure as queries
from promopilot.data.store import Store

OPEN, LATER, NONE_SINCE, NO_DATA = "open", "later", "none", "no data"
DAY = pd.Timedelta(days=1)


def no_outcome_facts(store: Store, frame: pd.DataFrame, campaign_id: str, days: int) -> dict:
    """The facts behind a report with no order in any window: the send (``sent_from``,
    ``sent_to``), the last window's end (``window_end``), the store's last order or event
    (``data_until``) and its days after the last send (``data_days``), the orders of the
    campaign's measured customers after their windows (``later_orders``,
    ``later_customers``, ``later_first_days``), the shortest window that counts them
    (``window_needed``) and which case it is (``state``)."""
    sent = pd.to_datetime(frame["sent_at"])
    first, last = sent.min(), sent.max()
    _, until = store.date_range()
    later = queries.orders_after_window(store, campaign_id, days)
    later = later[later["customer_id"].isin(frame["customer_id"])]
    facts: dict = {
        "state": NO_DATA,
        "window_days": days,
        "sent_from": store.local_text(first),
        "sent_to": store.local_text(last),
        "window_end": store.local_text(last + days * DAY),
        "data_until": store.local_text(until) if until is not None else None,
        "data_days": round(float((until - last) / DAY), 1) if until is not None else None,
        "later_orders": int(later["orders"].sum()),
        "later_customers": len(later),
        "later_first_days": None,
        "window_needed": None,
    }
    if len(later):
        first_days = float(later["first_days"].min())
        facts["later_first_days"] = round(first_days, 1)
        facts["window_needed"] = math.floor(first_days) + 1  # counted while days < window
    if until is None:
        return facts
    if window_open(sent, days, until).any():
        facts["state"] = OPEN
    else:
        facts["state"] = LATER if len(later) else NONE_SINCE
    return facts


WORDS = {
    "en": {
        "open": "No outcomes yet: none of the {n} customers of {which} ({groups}) has an "
        "order in its {window} so far.",
        "later": "No outcomes in the {window}: none of the {n} customers of {which} "
        "({groups}) has an order in it.",
        "none": "No outcomes: none of the {n} customers of {which} ({groups}) has an order in "
        "its {window}, nor since.",
        "groups": "{sent} sent an offer, {control}",
        "control": "{n} got nothing",
        "control_held": "{n} got nothing, {held} of them the randomized control group",
        "until_open": " The store's orders and events end {data_days} after it was sent "
        "({data_until}), before the window ends ({window_end}): ingest the orders placed "
        "since then and report again once the window is over; a figure needs at least one "
        "order in the window.",
        "until_before": " The store's orders and events end before it was sent "
        "({data_until}): ingest the orders placed since it was sent and report again once "
        "the window is over ({window_end}).",
        "until_later": " The window ends {window_end} (not included); the store holds "
        "{orders} of these customers' orders dated later ({customers}), the first {first} "
        "after the send, and its orders and events end {data_days} after it ({data_until}). "
        "A window of at least {needed} days counts them (report --window-days {needed}, or "
        "the campaign_window_days setting).",
        "until_none": " The store's orders and events run to {data_until}, {data_days} after "
        "it was sent, past the window's end ({window_end}): the window is complete, so there "
        "is no lift to estimate (every figure would be 0 [0, 0]).",
        "no_data": " Ingest the orders placed since it was sent, then report again.",
        "window": "{days}-day window",
        "any_window": "window",
        "campaign": "campaign {id}",
        "this": "this campaign",
        "day": "{n} day",
        "days": "{n} days",
        "customer": "{n} customer",
        "customers": "{n} customers",
    },
    "zh": {
        "open": "尚无结果：{which}的 {n} 位顾客（{groups}）在 {window}内还没有订单。",
        "later": "{window}内没有结果：{which}的 {n} 位顾客（{groups}）在窗口期内都没有订单。",
        "none": "没有结果：{which}的 {n} 位顾客（{groups}）在 {window}内及之后都没有订单。",
        "groups": "{sent} 位收到优惠，{control}",
        "control": "{n} 位未获优惠",
        "control_held": "{n} 位未获优惠，其中 {held} 位为随机对照组",
        "until_open": "店铺的订单和行为数据截至发送后 {data_days}（{data_until}），早于窗口期结束"
        "（{window_end}）：请导入此后的订单，窗口期结束后再查看；窗口期内至少要有一笔订单才能"
        "给出数字。",
        "until_before": "店铺的订单和行为数据截至发送之前（{data_until}）：请导入发送后产生的订单，"
        "窗口期结束（{window_end}）后再查看。",
        "until_later": "窗口期截至 {window_end}（不含）；店铺有这些顾客在此之后的 {orders} 笔订单"
        "（{customers}），最早在发送后 {first}，数据截至发送后 {data_days}（{data_until}）。"
        "窗口期至少 {needed} 天才能计入这些订单（report --window-days {needed}，或 "
        "campaign_window_days 设置）。",
        "until_none": "店铺的订单和行为数据截至 {data_until}（发送后 {data_days}），已过窗口期结束"
        "（{window_end}）：窗口期已完整，没有可估计的提升（每个数字都会是 0 [0, 0]）。",
        "no_data": "请导入发送后产生的订单，然后再查看。",
        "window": "{days} 天窗口期",
        "any_window": "窗口期",
        "campaign": "活动 {id} ",
        "this": "本活动",
        "day": "{n} 天",
        "days": "{n} 天",
        "customer": "{n} 位顾客",
        "customers": "{n} 位顾客",
    },
}


def _count(words: dict, n: float, what: str) -> str:
    return words[what if n == 1 else what + "s"].format(n=f"{n:,g}")


def no_outcome_words(result: dict, language: str = "en") -> str:
    """The report's words for a campaign with no order in any window (``buyers`` 0), in
    English or Chinese: the customers sent an offer and those who got nothing, then what the
    data hold after the send and what a figure needs (``result["no_outcomes"]``; a result
    without those facts gets the counts and "ingest the orders placed since")."""
    words = WORDS[language]
    facts = result.get("no_outcomes") or {}
    n_control = result["control"]["customers"]
    sent = result.get("power", {}).get("sent_customers")
    if sent is None:  # a result without its power: the offers' customers
        sent = sum(int(arm.get("customers", 0)) for arm in result.get("arms", []))
    held = result.get("groups", {}).get("control")
    control = (
        words["control_held"].format(n=f"{n_control:,}", held=f"{held:,}")
        if held is not None and held != n_control
        else words["control"].format(n=f"{n_control:,}")
    )
    campaign = result.get("campaign_id")
    state = facts.get("state", NO_DATA)
    days = result.get("window_days", facts.get("window_days"))
    head = words[state if state in (LATER, NONE_SINCE) else OPEN].format(
        n=f"{sent + n_control:,}",
        which=words["campaign"].format(id=campaign) if campaign is not None else words["this"],
        groups=words["groups"].format(sent=f"{sent:,}", control=control),
        window=words["window"].format(days=days) if days else words["any_window"],
    )
    if state == NO_DATA:
        return head + words["no_data"]
    data_days = facts["data_days"]
    values = {
        "data_until": facts["data_until"],
        "data_days": _count(words, data_days, "day"),
        "window_end": facts["window_end"],
    }
    if state == OPEN:
        return head + words["until_open" if data_days >= 0 else "until_before"].format(**values)
    if state == NONE_SINCE:
        return head + words["until_none"].format(**values)
    return head + words["until_later"].format(
        **values,
        orders=f"{facts['later_orders']:,}",
        customers=_count(words, facts["later_customers"], "customer"),
        first=_count(words, facts["later_first_days"], "day"),
        needed=facts["window_needed"],
    )
