"""Rules on small projects, for what the case files' (code, line) comparison cannot see:
what a finding says and quotes, and facts a rule takes from elsewhere in the project
(fixtures, helper modules, module-level constants, asserts on mock state)."""

from __future__ import annotations

from pathlib import Path

from testvet.model import Finding
from testvet.static.engine import analyze
from testvet.static.files import find_test_files


def _analyze(root: Path, files: dict[str, str]) -> list[Finding]:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return analyze(root, find_test_files(root, [], []))


def _codes(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.test) for f in findings]


# ---------------------------------------------------------------- fixtures

CHECKING_FIXTURE = """\
import pytest

from pkg import Ledger


@pytest.fixture{args}
def {name}():
    book = Ledger()
    yield book
    assert book.balanced()
"""

USES_LEDGER = """\
def test_deposit_through_fixture(ledger):
    ledger.deposit(5)


def test_deposit_through_function_name(ledger_fixture):
    ledger_fixture.deposit(5)
"""


def test_fixture_checking_at_teardown_counts_as_the_check_of_its_users(tmp_path: Path) -> None:
    conftest = CHECKING_FIXTURE.format(args="", name="ledger")
    findings = _analyze(
        tmp_path, {"tests/conftest.py": conftest, "tests/test_ledger.py": USES_LEDGER}
    )
    # Only the test that does not request the checking fixture has no check.
    assert _codes(findings) == [
        ("TV101", "tests/test_ledger.py::test_deposit_through_function_name")
    ]


def test_fixture_is_known_by_its_name_keyword_not_its_function_name(tmp_path: Path) -> None:
    conftest = CHECKING_FIXTURE.format(args='(name="ledger")', name="ledger_fixture")
    findings = _analyze(
        tmp_path, {"tests/conftest.py": conftest, "tests/test_ledger.py": USES_LEDGER}
    )
    # pytest serves this fixture as `ledger`; `ledger_fixture` is no fixture at all.
    assert _codes(findings) == [
        ("TV101", "tests/test_ledger.py::test_deposit_through_function_name")
    ]


# ---------------------------------------------------------------- helper modules

SUPPORT_ASSERTS = """\
def ensure_sorted(items):
    assert list(items) == sorted(items)


def decompress(blob):
    assert blob, "empty fixture data"
    return blob
"""

USES_MODULES = """\
import gzip

import faker
import pytest
from tests import test_utils
from tests.support import asserts

from pkg import load


def test_sorted_through_support_module():
    asserts.ensure_sorted(load("numbers"))


def test_library_function_named_like_a_helper():
    gzip.decompress(load("archive"))


def test_library_whose_name_contains_a_support_word():
    faker.decompress(load("archive"))
    pytest.decompress(load("archive"))


def test_helper_through_a_module_named_with_a_support_word():
    test_utils.decompress(load("archive"))
"""


def test_helper_called_through_a_test_support_module_counts_as_a_check(tmp_path: Path) -> None:
    findings = _analyze(
        tmp_path,
        {"tests/support/asserts.py": SUPPORT_ASSERTS, "tests/test_modules.py": USES_MODULES},
    )
    # asserts.ensure_sorted is the test tree's helper; gzip.decompress is not the
    # test tree's `decompress`, whatever that one does, and neither are faker's or
    # pytest's (libraries whose names merely contain "fake" or "test").
    assert _codes(findings) == [
        ("TV101", "tests/test_modules.py::test_library_function_named_like_a_helper"),
        ("TV101", "tests/test_modules.py::test_library_whose_name_contains_a_support_word"),
    ]


# ---------------------------------------------------------------- module-level iterables

LOOPS_OVER_MODULE_NAMES = """\
from pkg import extra, load, parse

upper = [text.upper() for text in ("a", "b")]
padded = extra + ["c"]
annotated: list[str] = [text for text in ["d"]]
filtered = [text for text in ("a", "b") if text != "a"]
loaded = load()
nothing = [] + []


def test_loop_over_comprehension_of_literal():
    for text in upper:
        assert parse(text) == text


def test_loop_over_concatenation_with_literal():
    for text in padded:
        assert parse(text) == text


def test_loop_over_annotated_comprehension():
    for text in annotated:
        assert parse(text) == text


def test_loop_over_filtered_comprehension():
    for text in filtered:
        assert parse(text) == text


def test_loop_over_loaded_values():
    for text in loaded:
        assert parse(text) == text


def test_loop_over_concatenation_of_empties():
    for text in nothing:
        assert parse(text) == text
"""


def test_module_level_comprehension_or_concatenation_of_literals_is_a_non_empty_loop(
    tmp_path: Path,
) -> None:
    findings = _analyze(tmp_path, {"tests/test_loops.py": LOOPS_OVER_MODULE_NAMES})
    # A filter, a call or empty displays may yield nothing: those loops may check nothing.
    assert _codes(findings) == [
        ("TV102", "tests/test_loops.py::test_loop_over_filtered_comprehension"),
        ("TV102", "tests/test_loops.py::test_loop_over_loaded_values"),
        ("TV102", "tests/test_loops.py::test_loop_over_concatenation_of_empties"),
    ]


