"""Audit history: every ``testvet audit`` appends its numbers to ``history.sqlite``."""

from __future__ import annotations

from testvet.history.store import (
    HISTORY_FILE,
    SCHEMA_VERSION,
    RunRecord,
    history_path,
    load,
    record,
)
from testvet.history.summary import RunSummary, mutation_score, summarize

__all__ = [
    "HISTORY_FILE",
    "SCHEMA_VERSION",
    "RunRecord",
    "RunSummary",
    "history_path",
    "load",
    "mutation_score",
    "record",
    "summarize",
]
