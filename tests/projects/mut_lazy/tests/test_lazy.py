from lazy import describe, is_word


def test_a_warms_the_pattern():
    assert is_word("w1x7y")


def test_b_uses_the_pattern():
    describe(2)
    assert not is_word("nope")


def test_c_fast():
    describe(1)
