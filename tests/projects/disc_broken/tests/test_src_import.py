from src.brk.api import handler


def test_handler():
    assert handler(" a ") == "A"
