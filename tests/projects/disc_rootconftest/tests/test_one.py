import pytest


@pytest.mark.parametrize("n", [1, 2])
def test_positive(n):
    assert n > 0


class TestGroup:
    def test_member(self):
        assert "a".upper() == "A"
