"""The history database: round trip, schema version, WAL, bad files."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from testvet.errors import UsageError
from testvet.history import HISTORY_FILE, SCHEMA_VERSION, RunSummary, load, record

STARTED = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)


def _summary(**changes: object) -> RunSummary:
    values: dict[str, object] = {
        "started": STARTED,
        "project": "shop",
        "root": "/srv/shop",
        "tool_version": "0.4.0",
        "verdict": "fail",
        "tests": 42,
        "findings": 5,
        "by_category": {"cannot-fail": 3, "missing-scenario": 2},
        "coverage": 81.25,
        "mutation_score": 66.5,
        "suite_duration": 3.25,
        "audit_duration": 7.5,
    }
    values.update(changes)
    return RunSummary(**values)  # type: ignore[arg-type]


def test_record_then_load_round_trips_every_field(tmp_path: Path) -> None:
    run_id = record(_summary(), tmp_path)
    (stored,) = load(tmp_path)
    assert stored.id == run_id
    assert stored.recorded.tzinfo is not None
    assert stored.summary == _summary(by_category=stored.summary.by_category)
    assert dict(stored.summary.by_category) == {"cannot-fail": 3, "missing-scenario": 2}


def test_absent_numbers_stay_none(tmp_path: Path) -> None:
    record(
        _summary(
            verdict=None,
            coverage=None,
            mutation_score=None,
            suite_duration=None,
            by_category={},
            findings=0,
        ),
        tmp_path,
    )
    (stored,) = load(tmp_path)
    assert (stored.summary.verdict, stored.summary.coverage) == (None, None)
    assert (stored.summary.mutation_score, stored.summary.suite_duration) == (None, None)
    assert dict(stored.summary.by_category) == {}


def test_database_is_wal_with_versioned_schema(tmp_path: Path) -> None:
    record(_summary(), tmp_path)
    conn = sqlite3.connect(tmp_path / HISTORY_FILE)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        conn.close()


def test_ids_increase_and_last_keeps_the_newest_in_order(tmp_path: Path) -> None:
    ids = [record(_summary(tests=n), tmp_path) for n in (1, 2, 3, 4)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4
    assert [r.summary.tests for r in load(tmp_path, last=2)] == [3, 4]
    assert [r.summary.tests for r in load(tmp_path)] == [1, 2, 3, 4]


def test_no_history_is_empty(tmp_path: Path) -> None:
    assert load(tmp_path) == ()
    assert not (tmp_path / HISTORY_FILE).exists()


def test_garbage_file_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / HISTORY_FILE).write_bytes(b"this is not sqlite\n" * 100)
    with pytest.raises(UsageError, match=r"history .*history\.sqlite: not a testvet history"):
        record(_summary(), tmp_path)
    with pytest.raises(
        UsageError, match=r"history\.sqlite: not a testvet history database \(file is not"
    ):
        load(tmp_path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / HISTORY_FILE)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UsageError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        record(_summary(), tmp_path)


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / HISTORY_FILE)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    with pytest.raises(UsageError, match="not a testvet history database"):
        record(_summary(), tmp_path)
