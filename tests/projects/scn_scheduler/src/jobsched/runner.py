"""Runs a job's steps in order; when one fails, undoes the finished ones in reverse."""

from __future__ import annotations

from collections.abc import Callable, Sequence

Step = tuple[Callable[[], None], Callable[[], None]]


def run_steps(steps: Sequence[Step]) -> None:
    done: list[Callable[[], None]] = []
    try:
        for do, undo in steps:
            do()
            done.append(undo)
    except Exception:
        for undo in reversed(done):
            undo()
        raise


def run_with_retries(step: Callable[[], None], max_attempts: int = 3) -> int:
    for attempt in range(1, max_attempts + 1):
        try:
            step()
            return attempt
        except OSError:
            if attempt == max_attempts:
                raise
    return max_attempts
