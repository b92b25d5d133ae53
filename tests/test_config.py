import dataclasses
import tomllib
from pathlib import Path

import pytest

from promopilot.config import Settings, load_settings
from promopilot.exceptions import InputError

SHIPPED = Path(__file__).resolve().parents[1] / "promopilot.toml"


def test_shipped_file_parses_and_matches_the_defaults():
    assert load_settings(SHIPPED, env={}) == Settings()


def test_shipped_file_documents_every_setting():
    text = SHIPPED.read_text(encoding="utf-8")
    for field in dataclasses.fields(Settings):
        assert f"\n{field.name} = " in text, field.name


def test_environment_overrides_the_file():
    settings = load_settings(
        SHIPPED, env={"PROMOPILOT_CONTROL_SHARE": "0.2", "PROMOPILOT_DB": "other.duckdb"}
    )
    assert settings.control_share == 0.2 and settings.db == "other.duckdb"


def test_bad_values_are_refused_with_the_setting_named(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[promopilot]\ncontrol_share = 0.9\n")
    with pytest.raises(InputError, match="control_share"):
        load_settings(bad, env={})
    bad.write_text("[promopilot]\ncolour = 'red'\n")
    with pytest.raises(InputError, match="colour"):
        load_settings(bad, env={})
    with pytest.raises(InputError, match="threads"):
        load_settings(SHIPPED, env={"PROMOPILOT_THREADS": "many"})


def test_date_format_comes_from_the_environment_and_must_be_a_format():
    env = {"PROMOPILOT_DATE_FORMAT": "%d/%m/%Y %H:%M"}
    assert load_settings(SHIPPED, env=env).date_format == "%d/%m/%Y %H:%M"
    assert load_settings(SHIPPED, env={}).date_format == ""  # empty: detect
    with pytest.raises(InputError, match=r"'.*' \(date_format\) is not a strptime format"):
        load_settings(SHIPPED, env={"PROMOPILOT_DATE_FORMAT": "day-first"})


ORDERS = (
    "order_id;timestamp;customer_id;product_id;quantity;unit_price\n"
    "1;01.12.2010 08:26;c1;p1;2;12,50\n2;02.12.2010 09:00;c2;p2;1;3,75\n"
)


@pytest.mark.parametrize(
    "table",
    [
        "[offers]\npercent_off = 0.2\n",
        '[serve]\nadmin_keys = ["k1"]\n',
        '[send]\nfrom_address = "shop@example.com"\n',
    ],
)
def test_a_file_of_one_area_table_alone_leaves_the_other_settings_alone(
    table, tmp_path, monkeypatch, capsys
):
    """No [promopilot] table: [offers], [serve] and [send] are their areas' settings, not
    unknown top-level ones; the commands run and each area reads its table."""
    from promopilot.campaigns.settings import load_send_settings
    from promopilot.cli import main
    from promopilot.offers.catalogue import load_offer_settings
    from promopilot.serve.config import Role, load_serve_config

    (tmp_path / "promopilot.toml").write_text(table, encoding="utf-8")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(ORDERS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("PROMOPILOT_CONFIG", "PROMOPILOT_ADMIN_KEYS", "PROMOPILOT_READ_KEYS"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(env={}) == Settings()
    with pytest.raises(SystemExit) as done:
        main(["summary", "--data", str(shop)])
    out, err = capsys.readouterr()
    assert done.value.code == 0, err
    assert "28.75" in out
    if table.startswith("[offers]"):
        assert load_offer_settings(env={}).percent_off == 0.2
    elif table.startswith("[serve]"):
        assert load_serve_config(env={}).role("k1") == Role.ADMIN
    else:
        assert load_send_settings(env={}).from_address == "shop@example.com"


def test_top_level_settings_still_work_beside_area_tables(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("confidence = 0.8\n\n[offers]\npercent_off = 0.2\n", encoding="utf-8")
    assert load_settings(path, env={}).confidence == 0.8
    path.write_text("[colours]\nred = 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="colours"):
        load_settings(path, env={})


def test_shipped_file_has_the_offer_defaults():
    from promopilot.offers.catalogue import OfferSettings, load_offer_settings

    assert load_offer_settings(SHIPPED, env={}) == OfferSettings()
    documented = set(tomllib.loads(SHIPPED.read_text(encoding="utf-8"))["offers"])
    assert documented == {f.name for f in dataclasses.fields(OfferSettings)}


def test_shipped_file_has_the_review_defaults_and_other_keys_are_refused(tmp_path):
    from promopilot.config import ReviewSettings, load_review_settings

    assert load_review_settings(SHIPPED, env={}) == ReviewSettings()
    documented = set(tomllib.loads(SHIPPED.read_text(encoding="utf-8"))["reviews"])
    assert documented == {f.name for f in dataclasses.fields(ReviewSettings)}
    path = tmp_path / "p.toml"
    path.write_text('db = "x.duckdb"\n[reviews]\nrating_scale = "1-10"\n', encoding="utf-8")
    assert load_settings(path, env={}).db == "x.duckdb"  # [reviews] is no unknown setting
    assert load_review_settings(path, env={}).rating_scale == "1-10"
    path.write_text('[reviews]\nscale = "1-10"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown \[reviews\] setting scale"):
        load_review_settings(path, env={})


@pytest.mark.parametrize("table", ["offers", "send", "reviews"])
def test_an_unknown_setting_in_an_area_table_is_refused_naming_the_file(tmp_path, table):
    from promopilot.campaigns.settings import load_send_settings
    from promopilot.config import load_offer_settings, load_review_settings

    load = {"offers": load_offer_settings, "send": load_send_settings}.get(
        table, load_review_settings
    )
    path = tmp_path / "p.toml"
    path.write_text(f"[{table}]\nfree_shiping_fee = 5\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load(path, env={})
    assert str(refused.value) == f"{path}: unknown [{table}] setting free_shiping_fee"


def test_currency_is_a_short_code_upper_cased(tmp_path):
    assert load_settings(SHIPPED, env={}).currency == ""
    assert load_settings(SHIPPED, env={"PROMOPILOT_CURRENCY": " eur "}).currency == "EUR"
    path = tmp_path / "p.toml"
    path.write_text('[promopilot]\ncurrency = "cny"\n', encoding="utf-8")
    assert load_settings(path, env={}).currency == "CNY"
    for bad in ("Euro dollars", "EUR2025", "ABCDEFGHI"):
        with pytest.raises(InputError, match=r"currency .* is not a currency code: expected a sh"):
            load_settings(SHIPPED, env={"PROMOPILOT_CURRENCY": bad})


def test_a_currency_name_or_sign_is_the_code_it_stands_for(tmp_path):
    # one table for the setting, ingest's currency column and send's sign check
    for given, code in [
        ("RMB", "CNY"),
        ("人民币", "CNY"),
        ("元", "CNY"),
        ("us$", "USD"),
        ("€", "EUR"),
        ("£", "GBP"),
        ("chf", "CHF"),
    ]:
        assert load_settings(SHIPPED, env={"PROMOPILOT_CURRENCY": given}).currency == code
    path = tmp_path / "p.toml"
    path.write_text('[promopilot]\ncurrency = "人民币"\n', encoding="utf-8")
    assert load_settings(path, env={}).currency == "CNY"
