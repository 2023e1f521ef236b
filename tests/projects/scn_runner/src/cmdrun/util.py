"""Helpers with no failure scenarios of their own."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

_lock = threading.Lock()
_cache: dict[str, str] = {}


def digest(path: Path) -> str:
    with _lock:
        key = str(path)
        if key not in _cache:
            _cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return _cache[key]


def save_report(path: Path, data: dict[str, int]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data))


def parse_report(path: Path) -> dict[str, int]:
    return json.loads(path.read_text())
