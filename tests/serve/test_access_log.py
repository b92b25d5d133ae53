"""`promopilot serve --access-log`: an e-mail address or phone number typed into a URL is
logged as its hash (or ``***``), never as typed."""

from __future__ import annotations

import logging
import shutil
import socket
import threading
import time

import httpx
import pytest

from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.store import Store
from promopilot.serve.access_log import (
    ACCESS_LOGGER,
    NoContactData,
    NoContactInMessages,
    clean_path,
    masked_text,
)
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.runner import run_server
from tests.serve.conftest import ADMIN, READ, READ_H, SETTINGS, builder

ANN = stored_customer_id("ann@example.com")
PHONE = stored_customer_id("+86 138 0013 8000")
MOBILE = stored_customer_id("13812345678")  # customers the store does not know
JOE = stored_customer_id("+1 555 123 4567")


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/v1/customers/ann@example.com/offer", f"/v1/customers/{ANN}/offer"),
        (
            "/v1/customers/Ann%40Example.COM/recommendations?k=3",
            f"/v1/customers/{ANN}/recommendations?k=3",
        ),
        ("/customers?id=ann%40example.com", f"/customers?id={ANN}"),
        ("/customers/%2B86%20138%200013%208000", f"/customers/{PHONE}"),
        ("/customers?id=138-0013-8000&x=1", f"/customers?id={PHONE}&x=1"),
        ("/customers?id=+8613800138000", f"/customers?id={PHONE}"),  # + not encoded
        ("/customers?id=+86+138+0013+8000&k=2", "/customers?id=***&k=2"),  # spaces too
        ("/customers?q=call+%2B8613800138000", "/customers?q=***"),
        ("/customers?id=Ann+%3Cann%40example.com%3E", f"/customers?id={ANN}"),  # a header's
        ("/customers?id=Ann+%3Cann%40example.com%3E+or+Bob", "/customers?id=***"),
        # a number no customer has: its hash, or *** where ingest would not take it for one
        ("/v1/customers/13812345678/offer", f"/v1/customers/{MOBILE}/offer"),
        ("/v1/customers/%2B1%20555%20123%204567/offer", f"/v1/customers/{JOE}/offer"),
        ("/v1/customers/1.555.123.4567/offer", "/v1/customers/***/offer"),
        ("/v1/customers/1%20555%20123%204567/offer", "/v1/customers/***/offer"),
        ("/v1/customers/1%20555-123-4567/recommendations", "/v1/customers/***/recommendations"),
        ("/customers?id=1.555.123.4567&k=2", "/customers?id=***&k=2"),
        ("/v1/customers/c1/offer?k=5", "/v1/customers/c1/offer?k=5"),
        ("/customers/17850", "/customers/17850"),
        ("/", "/"),
    ],
)
def test_a_path_is_logged_without_contact_data(path, logged):
    assert clean_path(path) == logged


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_serve_access_log_writes_the_hash_of_an_address_typed_into_a_url(
    tiny_db, tmp_path, monkeypatch
):
    import uvicorn

    # how `promopilot serve --access-log` starts uvicorn
    started: list[dict] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append(kwargs))
    db = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, db)
    port = _free_port()
    run_server(
        db,
        port=port,
        config=ServeConfig.from_keys([ADMIN], [READ]),
        settings=SETTINGS,
        access_log=True,
    )
    (kwargs,) = started
    # ... and the same configuration run for real, around the tiny shop
    access = logging.getLogger(ACCESS_LOGGER)
    lines = _Lines()
    with Store(db) as store:
        app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
        server = uvicorn.Server(uvicorn.Config(app, **kwargs))  # configures the logging
        access.addHandler(lines)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.time() + 30
            while not server.started:
                assert time.time() < deadline and thread.is_alive(), "server did not start"
                time.sleep(0.05)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=READ_H) as api:
                assert api.get("/v1/customers/ann@example.com/offer").status_code == 200
                api.get("/v1/customers/%2B86%20138%200013%208000/recommendations?k=2")
                api.get("/customers", params={"id": "Ann@Example.com"})
                api.get("/v1/customers/c1/offer")
                # phone-like ids the store does not know (a 200: the cold-start answer)
                for unknown in ("13812345678", "%2B1%20555%20123%204567", "1.555.123.4567"):
                    assert api.get(f"/v1/customers/{unknown}/offer").status_code == 200
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            access.removeHandler(lines)
            for f in [f for f in access.filters if isinstance(f, NoContactData)]:
                access.removeFilter(f)
    assert len(lines.lines) == 7, lines.lines
    text = "\n".join(lines.lines)
    assert f"/v1/customers/{ANN}/offer" in text and f"/v1/customers/{PHONE}/" in text
    assert f"/customers?id={ANN}" in text and "/v1/customers/c1/offer" in text
    assert f"/v1/customers/{MOBILE}/offer" in text and f"/v1/customers/{JOE}/offer" in text
    assert "/v1/customers/***/offer" in text
    for typed in ("@", "%40", "ann", "0013", "%2B86", "138123", "%2B1", "555", ".4567"):
        assert typed not in text.lower(), typed


