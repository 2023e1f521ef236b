"""Functions with known test strength: the mutation tests rely on each comment."""

from __future__ import annotations

import functools


def add(a: int, b: int) -> int:
    """Well tested: every extreme mutant is killed."""
    return a + b


def is_even(n: int) -> bool:
    """Partially tested: only the True case is asserted."""
    return n % 2 == 0


def total(items: list[int]) -> int:
    """Pseudo-tested: called by a test that asserts nothing about the result."""
    result = 0
    for item in items:
        result += item
    return result


def clamp(x: int, lo: int, hi: int) -> int:
    """Operator target: boundaries are tested on one side only."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def _logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


@_logged
def double(x: int) -> int:
    """Behind a functools.wraps decorator; well tested."""
    return x * 2


def make_scaler(factor: int):
    def scale(x: int) -> int:
        return x * factor

    return scale


def countdown(n: int):
    """A generator; well tested."""
    while n > 0:
        yield n
        n -= 1


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def increment(self) -> None:
        """Well tested procedure."""
        self.count += 1

    def touch(self) -> None:
        """Pseudo-tested procedure: the test calls it and checks nothing."""
        self.count = self.count

    @staticmethod
    def parse(text: str) -> int:
        """Well tested static method."""
        return int(text.strip())

    @property
    def doubled(self) -> int:
        """Well tested property with a body worth mutating."""
        return self.count * 2

    def __repr__(self) -> str:
        return f"Counter({self.count})"
