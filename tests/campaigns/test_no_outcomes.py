"""A report with no order in any window said "No outcomes yet ... Ingest the orders placed since
it was sent" whatever the case: Hillstrom with ``--window-days 7`` said it of 64,000 customers
whose orders are in the store, dated 7 days after the e-mail, just outside a 7-day window. It
now says which case it is, with the customers sent an offer and those who got nothing, the
days of data after the send and what a figure needs."""

from __future__ import annotations

from promopilot.campaigns.measure import measure_campaign
from promopilot.campaigns.no_outcomes import no_outcome_words
from promopilot.data.ingest import ingest
from promopilot.data.store import Store

CAMPAIGN = (
    "campaign_id,customer_id,offer_id,sent_at,channel,propensity\n"
    "k1,a,pct10,2026-02-01,email,\n"
    "k1,b,pct10,2026-02-01,email,\n"
    "k1,c,pct10,2026-02-01,email,\n"
    "k1,d,,2026-02-01,email,\n"
    "k1,e,,2026-02-01,email,\n"
)
BEFORE = "o0,2026-01-20,a,p1,1,10\n"  # an order before the send: history, no outcome


def _store(tmp_path, orders: str) -> Store:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,price,cost\np1,10,6\n")
    (folder / "offers.csv").write_text("offer_id,kind,value,send_cost\npct10,percent_off,0.1,0\n")
    (folder / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n" + BEFORE + orders
    )
    (folder / "campaigns.csv").write_text(CAMPAIGN)
    store = Store(":memory:")
    ingest(store, folder)
    return store


def _measure(store: Store, days: int) -> dict:
    # two customers got nothing: the arithmetic, below the size a report shows a lift at
    return measure_campaign(store, "k1", window_days=days, min_arm_customers=2)


def _said(result: dict) -> str:
    return " ".join(result["summary"].split())


def test_orders_just_after_the_window_are_counted_and_the_window_that_holds_them_named(tmp_path):
    # Hillstrom's shape: every outcome order dated 7 days after the send, the data ending there
    orders = "o1,2026-02-08,a,p1,1,10\no2,2026-02-08,d,p1,1,10\no3,2026-02-10,a,p1,2,10\n"
    store = _store(tmp_path, orders)
    result = _measure(store, 7)
    assert result["buyers"] == 0
    said = _said(result)
    assert said.startswith(
        "No outcomes in the 7-day window: none of the 5 customers of campaign k1 (3 sent an "
        "offer, 2 got nothing) has an order in it."
    )
    assert "No outcomes yet" not in said and "Ingest the orders" not in said
    assert (
        "The window ends 2026-02-08 (not included); the store holds 3 of these customers' "
        "orders dated later (2 customers), the first 7 days after the send, and its orders and "
        "events end 9 days after it (2026-02-10)."
    ) in said
    assert "A window of at least 8 days counts them (report --window-days 8" in said
    facts = result["no_outcomes"]
    assert facts["state"] == "later" and facts["window_needed"] == 8
    assert (facts["later_orders"], facts["later_customers"], facts["data_days"]) == (3, 2, 9.0)
    zh = no_outcome_words(result, "zh")
    assert zh.startswith("7 天窗口期内没有结果：活动 k1 的 5 位顾客（3 位收到优惠，2 位未获优惠）")
    assert "窗口期至少 8 天才能计入这些订单" in zh
    # the window it names holds them
    assert _measure(store, 8)["buyers"] == 2


def test_a_window_the_data_do_not_reach_yet_says_how_many_days_they_do(tmp_path):
    store = _store(tmp_path, "o1,2026-02-03,z,p1,1,10\n")  # another customer: the data's end
    result = _measure(store, 7)
    said = _said(result)
    assert said.startswith(
        "No outcomes yet: none of the 5 customers of campaign k1 (3 sent an offer, 2 got "
        "nothing) has an order in its 7-day window so far."
    )
    assert "end 2 days after it was sent (2026-02-03), before the window ends (2026-02-08)" in said
    assert result["no_outcomes"]["state"] == "open"
    zh = no_outcome_words(result, "zh")
    assert "发送后 2 天（2026-02-03），早于窗口期结束（2026-02-08）" in zh


def test_data_that_end_before_the_send_say_so(tmp_path):
    store = _store(tmp_path, "")
    said = _said(_measure(store, 7))
    assert said.startswith("No outcomes yet: none of the 5 customers")
    assert "The store's orders and events end before it was sent (2026-01-20)" in said


def test_a_complete_window_without_an_order_is_no_outcome_not_a_wait(tmp_path):
    store = _store(tmp_path, "o1,2026-03-15,z,p1,1,10\n")  # data 42 days past the send
    result = _measure(store, 7)
    said = _said(result)
    assert said.startswith(
        "No outcomes: none of the 5 customers of campaign k1 (3 sent an offer, 2 got nothing) "
        "has an order in its 7-day window, nor since."
    )
    assert "run to 2026-03-15, 42 days after it was sent, past the window's end" in said
    assert "the window is complete" in said and "yet" not in said
    assert result["no_outcomes"]["state"] == "none"
