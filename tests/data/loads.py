"""Ingest in the tests, with the rule every ingest keeps: each row read is either loaded or
quarantined, in every file."""

from __future__ import annotations

from pathlib import Path

from promopilot.data.ingest import IngestReport, ingest
from promopilot.data.store import Store


def balanced(report: IngestReport) -> IngestReport:
    """Every row read is either loaded or quarantined, for every file."""
    for f in report.files:
        assert f.n_loaded + f.n_quarantined == f.n_read, f
    return report


def load(store: Store, path: Path, **kwargs) -> IngestReport:
    return balanced(ingest(store, path, **kwargs))
