"""The store's spill folder for DuckDB does not outlive the store."""

import gc
from pathlib import Path

from promopilot.data.store import Store


def test_closing_a_store_removes_its_temp_folder():
    store = Store(":memory:")
    folder = Path(store._tmp)
    assert folder.is_dir()
    store.close()
    assert not folder.exists()


def test_a_store_nobody_closed_removes_its_temp_folder_when_dropped():
    store = Store(":memory:")
    folder = Path(store._tmp)
    del store
    gc.collect()
    assert not folder.exists()
