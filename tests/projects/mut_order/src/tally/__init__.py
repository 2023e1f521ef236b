COUNTS: dict[str, int] = {}


def bump(name: str) -> int:
    COUNTS[name] = COUNTS.get(name, 0) + 1
    return COUNTS[name]


def total() -> int:
    return sum(COUNTS.values())
