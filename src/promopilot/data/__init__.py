"""Shop data in: schema, the DuckDB store, ingest, importers and the synthetic shop."""
