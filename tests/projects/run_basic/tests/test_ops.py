import pytest

from calc.ops import Account, add, countdown, docstring_only, mul, outer, sub


def test_add():
    assert add(2, 3) == 5


def test_sub():
    assert sub(5, 3) == 2


def test_outer_inner():
    assert outer(2) == 5


def test_countdown_and_docstring():
    docstring_only()
    assert list(countdown(3)) == [3, 2, 1]


def test_mul_wrapped():
    assert mul(3, 4) == 12


def test_account():
    acct = Account()
    assert acct.empty
    assert acct.deposit(5) == 5
    assert Account.Audit().check()


def test_rotten_if():
    value = add(1, 1)
    if value > 100:
        assert value == 200


def test_rotten_loop():
    for item in []:
        assert item


def test_partly_rotten():
    acct = Account(1)
    with pytest.raises(ValueError):
        acct.deposit(0)
    if acct.balance < 0:
        assert acct.empty


def test_fails():
    assert add(1, 1) == 3


@pytest.mark.parametrize("a", [1, 2])
def test_param(a):
    assert sub(a, a) == 0


@pytest.mark.skip(reason="not today")
def test_skipped():
    assert add(0, 0) == 0


@pytest.mark.xfail(reason="known bug", strict=True)
def test_xfail():
    assert add(1, 1) == 3


@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")


def test_errors(broken):
    assert broken
