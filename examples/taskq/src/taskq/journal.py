"""A durable append-only journal of JSON records, one per line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class CorruptJournal(Exception):
    """A line of the journal is not a JSON object (other than a torn last line)."""


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record and fsync it before returning."""
        line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def replay(self) -> list[dict[str, Any]]:
        """Every complete record; a torn last line (a crash mid-write) is ignored."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").split("\n")
        records = []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                if number == len(lines):
                    break  # torn tail: the write never completed
                raise CorruptJournal(f"{self.path}:{number}: not JSON") from None
            if not isinstance(record, dict):
                raise CorruptJournal(f"{self.path}:{number}: not an object")
            records.append(record)
        return records

    def compact(self, records: list[dict[str, Any]]) -> None:
        """Replace the journal with ``records``: temp file, fsync, atomic rename."""
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
