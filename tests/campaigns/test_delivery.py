"""`send_campaign`: the exposure log, re-runs, unsubscribes, crashes and contact data."""

from __future__ import annotations

import email
from email import policy

import pandas as pd
import pytest

from promopilot.campaigns.delivery import send_campaign
from promopilot.campaigns.exposures import read_plan
from promopilot.campaigns.smtp import PermanentFailure
from promopilot.data.contact_ids import masked_in_text
from promopilot.data.ingest import ingest
from promopilot.data.queries.delivery import campaign_exposures, delivery_status
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from tests.campaigns.delivery_helpers import (
    CUSTOMERS,
    EMAILED,
    PLAN,
    FakeSender,
    make_store,
    settings,
    write_plan,
    write_shop,
)


def address(customer_id: str) -> str:
    return CUSTOMERS.set_index("customer_id").loc[customer_id, "email"]


@pytest.fixture()
def store(tmp_path):
    with make_store(tmp_path) as store:
        yield store


def send(store, tmp_path, sender, **kwargs):
    return send_campaign(
        store,
        write_plan(tmp_path / "plan.csv"),
        campaign_id="spring",
        settings=settings(),
        sender=sender,
        out=tmp_path / "out",
        **kwargs,
    )


def test_every_exposure_is_logged_with_group_propensity_and_a_code(store, tmp_path):
    report = send(store, tmp_path, FakeSender(), sent_at="2026-11-01 10:00")
    log = campaign_exposures(store, "spring").set_index("customer_id")
    plan = PLAN.set_index("customer_id").loc[log.index]
    assert report.n_exposures == report.n_logged == len(PLAN) == len(log)
    assert (log["group"] == plan["group"]).all()
    assert log["propensity"].to_numpy() == pytest.approx(plan["propensity"])
    assert (log["offer_id"].fillna("") == plan["offer_id"]).all()
    assert (log["sent_at"] == pd.Timestamp("2026-11-01 10:00")).all()
    assert (log["channel"] == "email").all()
    offered = plan["offer_id"] != ""
    assert log.loc[offered[offered].index, "coupon_code"].notna().all()
    assert log.loc[offered[~offered].index, "coupon_code"].isna().all()  # control: no code
    assert log["coupon_code"].dropna().is_unique


def test_sending_twice_sends_nothing_new_and_logs_nothing_twice(store, tmp_path):
    first = FakeSender()
    report = send(store, tmp_path, first)
    assert first.recipients == sorted(address(c) for c in EMAILED)
    assert report.n_delivered == len(EMAILED)
    codes = campaign_exposures(store, "spring").set_index("customer_id")["coupon_code"]

    again = FakeSender()
    second = send(store, tmp_path, again)
    assert again.messages == []
    assert second.n_logged == 0 and second.n_delivered == 0
    assert second.n_done_before == len(EMAILED)
    assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'spring'") == len(PLAN)
    after = campaign_exposures(store, "spring").set_index("customer_id")["coupon_code"]
    pd.testing.assert_series_equal(codes, after)  # the same codes, not new ones
    status = delivery_status(store, "spring")
    assert status["customer_id"].is_unique


def test_an_unsubscribed_customer_never_receives_a_message(store, tmp_path):
    sender = FakeSender()
    send(store, tmp_path, sender)
    send(store, tmp_path, sender)
    received = set(sender.recipients)
    assert address("C3") not in received  # unsubscribed from every channel
    assert address("C5") not in received  # unsubscribed from e-mail
    status = delivery_status(store, "spring").set_index("customer_id")["status"]
    assert status["C3"] == status["C5"] == "unsubscribed"
    assert status["C7"] == "no_address"
    # they stay in the exposure log with their planned group
    log = campaign_exposures(store, "spring").set_index("customer_id")
    assert log.loc["C3", "group"] == "target" and log.loc["C3", "offer_id"] == "mj150_20"


def test_unsubscribed_customer_gets_no_coupon_in_the_csv_channel(store, tmp_path):
    report = send(store, tmp_path, None, channel="csv")
    coupons = pd.read_csv(report.files[0], dtype=str, keep_default_na=False)
    assert "C3" not in set(coupons["customer_id"])  # unsubscribed from everything
    assert "C5" in set(coupons["customer_id"])  # only from e-mail


