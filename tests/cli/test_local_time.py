"""`promopilot profile` and `plan` say "as of" in the shop's time zone, as `summary` shows its
dates: the store keeps UTC, and the plan or profile date is a UTC instant."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.offers.plan import PlanResult

ZONE = "America/Los_Angeles"  # UTC-7 in October
ORDERS = (
    "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
    "o1,2026-09-20 10:00,c1,p1,1,10\no2,2026-10-04 12:00,c1,p1,1,10\n"
    "o3,2026-09-28 09:00,c2,p1,2,10\no4,2026-10-11 20:00,c3,p1,1,10\n"
)


def run(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.fixture()
def db(tmp_path, capsys, monkeypatch):
    """A store of a Los Angeles shop whose last order, 20:00 on Sunday 11 October, is
    Monday 03:00 in UTC."""
    for name in ("PROMOPILOT_CONFIG", "PROMOPILOT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")  # no line of the output wraps
    (tmp_path / "promopilot.toml").write_text(f'timezone = "{ZONE}"\n', encoding="utf-8")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(ORDERS, encoding="utf-8")
    path = tmp_path / "s.duckdb"
    assert run(capsys, "ingest", shop, "--db", path)[0] == 0
    return path


def test_profile_says_as_of_in_the_shops_time(db, capsys, tmp_path):
    # the default as_of is the shop's midnight after its last order (20:00 on the 11th in Los
    # Angeles): the 12th, not the UTC midnight after the order's UTC day (17:00 on the 12th)
    code, out, err = run(capsys, "profile", "--db", db, "--out", tmp_path / "c.csv")
    assert code == 0, err
    assert "customers as of 2026-10-12 written to" in out
    _, summary, _ = run(capsys, "summary", "--db", db)
    assert "2026-09-20 .. 2026-10-11" in summary  # the same clock


def test_plan_says_as_of_in_the_shops_time(db, capsys, tmp_path, monkeypatch):
    import promopilot.offers.plan as planning

    def build_plan(store, **kwargs):  # the plan itself is not what is tested here
        plan = pd.DataFrame({"customer_id": ["c1"], "offer_id": ["pct10"], "group": "target"})
        return PlanResult(
            plan=plan,
            campaign_id="spring",
            as_of=store.as_of(kwargs["as_of"]),  # as build_plan reads it
            budget=10.0,
            timezone=store.timezone,  # as build_plan sets it
            totals={"expected_profit": 1.0, "expected_cost": 1.0, "n_target": 1}
            | {"n_control": 0, "n_explore": 0, "n_considered": 1},
        )

    monkeypatch.setattr(planning, "build_plan", build_plan)
    args = ("plan", "--budget", 10, "--db", db, "--out", tmp_path / "p.csv")
    code, out, err = run(capsys, *args, "--as-of", "2026-10-12")
    assert code == 0, err
    assert "plan spring (as of 2026-10-12)" in out  # the shop's midnight: the date alone
    code, out, err = run(capsys, *args, "--as-of", "2026-10-12T07:00")
    assert code == 0, err
    assert "plan spring (as of 2026-10-12 07:00)" in out  # the shop's clock, as ingest reads
    code, out, err = run(capsys, *args, "--as-of", "2026-10-12T07:00Z")
    assert code == 0, err
    assert "plan spring (as of 2026-10-12)" in out  # a zone is kept: 07:00 UTC is midnight


def test_demo_reads_its_shop_in_the_timezone_setting(db, capsys, tmp_path, monkeypatch):
    """The demo's store is the one `serve --db` (printed at its end) opens: the synthetic
    shop's times are read in the timezone setting, as any shop's (it was always UTC)."""
    import promopilot.cli.demo as demo
    from promopilot.data.store import Store

    monkeypatch.setattr(demo, "DEMO_STEPS", [])  # the store is what is tested here
    code, _, err = run(capsys, "demo", "--out", tmp_path / "demo", "--customers", 100)
    assert code == 0, err
    written = pd.read_csv(tmp_path / "demo" / "shop" / "orders.csv")["timestamp"]
    first = pd.Timestamp(written.min()).tz_localize(ZONE).tz_convert("UTC").tz_localize(None)
    with Store(tmp_path / "demo" / "promopilot.duckdb", read_only=True) as store:
        assert pd.Timestamp(store.scalar("SELECT min(timestamp) FROM orders")) == first


def test_retrain_writes_a_campaigns_send_time_as_it_prints_it(db, capsys, tmp_path):
    # sent at 09:00 in Los Angeles (16:00 UTC): the file a person opens says 09:00, as the
    # printed table does, not the stored UTC clock without a zone (the table's width varies
    # with the terminal, so the file is what is checked)
    campaigns = tmp_path / "past"
    campaigns.mkdir()
    (campaigns / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        "fall,c1,,2026-10-01 09:00,0.5\nfall,c2,,2026-10-01 09:00,0.5\n",
        encoding="utf-8",
    )
    assert run(capsys, "ingest", campaigns / "campaigns.csv", "--db", db)[0] == 0
    out_dir = tmp_path / "retrain"
    code, _, err = run(capsys, "retrain", "--db", db, "--out", out_dir, "--no-evaluate")
    assert code == 0, err
    written = pd.read_csv(out_dir / "campaigns.csv")
    assert pd.Timestamp(written["sent_at"].iloc[0]) == pd.Timestamp("2026-10-01 09:00")
