"""Rotten green: passing tests whose assertion lines never executed (finding ``TV310``).

Evidence comes from coverage.py's data of the test files: a line of a test function's
own body runs only when that function runs, so a check none of whose lines coverage.py
saw executed did not execute in any passing instance of the test. This is exact for such
lines; a line one parametrized case executed and another skipped is not detected.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from testvet.model import Category, Finding, Outcome, Severity, TestResult
from testvet.run.testdefs import Def as _Def
from testvet.run.testdefs import find_def, methods_by_name, parse_nodeid
from testvet.static.astutil import negates
from testvet.static.checks import DOCTEST_RUNNERS

CODE = "TV310"
_CHECK_NAMES = {"raises", "warns", "fail", "deprecated_call", "fail_"}
_SIMPLE = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _is_check_call(node: ast.AST, helpers: tuple[str, ...]) -> bool:
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        name = _dotted(sub.func)
        last = name.rsplit(".", 1)[-1]
        if last.startswith("assert") or last in _CHECK_NAMES:
            return True
        raising = [k.value for k in sub.keywords if k.arg == "raise_on_error"]
        doctest = last in DOCTEST_RUNNERS and name in (last, f"doctest.{last}")
        if doctest and raising and isinstance(raising[0], ast.Constant) and raising[0].value:
            return True  # the first failing example raises
        if any(fnmatch.fnmatchcase(name, h) or fnmatch.fnmatchcase(last, h) for h in helpers):
            return True
    return False


def _statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield stmt
        for name in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, name, ()) or ())
        for handler in getattr(stmt, "handlers", ()) or ():
            yield from _statements(handler.body)
        for case in getattr(stmt, "cases", ()) or ():
            yield from _statements(case.body)


def _fails_when_reached(stmt: ast.stmt) -> bool:
    """``assert False``, ``pytest.fail(...)``, ``self.fail(...)``: the failure path of
    a test (after a call that should have raised), which a passing test never runs."""
    if isinstance(stmt, ast.Assert):
        test = stmt.test
        return isinstance(test, ast.Constant) and not test.value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _dotted(stmt.value.func).rsplit(".", 1)[-1] in ("fail", "fail_")
    return False


#: What tells the interpreter or the platform apart in a test's ``if``.
_CONTEXT_ATTRS = ("sys.version_info", "sys.platform", "sys.implementation", "sys.maxsize")
_CONTEXT_PREFIXES = ("platform.", "os.name", "sys.version_info", "sys.implementation")
#: Module constants compatibility layers name them with (six, compat modules).
_CONTEXT_NAMES = frozenset(
    {"PY2", "PY3", "PY2K", "PY3K", "PYPY", "IS_PYPY", "CPYTHON", "JYTHON", "WINDOWS",
     "IS_WINDOWS", "ON_WINDOWS", "IS_WIN", "WIN32", "MACOS", "IS_MACOS", "DARWIN", "LINUX",
     "IS_LINUX"}
)  # fmt: skip


def _about_context(test: ast.expr) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and node.id.upper() in _CONTEXT_NAMES:
            return True
        if isinstance(node, ast.Attribute | ast.Call):
            dotted = _dotted(node)
            if dotted in _CONTEXT_ATTRS or dotted.startswith(_CONTEXT_PREFIXES):
                return True
    return False


def context_lines(func: _Def) -> set[int]:
    """Lines of ``func`` in a branch of an ``if`` on the Python version or the platform
    (``sys.version_info``, ``sys.platform``, ``platform.system()``, ``os.name``, ``PY2``):
    a check there runs on some interpreters only, by design."""
    lines: set[int] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.If) and _about_context(node.test):
            for stmt in (*node.body, *node.orelse):
                lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def failure_lines(func: _Def) -> set[int]:
    """Lines of ``func`` in an ``if`` on a name only an ``except`` handler sets (``failure
    = e.example.want, e.got`` ... ``if failure: assert ...``): a failure the test caught to
    report it, a path a passing test never takes (portion's README doctest)."""
    handled = [
        stmt
        for node in ast.walk(func)
        if isinstance(node, ast.ExceptHandler)
        for stmt in _statements(node.body)
    ]
    in_handler = {id(stmt) for stmt in handled}
    caught = {
        t.id
        for s in handled
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    for stmt in _statements(func.body):
        if isinstance(stmt, ast.Assign) and id(stmt) not in in_handler:
            value = stmt.value
            if not (isinstance(value, ast.Constant) and value.value in (None, False, "")):
                caught -= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
    lines: set[int] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.If) and _tests_only(node.test, caught):
            for stmt in node.body:
                lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def _tests_only(test: ast.expr, names: set[str]) -> bool:
    """``if NAME`` or ``if NAME is not None`` with ``NAME`` in ``names``."""
    if isinstance(test, ast.Name):
        return test.id in names
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id in names
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def assertion_spans(func: _Def, helpers: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """``(first, last)`` lines of the checks in ``func``'s own body (nested defs excluded).

    A ``with pytest.raises(...)`` spans its header only: the body runs either way.
    """
    spans: set[tuple[int, int]] = set()
    guarded = {  # ``if not ok: assert ok``: fails whenever it runs, as ``assert False``
        id(inner)
        for stmt in _statements(func.body)
        if isinstance(stmt, ast.If)
        for inner in stmt.body
        if isinstance(inner, ast.Assert) and negates(stmt.test, inner.test)
    }
    for stmt in _statements(func.body):
        end = stmt.end_lineno or stmt.lineno
        if _fails_when_reached(stmt) or id(stmt) in guarded:
            continue  # a failure path: a passing test never runs it
        if isinstance(stmt, ast.Assert):
            spans.add((stmt.lineno, end))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            checked = [
                i.context_expr for i in stmt.items if _is_check_call(i.context_expr, helpers)
            ]
            if checked:
                spans.add((stmt.lineno, max(e.end_lineno or stmt.lineno for e in checked)))
        elif isinstance(stmt, _SIMPLE) and _is_check_call(stmt, helpers):
            spans.add((stmt.lineno, end))
    return sorted(spans)


def assertion_lines(func: _Def, helpers: tuple[str, ...] = ()) -> list[int]:
    """First lines of the checks in ``func``'s own body."""
    return [first for first, _last in assertion_spans(func, helpers)]


@dataclass(frozen=True)
class Checked:
    """What the run showed about one passing test function's checks."""

    path: str
    checks: tuple[int, ...]
    #: Check lines that never executed.
    never: tuple[int, ...]
    source: tuple[str, ...]


def evidence(
    results: Iterable[TestResult],
    root: Path,
    executed: Mapping[str, frozenset[int]],
    helpers: tuple[str, ...] = (),
) -> dict[str, Checked]:
    """Test node id (without parameters) -> its checks and those that never ran.

    Only tests with a passing instance, whose file coverage.py measured and whose body
    ran, are included.
    """
    found: dict[str, Checked] = {}
    seen: set[str] = set()
    trees: dict[str, tuple[ast.Module, list[str], dict[str, list[_Def]]] | None] = {}
    for result in results:
        if result.outcome is not Outcome.PASSED:
            continue
        target = parse_nodeid(result.nodeid)
        if target is None or target.nodeid in seen or target.path not in executed:
            continue
        seen.add(target.nodeid)
        if target.path not in trees:
            try:
                text = (root / target.path).read_text(encoding="utf-8")
                tree = ast.parse(text)
                trees[target.path] = (tree, text.splitlines(), methods_by_name(tree))
            except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
                trees[target.path] = None
        parsed = trees[target.path]
        if parsed is None:
            continue
        tree, source, methods = parsed
        func = find_def(tree, target, methods)
        if func is None:
            continue
        ran = executed[target.path]
        body = range(func.body[0].lineno, (func.end_lineno or func.lineno) + 1)
        if not any(line in ran for line in body):
            continue  # not measured after all
        if "benchmark" in {a.arg for a in func.args.args}:
            # pytest-benchmark turns tracing off while it times the code, and the test's
            # own frame is not traced again: coverage.py misses the lines after it
            continue
        spans = assertion_spans(func, helpers)
        checks = [first for first, _last in spans]
        elsewhere = context_lines(func) | failure_lines(func)
        never = [
            a
            for a, b in spans
            if a not in elsewhere and not any(line in ran for line in range(a, b + 1))
        ]
        found[target.nodeid] = Checked(target.path, tuple(checks), tuple(never), tuple(source))
    return found


def find(checked: Mapping[str, Checked]) -> tuple[Finding, ...]:
    """One finding per test function with a passing instance and never-executed checks."""
    findings: list[Finding] = []
    for nodeid, item in checked.items():
        never, checks, source = list(item.never), list(item.checks), item.source
        if not never:
            continue
        every = len(never) == len(checks)
        where = ", ".join(map(str, never))
        findings.append(
            Finding(
                code=CODE,
                category=Category.CANNOT_FAIL,
                severity=Severity.HIGH if every else Severity.MEDIUM,
                path=item.path,
                line=never[0],
                end_line=never[-1] if len(never) > 1 else None,
                message=(
                    f"{'every' if every else 'some'} check of this passing test never ran "
                    f"(line{'s' if len(never) > 1 else ''} {where}): it passed without checking"
                    + (" anything" if every else " all it claims to")
                ),
                test=nodeid,
                hint="Make the check unconditional, or assert the branch/loop is taken "
                "(e.g. assert the collection is non-empty before looping over it).",
                snippet=source[never[0] - 1].strip() if never[0] <= len(source) else None,
                detail={"lines": never, "checks": checks, "evidence": "run"},
            )
        )
    return tuple(findings)


def annotate(findings: Iterable[Finding], checked: Mapping[str, Checked]) -> tuple[Finding, ...]:
    """Static ``cannot-fail`` findings about a test get the run's verdict in ``detail["run"]``.

    ``confirmed``: some check of the test never ran. ``overruled``: every check ran in a
    passing run, so the static guess did not come true here. Severity is left alone.
    """
    out = []
    for finding in findings:
        item = None
        if finding.category is Category.CANNOT_FAIL and finding.test and finding.code != CODE:
            item = checked.get(finding.test.split("[", 1)[0])
        if item is None or not item.checks:
            out.append(finding)
            continue
        if item.never:
            verdict = f"confirmed: check line(s) {', '.join(map(str, item.never))} never ran"
        else:
            verdict = "overruled: every check ran in a passing run of this test"
        out.append(replace(finding, detail={**finding.detail, "run": verdict}))
    return tuple(out)