# ---------------------------------------------------------------- mock state

MOCK_STATE = """\
from unittest.mock import patch

from pkg import outbox, send


@patch("pkg.send")
def test_counts_calls_of_the_patched_unit(mock_send):
    send("hello")
    assert mock_send.call_count == 1


@patch("pkg.send")
def test_checks_called_flag_of_the_patched_unit(mock_send):
    send("hello")
    assert mock_send.called


@patch("pkg.send")
def test_checks_mock_state_and_a_real_outcome(mock_send):
    send("hello")
    assert mock_send.called
    assert outbox() == ["hello"]
"""


def test_asserting_only_mock_state_of_the_patched_unit_is_a_mocked_unit(tmp_path: Path) -> None:
    findings = _analyze(tmp_path, {"tests/test_send.py": MOCK_STATE})
    assert _codes(findings) == [
        ("TV114", "tests/test_send.py::test_counts_calls_of_the_patched_unit"),
        ("TV114", "tests/test_send.py::test_checks_called_flag_of_the_patched_unit"),
    ]


# ---------------------------------------------------------------- messages

UNREAD_RESULTS = """\
from pkg import parse


def test_tree_never_read():
    tree = parse("1 + 2")


def test_tree_printed():
    tree = parse("1 + 2")
    print(tree)


def test_tree_underscored():
    _tree = parse("1 + 2")
"""


def test_no_check_message_names_the_result_that_is_never_read(tmp_path: Path) -> None:
    findings = _analyze(tmp_path, {"tests/test_tree.py": UNREAD_RESULTS})
    assert [(f.line, f.severity.value, f.message) for f in findings] == [
        (
            4,
            "high",
            "test_tree_never_read computes `tree` and never checks it: it passes whatever "
            "the code under test returns.",
        ),
        (
            8,
            "medium",
            "test_tree_printed has no assertion or other check; it only fails if a call raises.",
        ),
        (
            13,
            "medium",
            "test_tree_underscored has no assertion or other check; it only fails if a call "
            "raises.",
        ),
    ]


# ---------------------------------------------------------------- snippets

TEST_LEVEL_FINDINGS = """\
from unittest.mock import patch

from pkg import items, parse, send


def test_no_check():
    result = parse("a")


def test_check_in_loop():
    for item in items():
        assert item.valid


@patch("pkg.send")
def test_mocked_unit(mock_send):
    send("hello")
    mock_send.assert_called_once_with("hello")
"""


def test_test_level_findings_quote_the_def_line_alone(tmp_path: Path) -> None:
    findings = _analyze(tmp_path, {"tests/test_level.py": TEST_LEVEL_FINDINGS})
    assert [(f.code, f.line, f.snippet) for f in findings] == [
        ("TV101", 6, "def test_no_check():"),
        ("TV102", 10, "def test_check_in_loop():"),
        ("TV114", 16, "def test_mocked_unit(mock_send):"),
    ]


def test_test_level_finding_keeps_its_fingerprint_when_the_body_changes(tmp_path: Path) -> None:
    before = _analyze(tmp_path / "before", {"tests/test_level.py": TEST_LEVEL_FINDINGS})
    edited = TEST_LEVEL_FINDINGS.replace("item.valid", "item.is_valid()")
    after = _analyze(tmp_path / "after", {"tests/test_level.py": edited})
    assert [f.code for f in after] == ["TV101", "TV102", "TV114"]
    assert [f.fingerprint for f in after] == [f.fingerprint for f in before]


# ---------------------------------------------------------------- where the checks sit

CONDITIONAL_CHECKS = """\
from pkg import parse


def test_only_if_nothing_raises():
    try:
        parse("a")
    except ValueError:
        assert 0, "parse raised"


def test_only_under_an_if():
    result = parse("a")
    if result:
        assert result == "a"
"""


def test_a_check_only_in_an_except_handler_is_named_as_such(tmp_path: Path) -> None:
    """pyasn1: 35 tests check only in the handler of a call that must not raise; the
    finding said the checks were under an if or in a loop."""
    found = {f.test: f.message for f in _analyze(tmp_path, {"tests/test_a.py": CONDITIONAL_CHECKS})}
    assert found["tests/test_a.py::test_only_if_nothing_raises"] == (
        "test_only_if_nothing_raises: every check is in an except handler, which runs only "
        "when something raises, so the test can pass without checking anything."
    )
    assert found["tests/test_a.py::test_only_under_an_if"] == (
        "test_only_under_an_if: every check is under an if, in a loop that may run zero "
        "times or in an except handler, so the test can pass without checking anything."
    )
