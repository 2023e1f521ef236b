def half(n: int) -> int:
    """Checked only inside subtests: each wrong answer is a failed subtest, and the
    test's own call still passes."""
    return n // 2
