"""What the walk over a test adds up to: no check (TV101), only conditional checks (TV102),
always-true assertions (TV107) — decided once the whole test has been seen."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from testvet.static import mocks
from testvet.static.astutil import decorator_names, walk
from testvet.static.checks import is_skip_call, is_skip_raise
from testvet.static.shapes import def_anchor, pytestmark_names, unused_result

if TYPE_CHECKING:
    from testvet.static.scan import Flow, TestScan

#: Words in a test's name, docstring or comments that say "not raising is the check".
_NO_RAISE_WORDS = (
    "raise",
    "crash",
    "error",
    "exception",
    "smoke",
    "no_fail",
    "not_fail",
    "nt_fail",
    "not_break",
    "nothing_happen",
    "nothing_get",
    "nothing_is",
    "nothing_break",
    "nothing_fail",
    "no_op",
    "noop",
    "work",
    "succe",
    "_ok",
    "fine",
    "valid",
    "warn",
    "accept",
    "allow",
    "possible",
    "can_be",
    "can_create",
    "ignore",
    "pass",
    "import",
)


def finish(scan: TestScan, flow: Flow, decorators: list[str]) -> None:
    node = scan.test.node
    for dec in node.decorator_list:
        for sub in walk(dec):
            if isinstance(sub, ast.Call):
                mocks.note_patch(scan, sub)
                mocks.has_calls_misuse(scan, sub)
    total = sum(scan.counts.values())
    fixture_checks = any(scan.ctx.index.fixture_checks(f) for f in scan.fixtures)
    if fixture_checks:
        return
    is_exempt = exempt(scan, decorators)
    if total == 0:
        explained = {"TV103", "TV104", "TV106", "TV107", "TV108", "TV110", "TV112", "TV113"}
        if is_exempt or reported_codes(scan) & explained:
            trivial_low(scan)
            return
        no_check(scan)
        return
    trivial_low(scan)
    if not flow.checks and not is_exempt:
        where = (
            "in an except handler, which runs only when something raises"
            if not scan.outside_handlers
            else "under an if, in a loop that may run zero times or in an except handler"
        )
        scan.report(
            "TV102",
            node,
            f"{node.name}: every check is {where}, so the test can pass without checking anything.",
            anchor=def_anchor(node),
        )
    mocks.mocked_unit(scan)


def reported_codes(scan: TestScan) -> set[str]:
    return {code for code, _ in scan.reported}


def trivial_low(scan: TestScan) -> None:
    for stmt, reason in scan.trivial:
        scan.report(
            "TV107",
            stmt,
            f"{scan.test.node.name}: this assert can never fail: {reason}.",
            severity="low",
        )


def no_check(scan: TestScan) -> None:
    node = scan.test.node
    body = [
        s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if scan.trivial:
        stmt, reason = scan.trivial[0]
        scan.report(
            "TV107",
            stmt,
            f"{node.name}: its only assertion can never fail: {reason}.",
        )
        return
    unused = unused_result(node)
    severity: str | None = None
    if not body or all(isinstance(s, ast.Pass) for s in body):
        message = f"{node.name} has an empty body: it passes without running anything."
    elif says_no_raise(scan):
        message = (
            f"{node.name} has no assertion; it only checks that nothing raises. "
            "Assert on the result too."
        )
        severity = "low"
    elif unused:
        message = (
            f"{node.name} computes `{unused}` and never checks it: it passes whatever "
            "the code under test returns."
        )
    else:
        message = f"{node.name} has no assertion or other check; it only fails if a call raises."
        severity = "medium"
    scan.report("TV101", node, message, anchor=def_anchor(node), severity=severity)


def says_no_raise(scan: TestScan) -> bool:
    node = scan.test.node
    text = node.name.lower()
    doc = ast.get_docstring(node)
    if doc:
        text += " " + doc.lower()
    for line in scan.ctx.lines[node.lineno - 1 : node.end_lineno]:
        if "#" in line:  # comments, on their own lines too
            text += " " + line.split("#", 1)[1].lower()
    text = text.replace("'", "").replace(" ", "_")
    return any(word in text for word in _NO_RAISE_WORDS)


def exempt(scan: TestScan, decorators: list[str]) -> bool:
    """Tests whose outcome is not decided by checks in the body."""
    marks = list(decorators) + scan.ctx.module_marks
    owner = scan.test.owner
    if owner is not None:
        marks += decorator_names(owner, scan.aliases) + pytestmark_names(owner.body, scan.aliases)
    for name in marks:
        last = name.rsplit(".", 1)[-1]
        if last in ("given", "raises", "expectedFailure", "skip", "xfail", "benchmark"):
            return True
    return "benchmark" in scan.fixtures or _skips_at_once(scan)


def _skips_at_once(scan: TestScan) -> bool:
    """A body that starts by skipping (``pytest.skip(...)``, ``self.skipTest(...)``,
    ``raise SkipTest``): a skip mark written as code (parsimonious)."""
    body = scan.test.node.body
    first = body[1] if len(body) > 1 and _docstring(body[0]) else body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Call):
        return is_skip_call(first.value, scan.aliases)
    return isinstance(first, ast.Raise) and is_skip_raise(first, scan.aliases)


def _docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )
