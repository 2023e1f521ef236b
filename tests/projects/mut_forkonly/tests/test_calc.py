from calc import double, triple


def test_double():
    assert double(2) == 4


def test_double_again():
    assert double(3) == 6


def test_triple_runs(same_process):
    triple(2)  # checks nothing, and cannot run in a fork child
