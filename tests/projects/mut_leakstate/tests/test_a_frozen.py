import pytest

from frost import freeze, now, unfreeze


@pytest.fixture
def frozen():
    freeze(5)
    yield
    unfreeze()  # a mutant that leaves the clock frozen fails only later tests


def test_now_is_frozen(frozen):
    assert now() == 5


def test_now_is_still_frozen(frozen):
    assert now() + 1 == 6
