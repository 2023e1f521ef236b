import pytest

from reach.grade import grade, is_sign, ready_value, table


@pytest.fixture
def sizes():
    return table()


def test_b_grade():
    assert grade(50) == "B"


def test_a_grade():
    assert grade(95) == "A"


def test_table(sizes):
    assert grade(10) == "B"
    assert sizes == {"size": 3}


def test_ready():
    assert ready_value() == 2


def test_signs():
    assert is_sign("+")
    assert is_sign("-")
    assert not is_sign("x")


def test_no_token_is_no_sign():
    assert not is_sign("")
