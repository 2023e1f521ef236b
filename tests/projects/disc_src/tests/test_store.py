import unittest

import pytest

from ledger import store
from ledger.io.codec import encode


@pytest.mark.parametrize("entries, total", [([], 0), ([1, 2], 3), ([5, -5], 0)])
def test_balance(entries, total):
    assert store.balance(entries) == total


class TestCodec:
    def test_encode_int(self):
        assert encode(3) == b"3"

    @pytest.mark.slow
    def test_encode_text(self):
        assert encode("x") == b"x"


class StoreCase(unittest.TestCase):
    def test_negative(self):
        self.assertEqual(store.balance([-1]), -1)