def test_exposures_are_logged_before_sending_and_a_crash_resumes(store, tmp_path):
    crashing = FakeSender(fail_at=3)
    with pytest.raises(RuntimeError, match="died"):
        send(store, tmp_path, crashing)
    assert len(crashing.messages) == 2
    # the whole plan was logged before the first message, and the two sent are recorded
    assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'spring'") == len(PLAN)
    status = delivery_status(store, "spring")
    sent = set(status.loc[status["status"] == "sent", "customer_id"])
    assert len(sent) == 2 and sent <= set(EMAILED)

    resumed = FakeSender()
    report = send(store, tmp_path, resumed)
    assert report.n_logged == 0
    assert len(resumed.messages) == len(EMAILED) - 2
    everyone = crashing.recipients + resumed.recipients
    assert sorted(everyone) == sorted(address(c) for c in EMAILED)  # each exactly once


def test_a_crash_while_logging_leaves_no_partial_log(store, tmp_path, monkeypatch):
    from promopilot.data.queries import delivery as q

    def broken(store, rows):
        store.execute(
            "INSERT INTO campaigns (campaign_id, customer_id, sent_at) "
            "VALUES ('spring', 'C1', now()::TIMESTAMP)"
        )
        raise OSError("disk full")

    monkeypatch.setattr(q, "insert_exposures", broken)
    sender = FakeSender()
    with pytest.raises(OSError):
        send(store, tmp_path, sender)
    assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'spring'") == 0
    assert sender.messages == []


def test_permanent_refusal_is_not_retried_by_a_rerun(store, tmp_path):
    refusing = FakeSender(refuse={address("C4")})
    report = send(store, tmp_path, refusing)
    assert report.n_failed == 1
    status = delivery_status(store, "spring").set_index("customer_id")
    assert status.loc["C4", "status"] == "failed"
    assert "example.com" not in str(status.loc["C4", "error"])
    again = FakeSender()
    send(store, tmp_path, again)
    assert again.messages == []


class QuotingSender(FakeSender):
    """A sender whose refusals quote the recipient, as mail servers' do."""

    def send(self, message) -> int:
        if message["To"] in self.refuse:
            raise PermanentFailure(f"550 5.1.1 <{message['To']}>: mailbox unavailable")
        return super().send(message)


def test_a_refusal_naming_the_address_is_stored_masked(store, tmp_path):
    ann = address("C4")
    report = send(store, tmp_path, QuotingSender(refuse={ann}))
    assert report.n_failed == 1
    error = delivery_status(store, "spring").set_index("customer_id").loc["C4", "error"]
    local, _, domain = ann.partition("@")
    assert error == f"550 5.1.1 <{local[0]}***@{domain}>: mailbox unavailable"
    assert ann not in str(store.query("SELECT * FROM deliveries").to_dict("records"))


def test_addresses_and_phone_numbers_in_an_error_text_are_masked():
    text = "号码 +86 138 0013 8000 and 13900139000 refused; cc (Bob.Lee@mail.example.cn), id 17850"
    assert masked_in_text(text) == (
        "号码 +86*******8000 and +86*******9000 refused; cc (b***@mail.example.cn), id 17850"
    )


def test_another_plan_under_the_same_campaign_id_is_refused(store, tmp_path):
    send(store, tmp_path, FakeSender())
    changed = PLAN.copy()
    changed.loc[0, "offer_id"] = "ship"
    with pytest.raises(InputError, match="another plan"):
        send_campaign(
            store,
            write_plan(tmp_path / "other.csv", changed),
            campaign_id="spring",
            settings=settings(),
            sender=FakeSender(),
            out=tmp_path / "o2",
        )


def test_a_rerun_after_serve_logged_live_visitors_resumes_the_send(store, tmp_path):
    # `serve --plan` logs a visitor outside the plan into the plan's campaign (channel api);
    # a later re-run of the same send (to retry, or after a crash) still resumes it
    crashing = FakeSender(fail_at=3)
    with pytest.raises(RuntimeError, match="died"):
        send(store, tmp_path, crashing)
    store.execute(
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
        "propensity, \"group\") VALUES ('spring', 'visitor-9', 'ship', now()::TIMESTAMP, "
        "'api', 0.1, 'explore')"
    )
    resumed = FakeSender()
    report = send(store, tmp_path, resumed)
    assert report.n_logged == 0 and report.n_exposures == len(PLAN)
    everyone = crashing.recipients + resumed.recipients
    assert sorted(everyone) == sorted(address(c) for c in EMAILED)  # no live visitor e-mailed


