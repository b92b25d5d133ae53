"""`send` on a store whose newest order is long before the send (an old export replayed):
the one line that says when the campaign is dated, and `--sent-at` that dates it on the
export."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data import shop_time
from promopilot.data.ingest import ingest
from promopilot.data.queries.delivery import campaign_exposures
from promopilot.data.store import Store
from tests.campaigns.delivery_helpers import ORDERS, write_plan, write_shop
from tests.campaigns.test_plan_sends_nothing import run


def test_the_old_data_line_names_the_newest_order_and_the_send():
    from promopilot.campaigns.delivery import old_data_line

    # one order, on 2026-10-02 (the shop's zone is UTC)
    with Store(":memory:") as store:
        store.execute(
            "INSERT INTO orders (order_id, timestamp, customer_id, product_id, quantity, "
            "unit_price) VALUES ('O1', TIMESTAMP '2026-10-02 10:00', 'C1', 'P1', 1, 5.0)"
        )
        assert old_data_line(store, "x", pd.Timestamp("2026-11-01 09:00")) == ""  # 30 days
        line = old_data_line(store, "spring", pd.Timestamp("2027-01-01 09:30"))
    assert line.startswith(
        "Old data: the shop's newest order or event is from 2026-10-02, 91 days before "
        "campaign spring was logged as sent (2027-01-01 09:30)"
    )
    assert "--sent-at" in line


@pytest.fixture()
def old_shop_db(tmp_path):
    """The tiny shop with its orders in December 2011 (an old export)."""
    folder = write_shop(tmp_path / "shop")
    ORDERS.assign(timestamp=["2011-12-08", "2011-12-09"]).to_csv(folder / "orders.csv", index=False)
    with Store(tmp_path / "old.duckdb") as store:
        ingest(store, folder)
    return tmp_path / "old.duckdb"


def test_send_on_old_data_says_when_it_is_dated(old_shop_db, tmp_path, capsys, monkeypatch):
    # the clock send reads (raising=False: the test runs, and fails, where there is none)
    now = pd.Timestamp("2026-12-05 09:18")
    monkeypatch.setattr(shop_time, "utc_now", lambda: now, raising=False)
    plan = write_plan(tmp_path / "plan.csv")
    args = ["send", plan, "--channel", "csv", "--dry-run", "--db", old_shop_db]
    code, out, err = run([*args, "--campaign-id", "now", "--out", tmp_path / "a"], capsys)
    assert code in (0, None), err
    assert (
        "Old data: the shop's newest order or event is from 2011-12-09, 5,475 days before "
        "campaign now was logged as sent (2026-12-05 09:18)"
    ) in " ".join(out.split())
    # dated on the export with --sent-at: no such line, and the log says that date
    args += ["--campaign-id", "replay", "--out", tmp_path / "b", "--sent-at", "2011-12-10"]
    code, out, err = run(args, capsys)
    assert code in (0, None), err
    assert "Old data" not in out
    with Store(old_shop_db) as store:
        logged = campaign_exposures(store, "replay")
    assert (logged["sent_at"] == pd.Timestamp("2011-12-10")).all()
