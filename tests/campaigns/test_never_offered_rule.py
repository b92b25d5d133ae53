"""Who no offer could reach (group ``none``, nothing for certain, in a campaign that sent
offers) is decided by one SQL rule (``data.queries.campaigns.never_offered``) that the report,
the training data of past campaigns and the dashboard's list of campaigns all read. It was
written twice (a pandas function for the first two, SQL for the list), and the report applied
it after leaving out the visitors `serve` answered outside the plan: a campaign whose only
offers went to visitors was measured as 30 control customers against no offer ("0 customers
sent an offer") while the list counted the same 30 as customers no offer could reach."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import CONTROL, campaign_training_data
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.data.queries.campaigns import campaign_exposures
from promopilot.data.queries.measure import exposure_outcomes
from promopilot.data.queries.serve import campaign_summary
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError

SENT = pd.Timestamp("2026-03-01 09:00")


def _rows() -> list[tuple]:
    """(campaign, customer, offer, propensity, group): a designed test with some left out, a
    campaign that sent nothing, and one whose only offers went to visitors."""
    rows = []
    for i in range(90):  # a third sent pct10, a third left out, a third control
        kind = i % 3
        offer, p, group = [("pct10", 0.5, "explore"), ("", 1.0, "none"), ("", 0.5, "control")][kind]
        rows.append(("test", f"c{i}", offer, p, group))
    rows.append(("test", "n1", "", None, "none"))  # no propensity logged: not for certain
    rows.append(("test", "f1", "", 1.0, None))  # from a file: not logged by promopilot
    rows.append(("test", "v1", "", 1.0, "visitor"))
    rows += [("quiet", f"c{i}", "", 1.0, "none") for i in range(40)]
    rows += [("visited", f"c{i}", "", 1.0, "none") for i in range(30)]
    rows += [("visited", f"v{i}", "pct10" if i < 5 else "", 0.5, "visitor") for i in range(10)]
    return rows


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        for campaign, customer, offer, p, group in _rows():
            store.execute(
                "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
                'propensity, "group") VALUES (?, ?, ?, ?, ?, ?, ?)',
                [campaign, customer, offer, SENT.to_pydatetime(), "csv", p, group],
            )
        for i in range(0, 90, 2):  # orders in the window, and one a month on (windows over)
            store.execute(
                "INSERT INTO orders (order_id, customer_id, timestamp, product_id, quantity, "
                "unit_price, discount, is_return) VALUES (?, ?, ?, 'p1', 1, ?, 0, false)",
                [f"o{i}", f"c{i}", (SENT + pd.Timedelta(days=2)).to_pydatetime(), 50.0 + i],
            )
        store.execute(
            "INSERT INTO orders (order_id, customer_id, timestamp, product_id, quantity, "
            "unit_price, discount, is_return) VALUES ('late', 'c1', ?, 'p1', 1, 9, 0, false)",
            [(SENT + pd.Timedelta(days=40)).to_pydatetime()],
        )
        yield store


def _expected() -> pd.DataFrame:
    """The rule as the pandas function stated it, per row: group none, nothing, propensity 1,
    and some row of the same campaign (visitors too) sent an offer."""
    frame = pd.DataFrame(_rows(), columns=["campaign_id", "customer_id", "offer", "p", "group"])
    nothing = frame["offer"] == ""
    offered = (~nothing).groupby(frame["campaign_id"]).transform("any")
    certain = pd.to_numeric(frame["p"]).fillna(0).to_numpy() >= 1 - 1e-9
    frame["never"] = (frame["group"].fillna("") == "none") & nothing & certain & offered
    return frame.set_index(["campaign_id", "customer_id"])["never"].sort_index()


def test_every_reader_of_the_rule_flags_the_same_customers(store):
    expected = _expected()
    assert expected.groupby(level=0).sum().to_dict() == {"quiet": 0, "test": 30, "visited": 30}
    for frame in (
        campaign_exposures(store, control=CONTROL),
        exposure_outcomes(store, None, 14, 0.3),
    ):
        flags = frame.set_index(["campaign_id", "customer_id"])["never_offered"].sort_index()
        pd.testing.assert_series_equal(flags.astype(bool), expected, check_names=False)
    listed = campaign_summary(store).set_index("campaign_id")["left_out"]
    assert listed.to_dict() == expected.groupby(level=0).sum().to_dict()


def test_the_report_and_the_training_data_leave_out_the_same_customers(store):
    expected = _expected()
    never = set(expected[expected].loc["test"].index)
    frame = campaign_outcomes(store, "test", window_days=14)
    assert frame.attrs["never_offered"] == len(never) == 30
    assert never.isdisjoint(frame["customer_id"]) and "never_offered" not in frame
    assert (frame["arm"] == CONTROL).sum() == 30 + 2  # n1 and f1 stay control customers
    ids = sorted({r[1] for r in _rows()})
    data = campaign_training_data(
        store,
        lambda _store, _as_of: pd.DataFrame({"customer_id": ids, "x": 0.0}),
        window_days=14,
        min_rows=10,
    )
    kept = set(zip(data.campaign_id, data.customer_id, strict=True))
    left = {key for key in expected.index if expected[key]}
    assert left.isdisjoint(kept) and len(kept) == len(expected) - len(left)


def test_a_campaign_whose_only_offers_went_to_visitors_is_not_measured(store):
    """Its 30 customers got nothing for certain while visitors were shown pct10: the list of
    campaigns counts them as customers no offer could reach, and the report says so rather
    than measuring them as a control group against no offer."""
    listed = campaign_summary(store).set_index("campaign_id").loc["visited"]
    assert (listed["customers"], listed["left_out"], listed["visitors"]) == (0, 30, 10)
    with pytest.raises(NotEnoughDataError) as error:
        campaign_outcomes(store, "visited", window_days=14)
    text = str(error.value)
    assert "'visited' sent offers only to 5 visitors answered outside the plan" in text
    assert "no offer could reach its 30 customers" in text
    # a campaign that sent nothing at all keeps its customers
    quiet = campaign_outcomes(store, "quiet", window_days=14)
    assert len(quiet) == 40 and quiet.attrs["never_offered"] == 0


def _pandas_rule(exposures: pd.DataFrame) -> np.ndarray:
    """The rule as ``campaigns.history.never_offered`` stated it in pandas before it moved to
    SQL: the oracle of the plan's comparison below."""
    nothing = (exposures["arm"] == CONTROL).to_numpy()
    certain = pd.to_numeric(exposures["propensity"], errors="coerce").to_numpy() >= 1 - 1e-9
    offered = pd.Series(~nothing).groupby(exposures["campaign_id"].to_numpy()).transform("any")
    none = (exposures["group"].fillna("") == "none").to_numpy()
    return none & nothing & certain & offered.to_numpy()


