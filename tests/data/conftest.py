"""What the ingest tests share: an in-memory store per test."""

from __future__ import annotations

import pytest

from promopilot.data.store import Store


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s
