"""A table built on first use: the first test to ask pays for it (about 0.2 s of CPU),
later tests in the same process get it for free (dateutil's zone database)."""

_TABLE: list[dict[int, int]] = []


def _build() -> dict[int, int]:
    return {i: i * i for i in range(600_000)}


def table() -> dict[int, int]:
    if not _TABLE:
        _TABLE.append(_build())
    return _TABLE[0]


def square(k: int) -> int:
    return table()[k]
