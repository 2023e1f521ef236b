"""Pretty-printing helpers: no I/O, nothing to fault-inject."""

from __future__ import annotations

import hashlib
import json


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:12]


def dump(data: dict[str, str]) -> str:
    return json.dumps(data, sort_keys=True, indent=2)
