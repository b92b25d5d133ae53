import re

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.depth import ALL, depth_table, nominal_depth, promotion_depth
from promopilot.campaigns.satisfaction import campaign_satisfaction, compare_satisfaction
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError


def test_nominal_depth_by_kind():
    depth = nominal_depth(
        pd.Series(["percent_off", "amount_off", "free_shipping", "amount_off"]),
        pd.Series([0.15, 20.0, 8.0, 5.0]),
        pd.Series([0, 150, 0, None]),
    )
    assert depth[0] == 0.15 and depth[1] == pytest.approx(20 / 150)
    assert np.isnan(depth[2]) and np.isnan(depth[3])


def test_nominal_depth_of_meiman_is_its_value_per_step():
    # 每满150减20 takes 20 of every full 150: 13% however many steps an order has
    depth = nominal_depth(
        pd.Series(["amount_off_every", "amount_off_every"]),
        pd.Series([20.0, 30.0]),
        pd.Series([150.0, None]),
    )
    assert depth[0] == pytest.approx(20 / 150) and np.isnan(depth[1])


def _depth_frame(rng, campaign: str, offers: dict[str, tuple[float, float]], n: int = 4000):
    """offers: offer_id -> (depth, extra purchase probability)."""
    arms = ["control", *offers]
    arm = np.asarray(arms, dtype=object)[rng.integers(0, len(arms), n)]
    p = 0.1 + np.array([0.0 if a == "control" else offers[a][1] for a in arm])
    bought = rng.random(n) < p
    depth = np.array([0.0 if a == "control" else offers[a][0] for a in arm])
    gross = bought * 100.0
    revenue = gross * (1 - depth)
    return pd.DataFrame(
        {
            "campaign_id": campaign,
            "customer_id": np.arange(n),
            "arm": arm,
            "propensity": 1 / len(arms),
            "converted": bought.astype(int),
            "revenue": revenue,
            "discount": gross * depth,
            "profit": revenue - gross * 0.6,
            "pre_revenue": 0.0,
            "pre_orders": 0,
            "segment": np.where(np.arange(n) % 2 == 0, "new", "repeat"),
            "offer_kind": np.where(arm == "control", None, "percent_off"),
            "offer_value": np.where(arm == "control", np.nan, depth),
            "offer_min_spend": 0.0,
        }
    )


def test_depth_table_finds_where_deeper_stops_paying():
    rng = np.random.default_rng(0)
    # margin 40%: 10% off with +8 points pays, 30% off with +10 points does not
    frame = pd.concat(
        [
            _depth_frame(rng, "k1", {"d10": (0.10, 0.08), "d30": (0.30, 0.10)}),
            _depth_frame(rng, "k2", {"d20": (0.20, 0.09)}),
        ],
        ignore_index=True,
    )
    table = depth_table(frame)
    overall = table[table["segment"] == ALL].set_index("offer_id")
    assert list(overall.index) == ["d10", "d20", "d30"]  # sorted by depth
    assert overall.loc["d10", "profit_low"] > 0
    assert overall.loc["d30", "profit_high"] < overall.loc["d10", "profit_lift"]
    assert overall.loc["d30", "realized_depth"] == pytest.approx(0.30)
    assert set(table["segment"]) == {ALL, "new", "repeat"}
    from promopilot.campaigns.depth import depth_verdict

    text = depth_verdict(table)
    assert "10%" in text and "30%" in text and "stopped paying" in text


def test_free_shipping_has_no_depth_though_its_order_lines_carry_no_discount():
    rng = np.random.default_rng(1)
    frame = _depth_frame(rng, "k1", {"d10": (0.10, 0.08), "ship": (0.0, 0.05)})
    shipping = frame["arm"] == "ship"
    frame.loc[shipping, "offer_kind"] = "free_shipping"
    frame.loc[shipping, "offer_value"] = 5.0  # the fee
    table = depth_table(frame, by_segment=False).set_index("offer_id")
    assert table.loc["ship", "realized_depth"] == 0  # its lines have no discount
    assert np.isnan(table.loc["ship", "depth"]) and table.loc["d10", "depth"] == 0.10
    from promopilot.campaigns.depth import depth_verdict

    text = depth_verdict(table.reset_index())
    # 10% is the one depth (free shipping has none): not "the most profitable" of one
    assert "only one depth was measured, 10%" in text and " 0%" not in text
    assert "Free shipping (ship in k1;" in text


N = 30  # customers per arm: the fewest whose lift a report shows (MIN_ARM_CUSTOMERS)


