from swap.order import compute, double, prepare


def test_a_prepare():
    prepare()


def test_b_compute():
    assert compute(1) == 2


def test_b_double():
    assert double(2) == 4  # passes only after test_a_prepare


def test_c_double():
    prepare()
    assert double(2) == 4