def test_a_plan_other_than_the_one_serve_answered_is_refused_in_plain_words(store, tmp_path):
    # serve answered C1 with nothing; this plan gives C1 pct10 as a target: another plan (the
    # same plan would continue the campaign: test_delivery_after_serve.py)
    store.execute(
        "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
        "propensity, \"group\") VALUES ('spring', 'C1', NULL, now()::TIMESTAMP, 'api', 0.9, "
        "'none')"
    )
    with pytest.raises(InputError, match=r"'spring' is already logged with another plan.*serve"):
        send(store, tmp_path, FakeSender())


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("group", "treatment", "target, control, explore or none"),
        ("propensity", "1.5", "a probability"),
        ("offer_id", "nosuch", "offers table"),
    ],
)
def test_bad_plan_rows_are_named_by_line_and_column(store, tmp_path, column, value, expected):
    bad = PLAN.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[3, column] = value
    _refused(store, tmp_path, bad, rf"line 5, column {column}: .*{expected}")


def _refused(store, tmp_path, bad: pd.DataFrame, match: str) -> None:
    """Sending `bad` stops with `match` and logs nothing."""
    with pytest.raises(InputError, match=match):
        send_campaign(
            store,
            write_plan(tmp_path / "bad.csv", bad),
            campaign_id="x",
            settings=settings(),
            sender=FakeSender(),
            out=tmp_path / "o",
        )
    assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'x'") == 0


@pytest.mark.parametrize("group", ["control", "none"])
def test_an_offer_on_a_row_that_gets_nothing_is_refused(store, tmp_path, group):
    """A `none` row (not held out, sent nothing) that names an offer would get a coupon."""
    bad = PLAN.copy()
    row = int((bad["offer_id"].fillna("") != "").to_numpy().argmax())
    bad.loc[row, "group"] = group
    _refused(store, tmp_path, bad, rf"column offer_id: .*a {group} customer gets nothing")


def test_messages_show_products_prices_and_code_in_the_customers_language(store, tmp_path):
    sender = FakeSender()
    send(store, tmp_path, sender)
    codes = campaign_exposures(store, "spring").set_index("customer_id")["coupon_code"]
    by_to = {str(m["To"]): m for m in sender.messages}
    c1 = email.message_from_bytes(bytes(by_to[address("C1")]), policy=policy.default)
    text = c1.get_body(("plain",)).get_content()
    html = c1.get_body(("html",)).get_content()
    assert codes["C1"] in text and codes["C1"] in html
    # the tiny shop names no currency: bare prices, never a sign it did not name (was ¥59)
    assert "纯棉T恤 纯棉短袖  59\n" in text and "羊毛围巾" in html
    assert ">129.50<" in html and "9折" in str(c1["Subject"])  # region 上海: Chinese
    assert "¥" not in text + html
    c4 = by_to[address("C4")]  # English reviews, no region
    assert "coupon" in str(c4["Subject"]) and "free shipping" in str(c4["Subject"])


def test_contact_data_stays_out_of_the_store_and_the_files(store, tmp_path):
    report = send(store, tmp_path, FakeSender(), dry_run=True)
    secrets = [e for e in CUSTOMERS["email"] if e] + list(CUSTOMERS["phone"]) + ["王芳", "李雷"]
    out = tmp_path / "out"
    for path in out.rglob("*"):
        assert not any(s in path.name for s in secrets)
        if path.is_file():
            content = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            text = (
                path.read_text(encoding="utf-8")
                if path.suffix != ".eml"
                else (str(content["To"]) + content.get_body(("plain",)).get_content())
            )
            assert not any(s in text for s in secrets), path
    for table in ("campaigns", "deliveries"):
        dump = store.query(f"SELECT * FROM {table}").to_csv()
        assert not any(s in dump for s in secrets)
    assert report.n_delivered == len(EMAILED)
    index = pd.read_csv(out / "index.csv", dtype=str)
    assert sorted(index["customer_id"]) == sorted(EMAILED)
    first = email.message_from_bytes((out / index["file"][0]).read_bytes(), policy=policy.default)
    assert str(first["To"]).startswith("b***@example.com")


