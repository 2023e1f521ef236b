import asyncio

import pytest

from swap.core import Child, Frozen, Vault, fetch, greet, hidden, lookup, plus_one, replaced


def test_hidden():
    assert hidden(1) == 2


def test_greet():
    assert greet("bob") == "hi bob"


def test_plus_one():
    @plus_one
    def ident(x):
        return x

    assert ident(1) == 2


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


def test_frozen():
    frozen = Frozen(a=1)
    with pytest.raises(TypeError, match="Frozen is frozen"):
        frozen["b"] = 2
    assert frozen == {"a": 1}


def test_lookup():
    assert lookup("abc") == "ABC"
