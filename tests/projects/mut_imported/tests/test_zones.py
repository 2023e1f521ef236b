from early_built.zones import load, offset

UTC = load("utc")  # built while pytest imports this module, before any mutant
UTC_OFFSET = offset("utc")  # its first branch only


def test_utc():
    assert UTC == "UTC+0"


def test_other():
    assert load("cet") == "CET"


def test_offset():
    assert offset("cet") > 0  # weak: the line that did not run at import is not checked
