"""While `promopilot serve` runs it is the store's one writer: other processes get one line
naming it, never DuckDB's lock traceback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from promopilot.data.store import Store
from promopilot.exceptions import PromopilotError
from promopilot.serve.runner import marker_path, write_marker
from tests.serve.conftest import ADMIN, READ


def test_a_store_served_by_a_live_process_is_refused_with_one_line(tmp_path):
    db = tmp_path / "shop.duckdb"
    Store(db).close()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        marker_path(db).write_text(json.dumps({"pid": other.pid, "url": "http://127.0.0.1:8123"}))
        with pytest.raises(PromopilotError) as refused:
            Store(db)
        message = str(refused.value)
        assert "\n" not in message
        assert f"pid {other.pid}" in message and "http://127.0.0.1:8123" in message
        with pytest.raises(PromopilotError):
            Store(db, read_only=True)
    finally:
        other.kill()
        other.wait()
    Store(db).close()  # the server is gone: its marker is stale and ignored


def test_the_serving_process_itself_may_open_the_store(tmp_path):
    db = tmp_path / "shop.duckdb"
    write_marker(db, "127.0.0.1", 8000)
    Store(db).close()
    assert json.loads(marker_path(db).read_text())["pid"] == os.getpid()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_cli_commands_fail_with_one_line_while_the_server_runs(tiny_db, tmp_path, stop):
    db = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, db)
    port = _free_port()
    scratch = tmp_path / "tmp"  # the server's temporary files, removed when it stops
    scratch.mkdir()
    env = {**os.environ, "PROMOPILOT_ADMIN_KEYS": ADMIN, "PROMOPILOT_READ_KEYS": READ}
    server_env = {**env, "TMPDIR": str(scratch)}
    promopilot = [sys.executable, "-c", "from promopilot.cli import main; main()"]
    server = subprocess.Popen(
        [*promopilot, "serve", "--db", str(db), "--port", str(port)],
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.time() < deadline, "server did not start"
            time.sleep(0.3)
        for args in (["summary", "--db", str(db)], ["ingest", str(tmp_path), "--db", str(db)]):
            done = subprocess.run(
                [*promopilot, *args], env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 1, done
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in done.stderr
            assert f"pid {server.pid}" in lines[0] and f"127.0.0.1:{port}" in lines[0]
        assert marker_path(db).exists()
        assert list(scratch.glob("promopilot-duckdb-*"))
    finally:
        server.send_signal(stop)
        output = server.communicate(timeout=60)[0]
    assert "Traceback" not in output, output
    assert server.returncode == 0, output  # stopped on request, cleanly
    assert not marker_path(db).exists()
    assert not list(scratch.glob("promopilot-duckdb-*"))
    Store(db).close()
