import pytest

from warny.core import rate, scale


def test_scale_by_zero():
    assert scale([1, 2], 0) == [0, 0]


@pytest.mark.filterwarnings("default")
def test_rate_of_nothing_is_zero_with_a_warning_allowed():
    assert rate(0, 0) == 0.0


def test_rate():
    assert rate(1, 4) == 0.25
