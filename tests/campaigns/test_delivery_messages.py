"""Coupon codes, SMS limits, templates, the coupon import file, languages and settings."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promopilot.campaigns import codes as codes_module
from promopilot.campaigns.codes import CODE_ALPHABET, new_codes
from promopilot.campaigns.language import customer_languages, shop_language
from promopilot.campaigns.messages import MessageRenderer, offer_text, template_environment
from promopilot.campaigns.settings import load_send_settings
from promopilot.campaigns.sms import GSM7, UCS2, fit_sms, sms_length
from promopilot.exceptions import InputError
from tests.campaigns.delivery_helpers import make_store

OFFERS = [
    {"offer_id": "pct10", "kind": "percent_off", "value": 0.1, "min_spend": 0, "category": None},
    {"offer_id": "mj", "kind": "amount_off", "value": 20, "min_spend": 150, "category": "美妆"},
    {
        "offer_id": "ship",
        "kind": "free_shipping",
        "value": 8,
        "min_spend": 0,
        "category": "Home & Garden",
    },
]


def test_codes_are_unique_long_and_from_the_alphabet():
    codes = new_codes(20_000, length=10, prefix="PP-")
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(rf"PP-[{CODE_ALPHABET}]{{10}}", c) for c in codes)
    assert not set("01IO") & set(CODE_ALPHABET)


def test_codes_look_random_not_counted():
    codes = new_codes(5_000, length=10)
    # every symbol is used about equally in every position (a counter would fill the last
    # positions first and leave the first ones nearly constant)
    table = pd.DataFrame([list(c) for c in codes])
    for position in table.columns:
        counts = table[position].value_counts()
        assert len(counts) == len(CODE_ALPHABET)
        assert counts.max() < 2.2 * len(codes) / len(CODE_ALPHABET)
    sorted_codes = sorted(codes)
    assert list(codes) != sorted_codes  # not issued in order
    assert len({c[:4] for c in codes}) > 4000  # prefixes vary: no shared counter stem


def test_codes_avoid_taken_ones():
    taken = set(new_codes(50, length=8))
    fresh = new_codes(200, length=8, taken=taken)
    assert not taken & set(fresh)
    with pytest.raises(ValueError, match="guessable"):
        new_codes(3, length=6)


def test_a_code_taken_in_another_case_or_with_spaces_is_redrawn(monkeypatch):
    # a platform compares codes ignoring case: "abcd efgh" in an order is ABCDEFGH
    draws = iter([np.array(["ABCDEFGH"], dtype=object), np.array(["KLMNPQRS"], dtype=object)])
    monkeypatch.setattr(codes_module, "random_codes", lambda n, **_: next(draws))
    assert list(new_codes(1, length=8, taken={" abcd efgh "})) == ["KLMNPQRS"]


@pytest.mark.parametrize(
    ("text", "encoding", "units"),
    [
        ("Hello @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!", GSM7, 36),  # one septet each
        ("braces {} and € take two", GSM7, 27),  # 24 characters, 3 of them two septets
        ("ç is not GSM-7, Ç is", UCS2, 20),
        ("á", UCS2, 1),
        ("满150减20", UCS2, 7),
        ("smile 😀", UCS2, 8),  # outside the BMP: two UCS-2 units
    ],
)
def test_gsm7_alphabet_and_extension_table(text, encoding, units):
    length = sms_length(text)
    assert (length.encoding, length.units) == (encoding, units)


titles = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from("纯棉T恤卫衣羽绒服 {}[]~€|^"),
    ),
    min_size=0,
    max_size=60,
)


@pytest.mark.parametrize("space", ["\u2003", "\u00a0", "\u2028"])
def test_a_product_text_cut_before_a_white_space_still_fits(space):
    # found by the property test below: a cut just after an em space measured the prefix
    # without it, then kept it: 71 UCS-2 units in a message of 70
    before, after = "小店：9折券 CODE234567。", "退订回T"
    for n in range(1, 70):
        products = "推荐：" + "羽" * n + space + "绒服" * 30
        text = fit_sms(before, products, after, ellipsis="... ")
        assert sms_length(text).fits, (n, text)
        assert text.startswith(before) and text.endswith(after)


@settings(max_examples=150, deadline=None)
@given(
    products=st.lists(st.tuples(titles, st.floats(0, 99_999, allow_nan=False)), max_size=4),
    shop=st.sampled_from(["", "小店", "Tiny Shop", "The {Best} Shop €"]),
    language=st.sampled_from(["zh", "en"]),
    offer=st.sampled_from(OFFERS),
    expires=st.sampled_from(["", "2026-12-20"]),
)
def test_sms_is_one_message_and_keeps_the_code(products, shop, language, offer, expires):
    renderer = MessageRenderer(template_environment(), shop_name=shop)
    code = "ABCD2345XY"
    context = renderer.context(
        language=language,
        code=code,
        offer=offer,
        expires_at=expires,
        products=[{"title": t, "price": p} for t, p in products],
    )
    text = renderer.sms(context)
    length = sms_length(text)
    assert length.fits, (text, length)
    if re.search(r"[\u4e00-\u9fff]", text):
        assert length.encoding == UCS2 and length.units <= 70
    else:
        assert length.units <= 160
    assert code in text


def test_email_shows_products_prices_code_and_escapes_html():
    renderer = MessageRenderer(template_environment(), shop_name="小店", currency="¥")
    context = renderer.context(
        language="en",
        code="CODE234567",
        offer=OFFERS[1],
        name="Ann",
        products=[
            {"title": "<b>Wallet</b> & co", "price": 88.0},
            {"title": "羊毛围巾", "price": 129.5},
        ],
    )
    mail = renderer.email(context)
    assert "CODE234567" in mail.text and "CODE234567" in mail.html
    assert "<b>Wallet</b> & co  ¥88" in mail.text and "羊毛围巾  ¥129.50" in mail.text
    assert "&lt;b&gt;Wallet&lt;/b&gt; &amp; co" in mail.html and "<b>Wallet" not in mail.html
    assert "¥20 off orders of ¥150 or more on 美妆" in mail.subject


def test_offer_texts_in_both_languages():
    assert offer_text(OFFERS[0], "zh", "¥") == "9折"
    assert offer_text(OFFERS[0], "en", "¥") == "10% off"
    assert offer_text(OFFERS[1], "zh", "¥") == "满150减20（限美妆）"
    assert offer_text(OFFERS[2], "en", "$") == "free shipping on Home & Garden"


def test_a_shop_that_names_no_currency_gets_bare_amounts():
    # no sign the shop never named: a UK shop's customers read "20 off", not "¥20 off"
    renderer = MessageRenderer(template_environment(), shop_name="Tiny Shop")
    context = renderer.context(
        language="en",
        code="CODE234567",
        offer={**OFFERS[1], "category": ""},
        products=[{"title": "Wallet", "price": 88.0}, {"title": "Scarf", "price": 129.5}],
    )
    mail = renderer.email(context)
    assert mail.subject.endswith(": 20 off orders of 150 or more")
    assert "Wallet  88" in mail.text and "Scarf  129.50" in mail.text
    sms = renderer.sms(context)
    assert "20 off orders of 150 or more" in sms and "Wallet 88" in sms
    for text in (mail.subject, mail.text, mail.html, sms):
        assert not set("¥￥$€£元") & set(text), text


def test_a_cjk_currency_is_written_after_the_amount():
    # Chinese writes 59元, not 元59; signs stay in front and letter codes after a space
    renderer = MessageRenderer(template_environment(), currency="元")
    context = renderer.context(
        language="zh",
        code="CODE234567",
        offer=OFFERS[1],
        products=[{"title": "羊毛围巾", "price": 129.5}, {"title": "钱包", "price": 59.0}],
    )
    assert [p["price"] for p in context["products"]] == ["129.50元", "59元"]
    assert "羊毛围巾  129.50元" in renderer.email(context).text
    assert "钱包 59元" in renderer.sms(context)
    assert offer_text(OFFERS[1], "en", "元") == "20元 off orders of 150元 or more on 美妆"
    assert offer_text(OFFERS[1], "en", "港元", short=True) == "20港元 off 150港元+ on 美妆"
    assert offer_text(OFFERS[1], "en", "￥", short=True) == "￥20 off ￥150+ on 美妆"
    assert offer_text(OFFERS[1], "en", "CHF", short=True) == "20 CHF off 150 CHF+ on 美妆"


def test_coupon_import_file_has_the_platform_columns():
    renderer = MessageRenderer(template_environment())
    text = renderer.coupons_csv(
        [
            {
                "code": "AAAA2222BB",
                "customer_id": "C1",
                "offer_id": "mj",
                "kind": "amount_off",
                "value": 20.0,
                "min_spend": 150.0,
                "category": "Home, Garden",
                "starts_at": "2026-12-02",
                "expires_at": "2026-12-16",
            },
        ]
    )
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    # no offer in the file has a cap: no max_discount column (a platform's import template
    # made before caps need not know it)
    assert list(frame.columns) == [
        "code",
        "customer_id",
        "offer_id",
        "kind",
        "value",
        "min_spend",
        "category",
        "starts_at",
        "expires_at",
        "usage_limit",
    ]
    assert frame.iloc[0].to_dict()["category"] == "Home, Garden"  # quoted, not split
    assert frame.iloc[0]["usage_limit"] == "1" and len(frame) == 1


@pytest.mark.parametrize("none", [None, "", float("nan")])
def test_the_coupon_file_has_max_discount_only_when_some_offer_has_a_cap(none):
    renderer = MessageRenderer(template_environment())
    coupon = {"customer_id": "C1", "category": "", "starts_at": "2026-12-02", "expires_at": ""}
    fixed = {**coupon, "code": "A", "offer_id": "mj", "kind": "amount_off", "value": 20.0}
    every = {**coupon, "code": "B", "offer_id": "e", "kind": "amount_off_every", "value": 10.0}
    fixed, every = {**fixed, "min_spend": 150.0}, {**every, "min_spend": 100.0}
    uncapped = renderer.coupons_csv([{**fixed, "max_discount": none}, every])
    assert uncapped.splitlines()[0] == (
        "code,customer_id,offer_id,kind,value,min_spend,category,starts_at,expires_at,usage_limit"
    )
    frame = pd.read_csv(io.StringIO(renderer.coupons_csv([fixed, {**every, "max_discount": 50.0}])))
    assert list(frame.columns) == [
        "code",
        "customer_id",
        "offer_id",
        "kind",
        "value",
        "min_spend",
        "max_discount",
        "category",
        "starts_at",
        "expires_at",
        "usage_limit",
    ]
    assert frame["max_discount"].tolist()[1] == 50.0 and pd.isna(frame["max_discount"][0])


def test_a_shop_template_folder_replaces_a_shipped_template(tmp_path):
    (tmp_path / "sms_en.txt.j2").write_text("X {{ code }} {{ products_text }}end", encoding="utf-8")
    renderer = MessageRenderer(template_environment(tmp_path))
    context = renderer.context(language="en", code="CODE234567", offer=OFFERS[0], products=[])
    assert renderer.sms(context) == "X CODE234567 end"
    assert "CODE234567" in renderer.email(context).text  # the others are still shipped
    with pytest.raises(InputError, match="no such templates folder"):
        template_environment(tmp_path / "missing")


def test_a_template_too_long_for_one_sms_is_an_input_error(tmp_path):
    (tmp_path / "sms_zh.txt.j2").write_text("很长" * 40 + "{{ code }}", encoding="utf-8")
    renderer = MessageRenderer(template_environment(tmp_path))
    context = renderer.context(language="zh", code="CODE234567", offer=OFFERS[0], products=[])
    with pytest.raises(InputError, match=r"sms_zh\.txt\.j2"):
        renderer.sms(context)


def test_language_from_reviews_then_region_then_the_shop(tmp_path):
    with make_store(tmp_path) as store:
        assert shop_language(store, "auto") == "zh"  # most product titles are Chinese
        assert shop_language(store, "en") == "en"
        lang = customer_languages(store, ["C1", "C2", "C4", "C5", "C7", "C9"], default="zh")
    assert lang["C1"] == "zh"  # region 上海
    assert lang["C2"] == "zh"  # region London is not evidence: the shop's default
    assert lang["C4"] == "en"  # English reviews
    assert lang["C5"] == "en"  # English review beats the Chinese region
    assert lang["C7"] == "zh"  # nothing known: the shop's default
    assert lang["C9"] == "zh"  # Chinese review


def test_send_settings_from_file_and_environment(tmp_path):
    path = tmp_path / "promopilot.toml"
    path.write_text(
        '[promopilot]\nseed = 1\n[send]\nsmtp_host = "mail.shop"\nrate = 2.5\n', encoding="utf-8"
    )
    loaded = load_send_settings(
        path, env={"PROMOPILOT_SEND_RATE": "7", "PROMOPILOT_SEND_SMTP_PASSWORD": "s3cret"}
    )
    assert (loaded.smtp_host, loaded.rate, loaded.smtp_password) == ("mail.shop", 7.0, "s3cret")
    path.write_text('[send]\nsmtp_password = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match="PROMOPILOT_SEND_SMTP_PASSWORD"):
        load_send_settings(path, env={})
    path.write_text("[send]\nrate = 0\n", encoding="utf-8")
    with pytest.raises(InputError, match="rate"):
        load_send_settings(path, env={})


def test_the_shipped_settings_file_has_the_send_defaults():
    import dataclasses
    import tomllib
    from pathlib import Path

    from promopilot.campaigns.settings import SendSettings

    shipped = Path(__file__).resolve().parents[2] / "promopilot.toml"
    assert load_send_settings(shipped, env={}) == SendSettings()
    documented = set(tomllib.loads(shipped.read_text(encoding="utf-8"))["send"])
    fields = {f.name for f in dataclasses.fields(SendSettings)} - {"smtp_password"}
    assert documented == fields


def test_the_smtp_password_is_never_printed(tmp_path):
    (tmp_path / "p.toml").write_text("[send]\n", encoding="utf-8")
    env = {"PROMOPILOT_SEND_SMTP_PASSWORD": "s3cret"}
    loaded = load_send_settings(tmp_path / "p.toml", env=env)
    assert loaded.smtp_password == "s3cret" and "s3cret" not in repr(loaded)
    with pytest.raises(InputError, match="not found"):
        load_send_settings(tmp_path / "missing.toml", env=env)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_cut_sms_never_shows_part_of_a_price(language):
    # a price cut after "¥1," reads as one yuan: the cut drops a whole price, never part of one
    renderer = MessageRenderer(template_environment(), shop_name="小美家居", currency="¥")
    titles = [("运动跑鞋", 599.0), ("加厚羽绒服 女款", 1299.0), ("无线蓝牙耳机", 299.0)]
    for n_dropped in range(12):  # move the cut across the second product's price
        products = [{"title": "羽" * n_dropped + t, "price": p} for t, p in titles]
        context = renderer.context(
            language=language,
            code="ABCD2345XY",
            offer=OFFERS[0],
            expires_at="2026-12-15",
            products=products,
        )
        text = renderer.sms(context)
        for price in re.findall(r"¥[\d,.]+", text):
            assert price.rstrip(",.") in {"¥599", "¥1,299", "¥299"}, text


def test_meiman_and_baoyou_texts_in_both_languages():
    every = {"offer_id": "e", "kind": "amount_off_every", "value": 20, "min_spend": 150}
    assert offer_text(every, "zh", "¥") == "每满150减20"
    assert offer_text(every, "en", "¥") == "¥20 off every ¥150"
    assert offer_text(every, "en", "EUR", short=True) == "20 EUR off every 150 EUR"
    ship99 = {"offer_id": "s", "kind": "free_shipping", "value": 5, "min_spend": 99}
    assert offer_text(ship99, "zh", "¥") == "满99包邮"
    assert offer_text(ship99, "en", "¥") == "free shipping on orders of ¥99 or more"
    assert offer_text(ship99, "en", "元", short=True) == "free shipping 99元+"
    assert offer_text({**ship99, "min_spend": 0}, "zh", "¥") == "包邮"


def test_a_meiman_sms_names_the_step_within_one_message():
    renderer = MessageRenderer(template_environment(), currency="¥")
    offer = {"offer_id": "e", "kind": "amount_off_every", "value": 20, "min_spend": 150}
    context = renderer.context(
        language="zh",
        code="CODE234567",
        offer=offer,
        products=[{"title": "羊毛围巾", "price": 129.5}],
    )
    sms = renderer.sms(context)
    assert "每满150减20" in sms and "CODE234567" in sms


def test_a_capped_offer_says_its_cap_in_both_languages():
    every = {"offer_id": "e", "kind": "amount_off_every", "value": 10, "min_spend": 100}
    capped = {**every, "max_discount": 50.0}
    assert offer_text(capped, "zh", "¥") == "每满100减10，最高减50"
    assert offer_text(capped, "en", "¥") == "¥10 off every ¥100, up to ¥50"
    assert offer_text(capped, "en", "EUR", short=True) == "10 EUR off every 100 EUR, up to 50 EUR"
    assert offer_text({**every, "max_discount": None}, "zh", "¥") == "每满100减10"
    assert offer_text({**every, "max_discount": float("nan")}, "en", "¥") == "¥10 off every ¥100"
    pct = {"offer_id": "p", "kind": "percent_off", "value": 0.2, "max_discount": 30.0}
    assert offer_text(pct, "zh", "¥") == "8折，最高减30"
    assert offer_text({**pct, "category": "家居"}, "en", "¥") == "20% off, up to ¥30 on 家居"
    # on a fixed amount a cap (at least the value) says nothing
    fixed = {"offer_id": "m", "kind": "amount_off", "value": 20, "min_spend": 150}
    assert offer_text({**fixed, "max_discount": 40.0}, "zh", "¥") == "满150减20"


def test_a_capped_meiman_sms_and_coupon_file_carry_the_cap():
    renderer = MessageRenderer(template_environment(), currency="¥")
    offer = {
        "offer_id": "e",
        "kind": "amount_off_every",
        "value": 10,
        "min_spend": 100,
        "max_discount": 50.0,
    }
    context = renderer.context(
        language="zh", code="CODE234567", offer=offer, products=[{"title": "茶杯", "price": 59}]
    )
    assert "每满100减10，最高减50" in renderer.sms(context)
    coupon = {"code": "CODE234567", "customer_id": "C1", "category": "", "starts_at": ""}
    text = renderer.coupons_csv([{**offer, **coupon, "expires_at": ""}])
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.iloc[0][["kind", "value", "min_spend", "max_discount"]].tolist() == [
        "amount_off_every",
        "10",
        "100",
        "50.0",
    ]
