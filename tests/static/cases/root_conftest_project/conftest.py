import pytest

from pkg import Ledger


@pytest.fixture
def ledger():
    book = Ledger()
    yield book
    assert book.balanced()
