from pkg import Ledger


def test_deposit_checked_by_the_root_conftest_fixture(ledger):
    ledger.deposit(5)


def test_deposit_without_the_fixture():  # expect: TV101
    Ledger().deposit(5)
