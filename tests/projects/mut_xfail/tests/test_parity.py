import unittest

import pytest

from parity import half, is_even, is_odd


def test_two_is_even():
    assert is_even(2)


@pytest.mark.xfail(strict=True, reason="three is not even")
def test_three_is_even():
    assert is_even(3)


class OddTest(unittest.TestCase):
    def test_three_is_odd(self):
        self.assertTrue(is_odd(3))

    @unittest.expectedFailure
    def test_four_is_odd(self):
        self.assertTrue(is_odd(4))


@pytest.mark.xfail(reason="not strict: a pass is no failure")
def test_half_of_three():
    assert half(3) == 1.5
