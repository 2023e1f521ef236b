from brk import util


def test_clean():
    assert util.clean(" a ") == "a"
