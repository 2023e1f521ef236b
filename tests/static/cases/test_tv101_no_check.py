import doctest
import unittest

import pytest
from playwright.sync_api import expect

from pkg import parse, render


def test_empty():  # expect: TV101
    pass


def test_docstring_only():  # expect: TV101
    """Rendering escapes HTML."""


def test_result_never_checked():  # expect: TV101
    result = parse("1 + 2")


def test_calls_only():  # expect: TV101:medium
    parse("1 + 2")
    render("x")


def test_does_not_raise_on_empty_input():  # expect: TV101:low
    parse("")


def test_does_not_raise_with_a_message():  # expect: TV101:low
    # failing in the handler only words what a raising call does anyway
    try:
        parse("")
    except ValueError:
        pytest.fail("parse raised on empty input")


def test_fails_in_a_handler_then_checks():
    try:
        result = parse("")
    except ValueError as exc:
        pytest.fail(f"parse raised: {exc}")
    assert result == 0


def test_with_assert():
    assert parse("1") == 1


def test_with_pytest_raises():
    with pytest.raises(ValueError):
        parse("(")


def test_with_pytest_fail():
    if parse("1") != 1:
        pytest.fail("wrong")


def test_only_assert_true():
    parse("1")
    assert True  # expect: TV107


@pytest.mark.skip(reason="not yet")
def test_skipped_placeholder():
    pass


class TestThings:
    def test_method_no_check(self):  # expect: TV101
        value = parse("2")

    def test_method_checks(self):
        assert parse("2") == 2

    @pytest.fixture
    def test_data(self):
        return parse("3")


class Helper:
    def test_not_collected(self):
        pass


@pytest.mark.skip(reason="rewritten in v2")
class TestSkippedClass:
    def test_placeholder(self):
        pass


class TestClassMarkedSkip:
    pytestmark = pytest.mark.skip(reason="flaky backend")

    def test_placeholder(self):
        pass


def test_playwright_expect_chain_is_a_check(page):
    page.goto("/")
    expect(page).to_have_title("Home")


def test_raising_skip_test_is_not_a_check(network):  # expect: TV101
    if not network:
        raise unittest.SkipTest("offline")
    render(parse("1 + 2"))


def test_the_readme_examples_raise_at_the_first_failure():
    doctest.testfile("README.md", raise_on_error=True)


def test_the_readme_examples_only_print_failures():  # expect: TV101:low
    doctest.testfile("README.md")


def test_not_written_yet():
    pytest.skip("the grammar compiler does not detect this yet")
    parse("a = a")


class TestNotYet(unittest.TestCase):
    def test_not_written_yet(self):
        """Left for later."""
        self.skipTest("not implemented yet")
        parse("a = a")
