"""A fixed-window rate limiter per client."""

from __future__ import annotations

import time
from collections import defaultdict


class RateLimiter:
    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, list[float]] = defaultdict(list)

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        hits = [t for t in self._hits[client] if now - t < self.window]
        if len(hits) >= self.limit:
            self._hits[client] = hits
            return False
        hits.append(now)
        self._hits[client] = hits
        return True
