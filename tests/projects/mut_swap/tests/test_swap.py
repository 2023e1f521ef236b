import asyncio

from swap.core import Child, Vault, fetch, hidden, replaced


def test_hidden():
    assert hidden(1) == 2


def test_replaced():
    assert replaced(1) == 42


def test_fetch():
    assert asyncio.run(fetch(2)) == 4


def test_child():
    assert Child().describe() == "child of base"
    assert Child.build(2) == [2, 2]


def test_vault():
    assert Vault().reveal() == 42
    assert Vault().doubled() == 82
