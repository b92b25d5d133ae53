"""Shared fixtures: a synthetic shop with a known truth, generated once per test run.

The shop is cached as files (its folder and an ingested DuckDB file); every test that asks for
``shop_store`` gets its own copy of that database, so no two tests share an open database.
Under pytest-xdist the workers share one build: the first to need it builds it under a lock.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from pathlib import Path

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.synth.shop import Shop, make_shop

try:
    import fcntl
except ImportError:  # Windows: each xdist worker builds its own shop
    fcntl = None


@contextlib.contextmanager
def _locked(path: Path):
    """Holds an exclusive lock on the file `path`."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def _shop_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the shop pickled, written as a shop folder and ingested: built once per
    run and shared by the xdist workers (making and ingesting it costs about 5 s of CPU)."""
    root = tmp_path_factory.getbasetemp()
    shared = os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None
    if shared:
        root = root.parent  # this run's folder, above each worker's own (popen-gw0, ...)
    build = root / "shop-build"
    with _locked(root / "shop-build.lock") if shared else contextlib.nullcontext():
        if not (build / "done").exists():
            shop = make_shop(3000, seed=0)
            build.mkdir(exist_ok=True)
            (build / "shop.pickle").write_bytes(pickle.dumps(shop))
            folder = shop.write(build / "shop")
            with Store(build / "shop.duckdb") as store:
                ingest(store, folder)
            (build / "done").touch()
    return build


@pytest.fixture(scope="session")
def shop(_shop_build: Path) -> Shop:
    """3,000 customers, seed 0: big enough for models, quick to make (~3 s)."""
    return pickle.loads((_shop_build / "shop.pickle").read_bytes())


@pytest.fixture(scope="session")
def shop_dir(_shop_build: Path) -> Path:
    """The shop's folder. Shared: do not write into it (copy it)."""
    return _shop_build / "shop"


@pytest.fixture(scope="session")
def shop_db(_shop_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic shop ingested into a DuckDB file, this worker's copy. Do not write to it:
    open it read-only, or use ``shop_store`` (a private copy)."""
    path = tmp_path_factory.mktemp("store") / "shop.duckdb"
    shutil.copyfile(_shop_build / "shop.duckdb", path)
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
    root = os.environ.get("PROMOPILOT_SHARED_DATA")
    return Path(root) if root else Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
