import pytest

from calc.ops import add


@pytest.mark.parametrize(("a", "b", "total"), [(1, 2, 3), (-1, 1, 0)])
def test_add(a, b, total):
    assert add(a, b) == total
