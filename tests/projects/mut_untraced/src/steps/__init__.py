def previous(n: int) -> int:
    return n - 1


def tripled(n: int) -> int:
    return n * 3
