"""The access log of ``promopilot serve --access-log`` (off by default), without contact data.

uvicorn logs each request line with its path and query string as the client sent them, so an
e-mail address or phone number typed into a URL (``/v1/customers/ann@example.com/offer``,
``/customers?id=ann%40example.com``) would be written to the log. :class:`NoContactData`, a
filter on the ``uvicorn.access`` logger, writes such a path segment or query value as the
customer id the server reads it as (its hash, :func:`promopilot.data.contact_ids.
stored_customer_id`), and one holding an address among other text as ``***``.

uvicorn's other messages (``uvicorn.error``: start, stop, the traceback of an unexpected server
error) and the server's own (``promopilot.serve``) can carry one too: an exception's message
names the id it failed on. :class:`NoContactInMessages`, on those loggers and on every handler
:func:`log_config` installs, writes each e-mail address or phone number in a message, its
arguments, its traceback and stack as its hash (``***`` where it is not one by ingest's rule).
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import unquote, unquote_plus

from promopilot.data.contact_ids import replace_in_text, shown, stored_customer_id
from promopilot.data.phone_text import typed_phone
from promopilot.data.schema import plain_id

ACCESS_LOGGER = "uvicorn.access"
# the loggers whose messages are masked (uvicorn's access logger has its own filter too)
MESSAGE_LOGGERS = ("uvicorn.error", "promopilot.serve")


def _hidden(decoded: str) -> str | None:
    """What the log shows for a decoded part of a URL: None when it is no contact data (the
    part is logged as sent), its hash for an address or number, ``***`` for one among text;
    a number as a mobile number column writes it (``1.3812345678E10``, ``8613812345678``,
    which the server may read as the customer it names) as that number's hash."""
    text = shown(decoded)
    if text == decoded:
        phone = typed_phone(decoded)
        return None if phone is None else phone[0]
    return "***" if text is None else stored_customer_id(decoded)


def _segment(part: str) -> str:
    hidden = _hidden(unquote(part)) if part else None
    return part if hidden is None else hidden


def _query_item(item: str) -> str:
    """``name=value``: each read as the server reads it (``+`` a space), and as sent: a phone
    number whose ``+`` was not encoded (``?id=+8613800138000``, read as ``8613800138000``) is
    logged as that phone number's hash, as one sent encoded is."""
    out = []
    for part in item.split("=", 1):
        hidden = _hidden(unquote_plus(part)) if part else None
        if hidden is None and part:
            hidden = _hidden(unquote(part))
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


def _hashed(bracket: str, found: str) -> str:
    hashed = stored_customer_id(found)
    return "***" if hashed == plain_id(found.strip()) else bracket + hashed


def masked_text(text: str) -> str:
    """`text` with every e-mail address or phone number in it (``contact_ids.IN_TEXT``) written
    as the customer id the server reads it as, its hash, or ``***`` where ingest would not
    take it for one; anything else unchanged."""
    return replace_in_text(text, _hashed)


def _masked_arg(value: Any) -> Any:
    """A message argument: text masked; another object (an exception, a list) by the text it
    is logged as, where that holds contact data; a number as it is (``%d`` needs one)."""
    if isinstance(value, str):
        return masked_text(value)
    if value is None or isinstance(value, (int, float)):
        return value
    text = str(value)
    clean = masked_text(text)
    return value if clean == text else clean


class NoContactInMessages(logging.Filter):
    """A record's message, arguments, traceback and stack with every e-mail address or phone
    number hashed (:func:`masked_text`): the traceback is formatted here (``exc_text``, which
    every formatter then writes as it is), and the exception itself dropped from the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = masked_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _masked_arg(v) for k, v in record.args.items()}
        color = record.__dict__.get("color_message")  # uvicorn's coloured copy of msg
        if isinstance(color, str):
            record.__dict__["color_message"] = masked_text(color)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = masked_text(record.exc_text)
        if record.stack_info:
            record.stack_info = masked_text(record.stack_info)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`NoContactData` on its access logger and
    :class:`NoContactInMessages` on ``uvicorn.error``, ``promopilot.serve`` and every handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    filters = config.setdefault("filters", {})
    filters["no_contact_data"] = {"()": NoContactData}
    filters["no_contact_in_messages"] = {"()": NoContactInMessages}
    access = config["loggers"][ACCESS_LOGGER]
    access["filters"] = [*access.get("filters", []), "no_contact_data"]
    for name in MESSAGE_LOGGERS:
        logger = config["loggers"].setdefault(name, {})
        logger["filters"] = [*logger.get("filters", []), "no_contact_in_messages"]
    for handler in config["handlers"].values():
        handler["filters"] = [*handler.get("filters", []), "no_contact_in_messages"]
    return config
