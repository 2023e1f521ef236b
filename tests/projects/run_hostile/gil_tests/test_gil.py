def test_holds_the_gil():
    # sum() over a huge range runs in C and never lets another thread take the GIL.
    sum(range(10**15))


def test_after_gil():
    assert 1 + 1 == 2
