"""The default offer catalogue for a shop without offers.csv, and its [offers] settings."""

from __future__ import annotations

import shutil

import pytest
from rich.console import Console

from promopilot.cli.plan import plan_tables
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.offers.catalogue import (
    DEFAULT_CATALOGUE,
    OfferSettings,
    default_offers,
    load_offer_settings,
)
from promopilot.offers.inputs import load_offers
from promopilot.offers.plan import build_plan
from promopilot.synth.shop import END


@pytest.fixture(scope="module")
def bare_db(shop_db, tmp_path_factory):
    """The synthetic shop with no offers listed and no past campaigns."""
    path = tmp_path_factory.mktemp("bare") / "bare.duckdb"
    shutil.copy(shop_db, path)
    with Store(path) as store:
        store.execute("DELETE FROM campaigns")
        store.execute("DELETE FROM offers")
    return path


@pytest.fixture(scope="module")
def quiet_plan(bare_db):
    """The plan of the bare shop without the proposed test: the first plan `promopilot plan`
    makes of it (made once, used by two tests; neither changes it)."""
    with Store(bare_db, read_only=True) as store:
        return build_plan(store, budget=500.0, campaign_id="first", as_of=END)


def test_settings_are_read_from_the_offers_table(tmp_path):
    path = tmp_path / "promopilot.toml"
    path.write_text("[offers]\npercent_off = 0.15\nfree_shipping_fee = 0\n", encoding="utf-8")
    settings = load_offer_settings(path, env={})
    assert settings.percent_off == 0.15 and settings.free_shipping_fee == 0
    assert settings.amount_off_quantile == OfferSettings().amount_off_quantile
    path.write_text("[offers]\npercent = 0.15\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown \\[offers\\] setting"):
        load_offer_settings(path, env={})
    path.write_text("[offers]\npercent_off = 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="percent_off"):
        load_offer_settings(path, env={})


def test_default_catalogue_is_sized_from_the_shops_baskets(bare_db):
    with Store(bare_db, read_only=True) as store:
        offers = default_offers(store, END)
        loaded = load_offers(store, END)
        orders = store.table("orders")
    orders = orders[~orders["is_return"].fillna(False).astype(bool)]
    orders = orders[orders["timestamp"] < END]
    baskets = (orders["quantity"] * orders["unit_price"]).groupby(orders["order_id"]).sum()
    assert list(offers["kind"]) == ["percent_off", "amount_off", "free_shipping"]
    assert loaded.attrs["source"] == DEFAULT_CATALOGUE
    assert list(loaded["offer_id"]) == list(offers["offer_id"])
    amount = offers[offers["kind"] == "amount_off"].iloc[0]
    # the threshold is near the 75th percentile of order values, the discount 10% of it
    q75 = baskets.quantile(0.75)
    assert 0.6 * q75 <= amount["min_spend"] <= 1.5 * q75
    assert amount["value"] == pytest.approx(0.1 * amount["min_spend"], rel=0.5)
    assert str(int(amount["min_spend"])) in amount["offer_id"]


def test_a_shop_without_offers_is_planned_with_the_default_catalogue(bare_db, quiet_plan):
    quiet = quiet_plan
    with Store(bare_db, read_only=True) as store:
        # no campaign history: nothing is sent unless the proposed test is asked for
        result = build_plan(store, budget=500.0, campaign_id="first", as_of=END, run_test=True)
    assert (quiet.plan["offer_id"] == "").all() and "randomized test" in quiet.design
    # the Python result names no command-line flag: proposed, not sent, and says so
    assert quiet.test_proposed and not result.test_proposed
    assert "--run-test" not in quiet.design and "not sent unless" in quiet.design
    assert result.offer_source == DEFAULT_CATALOGUE
    sent = result.plan.loc[result.plan["offer_id"] != "", "offer_id"]
    assert len(sent) and set(sent) <= set(result.offers["offer_id"])
    assert result.plan["expected_cost"].sum() <= 500.0 + 1e-6
    console = Console(width=200, record=True)
    for item in plan_tables(result):
        console.print(item)
    text = console.export_text()
    assert "default offer catalogue" in text
    for offer in result.offers["offer_id"]:
        assert offer in text


def test_products_are_shown_after_the_defaults_are_stored(bare_db, quiet_plan, tmp_path):
    """`promopilot plan` stores the default offers it used (for `send` and `report`); the next
    plan reads them back with an all-missing category column and must still show products
    (it showed none: the missing category was read as a category named "")."""
    from promopilot.data.queries.offers import add_offers

    path = tmp_path / "shop.duckdb"
    shutil.copy(bare_db, path)
    first = quiet_plan  # planned on this same data
    with Store(path) as store:
        assert add_offers(store, first.offers) == len(first.offers)
        second = build_plan(store, budget=500.0, campaign_id="second", as_of=END)
    assert second.offer_source != DEFAULT_CATALOGUE  # read from the store this time
    shown = second.plan["recommended_products"]
    assert (shown != "").mean() > 0.5
    assert shown.equals(first.plan["recommended_products"])


def test_the_proposed_test_shows_its_arms_not_the_plan_that_sends_nothing(quiet_plan):
    """`promopilot plan` without --run-test said "the test holds 590 of the 1,500 customers it
    may draw" above a table "designed test summer: none (nothing) 1,500" (the demo's store):
    the plan written sends nothing, so the table showed no test at all. It shows the proposed
    test's arms, as --run-test would send them, and says it is not sent. Its rows are in an
    owner's words: "not in the test" and "no offer", not plan.csv's group "none" and
    "(nothing)"."""
    import re

    console = Console(width=200, record=True)
    for item in plan_tables(quiet_plan):
        console.print(item)
    text = console.export_text()
    assert "proposed test first (not sent)" in text and "designed test first" not in text
    held = int(re.search(r"the test holds ([\d,]+) of", text).group(1).replace(",", ""))
    rows = [line.split("│") for line in text.splitlines() if line.startswith("│")]
    in_test = {(r[1].strip(), r[2].strip()): int(r[3].strip().replace(",", "")) for r in rows}
    assert sum(n for (group, _), n in in_test.items() if group != "not in the test") == held
    # in an owner's words: plan.csv's group "none" and offer "" are not a name to read
    assert ("not in the test", "no offer") in in_test and ("control", "no offer") in in_test
    assert not {"none", "(nothing)"} & {word for pair in in_test for word in pair}
    assert {arm for group, arm in in_test if group == "explore"} == set(
        quiet_plan.offers["offer_id"]
    )
    assert (quiet_plan.plan["offer_id"] == "").all()  # the plan written still sends nothing
