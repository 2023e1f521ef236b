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
    root_name,
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


_SUPPORT_WORDS = frozenset(
    [
        "test",
        "tests",
        "testing",
        "testutils",
        "testlib",
        "conftest",
        "helper",
        "helpers",
        "support",
        "fixture",
        "fixtures",
        "fake",
        "fakes",
        "stub",
        "stubs",
    ]
)


def _test_support(origin: str) -> bool:
    """Does an imported module's dotted name look like part of the test tree?

    Whole words of its parts count (``tests.support``, ``test_utils``, ``my_fakes``),
    not letters inside a word: ``pytest``, ``unittest`` and ``faker`` are libraries."""
    return any(
        word in _SUPPORT_WORDS for part in origin.lower().split(".") for word in part.split("_")
    )


class _Open:
    """A function whose body the indexing pass is inside of."""

    __slots__ = ("callees", "direct", "method", "node")

    def __init__(self, node: FunctionNode, method: bool) -> None:
        self.node = node
        self.method = method
        self.direct = False
        self.callees: set[str] = set()


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
        """Index every function of a parsed module.

        One iterative pass (deeply nested expressions cannot exhaust the stack); what a
        nested function does counts for the functions around it.
        """
        aliases = import_aliases(tree.body)
        open_funcs: list[_Open] = []
        work: list[tuple[ast.AST, bool] | _Open] = [(tree, False)]
        while work:
            item = work.pop()
            if isinstance(item, _Open):  # all of the function's body has been seen
                open_funcs.pop()
                if open_funcs:
                    open_funcs[-1].direct = open_funcs[-1].direct or item.direct
                    open_funcs[-1].callees.update(item.callees)
                summary = Summary(item.node.name, item.direct, frozenset(item.callees))
                self._register(item.node, summary, aliases, method=item.method)
                continue
            node, in_class = item
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                opened = _Open(node, in_class)
                open_funcs.append(opened)
                work.append(opened)
            elif open_funcs:
                top = open_funcs[-1]
                if isinstance(node, ast.Assert):
                    top.direct = top.direct or always_true(node.test) is None
                elif isinstance(node, ast.Raise):
                    top.direct = True
                elif isinstance(node, ast.Call):
                    if not top.direct and base_kind(node, aliases) is not None:
                        top.direct = True
                    name = last_name(node.func)
                    if name:
                        top.callees.add(name)
            is_class = isinstance(node, ast.ClassDef)
            work.extend((child, is_class) for child in children(node))
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
        if name in local:
            return Kind.HELPER
        if isinstance(call.func, ast.Attribute):
            root = root_name(call.func)
            origin = aliases.get(root) if root else None
            if origin is not None and not _test_support(origin):
                return None  # gzip.decompress() is not a test helper named decompress
        if self.checks(name, plain=isinstance(call.func, ast.Name)):
            return Kind.HELPER
        return None
