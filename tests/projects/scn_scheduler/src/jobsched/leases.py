"""Leases on jobs, stored in sqlite, with fencing tokens and an expiry."""

from __future__ import annotations

import sqlite3
import time


class LeaseLost(Exception):
    pass


class LeaseTable:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS lease (job TEXT PRIMARY KEY, holder TEXT,"
            " token INTEGER, expires REAL)"
        )

    def acquire(self, job: str, holder: str, ttl: float = 30.0) -> int | None:
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT holder, token, expires FROM lease WHERE job = ?", (job,)
            ).fetchone()
            if row is not None and row[2] > now and row[0] != holder:
                self.db.execute("ROLLBACK")
                return None
            token = (row[1] if row else 0) + 1
            self.db.execute(
                "INSERT OR REPLACE INTO lease VALUES (?, ?, ?, ?)", (job, holder, token, now + ttl)
            )
            self.db.execute("COMMIT")
            return token
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def check(self, job: str, token: int) -> None:
        row = self.db.execute("SELECT token, expires FROM lease WHERE job = ?", (job,)).fetchone()
        if row is None or row[0] != token or row[1] <= time.time():
            raise LeaseLost(job)
