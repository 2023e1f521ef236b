"""Where a test's function is defined, from its pytest node id and its file's syntax tree."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

Def = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class TestName:
    """A node id split into its file, classes and function (parameters dropped)."""

    __test__ = False

    path: str
    classes: tuple[str, ...]
    function: str
    #: The node id without its ``[parameters]``.
    nodeid: str


def parse_nodeid(nodeid: str) -> TestName | None:
    parts = nodeid.split("::")
    if len(parts) < 2 or not parts[0].endswith(".py"):
        return None
    base = nodeid.split("[", 1)[0]
    function = parts[-1].split("[", 1)[0]
    return TestName(parts[0], tuple(parts[1:-1]), function, base)


def methods_by_name(tree: ast.Module) -> dict[str, list[Def]]:
    """Every method of every class in ``tree``, by name (one walk of the tree)."""
    methods: dict[str, list[Def]] = {}
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef):
            for node in cls.body:
                if isinstance(node, Def):
                    methods.setdefault(node.name, []).append(node)
    return methods


def find_def(tree: ast.Module, target: TestName, methods: dict[str, list[Def]]) -> Def | None:
    """``target``'s function in ``tree``; ``methods`` is ``methods_by_name(tree)``, built
    once per file rather than a walk of the tree for each test inherited from a base."""
    scope: list[ast.stmt] = tree.body
    for cls in target.classes:
        found = next((n for n in scope if isinstance(n, ast.ClassDef) and n.name == cls), None)
        if found is None:
            scope = []
            break
        scope = found.body
    direct = [n for n in scope if isinstance(n, Def) and n.name == target.function]
    if direct:
        return direct[-1]
    # Inherited from a base class in the same file: accept a unique match.
    anywhere = methods.get(target.function, [])
    return anywhere[0] if len(anywhere) == 1 else None


def def_line(root: Path, nodeid: str) -> int | None:
    """The line of the ``def`` of the test ``nodeid`` (under ``root``), if found."""
    target = parse_nodeid(nodeid)
    if target is None:
        return None
    try:
        tree = ast.parse((root / target.path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    found = find_def(tree, target, methods_by_name(tree))
    return found.lineno if found is not None else None
