"""The audit history: one SQLite database (``history.sqlite``) in the output directory.

Each :func:`record` is one ``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction in WAL mode with
``synchronous=FULL``: a killed writer leaves either the whole run or none of it.

The schema version lives in ``PRAGMA user_version``:

- 0: an empty file (nothing written yet).
- 1: ``runs`` (one row per audit: time, project, verdict, tests, findings, coverage,
  mutation score, suite and audit duration) and ``run_categories`` (finding count per
  category per run).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from testvet.errors import UsageError
from testvet.history.summary import RunSummary

#: File name of the history database inside the output directory.
HISTORY_FILE = "history.sqlite"
#: The schema this module writes; see the module docstring for each version.
SCHEMA_VERSION = 1

#: Statements that take a database from version N-1 to N, keyed by N.
_MIGRATIONS: Mapping[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recorded TEXT NOT NULL,
            started TEXT NOT NULL,
            project TEXT NOT NULL,
            root TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            verdict TEXT,
            tests INTEGER NOT NULL,
            findings INTEGER NOT NULL,
            coverage REAL,
            mutation_score REAL,
            suite_duration REAL,
            audit_duration REAL NOT NULL
        )""",
        """CREATE TABLE run_categories (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            category TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (run_id, category)
        ) WITHOUT ROWID""",
        "CREATE INDEX runs_by_root ON runs(root, id)",
    ),
}


@dataclass(frozen=True)
class RunRecord:
    """One audit as stored in the history."""

    #: Row id; increases with every recorded run.
    id: int
    #: When the run was written to the history (UTC).
    recorded: datetime
    summary: RunSummary


def history_path(output_dir: Path) -> Path:
    """Where the history database of ``output_dir`` lives."""
    return output_dir / HISTORY_FILE


@contextmanager
def _connect(path: Path, create: bool) -> Iterator[sqlite3.Connection]:
    mode = "rwc" if create else "rw"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30.0)
    except sqlite3.Error as exc:
        raise UsageError(f"history {path}: cannot open: {exc}") from exc
    conn.isolation_level = None  # explicit BEGIN/COMMIT only
    try:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"history {path}: not a testvet history database ({exc})") from exc
        yield conn
    finally:
        conn.close()


def _version(conn: sqlite3.Connection, path: Path) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise UsageError(
            f"history {path}: schema version {version} is newer than this testvet "
            f"understands ({SCHEMA_VERSION}); upgrade testvet or use another --output-dir"
        )
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise UsageError(f"history {path}: not a testvet history database (foreign tables)")
    return version


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION`; call inside a write transaction."""
    for target in range(_version(conn, path) + 1, SCHEMA_VERSION + 1):
        for statement in _MIGRATIONS[target]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {target}")


def record(summary: RunSummary, output_dir: Path) -> int:
    """Append one run to the history in ``output_dir`` (one transaction); return its id."""
    path = history_path(output_dir)
    with _connect(path, create=True) as conn:
        try:
            conn.execute("BEGIN IMMEDIATE")
            _migrate(conn, path)
            cursor = conn.execute(
                "INSERT INTO runs (recorded, started, project, root, tool_version, verdict,"
                " tests, findings, coverage, mutation_score, suite_duration, audit_duration)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    summary.started.isoformat(),
                    summary.project,
                    summary.root,
                    summary.tool_version,
                    summary.verdict,
                    summary.tests,
                    summary.findings,
                    summary.coverage,
                    summary.mutation_score,
                    summary.suite_duration,
                    summary.audit_duration,
                ),
            )
            run_id = cursor.lastrowid
            assert run_id is not None  # an INSERT into a rowid table always sets it
            conn.executemany(
                "INSERT INTO run_categories (run_id, category, count) VALUES (?, ?, ?)",
                [(run_id, category, n) for category, n in summary.by_category.items()],
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise UsageError(f"history {path}: cannot record the run: {exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return run_id


def load(output_dir: Path, last: int | None = None) -> tuple[RunRecord, ...]:
    """Every recorded run (or the ``last`` N), oldest first; empty when there is no history."""
    path = history_path(output_dir)
    if not path.is_file():
        return ()
    with _connect(path, create=False) as conn:
        try:
            if _version(conn, path) == 0:
                return ()
            limit = -1 if last is None else max(last, 0)
            rows = conn.execute(
                "SELECT id, recorded, started, project, root, tool_version, verdict, tests,"
                " findings, coverage, mutation_score, suite_duration, audit_duration"
                " FROM (SELECT * FROM runs ORDER BY id DESC LIMIT ?) ORDER BY id",
                (limit,),
            ).fetchall()
            categories: dict[int, dict[str, int]] = {}
            for run_id, category, n in conn.execute(
                "SELECT run_id, category, count FROM run_categories ORDER BY run_id, category"
            ):
                categories.setdefault(run_id, {})[category] = n
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"history {path}: cannot read: {exc}") from exc
    return tuple(_record(row, categories.get(row[0], {})) for row in rows)


def _record(row: Any, categories: dict[str, int]) -> RunRecord:
    return RunRecord(
        id=int(row[0]),
        recorded=datetime.fromisoformat(row[1]),
        summary=RunSummary(
            started=datetime.fromisoformat(row[2]),
            project=row[3],
            root=row[4],
            tool_version=row[5],
            verdict=row[6],
            tests=int(row[7]),
            findings=int(row[8]),
            by_category=MappingProxyType(categories),
            coverage=row[9],
            mutation_score=row[10],
            suite_duration=row[11],
            audit_duration=float(row[12]),
        ),
    )