def test_an_email_cell_written_as_a_link_is_sent_to_the_address_in_it(tmp_path, monkeypatch):
    # a customers export writing mailto:, a mail header or quotes: the address itself is kept
    spelled = {"C1": "mailto:Buyer1@Example.com", "C4": "Bob <buyer4@example.com>"}
    customers = CUSTOMERS.assign(
        email=CUSTOMERS["customer_id"].map(spelled).fillna(CUSTOMERS["email"])
    )
    monkeypatch.setattr("tests.campaigns.delivery_helpers.CUSTOMERS", customers)
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, write_shop(tmp_path / "shop"))
        sender = FakeSender()
        report = send(store, tmp_path, sender)
    assert report.n_delivered == len(EMAILED)
    assert sender.recipients == sorted(address(c).lower() for c in EMAILED)


def test_dry_run_sends_nothing_and_leaves_the_real_send_to_do(store, tmp_path):
    send(store, tmp_path, FakeSender(), dry_run=True)
    assert delivery_status(store, "spring").empty
    real = FakeSender()
    report = send(store, tmp_path, real)
    assert report.n_logged == 0 and len(real.messages) == len(EMAILED)


def test_sms_dry_run_writes_one_message_each_within_the_limit(store, tmp_path):
    from promopilot.campaigns.sms import sms_length

    report = send(store, tmp_path, None, channel="sms", dry_run=True)
    sms = pd.read_csv(tmp_path / "out" / "sms.csv", dtype=str)
    codes = campaign_exposures(store, "spring").set_index("customer_id")["coupon_code"]
    # C3 unsubscribed from everything; C5 only from e-mail, so C5 gets an SMS
    assert sorted(sms["customer_id"]) == sorted(["C1", "C4", "C5", "C7", "C8", "C9", "C10"])
    for row in sms.itertuples():
        assert sms_length(row.text).fits and codes[row.customer_id] in row.text
        assert row.to.startswith("*")
    assert report.n_unsubscribed == 1


def test_unsubscribes_are_ingested_and_forgotten(tmp_path):
    with make_store(tmp_path) as store:
        rows = store.table("unsubscribes")
        assert sorted(rows["customer_id"]) == ["C3", "C5"]
        assert rows.set_index("customer_id").loc["C5", "channel"] == "email"
        send_campaign(
            store,
            write_plan(tmp_path / "p.csv"),
            campaign_id="s",
            settings=settings(),
            sender=FakeSender(),
            out=tmp_path / "o",
        )
        removed = store.forget("C5")
        assert removed["unsubscribes"] == 1 and removed["campaigns"] == 1
        assert removed["deliveries"] == 1
        for table in ("unsubscribes", "campaigns", "deliveries"):
            assert not store.scalar(f"SELECT count(*) FROM {table} WHERE customer_id = 'C5'")


def test_a_forgotten_customer_is_left_out_of_the_plan_never_logged_or_messaged(store, tmp_path):
    store.forget("C1")  # forgotten after the plan was written: an offered target customer
    report = send(store, tmp_path, FakeSender(), dry_run=True)
    assert report.n_forgotten == 1
    assert report.n_exposures == report.n_logged == len(PLAN) - 1
    for table in ("campaigns", "deliveries"):
        assert not store.scalar(f"SELECT count(*) FROM {table} WHERE customer_id = 'C1'")
    out = tmp_path / "out"
    index = pd.read_csv(out / "index.csv", dtype=str)
    assert "C1" not in set(index["customer_id"])
    coupons = pd.read_csv(out / "coupons.csv", dtype=str)
    assert "C1" not in set(coupons["customer_id"])
    # the real send of the same plan and id is the same campaign: nothing refused, C1 not sent
    real = FakeSender()
    again = send(store, tmp_path, real)
    assert again.n_logged == 0 and address("C1") not in real.recipients
    assert not store.scalar("SELECT count(*) FROM campaigns WHERE customer_id = 'C1'")


