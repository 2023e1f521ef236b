from pkg import parse


def test_suppressed():  # testvet: ignore[TV101]
    parse("a")


def test_suppressed_all():  # testvet: ignore
    result = parse("a")
