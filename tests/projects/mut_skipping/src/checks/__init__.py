def checked(n: int) -> int:
    """``n``, refused when negative."""
    if n < 0:
        raise ValueError(n)
    return n


def doubled(n: int) -> int:
    return 2 * n