def _raised(error: BaseException):
    try:
        raise error
    except BaseException:
        import sys

        return sys.exc_info()


def test_a_message_and_traceback_are_logged_without_contact_data():
    from uvicorn.logging import DefaultFormatter

    record = logging.LogRecord(
        "uvicorn.error",
        logging.ERROR,
        __file__,
        1,
        "customer %s (%s) failed: %d",
        ("ann@example.com", ["+86 138 0013 8000"], 3),
        _raised(KeyError("Ann@Example.com and 13800138000")),
    )
    record.__dict__["color_message"] = "customer %s (%s) failed: %d"
    assert NoContactInMessages().filter(record)
    text = DefaultFormatter("%(levelprefix)s %(message)s", use_colors=True).format(record)
    assert f"customer {ANN} (['{PHONE}']) failed: 3" in text
    assert f"KeyError: '{ANN} and {PHONE}'" in text and "Traceback" in text
    assert "@" not in text and "0013" not in text and "138001" not in text
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "ids %s, %s", ("17850", "a@b"), None)
    NoContactInMessages().filter(plain)
    assert plain.getMessage() == "ids 17850, a@b"  # no address by ingest's rule: as it was
    assert masked_text("to <ann@example.com>, C000123") == f"to <{ANN}>, C000123"
    # a number with a space or full stop after its leading 1, whole; an address beside Chinese
    assert masked_text("no row for 1.555.123.4567 or 1 555-123-4567") == "no row for *** or ***"
    assert masked_text("客户ann@example.com未找到") == f"客户{ANN}未找到"


class _Formatted(_Lines):
    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter().format(record))


def test_serve_logs_an_unexpected_error_without_the_address_it_names(
    tiny_db, tmp_path, monkeypatch
):
    import uvicorn

    started: list[dict] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append(kwargs))
    db = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, db)
    port = _free_port()
    config = ServeConfig.from_keys([ADMIN], [READ])
    run_server(db, port=port, config=config, settings=SETTINGS)
    (kwargs,) = started
    loggers = [logging.getLogger(n) for n in ("uvicorn.error", "promopilot.serve")]
    lines = _Formatted()
    with Store(db) as store:
        app = create_app(store, config, builder=builder)

        @app.get("/v1/boom/{customer}")
        def boom(customer: str) -> None:  # an unexpected error naming the customer as typed
            logging.getLogger("promopilot.serve").warning("boom for %s", customer)
            raise RuntimeError(f"no plan row for {customer}")

        server = uvicorn.Server(uvicorn.Config(app, **kwargs))  # configures the logging
        for logger in loggers:
            logger.addHandler(lines)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.time() + 30
            while not server.started:
                assert time.time() < deadline and thread.is_alive(), "server did not start"
                time.sleep(0.05)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=READ_H) as api:
                assert api.get("/v1/boom/ann@example.com").status_code == 500
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            handlers = logging.getLogger("uvicorn").handlers
            for logger in [*loggers, logging.getLogger(ACCESS_LOGGER)]:
                logger.removeHandler(lines)
                for f in [f for f in logger.filters if isinstance(f, NoContactInMessages)]:
                    logger.removeFilter(f)
    # every handler uvicorn installs masks too (a record logged to "uvicorn" itself)
    assert handlers and all(
        any(isinstance(f, NoContactInMessages) for f in h.filters) for h in handlers
    )
    text = "\n".join(lines.lines)
    assert f"boom for {ANN}" in text, text
    assert "Exception in ASGI application" in text and "Traceback" in text
    assert f"RuntimeError: no plan row for {ANN}" in text
    assert "@" not in text and "ann" not in text.lower().replace("plan", "")
