"""Settings: frozen dataclasses with defaults, loaded from TOML, overridden by env vars.

Order of precedence (later wins): built-in defaults, ``promopilot.toml`` in the working
folder (or the file named by ``PROMOPILOT_CONFIG``), ``PROMOPILOT_<FIELD>`` environment variables.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from promopilot.exceptions import InputError

# Tables of the settings file that other areas read (offers.catalogue, campaigns.settings,
# serve.config); the rest of the file is the ``[promopilot]`` table or, without one, the
# top-level keys.
AREA_TABLES = ("offers", "send", "serve", "reviews", "contact")


def check_strptime(fmt: str, source: str) -> None:
    """Refuse a date format without a strptime directive (`source` names where it came from:
    the setting, or the setting and the command's option)."""
    if "%" not in fmt:
        raise InputError(
            f"date format {fmt!r} ({source}) is not a strptime format: "
            "expected one such as '%d/%m/%Y %H:%M'"
        )


CURRENCY_MAX = 8

# names and signs of a currency that are not its code (keys upper-cased): the one table the
# setting, ingest's currency column (data.currency) and send's sign check read
CURRENCY_NAMES = {
    "人民币": "CNY",
    "元": "CNY",
    "RMB": "CNY",
    "€": "EUR",
    "欧元": "EUR",
    "EURO": "EUR",
    "£": "GBP",
    "英镑": "GBP",
    "美元": "USD",
    "US$": "USD",
    "港币": "HKD",
    "港元": "HKD",
    "HK$": "HKD",
    "日元": "JPY",
    "￥": "¥",  # the full-width yen/yuan sign of GBK files is the sign ¥ (CNY or JPY: no code)
}


def currency_code(text: str | None) -> str | None:
    """A currency as its code: trimmed and upper-cased (``eur`` is ``EUR``), a name or sign read
    as the code it stands for (``RMB``, ``人民币``, ``元`` are CNY; ``US$`` USD; ``€`` EUR;
    ``£`` GBP); None for a blank. ``¥`` and ``$`` stay as they are: more than one currency
    writes them."""
    if text is None or not text.strip():
        return None
    upper = text.strip().upper()
    return CURRENCY_NAMES.get(upper, upper)


def check_currency(code: str, source: str) -> str:
    """A currency code as a setting gives it, as :func:`currency_code` reads it (``eur`` and
    ``€`` are ``EUR``, ``RMB`` is ``CNY``); `source` names the setting. Refused unless it is a
    short code: at most 8 characters, no spaces or digits; "" is no currency."""
    text = code.strip()
    if len(text) > CURRENCY_MAX or any(ch.isspace() or ch.isdigit() for ch in text):
        raise InputError(
            f"{source} {code!r} is not a currency code: expected a short code of at most "
            f"{CURRENCY_MAX} characters without spaces or digits, such as EUR, USD or CNY"
        )
    return currency_code(text) or ""


@dataclass(frozen=True)
class Settings:
    """Application settings. Every field is documented in the shipped ``promopilot.toml``."""

    db: str = "promopilot.duckdb"
    timezone: str = "UTC"
    default_margin: float = 0.35
    campaign_window_days: int = 14
    control_share: float = 0.10
    explore_share: float = 0.05
    test_max_cost_share: float = 0.05  # of the budget, per customer of a designed test
    confidence: float = 0.90
    memory_limit: str = "2GB"
    threads: int = 2
    seed: int = 0
    date_format: str = ""
    currency: str = ""  # the shop's currency code (EUR, CNY); "" = as its orders files say

    def validate(self) -> Settings:
        if not 0 < self.default_margin < 1:
            raise InputError(f"default_margin must be between 0 and 1, got {self.default_margin}")
        for name in ("control_share", "explore_share"):
            value = getattr(self, name)
            if not 0 <= value < 0.5:
                raise InputError(f"{name} must be in [0, 0.5), got {value}")
        if not 0 < self.test_max_cost_share <= 1:
            raise InputError(
                f"test_max_cost_share must be in (0, 1], got {self.test_max_cost_share}"
            )
        if not 0.5 < self.confidence < 1:
            raise InputError(f"confidence must be in (0.5, 1), got {self.confidence}")
        if self.campaign_window_days <= 0:
            raise InputError(
                f"campaign_window_days must be positive, got {self.campaign_window_days}"
            )
        if self.date_format:
            check_strptime(self.date_format, "date_format")
        if self.threads <= 0:
            raise InputError(f"threads must be positive, got {self.threads}")
        currency = check_currency(self.currency, "currency")
        if currency != self.currency:
            return dataclasses.replace(self, currency=currency)
        return self


def _coerce(name: str, raw: Any, target: type | str) -> Any:
    kind = target if isinstance(target, str) else target.__name__
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise InputError(f"setting {name}: expected {kind}, got {raw!r}") from None


def read_settings_file(
    path: str | Path | None = None, env: dict[str, str] | None = None
) -> tuple[Path, dict[str, Any]]:
    """The settings file (`path`, else ``$PROMOPILOT_CONFIG``, else ``promopilot.toml`` in the
    working folder) and its parsed content: {} when the default file is absent; a file named
    explicitly must exist. Each area reads its own table (``[promopilot]``, ``[send]``,
    ``[offers]``, ...)."""
    env = dict(os.environ) if env is None else env
    path = path or env.get("PROMOPILOT_CONFIG")
    candidate = Path(path) if path else Path("promopilot.toml")
    if not candidate.exists():
        if path:
            raise InputError(f"{candidate}: settings file not found")
        return candidate, {}
    try:
        return candidate, tomllib.loads(candidate.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{candidate}: not valid TOML: {error}") from None


def area_values(
    table: str, cls: type, path: str | Path | None = None, env: dict[str, str] | None = None
) -> tuple[Path, dict[str, Any]]:
    """The settings file (:func:`read_settings_file`) and its ``[table]`` as a dict, refused in
    one line naming the file when it holds a setting the dataclass `cls` has no field for."""
    candidate, document = read_settings_file(path, env)
    values: dict[str, Any] = dict(document.get(table, {}))
    unknown = sorted(set(values) - {f.name for f in fields(cls)})
    if unknown:
        raise InputError(
            f"{candidate}: unknown [{table}] {'setting' if len(unknown) == 1 else 'settings'} "
            f"{', '.join(unknown)}"
        )
    return candidate, values


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Load settings from a TOML file (optional) and ``PROMOPILOT_*`` environment variables."""
    env = dict(os.environ) if env is None else env
    candidate, document = read_settings_file(path, env)
    if "promopilot" in document:
        values: dict[str, Any] = dict(document["promopilot"])
    else:  # a file of top-level settings, or of other areas' tables only
        values = {k: v for k, v in document.items() if k not in AREA_TABLES}
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InputError(
            f"{candidate}: unknown {'setting' if len(unknown) == 1 else 'settings'} "
            f"{', '.join(unknown)}"
        )
    for name in known:
        key = f"PROMOPILOT_{name.upper()}"
        if key in env:
            values[name] = env[key]
    coerced = {k: _coerce(k, v, known[k].type) for k, v in values.items()}
    return dataclasses.replace(Settings(), **coerced).validate()


@dataclass(frozen=True)
class OfferSettings:
    """The ``[offers]`` table (the default offer catalogue, :mod:`promopilot.offers.catalogue`;
    ``free_shipping_fee`` is also the fee of a free-shipping offer written 包邮, 满99包邮,
    :mod:`promopilot.data.offer_values`)."""

    use_default: bool = True
    percent_off: float = 0.10
    amount_off_quantile: float = 0.75
    amount_off_share: float = 0.10
    free_shipping_fee: float = 5.0
    valid_days: float = 14.0

    def validate(self) -> OfferSettings:
        if not 0 <= self.percent_off < 1:
            raise InputError(f"offers.percent_off must be in [0, 1), got {self.percent_off}")
        if not 0 < self.amount_off_quantile < 1:
            raise InputError(
                f"offers.amount_off_quantile must be in (0, 1), got {self.amount_off_quantile}"
            )
        if not 0 <= self.amount_off_share < 1:
            raise InputError(
                f"offers.amount_off_share must be in [0, 1), got {self.amount_off_share}"
            )
        if self.free_shipping_fee < 0 or self.valid_days <= 0:
            raise InputError("offers.free_shipping_fee must be >= 0 and offers.valid_days > 0")
        return self


def load_offer_settings(
    path: str | Path | None = None, env: dict[str, str] | None = None
) -> OfferSettings:
    """Read ``[offers]`` from the settings file, if there is one."""
    _, values = area_values("offers", OfferSettings, path, env)
    coerced: dict[str, Any] = {}
    for name, raw in values.items():
        default = getattr(OfferSettings(), name)
        try:
            coerced[name] = raw if isinstance(default, bool) else float(raw)
        except (TypeError, ValueError):
            raise InputError(f"setting offers.{name}: expected a number, got {raw!r}") from None
        if isinstance(default, bool) and not isinstance(raw, bool):
            raise InputError(f"setting offers.{name}: expected true or false, got {raw!r}")
    return dataclasses.replace(OfferSettings(), **coerced).validate()


@dataclass(frozen=True)
class ReviewSettings:
    """The ``[reviews]`` table: ``rating_scale``, the scale of the shop's review ratings
    (``"1-10"``, ``"0-100"``; "" is 1-5 stars), read by ingest
    (:func:`promopilot.data.ratings.ingest_scale`)."""

    rating_scale: str = ""


def load_review_settings(
    path: str | Path | None = None, env: dict[str, str] | None = None
) -> ReviewSettings:
    """Read ``[reviews]`` from the settings file, if there is one."""
    _, values = area_values("reviews", ReviewSettings, path, env)
    return ReviewSettings(**{k: str(v) for k, v in values.items()})


# the countries a phone number written without its country code is read in (ContactSettings)
CONTACT_COUNTRIES = ("CN", "US")


@dataclass(frozen=True)
class ContactSettings:
    """The ``[contact]`` table: ``default_country``, the country of a customer id that is an
    11-digit number starting with 1 written without ``+`` (``15551234567``): ``CN``, a
    Chinese mobile, ``+86`` (the default, as every store so far), or ``US``, a North American
    number dialled with its leading 1, ``+1``. A store keeps the one it was built with
    (:mod:`promopilot.data.contact_country`)."""

    default_country: str = "CN"


def load_contact_settings(
    path: str | Path | None = None, env: dict[str, str] | None = None
) -> ContactSettings:
    """Read ``[contact]`` from the settings file, if there is one."""
    candidate, values = area_values("contact", ContactSettings, path, env)
    country = str(values.get("default_country", "CN")).strip().upper()
    if country not in CONTACT_COUNTRIES:
        raise InputError(
            f"{candidate}: [contact] default_country {values['default_country']!r}: expected "
            f"{' or '.join(CONTACT_COUNTRIES)}"
        )
    return ContactSettings(default_country=country)
