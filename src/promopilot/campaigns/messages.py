"""Messages from Jinja2 templates: e-mail (subject, plain text, HTML), SMS and the coupon
import file of the shop platform.

The templates ship in ``promopilot/campaigns/templates``; a shop replaces any of them by putting
a file of the same name in its own folder (``[send] templates`` or ``--templates DIR``):

- ``email_<lang>.subject.j2``, ``email_<lang>.txt.j2``, ``email_<lang>.html.j2`` (``lang`` is
  ``zh`` or ``en``); HTML is autoescaped;
- ``sms_<lang>.txt.j2``: it must print ``{{ products_text }}`` unchanged, because that is the
  part cut to fit one SMS (the code never is);
- ``coupons.csv.j2``: one ``{{ [...] | csv_row }}`` line per coupon.

Every template sees ``shop_name``, ``name`` (the customer's, or empty), ``code``, ``offer``
(``offer_id``, ``kind``, ``value``, ``min_spend``, ``category``, ``text``), ``expires_at``,
``products`` (``title``, ``price`` as text), ``currency`` (the sign prices are written with;
empty where the shop names no currency: ``data.currency.message_sign``), ``unsubscribe_url``,
``language``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from promopilot.campaigns.sms import fit_sms
from promopilot.exceptions import InputError

_PLACEHOLDER = "\x00products\x00"


def _csv_row(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["" if v is None else v for v in values])
    return out.getvalue()


def template_environment(folder: str | Path | None = None) -> jinja2.Environment:
    """Templates from `folder` first, then the shipped ones."""
    loaders: list[jinja2.BaseLoader] = []
    if folder:
        if not Path(folder).is_dir():
            raise InputError(f"{folder}: no such templates folder")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.PackageLoader("promopilot.campaigns", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html")),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["csv_row"] = _csv_row
    return env


def _is_cjk(ch: str) -> bool:
    """A Chinese, Japanese or Korean character (``元``, ``円``, ``원``), not a sign like ``¥``."""
    return unicodedata.name(ch, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA"))


def money(value: float | None, currency: str) -> str:
    """``¥59`` or ``¥59.90``; a currency written as letters (a code: ``CHF``) after the amount,
    ``59 CHF``, and one written in CJK characters right after it, ``59元``, ``59港元``, as
    Chinese writes them; the bare amount (``59``) where `currency` is "" (a shop that names no
    currency); empty for an unknown price."""
    if value is None or value != value:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if currency.isascii() and currency.isalpha():
        return f"{text} {currency}"
    if currency and any(_is_cjk(ch) for ch in currency):
        return f"{text}{currency}"
    return f"{currency}{text}"


# the kinds whose discount a cap (max_discount) can bound: on a fixed amount it says nothing
CAPPED = ("percent_off", "amount_off_every")


def _has_cap(cap: object) -> bool:
    """Whether a coupon's max_discount is a cap (not None, empty or NaN)."""
    return cap is not None and cap != "" and cap == cap


def offer_text(offer: dict, language: str, currency: str, *, short: bool = False) -> str:
    """The offer in words: ``9折`` / ``10% off``, ``满150减20`` / ``20 off orders of 150 or more``
    (``short``: ``20 off 150+``), ``每满150减20`` / ``20 off every 150``, ``满99包邮`` /
    ``free shipping on orders of 99 or more`` (``short``: ``free shipping 99+``); a cap after
    it: ``每满100减10，最高减50`` / ``10 off every 100, up to 50``."""
    kind, value = offer.get("kind"), float(offer.get("value") or 0)
    min_spend = float(offer.get("min_spend") or 0)
    category = offer.get("category") or ""
    spend = (
        f"{money(min_spend, currency)}+"
        if short
        else f"orders of {money(min_spend, currency)} or more"
    )
    if kind == "percent_off":
        tenths = round((1 - value) * 10, 1)
        zh = f"{tenths:g}折"
        en = f"{value * 100:g}% off"
    elif kind == "amount_off":
        zh = f"满{min_spend:g}减{value:g}" if min_spend else f"立减{value:g}"
        en = (
            f"{money(value, currency)} off {spend}"
            if min_spend
            else f"{money(value, currency)} off"
        )
    elif kind == "amount_off_every":  # 每满150减20: the value for every full step
        zh = f"每满{min_spend:g}减{value:g}"
        en = f"{money(value, currency)} off every {money(min_spend, currency)}"
    else:
        zh = f"满{min_spend:g}包邮" if min_spend else "包邮"
        en = "free shipping"
        if min_spend:  # 满99包邮: free shipping ¥99+ / on orders of ¥99 or more
            en += f" {spend}" if short else f" on {spend}"
    cap = offer.get("max_discount")
    if kind in CAPPED and cap is not None and cap == cap:  # 每满100减10，最高减50
        zh += f"，最高减{float(cap):g}"
        en += f", up to {money(float(cap), currency)}"
    if category:
        zh += f"（限{category}）"
        en += f" on {category}"
    return zh if language == "zh" else en


