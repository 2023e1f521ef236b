"""An in-memory queue that drops duplicate submissions by idempotency key."""

from __future__ import annotations

from collections import deque


class JobQueue:
    def __init__(self) -> None:
        self._jobs: deque[tuple[str, str]] = deque()
        self._seen: set[str] = set()

    def submit(self, idempotency_key: str, payload: str) -> bool:
        if idempotency_key in self._seen:
            return False
        self._seen.add(idempotency_key)
        self._jobs.append((idempotency_key, payload))
        return True

    def pop(self) -> tuple[str, str] | None:
        return self._jobs.popleft() if self._jobs else None
