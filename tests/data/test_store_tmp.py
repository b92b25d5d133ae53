"""The store's spill folder for DuckDB does not outlive the store."""

import gc
from pathlib import Path

import pytest

from promopilot.data.store import Store
from promopilot.exceptions import InputError


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


def test_counting_a_table_the_store_does_not_hold_is_an_input_error():
    """store.count("nope") was DuckDB's CatalogException with its SQL; store.table said
    "unknown table" already."""
    store = Store(":memory:")
    assert store.count("orders") == 0
    for name in ("ordres", "order"):  # a typo; a SQL keyword
        with pytest.raises(InputError, match=f"unknown table '{name}'"):
            store.count(name)
        with pytest.raises(InputError, match=f"unknown table '{name}'"):
            store.table(name)