@dataclass
class Email:
    subject: str
    text: str
    html: str


class MessageRenderer:
    """Renders one customer's message for each channel."""

    def __init__(self, env: jinja2.Environment, *, shop_name: str = "", currency: str = "") -> None:
        self.env = env
        self.shop_name = shop_name
        self.currency = currency

    def context(
        self,
        *,
        language: str,
        code: str,
        offer: dict,
        products: list[dict],
        expires_at: str = "",
        name: str = "",
        unsubscribe_url: str = "",
    ) -> dict:
        shown = [
            {
                "title": str(p.get("title") or p.get("product_id") or ""),
                "price": money(p.get("price"), self.currency),
            }
            for p in products
        ]
        return {
            "shop_name": self.shop_name,
            "name": name or "",
            "code": code,
            "offer": {
                **offer,
                "text": offer_text(offer, language, self.currency),
                "short": offer_text(offer, language, self.currency, short=True),
            },
            "expires_at": expires_at or "",
            "products": shown,
            "currency": self.currency,
            "unsubscribe_url": unsubscribe_url or "",
            "language": language,
            "compact": False,
        }

    def email(self, context: dict) -> Email:
        lang = context["language"]
        subject = self.env.get_template(f"email_{lang}.subject.j2").render(context).strip()
        full = {**context, "subject": subject}
        text = self.env.get_template(f"email_{lang}.txt.j2").render(full)
        html = self.env.get_template(f"email_{lang}.html.j2").render(full)
        return Email(" ".join(subject.split()), text, html)

    def sms(self, context: dict) -> str:
        """One SMS: the product part is cut to fit 160 GSM-7 / 70 UCS-2 units. When even the
        rest is too long, the template is rendered again with ``compact`` set (the shipped ones
        then leave out the expiry date and use the offer's ``short`` text)."""
        lang = context["language"]
        template = self.env.get_template(f"sms_{lang}.txt.j2")
        for compact in (False, True):
            products = self.sms_products(context["products"], lang)
            rendered = template.render(
                {**context, "products_text": _PLACEHOLDER, "compact": compact}
            ).strip()
            before, found, after = rendered.partition(_PLACEHOLDER)
            if not found:
                before, products, after = rendered, "", ""
            try:
                text = fit_sms(before, products, after, ellipsis="... " if products else "")
            except ValueError as error:
                if compact:
                    raise InputError(f"sms_{lang}.txt.j2: {error}") from None
                continue
            for label in ("推荐：", "Picks:"):  # a label with no product left says nothing
                text = text.replace(label + "... ", "")
            if context["code"] not in text:
                raise InputError(f"sms_{lang}.txt.j2: the message does not show the code")
            return text
        raise AssertionError("unreachable")

    @staticmethod
    def sms_products(products: list[dict], language: str) -> str:
        if not products:
            return ""
        items = [f"{p['title']} {p['price']}".strip() for p in products]
        if language == "zh":
            return "推荐：" + "、".join(items) + " "
        return "Picks: " + ", ".join(items) + ". "

    def coupons_csv(self, coupons: list[dict]) -> str:
        """The coupon import file; its ``max_discount`` column only where some coupon has a
        cap (``capped``), so a platform's import template made before caps takes the rest."""
        capped = any(_has_cap(c.get("max_discount")) for c in coupons)
        return self.env.get_template("coupons.csv.j2").render(
            {"coupons": coupons, "capped": capped}
        )
