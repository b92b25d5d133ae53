"""The command's log file: details of every error (tracebacks included) and every warning.

The terminal gets one line per error; the log keeps the rest. The file is
``$PROMOPILOT_LOG`` if set, else ``promopilot.log`` in ``$XDG_STATE_HOME/promopilot``
(``~/.local/state/promopilot``). Contact data never reaches it: messages name customer ids
at most.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

LOG = logging.getLogger("promopilot")


def log_path() -> Path:
    explicit = os.environ.get("PROMOPILOT_LOG")
    if explicit:
        return Path(explicit)
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "promopilot" / "promopilot.log"


def setup_logging() -> Path | None:
    """Send promopilot's log records and all Python warnings to the log file, not the terminal.

    Returns the file, or None where it cannot be written (then records are dropped quietly)."""
    path = log_path()
    root = logging.getLogger()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
        path = None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in root.handlers:
        old.close()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    # off and on again: a second call in one process (tests, the server) must capture too even
    # if something (pytest's warning recorder) put its own warnings.showwarning back meanwhile
    logging.captureWarnings(False)
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    return path


def report_unexpected(error: BaseException) -> str:
    """Log an unexpected error with its traceback; return the one line for the terminal."""
    LOG.error("unexpected error", exc_info=error)
    path = log_path()
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    what = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return f"error: {what} (details in {path})"
