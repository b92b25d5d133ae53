"""Hand-written plans and policies keyed by e-mail address or phone number: read as the hash
ingest stored, each customer once, and no address in an error."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.campaigns.delivery import send_campaign
from promopilot.campaigns.exposures import read_plan
from promopilot.campaigns.ope import policy_arms
from promopilot.data.contact_ids import file_customer_ids, stored_customer_id, stored_customer_ids
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from tests.campaigns.delivery_helpers import PLAN, FakeSender, settings, write_plan, write_shop

ADDRESS = {f"C{i}": f"buyer{i}@example.com" for i in range(1, 11)}


@pytest.fixture()
def store(tmp_path):
    """The delivery tests' tiny shop keyed by e-mail address (no e-mail column: the id is the
    only place the address is)."""
    folder = write_shop(tmp_path / "shop", unsubscribes=False)
    for name in ("customers", "orders", "reviews"):
        table = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        table["customer_id"] = table["customer_id"].map(ADDRESS)
        table.drop(columns=["email"], errors="ignore").to_csv(folder / f"{name}.csv", index=False)
    with Store(tmp_path / "shop.duckdb") as s:
        ingest(s, folder)
        yield s


def _typed_plan() -> pd.DataFrame:
    """The plan keyed by address as a person types it: another case, spaces around."""
    plan = PLAN.copy()
    plan["customer_id"] = " " + plan["customer_id"].map(ADDRESS).str.replace("buyer", "Buyer")
    return plan


def test_a_plan_keyed_by_address_sends_to_the_stored_customers(store, tmp_path):
    sender = FakeSender()
    report = send_campaign(
        store,
        write_plan(tmp_path / "plan.csv", _typed_plan()),
        campaign_id="spring",
        settings=settings(),
        sender=sender,
        out=tmp_path / "out",
    )
    logged = store.query("SELECT customer_id FROM campaigns WHERE campaign_id = 'spring'")
    assert sorted(logged["customer_id"]) == sorted(stored_customer_id(a) for a in ADDRESS.values())
    assert report.n_no_address == 0
    # every offered customer (all but C2 and C6, the control) is reached at their own address
    offered = PLAN.loc[PLAN["offer_id"].fillna("") != "", "customer_id"].map(ADDRESS)
    assert sender.recipients == sorted(offered)
    assert store.scalar("SELECT count(*) FROM campaigns WHERE contains(customer_id, '@')") == 0


def test_a_customer_named_twice_in_any_case_is_refused_masked(store, tmp_path):
    plan = _typed_plan()
    plan.loc[4, "customer_id"] = "buyer2@EXAMPLE.com"  # line 6: the customer of line 3
    path = write_plan(tmp_path / "plan.csv", plan)
    with pytest.raises(InputError) as refused:
        send_campaign(store, path, campaign_id="x", settings=settings(), sender=FakeSender())
    message = str(refused.value)
    assert message == (
        f"{path}: line 6, column customer_id: 'b***@example.com': each customer once per plan "
        "(line 3 is the same customer)"
    )
    assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'x'") == 0


def test_an_address_in_another_column_is_masked_in_the_error(tmp_path):
    plan = _typed_plan()
    plan["group"] = plan["group"].astype(object)
    plan.loc[1, "group"] = "+86 138 0013 8000"
    with pytest.raises(InputError, match=r"line 3, column group: '\+86\*{7}8000'"):
        read_plan(write_plan(tmp_path / "plan.csv", plan))
    plan.loc[1, "group"] = "ask buyer2@example.com"
    with pytest.raises(InputError, match=r"line 3, column group: '\*\*\*'"):
        read_plan(write_plan(tmp_path / "plan.csv", plan))


def test_file_ids_read_in_bulk_as_one_typed_id_is():
    typed = pd.Series(
        [" Ann@Example.COM", "17850.0", "C000123", "138-0013-8000", "+86 138 0013 8000", "a@b"]
    )
    assert list(stored_customer_ids(typed)) == [stored_customer_id(t) for t in typed]
    plain = pd.Series(["c1", "c2"])
    assert list(stored_customer_ids(plain)) == ["c1", "c2"]
    with pytest.raises(InputError, match=r"line 6, column customer_id: '\+86\*{7}8000'"):
        file_customer_ids(typed, "p.csv", expected="each customer once")


def test_a_policy_keyed_by_address_names_the_stored_customers():
    stored = [stored_customer_id("ann@example.com"), stored_customer_id("+8613800138000")]
    frame = pd.DataFrame({"customer_id": stored, "arm": ["x", "control"]})
    policy = pd.DataFrame({"customer_id": ["Ann@example.com", "13800138000"], "offer_id": "x"})
    arms, unnamed = policy_arms(frame, policy)
    assert list(arms) == ["x", "x"] and unnamed == 0
    twice = pd.DataFrame({"customer_id": ["ann@example.com", " ANN@example.com"], "offer_id": "x"})
    with pytest.raises(InputError, match=r"^policy: customer 'a\*\*\*@example.com' appears"):
        policy_arms(frame, twice)