def test_a_store_made_before_the_new_columns_gets_them(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE campaigns (campaign_id VARCHAR, customer_id VARCHAR, "
        "offer_id VARCHAR, sent_at TIMESTAMP, channel VARCHAR, propensity DOUBLE, "
        "ingest_id BIGINT)"
    )
    con.close()
    with Store(path) as store:
        columns = set(store.query("SELECT * FROM campaigns").columns)
    assert {"group", "coupon_code"} <= columns


def test_contacts_are_read_only_for_the_customers_being_messaged(store, tmp_path, monkeypatch):
    from promopilot.data.queries import delivery as q

    asked: list[set[str]] = []
    real = q.contacts_for

    def spy(store, customer_ids, field):
        asked.append(set(customer_ids))
        return real(store, customer_ids, field)

    monkeypatch.setattr(q, "contacts_for", spy)
    send(store, tmp_path, FakeSender())
    # offered, not unsubscribed (C7 has no address: asked, not found); never control
    assert asked == [{*EMAILED, "C7"}]
    send(store, tmp_path, FakeSender())
    assert asked[1] == {"C7"}  # a re-run asks only for what is left


def test_a_zoned_send_time_is_logged_in_utc(store, tmp_path):
    send(store, tmp_path, FakeSender(), sent_at="2026-11-01T18:00:00+08:00")
    log = campaign_exposures(store, "spring")
    assert (log["sent_at"] == pd.Timestamp("2026-11-01 10:00")).all()


def test_the_exposure_log_tells_sent_from_planned_but_not_sent(store, tmp_path):
    from promopilot.data.queries.delivery import exposure_log

    send(store, tmp_path, FakeSender(refuse={address("C4")}))
    log = exposure_log(store, "spring").set_index("customer_id")
    assert len(log) == len(PLAN)
    assert sorted(log.index[log["delivered"]]) == sorted(set(EMAILED) - {"C4"})
    assert log.loc["C2", "group"] == "control" and pd.isna(log.loc["C2", "delivery_status"])
    assert log.loc["C3", "delivery_status"] == "unsubscribed" and not log.loc["C3", "delivered"]
    assert log.loc["C4", "delivery_status"] == "failed"


def test_coupons_are_valid_from_the_send_date_not_the_plan_date(store, tmp_path):
    """The plan says 2026-12-20. Sent on 2026-12-10, a 14-day offer runs to 2026-12-24 (in the
    coupon file and the e-mail); a 7-day offer keeps the plan's later date; control rows have
    none."""
    sender = FakeSender()
    send(store, tmp_path, sender, sent_at="2026-12-10 09:00")
    coupons = pd.read_csv(next((tmp_path / "out").glob("coupons-*.csv")), dtype=str)
    by_offer = coupons.groupby("offer_id")[["starts_at", "expires_at"]].agg(set)
    assert by_offer.loc["pct10", "starts_at"] == {"2026-12-10"}
    assert by_offer.loc["pct10", "expires_at"] == {"2026-12-24"}  # 14 days from the send
    assert by_offer.loc["mj150_20", "expires_at"] == {"2026-12-24"}
    assert by_offer.loc["ship", "expires_at"] == {"2026-12-20"}  # 7 days: the plan's is later
    c1 = email.message_from_bytes(
        bytes(next(m for m in sender.messages if m["To"] == address("C1"))),
        policy=policy.default,
    )
    assert "有效期至 2026-12-24" in c1.get_body(("plain",)).get_content()


def test_a_plan_sent_before_its_date_keeps_the_planned_expiry(store, tmp_path):
    send(store, tmp_path, FakeSender(), sent_at="2026-11-01 09:00", dry_run=True)
    coupons = pd.read_csv(tmp_path / "out" / "coupons.csv", dtype=str)
    assert set(coupons["starts_at"]) == {"2026-11-01"}
    assert set(coupons["expires_at"]) == {"2026-12-20"}


def test_coupons_start_and_expire_on_the_shops_days(tmp_path):
    """Sent at 23:00 on 10 December UTC (a timestamp is a stored instant, as the default
    "now"), 07:00 on the 11th in Shanghai: a coupon starts on the 11th and a 14-day offer runs
    to the 25th, the shop's days."""
    with Store(tmp_path / "shanghai.duckdb", timezone="Asia/Shanghai") as store:
        ingest(store, write_shop(tmp_path / "shop"))
        sent_at = pd.Timestamp("2026-12-10 23:00")
        send(store, tmp_path, FakeSender(), sent_at=sent_at, dry_run=True)
        logged = campaign_exposures(store, "spring")
    assert (logged["sent_at"] == sent_at).all()  # stored in UTC
    coupons = pd.read_csv(tmp_path / "out" / "coupons.csv", dtype=str)
    assert set(coupons["starts_at"]) == {"2026-12-11"}
    by_offer = coupons.groupby("offer_id")["expires_at"].agg(set)
    assert by_offer["pct10"] == {"2026-12-25"}  # 14 days from the shop's day of sending


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2026-12-11 07:00", "2026-12-10 23:00"),  # naive: the shop's clock, as ingest reads
        ("2026-12-11", "2026-12-10 16:00"),  # a date: the shop's midnight
        ("2026-12-11T07:00:00Z", "2026-12-11 07:00"),  # a zone is kept
    ],
)
def test_sent_at_text_is_read_in_the_shops_zone_like_ingest(tmp_path, text, stored):
    """``--sent-at 2026-12-11 07:00`` in Shanghai is 23:00 UTC the day before (it was stored
    as 07:00 UTC, 15:00 in the shop)."""
    with Store(tmp_path / "shanghai.duckdb", timezone="Asia/Shanghai") as store:
        ingest(store, write_shop(tmp_path / "shop"))
        send(store, tmp_path, FakeSender(), sent_at=text, dry_run=True)
        logged = campaign_exposures(store, "spring")
    assert (logged["sent_at"] == pd.Timestamp(stored)).all()


