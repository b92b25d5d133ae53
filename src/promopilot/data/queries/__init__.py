"""Named SQL queries, one module per area: each function takes a `Store` and plain values and
returns a pandas frame or a number. The only place outside `Store` where SQL text lives."""
