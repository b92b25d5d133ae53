"""Named SQL queries, one module per area: functions that take a Store and plain values."""
