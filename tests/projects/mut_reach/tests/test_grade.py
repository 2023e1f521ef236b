import pytest

from reach.grade import grade, ready_value, table


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
