import pytest

from pkg import parse


@pytest.mark.xfail(reason="bug 12")
def test_xfail_under_xfail_strict_config():
    assert parse("a") == "b"
