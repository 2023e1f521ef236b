from pkg import parse


def level6(value):
    assert value


def level5(value):
    level6(value)


def level4(value):
    level5(value)


def level3(value):
    level4(value)


def level2(value):
    level3(value)


def level1(value):
    level2(value)


def test_helper_four_calls_deep_counts():
    level2(parse("a"))


def test_helper_beyond_the_depth_limit_does_not():  # expect: TV101:medium
    level1(parse("a"))
