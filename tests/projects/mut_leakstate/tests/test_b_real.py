from frost import now


def test_now_is_real():
    assert now() == 1000
