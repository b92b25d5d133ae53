"""`promopilot send` as a person runs it, on the synthetic shop (Chinese product titles)."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.sms import sms_length
from promopilot.cli import main
from promopilot.data.store import Store
from promopilot.exceptions import InputError


def run(args, capsys):
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.fixture()
def db(shop_db, tmp_path):
    path = tmp_path / "shop.duckdb"
    shutil.copy(shop_db, path)
    return path


@pytest.fixture()
def plan(shop_store, tmp_path):
    """A plan of 300 customers of the synthetic shop: 60 % target, 30 % control, 10 % explore."""
    ids = shop_store.query("SELECT customer_id FROM customers ORDER BY customer_id LIMIT 300")
    offers = list(shop_store.query("SELECT offer_id FROM offers")["offer_id"])
    products = list(shop_store.query("SELECT product_id FROM products")["product_id"])
    rng = np.random.default_rng(3)
    n = len(ids)
    group = rng.choice(["target", "control", "explore"], size=n, p=[0.6, 0.3, 0.1])
    frame = pd.DataFrame(
        {
            "customer_id": ids["customer_id"],
            "offer_id": np.where(group == "control", "", rng.choice(offers, size=n)),
            "group": group,
            "propensity": np.where(
                group == "explore", 0.05, np.where(group == "control", 0.3, 0.6)
            ),
            "recommended_products": [
                "|".join(rng.choice(products, 3, replace=False)) for _ in range(n)
            ],
            "expires_at": "2026-12-31",
        }
    )
    path = tmp_path / "plan.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_dry_run_logs_the_plan_and_writes_the_messages(db, plan, tmp_path, capsys):
    path, frame = plan
    out = tmp_path / "out"
    code, stdout, err = run(
        [
            "send",
            path,
            "--campaign-id",
            "winter",
            "--dry-run",
            "--db",
            db,
            "--out",
            out,
            "--channel",
            "sms",
            "--sent-at",
            "2026-11-20",
        ],
        capsys,
    )
    assert code == 0, err
    assert "exposures in the log" in stdout and "300" in stdout
    with Store(db, read_only=True) as store:
        log = store.query("SELECT * FROM campaigns WHERE campaign_id = 'winter'")
    assert len(log) == 300
    assert log["group"].value_counts().to_dict() == frame["group"].value_counts().to_dict()
    sms = pd.read_csv(out / "sms.csv", dtype=str)
    assert len(sms) == (frame["offer_id"] != "").sum()
    assert all(sms_length(text).fits for text in sms["text"])
    assert sms["text"].str.contains("推荐：").any()  # Chinese product titles shown
    coupons = pd.read_csv(out / "coupons.csv", dtype=str)
    assert set(coupons["code"]) == set(log["coupon_code"].dropna())


def test_a_plan_naming_its_currency_is_sent_served_and_evaluated(
    db, plan, tmp_path, capsys, monkeypatch
):
    """`plan` writes the shop's currency in a column of its CSV: every reader of a plan
    still takes it (send, the server, evaluate-policy's policy file)."""
    from promopilot.cli.report import read_policy
    from promopilot.data.currency import plan_currency_error, with_currency_column
    from promopilot.serve.state import read_plan

    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    _, frame = plan
    path = tmp_path / "plan-eur.csv"
    with_currency_column(frame, "EUR").to_csv(path, index=False)
    assert pd.read_csv(path)["currency"].eq("EUR").all()
    args = ["send", path, "--campaign-id", "eur", "--dry-run", "--db", db, "--out", tmp_path / "o"]
    code, _, err = run(args, capsys)
    assert code == 0, err
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'eur'") == 300
    served = read_plan(path)
    assert len(served) == 300 and plan_currency_error(served, "EUR") is None
    assert "line 2, column currency: 'EUR': expected GBP" in plan_currency_error(served, "GBP")
    assert len(read_policy(path)) == 300
    # a plan in another currency than the store's: refused by send and the server, by line
    other = tmp_path / "plan-gbp.csv"
    with_currency_column(frame, "GBP").to_csv(other, index=False)
    args = ["send", other, "--campaign-id", "gbp", "--dry-run", "--db", db, "--out", tmp_path / "g"]
    code, _, err = run(args, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "plan-gbp.csv: line 2, column currency: 'GBP': expected EUR" in err
    with pytest.raises(InputError, match="line 2, column currency: 'GBP': expected EUR"):
        read_plan(other, currency="EUR")
    assert len(read_plan(other)) == 300  # the store's currency unknown: nothing to compare


def test_a_bad_plan_is_a_one_line_error_with_exit_2(db, plan, tmp_path, capsys):
    path, frame = plan
    frame.loc[7, "propensity"] = -1
    frame.to_csv(path, index=False)
    code, _, err = run(["send", path, "--campaign-id", "w", "--dry-run", "--db", db], capsys)
    assert code == 2
    assert "line 9, column propensity" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_sms_without_dry_run_is_refused_before_logging(db, plan, capsys):
    path, _ = plan
    code, _, err = run(["send", path, "--campaign-id", "w", "--channel", "sms", "--db", db], capsys)
    assert code == 1 and "no SMS gateway" in err
    with Store(db, read_only=True) as store:
        assert not store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'w'")


def test_send_is_listed_in_help(capsys):
    code, stdout, _ = run(["--help"], capsys)
    assert code == 0 and "send" in stdout


def test_a_missing_plan_file_is_named_before_the_e_mail_settings(db, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no promopilot.toml: no send.from_address
    monkeypatch.delenv("PROMOPILOT_SEND_FROM_ADDRESS", raising=False)
    code, _, err = run(["send", "nope.csv", "--campaign-id", "s1", "--db", db], capsys)
    assert code == 2
    assert "nope.csv: no such plan file" in err and "from_address" not in err


def test_send_says_which_currency_its_messages_show(db, plan, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    # a shop selling in pounds must not find out from its customers that messages say ¥: the
    # synthetic shop names no currency, so they show none (before: ¥, said to be the setting's)
    monkeypatch.delenv("PROMOPILOT_SEND_CURRENCY", raising=False)
    path, _ = plan
    args = ["send", path, "--campaign-id", "c1", "--dry-run", "--db", db, "--out", tmp_path / "a"]
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    assert "prices in messages: no currency sign (the shop's files and settings name no" in (
        " ".join(stdout.split())
    )
    written = "".join(p.read_text("utf-8") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert not set("¥￥$€£") & set(written)
    monkeypatch.setenv("PROMOPILOT_SEND_CURRENCY", "£")
    args[3], args[-1] = "c2", tmp_path / "b"
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    assert "prices in messages: £" in stdout
    assert "the shop's money is in" not in stdout
    # the shop's currency code is known and the sign is its own: nothing to warn about
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "GBP")
    args[3], args[-1] = "c3", tmp_path / "c"
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    assert "prices in messages: £ (the currency setting" in " ".join(stdout.split())
    assert "make them agree" not in stdout
    # a sign of another currency than the shop's: the line names both
    monkeypatch.setenv("PROMOPILOT_SEND_CURRENCY", "¥")
    args[3], args[-1] = "c4", tmp_path / "d"
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    words = " ".join(stdout.split())
    assert "promopilot.toml); the shop's money is in GBP: make them agree" in words


def test_send_reads_the_shops_currency_once(db, plan, tmp_path, capsys, monkeypatch):
    """The messages' sign and the command's line about it take the shop's currency from one
    read (the store's ingests table, under its gate): send_campaign hands it on."""
    import promopilot.data.currency as currency

    for name in ("PROMOPILOT_CURRENCY", "PROMOPILOT_SEND_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    reads = []
    monkeypatch.setattr(currency, "stored_currency", lambda store: reads.append(1) or "GBP")
    path, _ = plan
    args = ["send", path, "--campaign-id", "g1", "--dry-run", "--db", db, "--out", tmp_path / "a"]
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    assert len(reads) == 1
    words = " ".join(stdout.split())
    assert "prices in messages: £ (the sign of the shop's currency GBP, from its orders'" in words


def test_a_plan_served_first_is_sent_by_the_command_and_another_is_refused(
    db, plan, tmp_path, capsys
):
    """plan -> serve -> send as a person runs it: before, the send was refused ("logged for
    channel api")."""
    from fastapi.testclient import TestClient

    from promopilot.config import Settings
    from promopilot.serve.app import create_app
    from promopilot.serve.config import ServeConfig
    from promopilot.serve.state import build_state, read_plan

    path, frame = plan
    served = frame["customer_id"].head(20).tolist()
    with Store(db) as store:
        app = create_app(
            store,
            ServeConfig.from_keys([], ["k"]),
            builder=lambda s, v: build_state(
                s,
                plan=read_plan(path),
                campaign_id="live",
                settings=Settings(),
                version=v,
                recommender_fn=lambda _s: None,
            ),
        )
        with TestClient(app) as client:
            for customer in [*served, "visitor-1"]:
                answer = client.get(
                    f"/v1/customers/{customer}/offer", headers={"Authorization": "Bearer k"}
                )
                assert answer.status_code == 200
    code, _, err = run(
        [
            "send",
            path,
            "--campaign-id",
            "live",
            "--channel",
            "csv",
            "--db",
            db,
            "--out",
            tmp_path / "out",
        ],
        capsys,
    )
    assert code == 0, err
    with Store(db) as store:
        log = store.query(
            "SELECT customer_id, channel, coupon_code, offer_id FROM campaigns "
            "WHERE campaign_id = 'live'"
        ).set_index("customer_id")
    assert len(log) == len(frame) + 1  # the plan and one visitor
    assert (log.loc[served, "channel"] == "api").all()
    offered = log.drop(index="visitor-1")["offer_id"].notna()
    assert log.drop(index="visitor-1").loc[offered, "coupon_code"].notna().all()
    changed = frame.copy()
    changed.loc[0, "group"] = "control"
    changed.loc[0, "offer_id"] = ""
    other = tmp_path / "other.csv"
    changed.to_csv(other, index=False)
    code, _, err = run(
        ["send", other, "--campaign-id", "live", "--channel", "csv", "--db", db], capsys
    )
    assert code == 2 and "another plan" in err and len(err.strip().splitlines()) == 1


def test_messages_show_the_sign_of_the_shops_currency(db, plan, tmp_path, capsys, monkeypatch):
    # a shop in euros that never set [send] currency: its messages say €, not ¥
    monkeypatch.delenv("PROMOPILOT_SEND_CURRENCY", raising=False)
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    path, _ = plan
    out = tmp_path / "eur"
    args = ["send", path, "--campaign-id", "e1", "--dry-run", "--db", db, "--out", out]
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    words = " ".join(stdout.split())
    assert (
        "prices in messages: € (the sign of the shop's currency EUR, from the currency setting "
        "under [promopilot])"
    ) in words
    assert "make them agree" not in words
    written = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert "€" in written and "¥" not in written
    # a currency without a sign of its own: its code after the price (59 CHF)
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "CHF")
    out = tmp_path / "chf"
    args[3], args[-1] = "f1", out
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    # its code is no sign: said to go after the amount (before: "the sign of ... CHF")
    assert (
        "prices in messages: CHF after the amount (the shop's currency, from the currency "
        "setting under [promopilot])"
    ) in " ".join(stdout.split())
    written = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert re.search(r"\d CHF", written) and "¥" not in written and "CHF1" not in written


def test_a_shop_whose_prices_say_dollars_gets_dollars_in_its_messages(
    tmp_path, capsys, monkeypatch
):
    """$ is USD, CAD, AUD, ...: no currency code is guessed from it, but prices written $59.00
    name the sign, and messages write it (before: ¥)."""
    from tests.campaigns.delivery_helpers import PRODUCTS, write_plan, write_shop

    for name in ("PROMOPILOT_CURRENCY", "PROMOPILOT_SEND_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    folder = write_shop(tmp_path / "shop")
    dollars = PRODUCTS.assign(price=[f"${p:,.2f}" for p in PRODUCTS["price"]])
    dollars.to_csv(folder / "products.csv", index=False, encoding="utf-8")
    db = tmp_path / "shop.duckdb"
    code, _, err = run(["ingest", folder, "--db", db], capsys)
    assert code == 0, err
    out = tmp_path / "out"
    args = ["send", write_plan(tmp_path / "plan.csv"), "--campaign-id", "d1", "--dry-run"]
    code, stdout, err = run([*args, "--db", db, "--out", out], capsys)
    assert code == 0, err
    words = " ".join(stdout.split())
    assert "prices in messages: $ (the sign the shop's files write money with)" in words
    written = "".join(p.read_text("utf-8") for p in out.rglob("*") if p.is_file())
    assert "$59" in written and "$129.50" in written and "¥" not in written


def test_a_plan_saved_as_an_excel_workbook_is_sent(db, plan, tmp_path, capsys):
    _, frame = plan
    book = tmp_path / "plan.xlsx"
    frame.to_excel(book, index=False)  # as Excel saves it: propensities as numbers
    args = ["send", book, "--campaign-id", "x1", "--dry-run", "--db", db, "--out", tmp_path / "o"]
    code, _, err = run(args, capsys)
    assert code == 0, err
    with Store(db, read_only=True) as store:
        log = store.query("SELECT * FROM campaigns WHERE campaign_id = 'x1' ORDER BY customer_id")
    assert log["customer_id"].tolist() == sorted(frame["customer_id"])
    assert log["propensity"].tolist() == frame.sort_values("customer_id")["propensity"].tolist()
    old = tmp_path / "plan.xls"
    book.rename(old)
    code, _, err = run(["send", old, "--campaign-id", "x2", "--dry-run", "--db", db], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{old}: an old Excel .xls workbook (Excel 97-2003) is not read" in " ".join(err.split())
    # an .xls saved under a .csv name: by its first bytes, in the same words (was "binary")
    named = tmp_path / "plan-as.csv"
    named.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    code, _, err = run(["send", named, "--campaign-id", "x3", "--dry-run", "--db", db], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{named}: an old Excel .xls workbook (Excel 97-2003) is not read" in " ".join(
        err.split()
    )


def test_a_plan_saved_as_unicode_text_is_sent(db, plan, tmp_path, capsys):
    """Excel's "Unicode Text (*.txt)": UTF-16 LE with its BOM, tab-delimited, CRLF."""
    _, frame = plan
    text = frame.assign(reason="新客 满150减20").to_csv(
        index=False, sep="\t", lineterminator="\r\n"
    )
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    args = ["send", path, "--campaign-id", "u1", "--dry-run", "--db", db, "--out", tmp_path / "o"]
    code, _, err = run(args, capsys)
    assert code == 0, err
    with Store(db, read_only=True) as store:
        log = store.query("SELECT * FROM campaigns WHERE campaign_id = 'u1' ORDER BY customer_id")
    assert log["customer_id"].tolist() == sorted(frame["customer_id"])
    assert log["propensity"].tolist() == frame.sort_values("customer_id")["propensity"].tolist()


@pytest.mark.parametrize("sender", ["", "shop@example.com"])
def test_a_dry_runs_email_names_its_sender_or_says_none_is_configured(
    db, plan, tmp_path, capsys, monkeypatch, sender
):
    """The dry run's messages had an empty From: where send.from_address is not set; they
    carry the setting, or a placeholder that says so, and the output says none is set."""
    from email import message_from_bytes
    from email.utils import parseaddr

    from promopilot.campaigns.outbox import NO_SENDER

    monkeypatch.setenv("PROMOPILOT_SEND_FROM_ADDRESS", sender)
    path, _ = plan
    out = tmp_path / "out"
    args = ["send", path, "--campaign-id", "w", "--dry-run", "--db", db, "--out", out]
    code, stdout, err = run([*args, "--sent-at", "2026-11-20"], capsys)
    assert code == 0, err
    files = sorted((out / "email").glob("*.eml"))
    assert files
    for file in files[:5]:
        message = message_from_bytes(file.read_bytes())
        assert message["From"] == (sender or NO_SENDER)
        assert "@" in parseaddr(message["From"])[1]
    said = "no sender is configured" in " ".join(stdout.split())
    assert said == (not sender)
