"""`send` on a plan that offers nobody (every customer in group none): no campaign is logged,
no file written, and one line says so."""

from __future__ import annotations

import pytest

from promopilot.campaigns.delivery import send_campaign
from promopilot.cli import main
from promopilot.data.queries.delivery import campaign_exposures
from tests.campaigns.delivery_helpers import PLAN, make_store, write_plan

# every customer in group none: what `plan` writes when it cannot target and is not asked to
# run its proposed test (UCI Online Retail: 4,372 rows, none offered)
NOTHING = PLAN.assign(offer_id="", group="none", propensity=1.0)


def run(args, capsys):
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out.replace("\n", " "), out.err


def test_a_plan_that_offers_nobody_logs_no_campaign(tmp_path):
    with make_store(tmp_path) as store:
        report = send_campaign(
            store,
            write_plan(tmp_path / "plan.csv", NOTHING),
            campaign_id="nothing",
            channel="csv",
            dry_run=True,
            out=tmp_path / "out",
        )
        assert campaign_exposures(store, "nothing").empty
        assert store.scalar("SELECT count(*) FROM campaigns") == 0
        assert report.n_exposures == report.n_logged == 0
        assert report.sent_nothing and report.n_considered == len(NOTHING) == 10
    assert not (tmp_path / "out").exists()  # no coupon file, no messages


def test_send_says_a_plan_that_offers_nobody_is_not_logged(tmp_path, capsys):
    make_store(tmp_path).close()
    db, plan = tmp_path / "shop.duckdb", write_plan(tmp_path / "plan.csv", NOTHING)
    args = ["send", plan, "--campaign-id", "nothing", "--channel", "csv", "--dry-run"]
    code, out, err = run([*args, "--out", tmp_path / "out", "--db", db], capsys)
    assert code in (0, None), err
    # the one line, whole (a long temporary path wraps anywhere: compared without spaces)
    assert "".join(out.split()) == "".join(
        f"{plan} sends nothing: none of its 10 customers is offered a coupon, so campaign "
        "nothing is not logged and no file is written (a plan that proposed a test sends it "
        "when planned with --run-test)".split()
    )
    # the campaign lists have nothing to count
    code, out, err = run(["report", "nothing", "--db", db], capsys)
    assert code == 2 and "campaign 'nothing' is not in the store" in err


def test_a_plan_with_one_offer_is_still_logged_whole(tmp_path):
    one = NOTHING.copy()
    one.loc[0, ["offer_id", "group", "propensity"]] = ["pct10", "explore", 0.05]
    with make_store(tmp_path) as store:
        report = send_campaign(
            store,
            write_plan(tmp_path / "plan.csv", one),
            campaign_id="one",
            channel="csv",
            dry_run=True,
            out=tmp_path / "out",
        )
        assert not report.sent_nothing and report.n_logged == 10 and report.n_offered == 1