def _store(
    tmp_path,
    *,
    returns: bool = True,
    reviews: bool = True,
    offer_review: str = "质量太差了，不推荐",
) -> Store:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,price,cost\np1,10,5\np2,10,5\n")
    (folder / "offers.csv").write_text("offer_id,kind,value\npct20,percent_off,0.2\n")
    (folder / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        + "".join(f"k,t{i},pct20,2026-03-01,0.5\n" for i in range(N))
        + "".join(f"k,c{i},,2026-03-01,0.5\n" for i in range(N))
    )
    orders, written = [], []
    for i in range(N):
        orders.append((f"ot{i}", "2026-03-03", f"t{i}", "p1", 2, 10, 4, False))
        orders.append((f"oc{i}", "2026-03-03", f"c{i}", "p1", 2, 10, 0, False))
        if returns and i < N // 2:  # half the offer's buyers send one of two items back
            orders.append((f"rt{i}", "2026-03-10", f"t{i}", "p1", -1, 10, 0, True))
        written.append((f"t{i}", "p1", offer_review, 1, "2026-03-12"))
        written.append((f"c{i}", "p1", "Great quality, very happy with it", 5, "2026-03-12"))
    pd.DataFrame(
        orders,
        columns=[
            "order_id",
            "timestamp",
            "customer_id",
            "product_id",
            "quantity",
            "unit_price",
            "discount",
            "is_return",
        ],
    ).to_csv(folder / "orders.csv", index=False)
    if reviews:
        pd.DataFrame(
            written, columns=["customer_id", "product_id", "text", "rating", "timestamp"]
        ).to_csv(folder / "reviews.csv", index=False)
    store = Store(":memory:")
    ingest(store, folder)
    return store


@pytest.mark.slow  # loads the Chinese word segmenter (a few seconds)
def test_satisfaction_compares_offer_buyers_with_control_buyers(tmp_path):
    store = _store(tmp_path)
    table = campaign_satisfaction(store, "k", window_days=14)
    row = table.set_index("offer_id").loc["pct20"]
    assert row["buyers"] == N and row["control_buyers"] == N
    assert row["return_share_offer"] == pytest.approx(0.25)  # half of them return half
    assert row["return_share_control"] == 0
    assert row["rating_diff"] == pytest.approx(-4.0)
    assert row["sentiment_offer"] < 0 < row["sentiment_control"]
    assert row["sentiment_high"] < 0


def test_a_shop_that_records_no_returns_gets_no_share_returned(tmp_path):
    """The demo shop's orders hold no return line: the report said each offer's buyers and
    the control's returned 0.0% of their items, difference 0.0% [0.0%, 0.0%], a measurement
    the data cannot make. It is "–", and the section says why."""
    from promopilot.report.campaign_extras import satisfaction_section

    # the shop records reviews (where it records neither there is no table: the test below),
    # in English only, which needs no Chinese word segmenter (seconds to load)
    store = _store(tmp_path, returns=False, offer_review="Poor quality, not recommended")
    table = campaign_satisfaction(store, "k", window_days=14)
    row = table.set_index("offer_id").loc["pct20"]
    assert row["buyers"] == N and row["return_share_n"] == 0
    assert pd.isna(row["return_share_offer"]) and pd.isna(row["return_share_control"])
    section = satisfaction_section(table)
    shown = section.tables[0][1].set_index("measure 指标").loc["share of items returned 退货率"]
    assert shown["offer 优惠组"] == "–" and shown["difference [interval] 差异[区间]"] == "–"
    assert "record no returns at all" in section.text and "没有任何退货记录" in section.text
    assert (
        section.tables[0][1].set_index("measure 指标").loc["rating 评分", "offer 优惠组"] == "1.00"
    )


def test_a_shop_that_records_neither_returns_nor_reviews_says_so_instead_of_a_table(tmp_path):
    """Hillstrom's shop records neither: the section was a table whose every measure was "–"
    (returns unknown, no sentiment, no rating); it says in one sentence why there is none."""
    from promopilot.report.campaign_extras import satisfaction_section

    table = campaign_satisfaction(
        _store(tmp_path, returns=False, reviews=False), "k", window_days=14
    )
    row = table.set_index("offer_id").loc["pct20"]
    assert row["return_share_n"] == row["sentiment_n"] == row["rating_n"] == 0
    section = satisfaction_section(table)
    assert section.tables == []
    assert section.text.startswith("The shop records neither returns nor reviews")
    assert "既没有退货记录，也没有评价记录" in section.text


def test_a_shop_that_records_returns_measures_a_share_of_none_returned(tmp_path):
    """One return line anywhere in the shop, by a customer outside the campaign, and the
    campaign's buyers who sent nothing back have returned 0%: measured, not unknown."""
    store = _store(tmp_path, returns=False, reviews=False)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,is_return\n"
        "x1,2026-01-03,z,p1,1,10,false\nx2,2026-01-09,z,p1,-1,10,true\n"
    )
    ingest(store, folder)
    row = campaign_satisfaction(store, "k", window_days=14).set_index("offer_id").loc["pct20"]
    assert row["return_share_n"] == N and row["return_share_diff"] == 0
    assert row["return_share_offer"] == 0 and row["return_share_control"] == 0


def test_satisfaction_differences_are_weighted_welch():
    frame = pd.DataFrame(
        {
            "arm": ["x"] * 4 + ["control"] * 4,
            "propensity": [0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 0.5],
            "return_share": [0.0, 0.0, 1.0, 1.0, 0.0, 0.5, 0.0, 0.5],
            "sentiment": [np.nan] * 8,
            "rating": [5, 5, 1, 1, 4, 4, 4, 4],
        }
    )
    row = compare_satisfaction(frame).iloc[0]
    # weights 2, 2, 4, 4: the returners count double
    assert row["return_share_diff"] == pytest.approx(8 / 12 - 0.25)
    assert row["rating_diff"] == pytest.approx((10 + 10 + 4 + 4) / 12 - 4)
    assert row["return_share_offer"] - row["return_share_control"] == pytest.approx(
        row["return_share_diff"]
    )
    assert row["return_share_low"] < row["return_share_diff"] < row["return_share_high"]
    assert row["sentiment_n"] == 0 and "sentiment_diff" not in row.index


