"""What counts as a check: assertion calls by name and shape, before helper resolution."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from enum import Enum

from testvet.static.astutil import const_truthy, dotted, keyword, last_name, root_name


class Kind(str, Enum):
    """What kind of check a call is."""

    RAISES = "raises"  # expects an exception: pytest.raises, assertRaises
    WARNS = "warns"  # expects a warning or log record: pytest.warns, assertLogs
    FAIL = "fail"  # always fails when reached: pytest.fail, self.fail
    MOCK = "mock"  # a mock assertion: m.assert_called_once_with
    ASSERT = "assert"  # an assertion function or method: self.assertEqual, assert_frame_equal
    HELPER = "helper"  # a project helper that asserts (resolved by the helper index)


#: Mock's own assertion methods (unittest.mock).
MOCK_ASSERTS = frozenset(
    {
        "assert_called",
        "assert_called_once",
        "assert_called_with",
        "assert_called_once_with",
        "assert_any_call",
        "assert_has_calls",
        "assert_not_called",
        "assert_awaited",
        "assert_awaited_once",
        "assert_awaited_with",
        "assert_awaited_once_with",
        "assert_any_await",
        "assert_has_awaits",
        "assert_not_awaited",
    }
)
#: The same names without ``assert_``: on a Mock they are silently-created child mocks.
SILENT_MOCK_NAMES = frozenset(n[len("assert_") :] for n in MOCK_ASSERTS) - {"called", "awaited"}

_RAISES_DOTTED = frozenset({"pytest.raises", "unittest.TestCase.assertRaises"})
_WARNS_DOTTED = frozenset({"pytest.warns", "pytest.deprecated_call", "warnings.catch_warnings"})
_FAIL_DOTTED = frozenset({"pytest.fail", "unittest.TestCase.fail", "_pytest.outcomes.fail"})
_RAISES_ATTRS = frozenset(
    {"assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "failUnlessRaises", "raises"}
)
_WARNS_ATTRS = frozenset(
    {"assertWarns", "assertWarnsRegex", "assertLogs", "assertNoLogs", "warns", "deprecated_call"}
)
#: Library calls that raise when what they verify does not hold.
_RAISING_CHECKS = frozenset(
    {
        "subprocess.check_call",
        "subprocess.check_output",
        "jsonschema.validate",
        "doctest.run_docstring_examples",
    }
)
_SELF = frozenset({"self", "cls"})
#: Assertion libraries: every call into them is a check (``verify(result)`` of approvaltests,
#: ``check.equal(a, b)`` of pytest-check, ``expect(x).to(equal(y))``...).
_ASSERTION_LIBRARIES = (
    "approvaltests.",
    "pytest_check.",
    "expects.",
    "sure.",
    "grappa.",
    "assertpy.",
    "hamcrest.",
)
#: Well-known library methods that fail the test when what they verify does not hold
#: (pytest's ``Pytester``/``LineMatcher`` API).
_CHECK_METHODS = frozenset(
    {
        "fnmatch_lines",
        "re_match_lines",
        "no_fnmatch_line",
        "no_re_match_line",
        "fnmatch_lines_random",
    }
)


#: doctest's runners, which fail the test with ``raise_on_error=True`` (``run.rotten``
#: knows them by these names too)
DOCTEST_RUNNERS = ("testmod", "testfile", "run_docstring_examples")
_DOCTEST_RUNNERS = frozenset(f"doctest.{name}" for name in DOCTEST_RUNNERS)


def base_kind(call: ast.Call, aliases: Mapping[str, str]) -> Kind | None:
    """The check kind of ``call`` judged from its name alone (no helper lookup)."""
    func = call.func
    name = dotted(func, aliases)
    last = last_name(func)
    if name in _RAISES_DOTTED:
        return Kind.RAISES
    if name in _WARNS_DOTTED:
        return None if name == "warnings.catch_warnings" else Kind.WARNS
    if name in _FAIL_DOTTED:
        return Kind.FAIL
    if name in _RAISING_CHECKS or (name and name.startswith(_ASSERTION_LIBRARIES)):
        return Kind.ASSERT
    if last is None:
        # expect(page).to_have_title(...) style (playwright, expects): the chain is the check.
        return Kind.ASSERT if _rooted_at_expect(func) else None
    receiver = root_name(func) if isinstance(func, ast.Attribute) else None
    if last in _RAISES_ATTRS and (receiver in _SELF or last != "raises" or name == "raises"):
        return Kind.RAISES
    if last in _WARNS_ATTRS and (receiver in _SELF or last.startswith("assert")):
        return Kind.WARNS
    if last in ("fail", "failIf", "failUnless") and receiver in _SELF:
        return Kind.FAIL
    if last in MOCK_ASSERTS:
        return Kind.MOCK
    if last.startswith("assert") and not last.startswith("assertion"):
        return Kind.ASSERT  # assert_equal, assertEqual, assertoutcome (pytest's reprec)
    if last in _CHECK_METHODS and isinstance(func, ast.Attribute):
        return Kind.ASSERT
    if last == "raise_for_status":
        return Kind.ASSERT
    if last == "run" and name and name.startswith("subprocess."):
        check = keyword(call, "check")
        return Kind.ASSERT if check is not None and const_truthy(check) else None
    if name in _DOCTEST_RUNNERS:  # the first failing example raises
        raising = keyword(call, "raise_on_error")
        return Kind.ASSERT if raising is not None and const_truthy(raising) else None
    return Kind.ASSERT if _rooted_at_expect(func) else None


def _rooted_at_expect(func: ast.expr) -> bool:
    node: ast.expr = func
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            name = last_name(node.func)
            if name == "expect":
                return True
            node = node.func
        else:
            node = node.value
    return False


def is_skip_call(call: ast.Call, aliases: Mapping[str, str]) -> bool:
    """``pytest.skip(...)`` or ``self.skipTest(...)``."""
    name = dotted(call.func, aliases) or ""
    return name in ("pytest.skip", "_pytest.outcomes.skip") or (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "skipTest"
        and root_name(call.func) in _SELF
    )


def is_skip_raise(stmt: ast.Raise, aliases: Mapping[str, str]) -> bool:
    """``raise unittest.SkipTest(...)`` / ``raise pytest.skip.Exception(...)``."""
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    if exc is None:
        return False
    name = dotted(exc, aliases) or ""
    return name.endswith("SkipTest") or name.endswith("skip.Exception")


def always_true(test: ast.expr) -> str | None:
    """Why an assert's condition is always true, or None."""
    if isinstance(test, ast.Tuple) and test.elts:
        return "a non-empty tuple is always true (the parentheses swallowed the message)"
    truth = const_truthy(test)
    if truth:
        return f"`{ast.unparse(test)[:40]}` is a constant, always true"
    if (
        isinstance(test, ast.BoolOp)
        and isinstance(test.op, ast.Or)
        and any(const_truthy(v) for v in test.values)
    ):
        return "`... or <true constant>` is always true"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        # Names only: an attribute may be a property computed afresh on each access.
        simple = isinstance(left, ast.Name)
        if simple and isinstance(op, ast.Is) and ast.dump(left) == ast.dump(right):
            return "`x is x` is always true"
        if _is_len(left) and isinstance(op, ast.GtE) and _is_zero(right):
            return "`len(...) >= 0` is always true"
        if _is_zero(left) and isinstance(op, ast.LtE) and _is_len(right):
            return "`0 <= len(...)` is always true"
    if (
        isinstance(test, ast.Call)
        and last_name(test.func) == "isinstance"
        and len(test.args) == 2
        and isinstance(test.args[1], ast.Name)
        and test.args[1].id == "object"
    ):
        return "`isinstance(x, object)` is always true"
    return None


def _is_len(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0 and not isinstance(node.value, bool)