def test_none_rows_are_logged_and_get_no_message(store, tmp_path):
    plan = PLAN.copy()
    plan.loc[1, "group"] = "none"  # C2: nothing sent, not held out
    sender = FakeSender()
    send_campaign(
        store,
        write_plan(tmp_path / "plan.csv", plan),
        campaign_id="spring",
        settings=settings(),
        sender=sender,
        out=tmp_path / "out",
    )
    log = campaign_exposures(store, "spring").set_index("customer_id")
    assert log.loc["C2", "group"] == "none" and pd.isna(log.loc["C2", "offer_id"])
    assert address("C2") not in sender.recipients


@pytest.mark.parametrize(("encoding", "sep"), [("gbk", ","), ("utf-8", "\t")])
def test_a_plan_edited_and_saved_by_chinese_excel_is_read_as_written(tmp_path, encoding, sep):
    # the shop opens plan.csv in Excel, edits it and saves it: as GBK "CSV" on a Chinese
    # Windows, or as tab-delimited "Unicode text"
    plan = PLAN.assign(reason="设计测试：随机分组", campaign_id="双11")
    saved = tmp_path / "plan.csv"
    plan.to_csv(saved, index=False, encoding=encoding, sep=sep)
    back = read_plan(saved)
    expected = read_plan(write_plan(tmp_path / "utf8.csv", plan))
    pd.testing.assert_frame_equal(back, expected)
    assert back["reason"].iat[0] == "设计测试：随机分组"


def test_a_contact_masked_by_the_platforms_export_is_no_address(store, tmp_path):
    # Taobao and Pinduoduo exports mask buyers' phones and e-mails (138****0001): a message
    # to one would only bounce at the gateway, so such a customer has no address
    store.execute("UPDATE contacts SET phone = '138****0001' WHERE customer_id = 'C1'")
    store.execute("UPDATE contacts SET email = 'b***@example.com' WHERE customer_id = 'C4'")
    report = send(store, tmp_path, None, channel="sms", dry_run=True)
    sms = pd.read_csv(tmp_path / "out" / "sms.csv", dtype=str)
    assert sorted(sms["customer_id"]) == sorted(["C4", "C5", "C7", "C8", "C9", "C10"])
    assert report.n_no_address == 1
    sender = FakeSender()
    send_campaign(
        store,
        write_plan(tmp_path / "plan2.csv"),
        campaign_id="spring-mail",
        settings=settings(),
        sender=sender,
        out=tmp_path / "out2",
    )
    recipients = {m["To"] for m in sender.messages}
    assert "b***@example.com" not in recipients and address("C1") in recipients


def test_the_coupon_file_has_max_discount_only_when_an_offer_in_it_has_a_cap(store, tmp_path):
    send(store, tmp_path, FakeSender(), dry_run=True)
    uncapped = pd.read_csv(tmp_path / "out" / "coupons.csv", dtype=str)
    assert len(uncapped) and "max_discount" not in uncapped.columns  # no offer has a cap
    store.execute("UPDATE offers SET max_discount = 30 WHERE offer_id = 'pct10'")
    send_campaign(
        store,
        write_plan(tmp_path / "plan.csv"),
        campaign_id="summer",
        settings=settings(),
        sender=FakeSender(),
        out=tmp_path / "capped",
        dry_run=True,
    )
    capped = pd.read_csv(tmp_path / "capped" / "coupons.csv", dtype=str, keep_default_na=False)
    assert list(capped.columns) == [*uncapped.columns[:6], "max_discount", *uncapped.columns[6:]]
    caps = capped.groupby("offer_id")["max_discount"].agg(set).to_dict()
    assert caps.pop("pct10") == {"30.0"} and all(c == {""} for c in caps.values())
