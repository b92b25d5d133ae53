"""Shop data in: schema, the DuckDB store, ingest and importers, and the queries.

The names most used from Python are exported here (imported on first use, so ``import
promopilot.data`` stays light)::

    from promopilot.data import Store, interactions, catalogue
    from promopilot.data.ingest import ingest  # a module of this name hides the function here

See docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
