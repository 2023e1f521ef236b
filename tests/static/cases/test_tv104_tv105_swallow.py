import contextlib
import sys

import pytest

from pkg import parse, connect


def test_assert_in_try_except_exception():
    try:
        assert parse("a") == "b"  # expect: TV104
    except Exception:
        pass


def test_assert_in_bare_except():
    try:
        result = parse("a")
        assert result == "b"  # expect: TV104
    except:  # noqa: E722
        print("failed")


def test_assertion_error_caught():
    try:
        assert parse("a") == "b"  # expect: TV104
    except AssertionError:
        pass


def test_suppress_swallows():
    with contextlib.suppress(Exception):
        assert parse("a") == "b"  # expect: TV104


def test_specific_exception_is_fine():
    try:
        result = parse("a")
    except ValueError:
        result = None
    assert result == "a"


def test_handler_reraises():
    try:
        assert parse("a") == "a"
    except AssertionError:
        print("context")
        raise


def test_handler_asserts_message():
    try:
        parse("(")
    except Exception as exc:
        assert "unbalanced" in str(exc)
    else:
        pytest.fail("no error")


def test_expected_assertion_error_with_else():
    try:
        assert parse("a") == "b"
    except AssertionError:
        pass
    else:
        raise RuntimeError("the assert should have failed")


def test_except_pass_around_call():
    try:  # expect: TV105
        connect("db://")
    except Exception:
        pass
    assert connect.attempts == 1


def test_except_pass_around_cleanup():
    conn = connect("db://")
    assert conn.ping()
    try:
        conn.close()
    except Exception:
        pass


def test_errors_collected_for_later():
    errors = []
    try:
        assert parse("a") == "a"
    except Exception as exc:
        errors.append(exc)
    assert errors == []


def test_assert_false_builds_an_exception():
    try:
        assert False
    except AssertionError:
        info = capture_current()
    assert info.type is AssertionError


def test_specific_outcome_exception_with_pass():
    try:
        connect("exit://")
    except pytest.exit.Exception:
        pass
    assert connect.attempts == 1


def test_an_exception_raised_to_be_described():
    # python-json-logger: raised on purpose so the handler can log it with exc_info
    try:
        raise ValueError("boom")
    except BaseException:
        text = repr(sys.exc_info()[1])
    assert text == "ValueError('boom')"


def test_a_failure_raised_by_hand_and_swallowed():
    try:  # expect: TV105
        if parse("a") != "b":
            raise AssertionError("parse changed")  # expect: TV104
    except BaseException:
        pass
