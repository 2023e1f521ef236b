import pytest


@pytest.mark.e2e
def test_marked_end_to_end():
    assert 1 + 1 == 2
