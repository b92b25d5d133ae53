"""Shared fixtures: a synthetic shop with a known truth, generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.synth.shop import Shop, make_shop


@pytest.fixture(scope="session")
def shop() -> Shop:
    """3,000 customers, seed 0: big enough for models, quick to make (~2 s)."""
    return make_shop(3000, seed=0)


@pytest.fixture(scope="session")
def shop_dir(shop: Shop, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shop.write(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="session")
def shop_db(shop_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic shop ingested into a DuckDB file; open it read-only in tests, or copy it."""
    path = tmp_path_factory.mktemp("store") / "shop.duckdb"
    with Store(path) as store:
        ingest(store, shop_dir)
    return path


@pytest.fixture()
def shop_store(shop_db: Path) -> Store:
    """A read-only store of the synthetic shop, fresh for each test."""
    store = Store(shop_db, read_only=True)
    yield store
    store.close()


def shared_data_root() -> Path:
    """Where the public benchmark datasets live (may be absent: tests then skip)."""
    import os

    root = os.environ.get("PROMOPILOT_SHARED_DATA")
    return Path(root) if root else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
