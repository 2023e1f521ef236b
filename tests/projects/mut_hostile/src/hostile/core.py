"""Each function is fine; its tests turn a wrong answer into hostile behaviour."""

from __future__ import annotations


def stop_flag(state):
    """Mutated to None/False, the test's wait loop never ends."""
    return bool(state.get("stop", True))


def exit_code(values: list[int]) -> int:
    """Mutated, the test calls os._exit."""
    return sum(values)


def address(values: list[int]) -> int:
    """Mutated, the test dereferences a NULL pointer."""
    return len(values) + 1


def chunk(n: int) -> str:
    """Mutated, the test floods stdout and stderr, then fails."""
    return "x" * n


def size(n: int) -> int:
    """Mutated, the test allocates gigabytes."""
    return n * 1024


def released(flags: dict) -> bool:
    """Mutated to None/False, the test waits for an event nobody sets: asleep, no CPU."""
    return bool(flags.get("released", True))


def record(log: list, item) -> None:
    """Its test's module fixture sleeps while it sets up: slow, but not hung."""
    log.append(item)


def plain(n: int) -> int:
    """Well tested, well behaved: the run must go on to judge it."""
    return n + 1


def square(n: int) -> int:
    """Its test burns far more CPU than the (hand-made) baseline says: not a timeout."""
    return n * n


def mapped(path) -> int:
    """Its test maps a 2 GiB sparse file: address space, but no memory."""
    import mmap

    with open(path, "rb") as handle:
        view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return len(view)
