"""The fallback inventory: test files and test functions read from the AST.

Used only when pytest cannot collect at all (no pytest in the project's interpreter,
a crash, a hang). It follows pytest's default naming (``test_*.py``/``*_test.py``,
``test*`` functions, ``Test*`` classes without ``__init__``, ``unittest.TestCase``
subclasses) and cannot expand parametrization: one item per test function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from testvet.discover.layout import SKIP_DIRS
from testvet.model import TestItem


def test_files(root: Path, test_paths: tuple[str, ...]) -> list[Path]:
    """Files named like pytest test modules under the test paths, sorted, unique."""
    found: dict[Path, None] = {}
    for rel in test_paths:
        base = root / rel
        if base.is_file() and base.suffix == ".py":
            found[base] = None
        elif base.is_dir():
            for path in _walk(base):
                found[path] = None
    return sorted(found)


def _walk(directory: Path) -> Iterator[Path]:
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIP_DIRS:
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.name.endswith(".py") and (
            entry.name.startswith("test_") or entry.name.endswith("_test.py")
        ):
            yield entry


def _marks(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> tuple[str, ...]:
    names = []
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "mark"
            and target.attr != "parametrize"
        ):
            names.append(target.attr)
    return tuple(names)


def _is_unittest(node: ast.ClassDef) -> bool:
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name.endswith("TestCase"):
            return True
    return False


def _has_init(node: ast.ClassDef) -> bool:
    return any(isinstance(item, ast.FunctionDef) and item.name == "__init__" for item in node.body)


def items(path: Path, rel: str) -> list[TestItem]:
    """The test functions of one file as items (unparsable files give none)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return []
    out: list[TestItem] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
            "test"
        ):
            out.append(
                TestItem(f"{rel}::{node.name}", rel, node.name, None, node.lineno, _marks(node))
            )
        elif isinstance(node, ast.ClassDef):
            unit = _is_unittest(node)
            if not unit and (not node.name.startswith("Test") or _has_init(node)):
                continue
            class_marks = _marks(node)
            for member in node.body:
                if isinstance(
                    member, (ast.FunctionDef, ast.AsyncFunctionDef)
                ) and member.name.startswith("test"):
                    out.append(
                        TestItem(
                            nodeid=f"{rel}::{node.name}::{member.name}",
                            path=rel,
                            function=member.name,
                            cls=node.name,
                            line=member.lineno,
                            markers=tuple(dict.fromkeys((*_marks(member), *class_marks))),
                            unittest=unit,
                        )
                    )
    return out
