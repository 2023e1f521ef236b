"""The helper index: which functions (helpers, fixtures) of the test tree perform checks.

A helper checks when its body asserts, raises, or calls a check, directly or through
other helpers of the test tree (resolved by name, up to :data:`MAX_DEPTH` calls deep).
Resolution by name errs on the side of "it checks": a missed finding costs less than a
false one.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from testvet.static.astutil import (
    FunctionNode,
    children,
    dotted,
    fixture_name,
    import_aliases,
    is_fixture,
    last_name,
    walk,
)
from testvet.static.checks import Kind, always_true, base_kind

#: How many helper calls deep a check is still found.
MAX_DEPTH = 4


@dataclass(frozen=True)
class Summary:
    """What one function does, as far as checking goes."""

    name: str
    #: The body asserts, raises or calls a known check itself.
    direct: bool
    #: Names it calls (``f`` for ``f()``, ``m`` for ``x.m()``).
    callees: frozenset[str]


def summarize(node: ast.FunctionDef | ast.AsyncFunctionDef, aliases: Mapping[str, str]) -> Summary:
    """Summarize one function (nested functions included in its body)."""
    direct = False
    callees: set[str] = set()
    for sub in walk(node):
        if isinstance(sub, ast.Assert):
            direct = direct or always_true(sub.test) is None
        elif isinstance(sub, ast.Raise):
            direct = True
        elif isinstance(sub, ast.Call):
            if base_kind(sub, aliases) is not None:
                direct = True
            name = last_name(sub.func)
            if name:
                callees.add(name)
    return Summary(node.name, direct, frozenset(callees))


class HelperIndex:
    """Function and fixture summaries of every parsed file of the test tree."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self._functions: dict[str, list[Summary]] = {}
        self._fixtures: dict[str, list[Summary]] = {}
        self._checking: set[str] = set()
        self._checking_fixtures: set[str] = set()
        #: Names defined as plain functions (not methods): what a bare ``f()`` can call.
        self._plain: set[str] = set()
        self.patterns = tuple(patterns)
        self._final = False

    def add_module(self, tree: ast.Module) -> None:
        """Index every function of a parsed module (one pass; nested bodies count for parents)."""
        aliases = import_aliases(tree.body)
        stack: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[bool], set[str]]] = []

        def visit(node: ast.AST) -> None:
            for child in children(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    stack.append((child, [False], set()))
                    visit(child)
                    func, direct, callees = stack.pop()
                    if stack:
                        stack[-1][1][0] = stack[-1][1][0] or direct[0]
                        stack[-1][2].update(callees)
                    summary = Summary(func.name, direct[0], frozenset(callees))
                    self._register(func, summary, aliases, method=isinstance(node, ast.ClassDef))
                    continue
                if stack:
                    top = stack[-1]
                    if isinstance(child, ast.Assert):
                        if always_true(child.test) is None:
                            top[1][0] = True
                    elif isinstance(child, ast.Raise):
                        top[1][0] = True
                    elif isinstance(child, ast.Call):
                        if not top[1][0] and base_kind(child, aliases) is not None:
                            top[1][0] = True
                        name = last_name(child.func)
                        if name:
                            top[2].add(name)
                visit(child)

        visit(tree)
        self._final = False

    def _register(
        self, node: FunctionNode, summary: Summary, aliases: dict[str, str], method: bool
    ) -> None:
        if not method:
            self._plain.add(node.name)
        if node.decorator_list and is_fixture(node, aliases):
            self._fixtures.setdefault(fixture_name(node), []).append(summary)
        self._functions.setdefault(node.name, []).append(summary)

    def _finalize(self) -> None:
        checking = {n for n, sums in self._functions.items() if any(s.direct for s in sums)}
        checking.update(n for n in self._functions if self.matches_pattern(n))
        for _ in range(MAX_DEPTH):
            grown = {
                n
                for n, sums in self._functions.items()
                if n not in checking and any(s.callees & checking for s in sums)
            }
            if not grown:
                break
            checking |= grown
        self._checking = checking
        self._checking_fixtures = {
            n
            for n, sums in self._fixtures.items()
            if any(s.direct or s.callees & checking for s in sums)
        }
        self._final = True

    def matches_pattern(self, name: str) -> bool:
        """True when ``name`` matches a configured ``assert_helpers`` pattern."""
        return any(fnmatch.fnmatchcase(name, p) for p in self.patterns)

    def checks(self, name: str, plain: bool = False) -> bool:
        """True when a function of the test tree with this name performs checks.

        ``plain`` asks about plain functions only (a bare ``f()`` cannot call a method).
        """
        if not self._final:
            self._finalize()
        return name in self._checking and (not plain or name in self._plain)

    def defines(self, name: str) -> bool:
        """True when the test tree defines a function with this name."""
        return name in self._functions

    def fixture_checks(self, name: str) -> bool:
        """True when a fixture with this name performs checks."""
        if not self._final:
            self._finalize()
        return name in self._checking_fixtures

    def call_kind(
        self, call: ast.Call, aliases: Mapping[str, str], local: Iterable[str] = ()
    ) -> Kind | None:
        """The check kind of ``call``: by name, then configured patterns, then the index."""
        kind = base_kind(call, aliases)
        if kind is not None:
            return kind
        name = last_name(call.func)
        if name is None:
            return None
        full = dotted(call.func, aliases)
        if self.matches_pattern(name) or (full and self.matches_pattern(full)):
            return Kind.HELPER
        if name in local or self.checks(name, plain=isinstance(call.func, ast.Name)):
            return Kind.HELPER
        return None
