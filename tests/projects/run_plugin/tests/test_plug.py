import pytest


def test_double(doubler):
    doubler(2, 4)


def test_the_plugin_asserts_are_still_rewritten(doubler):
    with pytest.raises(AssertionError) as info:
        doubler(2, 5)
    assert "assert 4 == 5" in str(info.value)