def test_satisfaction_needs_control_buyers():
    frame = pd.DataFrame(
        {
            "arm": ["x", "x"],
            "propensity": 0.5,
            "return_share": 0.0,
            "sentiment": np.nan,
            "rating": np.nan,
        }
    )
    with pytest.raises(NotEnoughDataError, match="control"):
        compare_satisfaction(frame)


def test_promotion_depth_over_the_store(tmp_path):
    store = _store(tmp_path)
    table, verdicts = promotion_depth(store, window_days=14)
    assert table.loc[table["segment"] == ALL, "nominal_depth"].tolist() == [0.2]
    assert verdicts and "20%" in verdicts[0]


def test_a_campaign_without_outcomes_yet_gives_no_depth():
    """A campaign just sent has no order in its window yet: its report says "no outcomes
    yet", so the depth verdict must not read it as a 0.00 [0.00, 0.00] profit lift (Hillstrom:
    "the most profitable depth was 0% (mens-email in rd1: profit lift 0.00 per customer,
    interval 0.00 to 0.00)")."""
    rng = np.random.default_rng(2)
    measured = _depth_frame(rng, "k1", {"d10": (0.10, 0.08)})
    waiting = _depth_frame(rng, "just-sent", {"d20": (0.20, 0.0)})
    for column in ("converted", "revenue", "discount", "profit"):
        waiting[column] = 0
    table = depth_table(pd.concat([measured, waiting], ignore_index=True))
    assert set(table["campaign_id"]) == {"k1"}


def test_the_depth_table_carries_each_offers_cap():
    rng = np.random.default_rng(0)
    frame = _depth_frame(rng, "k1", {"d10": (0.10, 0.08), "d30": (0.30, 0.10)})
    frame["offer_max_discount"] = np.where(frame["arm"] == "d30", 25.0, np.nan)
    overall = depth_table(frame).query("segment == @ALL").set_index("offer_id")
    assert overall.loc["d30", "max_discount"] == 25.0
    assert np.isnan(overall.loc["d10", "max_discount"])
    # outcomes without the column (an older caller): no cap
    plain = depth_table(frame.drop(columns="offer_max_discount"))
    assert plain["max_discount"].isna().all()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_one_depth_measured_is_not_called_the_most_profitable(language):
    """Hillstrom's two e-mails carry no discount: the report and the campaigns page said "the
    most profitable depth was 0%", which reads as a finding that no discount pays best; with
    one depth there is nothing it was more profitable than. It is named "no discount", not a
    "0%" depth."""
    from promopilot.campaigns.depth import depth_finding, verdict_text
    from promopilot.report.campaign_extras import depth_verdict_zh

    rng = np.random.default_rng(3)
    frame = _depth_frame(rng, "mail", {"mens": (0.0, 0.05), "womens": (0.0, 0.03)})
    table = depth_table(frame, by_segment=False)
    write = verdict_text if language == "en" else depth_verdict_zh
    text = write(depth_finding(table))
    assert "most profitable depth was" not in text and "利润最高的力度为" not in text
    says = {
        "en": "only one depth was measured, no discount (mens in mail",
        "zh": "只测到一种力度 无折扣（mail 活动中的 mens",
    }
    assert says[language] in text and "0%" not in text
    # two depths: the best is named as before
    frame = _depth_frame(rng, "k1", {"d10": (0.10, 0.08), "d30": (0.30, 0.10)})
    text = write(depth_finding(depth_table(frame, by_segment=False)))
    assert "most profitable depth was 10%" in text or "利润最高的力度为 10%" in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_offer_without_a_discount_is_named_so_beside_deeper_ones(language):
    """An e-mail without a discount beside a 10% offer was "the most profitable depth was 0%"
    (Hillstrom's e-mails, which promise nothing off, read "0%" everywhere): it is "no discount"
    (无折扣), the deeper depth keeps its percentage."""
    from promopilot.campaigns.depth import depth_finding, verdict_text
    from promopilot.report.campaign_extras import depth_verdict_zh

    rng = np.random.default_rng(5)
    frame = _depth_frame(rng, "k1", {"mail": (0.0, 0.08), "d40": (0.40, 0.02)})
    finding = depth_finding(depth_table(frame, by_segment=False))
    assert finding["depth"] == "no discount" and finding["offer_id"] == "mail"
    text = (verdict_text if language == "en" else depth_verdict_zh)(finding)
    says = {"en": "the most profitable depth was no discount (mail in k1", "zh": "力度为 无折扣（"}
    assert says[language] in text and not re.search(r"(?<!\d)0%", text)
    assert "40%" in text  # the deeper depth, stopped or not, as a share
