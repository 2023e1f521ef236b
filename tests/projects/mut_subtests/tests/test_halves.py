import unittest

from halves.core import half


class TestHalf(unittest.TestCase):
    def test_half(self):
        for n, want in ((4, 2), (9, 4)):
            with self.subTest(n=n):
                self.assertEqual(half(n), want)


def test_half_in_subtests(subtests):  # the fixture: pytest >= 9
    for n, want in ((4, 2), (9, 4)):
        with subtests.test(n=n):
            assert half(n) == want
