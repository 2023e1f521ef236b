import unittest
from unittest import mock

import pytest
from hypothesis import given, strategies as st

from pkg import parse


def check_roundtrip(text):
    assert parse(text) == text


def verify(text):
    check_roundtrip(text)


def test_uses_local_helper():
    check_roundtrip("a")


def test_uses_transitive_helper():
    verify("a")


def test_uses_library_assert_helper():
    assert_frame_equal(parse("a"), parse("a"))


def test_uses_mock_assertion():
    m = mock.Mock()
    parse("a", callback=m)
    m.assert_called_once_with("a")


def test_uses_approx():
    assert parse("0.1") == pytest.approx(0.1)


def test_uses_warns():
    with pytest.warns(DeprecationWarning):
        parse("old")


def test_uses_nested_callback():
    def on_token(token):
        assert token

    parse("a", callback=on_token)


@given(st.text())
def test_fuzz_never_crashes(text):
    parse(text)


@pytest.mark.parametrize("check", [check_roundtrip])
def test_param_callable(check):
    check("a")


def test_subprocess_check(tmp_path):
    import subprocess

    subprocess.run(["true"], check=True)


def test_uses_checking_fixture(checked_parser):
    checked_parser.parse("a")


class TestCaseStyle(unittest.TestCase):
    def test_self_assert(self):
        self.assertEqual(parse("1"), 1)

    def test_self_fail(self):
        if parse("1") != 1:
            self.fail("wrong")

    def test_helper_method(self):
        self._check("1")

    def _check(self, text):
        self.assertTrue(parse(text))

    def test_nothing(self):  # expect: TV101
        value = parse("1")


def test_uses_helper_from_support_module():
    from tests.support.asserts import ensure_sorted

    ensure_sorted(parse("[1, 2]"))


def test_uses_configured_helper():
    expect_valid_json(parse("{}"))


def test_helper_that_does_not_check():  # expect: TV101
    result = make_payload()


def make_payload():
    return {"a": 1}


def test_uses_approvaltests():
    from approvaltests import verify

    verify(parse("report"))


def test_uses_pytest_check():
    from pytest_check import check

    check.equal(parse("1"), 1)
