"""Deterministic waiting: poll a condition until it holds or a deadline passes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from testvet.harness import realtime

T = TypeVar("T")

_MISSING = object()


class EventuallyTimeout(AssertionError):
    """The condition did not hold before the deadline (an ``AssertionError``)."""


def _describe(condition: Callable[[], object], description: str | None) -> str:
    if description:
        return description
    return getattr(condition, "__qualname__", None) or repr(condition)


def eventually(
    condition: Callable[[], T],
    timeout: float = 5.0,
    interval: float = 0.01,
    description: str | None = None,
    ignore: tuple[type[BaseException], ...] = (AssertionError,),
) -> T:
    """Call ``condition`` until it returns a truthy value and return that value.

    Exceptions in ``ignore`` (``AssertionError`` by default) count as "not yet". After
    ``timeout`` seconds (measured on the monotonic clock, so time travel does not affect
    it) raise :class:`EventuallyTimeout` naming the last value or exception observed.
    """
    if timeout <= 0 or interval <= 0:
        raise ValueError("eventually: timeout and interval must be positive")
    start = realtime.monotonic()
    deadline = start + timeout
    attempts = 0
    last: object = _MISSING
    last_error: BaseException | None = None
    while True:
        attempts += 1
        try:
            value = condition()
        except ignore as exc:
            last_error = exc
            last = _MISSING
        else:
            if value:
                return value
            last, last_error = value, None
        now = realtime.monotonic()
        if now >= deadline:
            break
        time.sleep(min(interval, deadline - now))
    observed = (
        f"last error: {type(last_error).__name__}: {last_error}"
        if last_error is not None
        else f"last value: {last!r}"
    )
    raise EventuallyTimeout(
        f"eventually: {_describe(condition, description)} did not hold within {timeout:g}s "
        f"({attempts} attempts, {realtime.monotonic() - start:.2f}s); {observed}"
    )
