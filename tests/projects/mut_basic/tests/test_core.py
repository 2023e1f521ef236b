from calc.core import Counter, add, clamp, countdown, double, is_even, make_scaler, total


def test_add():
    assert add(2, 3) == 5


def test_is_even_true():
    assert is_even(4)


def test_total_runs():
    total([1, 2, 3])


def test_clamp_low():
    assert clamp(-5, 0, 10) == 0
    assert clamp(5, 0, 10) == 5


def test_double():
    assert double(4) == 8


def test_scaler():
    assert make_scaler(3)(2) == 6


def test_countdown():
    assert list(countdown(3)) == [3, 2, 1]


def test_counter():
    c = Counter()
    c.increment()
    c.touch()
    assert c.count == 1
    assert c.doubled == 2
    assert Counter.parse(" 7 ") == 7
    assert "Counter" in repr(c)
