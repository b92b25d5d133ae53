"""Named queries, one module per area: each function takes a `Store` and plain values."""
