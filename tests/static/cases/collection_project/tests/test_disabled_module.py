"""Support code whose name pytest would collect: ``__test__ = False`` turns that off."""

from pkg import parse

__test__ = False


def test_data(text):
    parse(text)
