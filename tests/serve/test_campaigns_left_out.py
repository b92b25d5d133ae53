"""The dashboard's list of campaigns counts a designed test's customers as `promopilot plan`
and `promopilot report` do: the ones it left out before it was drawn (group ``none``, nothing
for certain) are shown apart, not among its customers and those without an offer (they were:
the list said 121 customers, 98 without an offer, where the plan said 1 of the 121 is left out
and the report measured the offers against 97 who got nothing)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.campaigns.exposures import record_exposures
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.plan import build_plan
from promopilot.offers.randomization import LEFT_OUT_REASON
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state
from tests.offers.test_design_exclusion import AS_OF, BUDGET, early_campaign, write_shop
from tests.serve.conftest import ADMIN, READ, SETTINGS


@pytest.fixture()
def sent_test(tmp_path):
    """The 121-customer shop with its designed test sent three weeks before `AS_OF`."""
    folder = write_shop(tmp_path / "shop")
    store = Store(tmp_path / "shop.duckdb")
    ingest(store, folder)
    cid, _ = early_campaign()
    result = build_plan(store, budget=BUDGET, campaign_id=cid, as_of=AS_OF, run_test=True)
    sent_at = AS_OF - pd.Timedelta(days=20)
    record_exposures(store, result.plan, campaign_id=cid, channel="csv", sent_at=sent_at)
    yield store, cid, result
    store.close()


def _client(store: Store) -> TestClient:
    def builder(store: Store, version: int):
        return build_state(store, settings=SETTINGS, version=version)

    return TestClient(create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder))


def _cells(page: str, campaign_id: str) -> list[str]:
    row = re.search(rf"<tr><td>{re.escape(campaign_id)}</td>(.*?)</tr>", page, re.S)[1]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_the_campaigns_list_counts_those_left_out_of_a_designed_test_apart(sent_test):
    store, cid, result = sent_test
    plan = result.plan
    left_out = int((plan["reason"] == LEFT_OUT_REASON).sum())
    nothing = int((plan["offer_id"] == "").sum())
    assert left_out == 1 and f"1 of {len(plan)} customers is left out" in result.design
    with _client(store) as client:
        assert client.post("/login", data={"key": READ}, follow_redirects=False).is_redirect
        english = client.get("/campaigns?lang=en").text
        chinese = client.get("/campaigns?lang=zh").text
        report = client.get(f"/campaigns/{cid}?lang=en").text
    # customers, without an offer, could not be offered, visitors
    cells = _cells(english, cid)
    assert cells[:4] == [f"{len(plan) - left_out}", f"{nothing - left_out}", f"{left_out}", "0"]
    assert "<th>Could not be offered</th>" in english and 'id="left-out-note"' in english
    assert "<th>无法发送优惠</th>" in chinese and _cells(chinese, cid)[:4] == cells[:4]
    # the campaign's report measures the same customers and says who it leaves out
    assert re.search(r'id="control-customers">(\d+)<', report)[1] == f"{nothing - left_out}"
    assert 'id="never-offered">Customers the campaign could not send an offer: 1 ' in report


def test_a_campaign_that_sent_nothing_has_no_left_out_column(tmp_path):
    """Group ``none`` and nothing for certain in a campaign that sent no offer at all is no
    customer an offer could not reach (none could): the list has no such column."""
    with Store(tmp_path / "s.duckdb") as store:
        store.execute(
            "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
            "propensity, \"group\") VALUES ('quiet', 'c1', '', $t, 'csv', 1.0, 'none'), "
            "('quiet', 'c2', '', $t, 'csv', 1.0, 'none')",
            {"t": AS_OF.to_pydatetime()},
        )
        with _client(store) as client:
            client.post("/login", data={"key": READ}, follow_redirects=False)
            page = client.get("/campaigns?lang=en").text
    assert _cells(page, "quiet")[:3] == ["2", "2", "0"]
    assert "Could not be offered" not in page and "left-out-note" not in page
