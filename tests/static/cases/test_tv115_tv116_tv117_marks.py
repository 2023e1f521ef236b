import unittest

import pytest

from pkg import parse

pytestmark = pytest.mark.xfail(reason="module-wide")  # expect: TV115


@pytest.mark.xfail  # expect: TV115
def test_bare_xfail():
    assert parse("a") == "b"


@pytest.mark.xfail(reason="bug 12")  # expect: TV115
def test_xfail_with_reason():
    assert parse("a") == "b"


@pytest.mark.xfail(strict=True, reason="bug 12")
def test_strict_xfail_is_fine():
    assert parse("a") == "b"


@pytest.mark.parametrize(
    "text",
    ["a", pytest.param("b", marks=pytest.mark.xfail)],  # expect: TV115
)
def test_param_xfail(text):
    assert parse(text) == text


def test_skip_in_broad_except():
    try:
        result = parse("a")
    except Exception:
        pytest.skip("parser unavailable")  # expect: TV116
    assert result == "a"


def test_skip_on_import_error_is_fine():
    try:
        import lxml  # noqa: F401
    except ImportError:
        pytest.skip("needs lxml")
    assert parse("<a/>")


def test_skip_after_checks():
    result = parse("a")
    assert result
    if result != "a":
        pytest.skip("odd platform")  # expect: TV117


def test_skip_before_logic_is_fine(platform):
    if platform == "win32":
        pytest.skip("posix only")
    assert parse("a") == "a"


def test_fail_on_ci_skip_locally(on_ci):
    short = make_short_path()
    if not short:
        if on_ci:
            pytest.fail("no short path on CI")
        else:
            pytest.skip("no short path here")
    assert run(short) == 0


def test_skip_raised_to_be_caught():
    assert parse("a")
    try:
        pytest.skip("hello")
    except pytest.skip.Exception as exc:
        assert str(exc) == "hello"


def test_probe_then_skip():
    import subprocess

    out = subprocess.run(["bash", "--version"], check=True, capture_output=True).stdout
    if b"GNU" not in out:
        pytest.skip("not GNU bash")
    assert parse("a")


def test_skip_test_raised_after_checks():
    result = parse("a")
    assert result
    if result != "a":
        raise unittest.SkipTest("odd platform")  # expect: TV117
