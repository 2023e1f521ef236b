from single import number_pattern, numbers, registry, shout


def test_registry_is_shared():
    assert registry() is registry()


def test_pattern_is_cached():
    assert number_pattern() is number_pattern()


def test_shout_runs():
    shout("a")


def test_handlers():
    registry().add("len", len)
    assert registry().get("len") is len


def test_numbers():
    assert numbers("a1b22") == [1, 22]
