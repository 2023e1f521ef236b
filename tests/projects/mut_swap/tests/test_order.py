from swap.order import compute, prepare


def test_a_prepare():
    prepare()


def test_b_compute():
    assert compute(1) == 2
