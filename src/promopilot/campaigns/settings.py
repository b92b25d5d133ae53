"""Settings of `promopilot send`: the ``[send]`` table of ``promopilot.toml`` and
``PROMOPILOT_SEND_<NAME>`` environment variables (later wins).

The file is the one :func:`promopilot.config.load_settings` reads (``PROMOPILOT_CONFIG``, else
``promopilot.toml`` in the working folder). The SMTP password is read only from the environment
(``PROMOPILOT_SEND_SMTP_PASSWORD``), never from the file.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from promopilot.config import area_values
from promopilot.exceptions import InputError

ENV_PREFIX = "PROMOPILOT_SEND_"
LANGUAGES = ("auto", "zh", "en")


@dataclass(frozen=True)
class SendSettings:
    """How campaigns are delivered. Every field is documented in ``promopilot.toml``."""

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)  # environment only; never printed
    smtp_security: str = "none"  # none, starttls or ssl
    smtp_timeout: float = 30.0
    from_address: str = ""
    rate: float = 5.0  # messages per second
    max_retries: int = 4  # retries of a temporary failure, after the first try
    retry_backoff: float = 2.0  # seconds before the first retry; doubles each time
    language: str = "auto"  # auto, zh or en: for customers whose language the data don't show
    templates: str = ""  # a folder whose templates replace the shipped ones
    shop_name: str = ""
    currency: str = ""  # the sign prices show; "" = the shop's currency's (data.currency)
    code_length: int = 10
    code_prefix: str = ""
    unsubscribe_url: str = ""  # may hold {customer_id} and {campaign_id}

    def validate(self) -> SendSettings:
        if self.rate <= 0:
            raise InputError(f"send.rate must be positive (messages per second), got {self.rate}")
        if self.max_retries < 0:
            raise InputError(f"send.max_retries must be >= 0, got {self.max_retries}")
        if self.retry_backoff < 0:
            raise InputError(f"send.retry_backoff must be >= 0, got {self.retry_backoff}")
        if self.language not in LANGUAGES:
            raise InputError(
                f"send.language must be one of {', '.join(LANGUAGES)}, got {self.language!r}"
            )
        if self.smtp_security not in ("none", "starttls", "ssl"):
            raise InputError(
                f"send.smtp_security must be none, starttls or ssl, got {self.smtp_security!r}"
            )
        if not 8 <= self.code_length <= 32:
            raise InputError(f"send.code_length must be between 8 and 32, got {self.code_length}")
        if not all(c.isalnum() or c in "-_" for c in self.code_prefix):
            raise InputError(
                f"send.code_prefix may hold only letters, digits, - and _, got {self.code_prefix!r}"
            )
        return self


def _coerce(name: str, raw: Any, kind: str) -> Any:
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except (TypeError, ValueError):
        raise InputError(f"setting send.{name}: expected {kind}, got {raw!r}") from None
    return str(raw)


def load_send_settings(
    path: str | Path | None = None, env: dict[str, str] | None = None
) -> SendSettings:
    """Read ``[send]`` from the settings file (if any) and ``PROMOPILOT_SEND_*`` variables."""
    env = dict(os.environ) if env is None else env
    candidate, values = area_values("send", SendSettings, path, env)
    known = {f.name: f for f in fields(SendSettings)}
    if "smtp_password" in values:
        raise InputError(
            f"{candidate}: the SMTP password is not read from the file: set "
            f"{ENV_PREFIX}SMTP_PASSWORD instead"
        )
    for name in known:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = env[key]
    kinds = {
        name: f.type if isinstance(f.type, str) else f.type.__name__ for name, f in known.items()
    }
    coerced = {k: _coerce(k, v, kinds[k]) for k, v in values.items()}
    return dataclasses.replace(SendSettings(), **coerced).validate()
