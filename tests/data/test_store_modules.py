"""The store's helpers live in modules of their own (``connection``, ``shop_time``, ``sql``):
what other modules import from :mod:`promopilot.data.store` is still there, the same objects."""

from __future__ import annotations

import pandas as pd

from promopilot.data import connection, shop_time, sql
from promopilot.data import store as store_module
from promopilot.data.store import Store


def test_the_store_module_gives_the_names_other_modules_import():
    assert store_module.sql_str is sql.sql_str
    assert store_module.local_time is shop_time.local_time
    assert store_module.local_text is shop_time.local_text
    assert store_module.SERVE_MARKER_SUFFIX is connection.SERVE_MARKER_SUFFIX == ".serve"
    assert set(store_module.__all__) <= set(dir(store_module))


def test_a_store_has_the_time_methods_of_shop_time():
    with Store(":memory:", timezone="Asia/Shanghai") as store:
        assert isinstance(store, shop_time.ShopTime)
        assert store.local_text(pd.Timestamp("2026-10-11 16:00")) == "2026-10-12"
        assert store.utc_time("2026-10-12") == pd.Timestamp("2026-10-11 16:00")
