import pytest

from pkg import items, parse

CASES = ["a", "b"]


def test_check_only_under_if():  # expect: TV102
    result = parse("a")
    if result:
        assert result == "a"


def test_check_in_loop_over_result():  # expect: TV102
    for item in items():
        assert item.valid


def test_search_loop_whose_else_fails():
    # the else runs when no item breaks out, an empty result included: a check
    for item in items():
        if item.valid:
            break
    else:
        raise AssertionError("no valid item")


def test_search_loop_in_a_branch(flag):
    if flag:
        assert parse("a") == "a"
    else:
        while items():
            if parse("b"):
                break
        else:
            pytest.fail("never parsed")


def test_loop_whose_else_only_logs():  # expect: TV102
    for item in items():
        assert item.valid
    else:
        print("done")


def test_both_branches_check(flag):
    if flag:
        assert parse("a") == "a"
    else:
        assert parse("b") == "b"


def test_if_fail_is_a_check():
    result = parse("a")
    if result != "a":
        raise AssertionError(result)


def test_loop_over_literal():
    for text in ["a", "b"]:
        assert parse(text) == text


def test_loop_over_module_constant():
    for text in CASES:
        assert parse(text) == text


def test_loop_over_range():
    for n in range(3):
        assert parse(str(n)) == n


def test_loop_over_local_literal():
    texts = ("a", "b")
    for index, text in enumerate(texts):
        assert parse(text) == index


@pytest.mark.parametrize("texts", [["a"], ["b", "c"]])
def test_loop_over_param(texts):
    for text in texts:
        assert parse(text)


def test_conditional_plus_unconditional():
    result = parse("a")
    if result:
        assert result == "a"
    assert len(result) == 1


def test_loop_over_enum_or_imported_constant(Color):
    for color in Color:
        assert parse(color.name)
    for text in IMPORTED_CASES:
        assert parse(text)


def test_loop_over_computed_ranges():
    texts = load()
    for n in range(len(texts) + 1):
        assert parse(texts[:n]) is not None
    for n in range(-1, 2):
        assert parse(str(n)) == n


class TestClassCases:
    cases = ("a", "b")

    def test_loop_over_class_attribute(self):
        for text in self.cases:
            assert parse(text) == text

    def test_loop_over_other_attribute(self):  # expect: TV102
        for text in self.loaded:
            assert parse(text) == text


def test_checks_after_return():
    result = parse("a")
    return
    assert result == "a"  # expect: TV103


def test_while_true_loop():
    while True:
        assert parse("a")
        break


def test_loop_over_range_of_a_length():  # expect: TV102
    texts = load()
    for n in range(len(texts)):
        assert parse(texts[n]) is not None


def test_loop_over_empty_range():  # expect: TV102
    for n in range(0):
        assert parse(str(n)) == n


def test_match_whose_wildcard_fails():
    # like if/else with pytest.fail: a value no case expects fails the test
    match parse("a"):
        case "a":
            pass
        case _:
            pytest.fail("not parsed")


def test_exhaustive_match_checking_in_every_case():
    match parse("a"):
        case str(text):
            assert text == "a"
        case other:
            raise AssertionError(other)


def test_exhaustive_match_asserting_in_every_case():
    # no case fails outright, but whatever the value, one case checks it
    match parse("a"):
        case "a" | "b":
            assert items()
        case _:
            assert not items()


def test_match_checking_in_one_case_only():  # expect: TV102
    match parse("a"):
        case "a":
            assert items()


def test_failure_path_asserting_the_flag_it_tests():
    # the assert fails whenever it runs, as `assert False` would (emoji's tests)
    ok = parse("a") == "a"
    if not ok:
        assert ok, "not parsed"


def test_failure_path_asserting_the_negated_comparison():
    if parse("a") != "a":
        assert parse("a") == "a"


def test_check_under_the_same_condition():  # expect: TV102
    ok = parse("a") == "a"
    if ok:
        assert ok


def test_loop_over_a_literal_extended_by_maybe_nothing(flag):
    # dateutil's test_import_tz_all: what += adds may be empty, the list is not
    names = ["a", "b"]
    names += ["c"] if flag else []
    for name in names:
        assert parse(name)


def test_loop_over_a_literal_reassigned_to_maybe_nothing(flag):  # expect: TV102
    names = ["a", "b"]
    names = ["c"] if flag else []
    for name in names:
        assert parse(name)
