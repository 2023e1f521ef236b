"""Run every static rule over a set of test files: parse once, index helpers, scan tests."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from testvet.model import Finding
from testvet.static.astutil import import_aliases
from testvet.static.collect import collected_extras, test_functions
from testvet.static.context import ModuleContext
from testvet.static.files import SKIP_DIRS, conftests_for, relpath
from testvet.static.helpers import HelperIndex
from testvet.static.scan import TestScan
from testvet.static.shapes import pytestmark_names, xfail_marks


@dataclass(frozen=True)
class Parsed:
    """One parsed Python file."""

    path: Path
    source: str
    tree: ast.Module


def parse(path: Path) -> Parsed | None:
    """Parse a file; None when it cannot be read or parsed (collection reports those)."""
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return Parsed(path, source, tree)


def _test_top(path: Path, root: Path) -> Path:
    """The highest directory above ``path`` (inside root) whose name mentions tests."""
    top = path.parent
    current = path.parent
    while current != root and root in current.parents:
        if "test" in current.name.lower():
            top = current
        current = current.parent
    return top


def support_files(test_files: Sequence[Path], root: Path) -> list[Path]:
    """conftest.py files and the other modules of the test tree (helpers live there)."""
    found: dict[Path, None] = {}
    tops: dict[Path, None] = {}
    for path in test_files:
        for conftest in conftests_for(path, root):
            found[conftest] = None
        tops[_test_top(path, root)] = None
    for top in tops:
        recursive = top != root and "test" in top.name.lower()
        if recursive:
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = sorted(
                    d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                )
                for name in sorted(filenames):
                    if name.endswith(".py"):
                        found[Path(dirpath) / name] = None
        else:
            for child in sorted(top.glob("*.py")):
                found[child] = None
    return list(found)


def analyze(
    root: Path,
    test_files: Iterable[Path],
    *,
    assert_helpers: Sequence[str] = (),
    xfail_strict: bool = False,
    collected: Mapping[str, Iterable[tuple[str | None, str]]] | None = None,
) -> list[Finding]:
    """Every static finding for ``test_files`` (absolute paths under ``root``).

    ``collected`` maps a test file (relative path) to the (class, function) pairs pytest
    collected there, so that tests named by a custom ``python_functions`` are read too.
    """
    tests = list(dict.fromkeys(test_files))
    parsed: dict[Path, Parsed] = {}
    for path in [*tests, *support_files(tests, root)]:
        if path not in parsed:
            parsed_file = parse(path)
            if parsed_file is not None:
                parsed[path] = parsed_file
    index = HelperIndex(assert_helpers)
    for item in parsed.values():
        index.add_module(item.tree)
    findings: list[Finding] = []
    for path in tests:
        module = parsed.get(path)
        if module is None:
            continue
        rel = relpath(path, root)
        extra = (collected or {}).get(rel, ())
        findings.extend(scan_module(module, rel, index, xfail_strict, extra))
    findings.sort(key=lambda f: (f.path, f.line or 0, f.code))
    return findings


def scan_module(
    item: Parsed,
    rel: str,
    index: HelperIndex,
    xfail_strict: bool = False,
    collected: Iterable[tuple[str | None, str]] = (),
) -> list[Finding]:
    """Findings of one parsed test module."""
    aliases = import_aliases(item.tree.body)
    ctx = ModuleContext.build(
        rel, item.tree, item.source, aliases, index=index, xfail_strict=xfail_strict
    )
    ctx.module_marks = pytestmark_names(item.tree.body, aliases)
    tests = list(test_functions(item.tree, aliases))
    if collected:
        seen = {id(t.node) for t in tests}
        tests += collected_extras(item.tree, set(collected), seen, aliases)
    for test in tests:
        try:
            TestScan(ctx, test).run()
        except RecursionError:
            continue  # absurdly deep expressions: skip this one test, keep the rest
    if not xfail_strict:
        _module_xfail(ctx)
    return ctx.findings


def _module_xfail(ctx: ModuleContext) -> None:
    """``pytestmark = pytest.mark.xfail`` at module or class level, and on classes."""

    def report(expr: ast.expr, owner: str | None) -> None:
        for mark in xfail_marks(expr, ctx.aliases):
            ctx.report(
                "TV115",
                mark,
                "xfail without strict=True on a whole module or class: its tests pass "
                "whether the bug is fixed or not.",
                f"{ctx.path}::{owner}" if owner else None,
            )

    def visit(body: list[ast.stmt], owner: str | None) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
            ):
                report(stmt.value, owner)
            elif isinstance(stmt, ast.ClassDef):
                name = stmt.name if owner is None else f"{owner}::{stmt.name}"
                for dec in stmt.decorator_list:
                    report(dec, name)
                visit(stmt.body, name)

    visit(ctx.tree.body, None)
