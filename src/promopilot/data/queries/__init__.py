"""Named SQL queries of the data layer, one module per area (ingest, features, campaigns,
delivery, ...): functions that take a :class:`~promopilot.data.store.Store` and plain Python
values and return pandas frames or numbers."""