@pytest.mark.slow  # two learned plans on 800 customers: about 20 s of CPU
def test_a_plan_learned_from_campaigns_with_customers_left_out_is_the_pandas_rules(
    tmp_path, monkeypatch
):
    """On a synthetic shop with its past campaign, a designed test sent and a campaign with 20
    customers no offer could reach, the plan learned from them is the same, row for row,
    whether the training data leave out whom the SQL rule flags or whom the pandas rule it
    replaced flagged."""
    import promopilot.campaigns.history as history
    from promopilot.campaigns.exposures import record_exposures
    from promopilot.data.ingest import ingest
    from promopilot.offers.plan import build_plan
    from promopilot.synth.shop import END, make_shop

    kwargs = {"n_bootstrap": 5, "select_model": False, "do_no_harm": False}
    with Store(tmp_path / "shop.duckdb") as shop:
        ingest(shop, make_shop(800, seed=3).write(tmp_path / "shop"))
        test = build_plan(
            shop,
            budget=400,
            campaign_id="t1",
            as_of=END - pd.Timedelta(days=30),
            run_test=True,
            **kwargs,
        ).plan
        sent_at = END - pd.Timedelta(days=25)
        record_exposures(shop, test, campaign_id="t1", channel="csv", sent_at=sent_at)
        arms = [("pct10", 0.5, "target"), ("", 1.0, "none"), ("", 0.5, "control")]
        earlier = (sent_at - pd.Timedelta(days=15)).to_pydatetime()
        for i, c in enumerate(test["customer_id"][:60]):  # a third of m1 left out
            offer, p, group = arms[i % 3]
            shop.execute(
                "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
                'propensity, "group") VALUES (?, ?, ?, ?, ?, ?, ?)',
                ["m1", c, offer, earlier, "csv", p, group],
            )
        exposures = campaign_exposures(shop, control=CONTROL)
        flagged = exposures["never_offered"].to_numpy(dtype=bool)
        assert flagged.sum() == 20 and np.array_equal(flagged, _pandas_rule(exposures))
        sql = build_plan(shop, budget=400, campaign_id="t2", as_of=END, **kwargs).plan

        def by_pandas(store, *, control):
            frame = campaign_exposures(store, control=control)
            frame["never_offered"] = _pandas_rule(frame)
            return frame

        monkeypatch.setattr(history, "campaign_exposures", by_pandas)
        oracle = build_plan(shop, budget=400, campaign_id="t2", as_of=END, **kwargs).plan
    assert (sql["offer_id"] != "").sum() > 0
    pd.testing.assert_frame_equal(sql, oracle)
