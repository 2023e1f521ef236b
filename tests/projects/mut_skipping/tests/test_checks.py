import pytest

from checks import checked, doubled


def test_a_negative_number_is_refused_and_the_rest_needs_a_network():
    with pytest.raises(ValueError):
        checked(-1)
    doubled(2)  # checks nothing
    pytest.skip("the rest needs a network")  # as defusedxml's lxml tests do


def test_a_number_can_be_checked():
    checked(1)  # checks nothing
    doubled(1)  # checks nothing
