"""Shop data in: schema, the DuckDB store, ingest and importers, and the queries.

The names most used from Python are exported here (imported on first use, so ``import
promopilot.data`` stays light)::

    from promopilot.data import Store, interactions, catalogue
    from promopilot.data.ingest import ingest  # a module of this name hides the function here

See docs/python-api.md.
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it (imported on first use: see __getattr__)
_EXPORTS = {
    "Store": "promopilot.data.store",
    "open_store": "promopilot.data.store",
    "IngestReport": "promopilot.data.loading",
    "FileReport": "promopilot.data.loading",
    "FileRefused": "promopilot.data.loading",
    "interactions": "promopilot.data.queries.recommend",
    "catalogue": "promopilot.data.queries.recommend",
    "campaign_list": "promopilot.data.queries.measure",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    """Each public name is imported from its module on first use, so importing this package
    stays light: the heavy libraries load with the estimator that needs them."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
