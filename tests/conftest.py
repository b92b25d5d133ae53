"""Shared fixtures: a synthetic shop with a known truth, generated once per test session.

The shop is cached as files (its folder and an ingested DuckDB file); every test that asks for
``shop_store`` gets its own copy of that database, so no two tests share an open database."""

from __future__ import annotations

import shutil
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
    """The synthetic shop ingested into a DuckDB file. Do not write to it: open it read-only,
    or use ``shop_store`` (a private copy)."""
    path = tmp_path_factory.mktemp("store") / "shop.duckdb"
    with Store(path) as store:
        ingest(store, shop_dir)
    return path


@pytest.fixture()
def shop_store(shop_db: Path, tmp_path: Path) -> Store:
    """A writable store of the synthetic shop, this test's own copy of ``shop_db``."""
    folder = tmp_path / "shop_store"  # its own folder: tests may put other stores in tmp_path
    folder.mkdir()
    copy = folder / "shop.duckdb"
    shutil.copyfile(shop_db, copy)
    store = Store(copy)
    yield store
    store.close()


def shared_data_root() -> Path:
    """Where the public benchmark datasets live (may be absent: tests then skip)."""
    import os

    root = os.environ.get("PROMOPILOT_SHARED_DATA")
    return Path(root) if root else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
