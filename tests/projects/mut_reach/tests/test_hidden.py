from reach.hidden import clamp


def test_clamp():
    assert clamp(3) == 3
