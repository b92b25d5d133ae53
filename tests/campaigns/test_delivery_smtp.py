"""`promopilot send` over SMTP to a real local server (aiosmtpd, started by the tests)."""

from __future__ import annotations

import email
import socket
import time
from email import policy

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402

from promopilot.campaigns.delivery import send_campaign  # noqa: E402
from promopilot.data.queries.delivery import campaign_exposures, delivery_status  # noqa: E402
from tests.campaigns.delivery_helpers import (  # noqa: E402
    CUSTOMERS,
    EMAILED,
    make_store,
    settings,
    write_plan,
)

ADDRESS = CUSTOMERS.set_index("customer_id")["email"]


class Handler:
    """Keeps what it receives; answers 451 to the first `busy` messages and 550 to the
    recipients in `refuse`."""

    def __init__(self, busy: int = 0, refuse: tuple[str, ...] = ()) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.busy = busy
        self.refuse = set(refuse)
        self.n_data = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n_data += 1
        if self.n_data <= self.busy:
            return "451 4.3.0 busy, try again later"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp_server():
    servers = []

    def start(handler: Handler) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return port

    yield start
    for controller in servers:
        controller.stop()


def run(store, tmp_path, port, **changes):
    return send_campaign(
        store,
        write_plan(tmp_path / "plan.csv"),
        campaign_id="smtp",
        out=tmp_path / "out",
        settings=settings(smtp_host="127.0.0.1", smtp_port=port, **changes),
    )


def test_messages_reach_a_real_smtp_server_once(tmp_path, smtp_server):
    handler = Handler()
    port = smtp_server(handler)
    with make_store(tmp_path) as store:
        report = run(store, tmp_path, port)
        again = run(store, tmp_path, port)
        codes = campaign_exposures(store, "smtp").set_index("customer_id")["coupon_code"]
    assert report.n_delivered == len(EMAILED) and again.n_delivered == 0
    assert len(handler.received) == len(EMAILED)  # the second run sent nothing
    by_rcpt = {rcpts[0]: content for rcpts, content in handler.received}
    assert sorted(by_rcpt) == sorted(ADDRESS[c] for c in EMAILED)
    for customer in EMAILED:
        message = email.message_from_bytes(by_rcpt[ADDRESS[customer]], policy=policy.default)
        assert message["From"] == "shop@example.com"
        assert message["To"] == ADDRESS[customer]
        assert codes[customer] in message.get_body(("plain",)).get_content()
        assert codes[customer] in message.get_body(("html",)).get_content()
    assert ADDRESS["C3"] not in by_rcpt and ADDRESS["C5"] not in by_rcpt  # unsubscribed


def test_temporary_failures_are_retried_with_backoff(tmp_path, smtp_server):
    handler = Handler(busy=2)
    port = smtp_server(handler)
    with make_store(tmp_path) as store:
        report = run(store, tmp_path, port, max_retries=3)
        status = delivery_status(store, "smtp")
    assert report.n_delivered == len(EMAILED) and report.n_deferred == 0
    assert len(handler.received) == len(EMAILED)
    assert status["attempts"].max() == 3  # the first message: two 451s, then accepted


def test_retries_used_up_defer_the_message_to_the_next_run(tmp_path, smtp_server):
    handler = Handler(busy=2)
    port = smtp_server(handler)
    with make_store(tmp_path) as store:
        first = run(store, tmp_path, port, max_retries=1)
        assert first.n_deferred == 1 and first.n_delivered == len(EMAILED) - 1
        deferred = delivery_status(store, "smtp").query("status == 'deferred'")
        assert len(deferred) == 1 and "451" in deferred["error"].iloc[0]
        second = run(store, tmp_path, port, max_retries=1)
    assert second.n_delivered == 1
    assert sorted(r[0][0] for r in handler.received) == sorted(ADDRESS[c] for c in EMAILED)


def test_a_refused_recipient_fails_alone_and_its_address_is_not_kept(tmp_path, smtp_server):
    handler = Handler(refuse=(ADDRESS["C8"],))
    port = smtp_server(handler)
    with make_store(tmp_path) as store:
        report = run(store, tmp_path, port)
        status = delivery_status(store, "smtp").set_index("customer_id")
    assert report.n_failed == 1 and report.n_delivered == len(EMAILED) - 1
    assert status.loc["C8", "status"] == "failed" and "550" in status.loc["C8", "error"]
    assert "@" not in status.loc["C8", "error"]


def test_sending_is_throttled(tmp_path, smtp_server):
    port = smtp_server(Handler())
    with make_store(tmp_path) as store:
        started = time.monotonic()
        run(store, tmp_path, port, rate=10.0)
        elapsed = time.monotonic() - started
    assert elapsed >= (len(EMAILED) - 1) / 10.0


@pytest.mark.slow
def test_a_killed_send_resumes_without_losing_or_repeating_messages(tmp_path, smtp_server):
    """kill -9 in the middle of a real send, then run it again."""
    import os
    import signal
    import subprocess
    import sys

    handler = Handler()
    port = smtp_server(handler)
    make_store(tmp_path).close()
    plan = write_plan(tmp_path / "plan.csv")
    env = {
        **os.environ,
        "PROMOPILOT_SEND_SMTP_HOST": "127.0.0.1",
        "PROMOPILOT_SEND_SMTP_PORT": str(port),
        "PROMOPILOT_SEND_FROM_ADDRESS": "shop@example.com",
        "PROMOPILOT_SEND_RATE": "4",
    }
    args = [
        sys.executable,
        "-c",
        "from promopilot.cli import main; main()",
        "send",
        str(plan),
        "--campaign-id",
        "killed",
        "--db",
        str(tmp_path / "shop.duckdb"),
        "--out",
        str(tmp_path / "out"),
    ]
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(handler.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    n_before = len(handler.received)
    assert 2 <= n_before < len(EMAILED)
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    received = [rcpts[0] for rcpts, _ in handler.received]
    assert set(received) == {ADDRESS[c] for c in EMAILED}  # nobody lost
    # at most the one message in flight when the process died is repeated
    assert len(EMAILED) <= len(received) <= len(EMAILED) + 1
    with make_store_readonly(tmp_path) as store:
        assert store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = 'killed'") == 10


def make_store_readonly(tmp_path):
    from promopilot.data.store import Store

    return Store(tmp_path / "shop.duckdb", read_only=True)
