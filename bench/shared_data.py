"""Where the benchmarks find the public datasets: ``$PROMOPILOT_SHARED_DATA``, else the
``shared/data`` folder beside the repository (``../shared/data``). Not a benchmark itself."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_data_root() -> Path:
    env = os.environ.get("PROMOPILOT_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"
