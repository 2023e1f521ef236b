"""A per-client fixed-window rate limiter."""

from __future__ import annotations


class RateLimiter:
    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._windows: dict[str, tuple[float, int]] = {}

    def allow(self, client: str, now: float) -> bool:
        """Count one request of ``client`` at ``now``; False once it is over the limit."""
        start, count = self._windows.get(client, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        if count >= self.limit:
            self._windows[client] = (start, count)
            return False
        self._windows[client] = (start, count + 1)
        return True

    def remaining(self, client: str, now: float) -> int:
        start, count = self._windows.get(client, (now, 0))
        if now - start >= self.window:
            return self.limit
        return self.limit - count
