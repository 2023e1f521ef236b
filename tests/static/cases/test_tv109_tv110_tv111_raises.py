import unittest

import pytest

from pkg import Cache, parse, render


def test_broad_raises():
    with pytest.raises(Exception):  # expect: TV109
        parse("(")


def test_broad_raises_then_inspected_is_fine():
    with pytest.raises(Exception) as excinfo:
        parse("(")
    assert excinfo.value.args == ("unbalanced",)


def test_broad_raises_with_match_is_fine():
    with pytest.raises(Exception, match="unbalanced"):
        parse("(")


def test_empty_raises_block():
    with pytest.raises(ValueError):  # expect: TV110
        pass


def test_raises_block_with_literal_assignment_only():
    with pytest.raises(ValueError):  # expect: TV110
        text = "("


def test_subscript_assignment_can_raise():
    cache = Cache(maxsize=3)
    with pytest.raises(ValueError):
        cache[4] = 4


def test_attribute_assignment_can_raise():
    cache = Cache(maxsize=3)
    with pytest.raises(AttributeError):
        cache.maxsize = 4


def test_del_can_raise():
    cache = Cache(maxsize=3)
    with pytest.raises(KeyError):
        del cache["missing"]


def test_subscript_read_can_raise():
    cache = Cache(maxsize=3)
    with pytest.raises(KeyError):
        cache["missing"]


def test_operator_can_raise():
    with pytest.raises(TypeError):
        Cache(maxsize=3) + 1


def test_name_lookup_can_raise():
    with pytest.raises(NameError):
        undefined_name


def test_later_with_item_is_inside_raises():
    with pytest.raises(ValueError), open_store("/nonexistent"):
        pass


def test_raises_never_entered():
    pytest.raises(ValueError)  # expect: TV110
    parse("(")


def test_raises_call_form_is_fine():
    pytest.raises(ValueError, parse, "(")


def test_check_after_raising_call():
    with pytest.raises(ValueError):
        result = parse("(")
        assert result is None  # expect: TV111


def test_check_after_block_is_fine():
    with pytest.raises(ValueError) as excinfo:
        parse("(")
    assert "unbalanced" in str(excinfo.value)


def test_raises_assertion_error_checks_the_assert():
    with pytest.raises(AssertionError):
        value = parse("(")
        assert value == "x"


class TestUnittestRaises(unittest.TestCase):
    def test_broad(self):
        with self.assertRaises(Exception):  # expect: TV109
            parse("(")

    def test_regex_is_fine(self):
        with self.assertRaisesRegex(Exception, "unbalanced"):
            parse("(")

    def test_not_entered(self):
        self.assertRaises(ValueError)  # expect: TV110
        parse("(")

    def test_regex_form_not_entered(self):
        self.assertRaisesRegex(ValueError, "unbalanced")  # expect: TV110
        parse("(")

    def test_regex_form_with_the_callable_is_fine(self):
        self.assertRaisesRegex(ValueError, "unbalanced", parse, "(")

    def test_logs_never_entered(self):
        self.assertLogs("pkg", level="INFO")  # expect: TV110
        parse("(")


def test_local_function_named_raises():
    def raises():
        raise KeyError("x")

    with pytest.raises(KeyError):
        raises()


def test_raises_object_is_the_code_under_test():
    with pytest.raises(TypeError):
        pytest.raises(42)


def test_outcome_exception_is_specific():
    with pytest.raises(pytest.fail.Exception):
        parse("!fail")


def test_warns_never_entered():
    pytest.warns(DeprecationWarning)  # expect: TV110
    parse("old")


def test_warns_call_form_is_fine():
    pytest.warns(DeprecationWarning, parse, "old")


def test_raises_with_the_callable_as_keyword_is_fine():
    pytest.raises(ValueError, func=parse)


def test_raises_with_a_check_is_never_entered():
    pytest.raises(ValueError, check=lambda e: "(" in str(e))  # expect: TV110
    parse("(")


def test_deprecated_call_with_the_callable_is_fine():
    pytest.deprecated_call(render)


def test_deprecated_call_never_entered():
    pytest.deprecated_call()  # expect: TV110
    render("(")


def test_statement_after_raising_call_that_checks_nothing_is_fine():
    with pytest.raises(ValueError):
        tree = parse("(")
        render(tree)
