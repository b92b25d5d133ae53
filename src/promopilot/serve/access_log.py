"""The access log of ``promopilot serve --access-log`` (off by default), without contact data.

uvicorn logs each request line with its path and query string as the client sent them, so an
e-mail address or phone number typed into a URL (``/v1/customers/ann@example.com/offer``,
``/customers?id=ann%40example.com``) would be written to the log. :class:`NoContactData`, a
filter on the ``uvicorn.access`` logger, writes such a path segment or query value as the
customer id the server reads it as (its hash, :func:`promopilot.data.contact_ids.
stored_customer_id`), and one holding an address among other text as ``***``.
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import unquote, unquote_plus

from promopilot.data.contact_ids import shown, stored_customer_id

ACCESS_LOGGER = "uvicorn.access"


def _hidden(decoded: str) -> str | None:
    """What the log shows for a decoded part of a URL: None when it is no contact data (the
    part is logged as sent), its hash for an address or number, ``***`` for one among text."""
    text = shown(decoded)
    if text == decoded:
        return None
    return "***" if text is None else stored_customer_id(decoded)


def _segment(part: str) -> str:
    hidden = _hidden(unquote(part)) if part else None
    return part if hidden is None else hidden


def _query_item(item: str) -> str:
    """``name=value``: each read as the server reads it (``+`` a space), and as sent (a phone
    number's ``+`` not encoded)."""
    out = []
    for part in item.split("=", 1):
        hidden = _hidden(unquote_plus(part)) if part else None
        if hidden is None and part:
            plain = _hidden(unquote(part))
            hidden = None if plain is None else "***"
        out.append(part if hidden is None else hidden)
    return "=".join(out)


def clean_path(path: str) -> str:
    """A request's path and query string (as uvicorn logs them) with every segment or query
    value that is contact data hidden (:func:`_hidden`); anything else unchanged."""
    path, mark, query = path.partition("?")
    path = "/".join(_segment(p) for p in path.split("/"))
    if mark:
        query = "&".join(_query_item(i) for i in query.split("&"))
    return path + mark + query


class NoContactData(logging.Filter):
    """On ``uvicorn.access``: the request line's path (its third argument) without contact
    data (:func:`clean_path`). A record of another form passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], clean_path(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`NoContactData` on its access logger."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["no_contact_data"] = {"()": NoContactData}
    access = config["loggers"][ACCESS_LOGGER]
    access["filters"] = [*access.get("filters", []), "no_contact_data"]
    return config
