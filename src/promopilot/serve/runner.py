"""Run the app on uvicorn as the store's one writer.

While it runs, ``<db>.serve`` holds the server's pid and URL; :class:`~promopilot.data.store.Store`
reads it and refuses other processes with one line naming the server (instead of DuckDB's lock
error). The file is removed at shutdown; one left by a killed server is ignored (its pid is gone).

Ctrl-C and SIGTERM (``kill``, a service manager's stop) both stop it cleanly, exit code 0: uvicorn
finishes the requests in flight and then re-raises the signal it caught, which here ends the
server's run instead of killing the process before the store is closed and the file removed.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from promopilot.config import Settings, load_settings
from promopilot.data.currency import shop_currency
from promopilot.data.queries.delivery import known_offers
from promopilot.data.store import SERVE_MARKER_SUFFIX, Store
from promopilot.offers.forecast import read_forecast
from promopilot.serve.access_log import log_config
from promopilot.serve.config import ServeConfig, load_serve_config
from promopilot.serve.state import build_state, read_plan


def marker_path(db: str | Path) -> Path:
    return Path(str(db) + SERVE_MARKER_SUFFIX)


def write_marker(db: str | Path, host: str, port: int) -> Path:
    path = marker_path(db)
    path.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "host": host,
                "port": port,
                "url": f"http://{host}:{port}",
                "started_at": time.time(),
            }
        ),
        encoding="utf-8",
    )
    return path


def make_builder(plan: str | Path | None, campaign_id: str | None, settings: Settings):
    """``(store, version) -> ServingState`` reading the plan file afresh each time."""

    def builder(store: Store, version: int):
        return build_state(
            store,
            plan=read_plan(plan, set(known_offers(store)["offer_id"]), shop_currency(store)),
            campaign_id=campaign_id,
            forecast=read_forecast(plan),
            settings=settings,
            version=version,
        )

    return builder


def run_server(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    plan: str | Path | None = None,
    campaign_id: str | None = None,
    config: ServeConfig | None = None,
    settings: Settings | None = None,
    access_log: bool = False,
    announce: Callable[[], None] | None = None,
    tell: Callable[[str], None] | None = None,
) -> None:
    """Open the store, build the serving state, serve until stopped (Ctrl-C). `announce` is
    called once everything is ready, just before the server starts listening (the CLI prints
    the dashboard's address then, never before a refusal). `tell` gets each note of what
    opening the store changed in it (:attr:`Store.notes`: a store of an older version)."""
    import uvicorn

    from promopilot.serve.app import create_app

    settings = settings or load_settings()
    config = (config or load_serve_config()).validate()
    store = Store(
        db, timezone=settings.timezone, memory_limit=settings.memory_limit, threads=settings.threads
    )
    if tell is not None:
        for note in store.notes:
            tell(note)
    marker = write_marker(db, host, port)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        app = create_app(store, config, builder=make_builder(plan, campaign_id, settings))
        if announce is not None:
            announce()
        uvicorn.run(
            app,
            host=host,
            port=port,
            access_log=access_log,
            log_level="info",
            log_config=log_config(),  # no e-mail address or phone number in the access log
        )
    except KeyboardInterrupt:
        pass  # stopped on purpose (Ctrl-C or SIGTERM), after uvicorn's own shutdown
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        marker.unlink(missing_ok=True)
        store.close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
