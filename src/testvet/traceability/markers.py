"""Marker names and arguments per test, read from the test files' AST."""

from __future__ import annotations

import ast
from collections import defaultdict

from testvet.scenarios.astutil import dotted, functions
from testvet.scenarios.sources import SourceFile


def _marks(decorators: list[ast.expr]) -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    for dec in decorators:
        call = dec if isinstance(dec, ast.Call) else None
        name = dotted(call.func if call else dec) or ""
        if ".mark." not in f".{name}" and not name.startswith("mark."):
            continue
        marker = name.rsplit(".", 1)[-1]
        args: list[str] = []
        if call is not None:
            values = [*call.args, *(kw.value for kw in call.keywords)]
            for value in values:
                items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                for item in items:
                    if (
                        isinstance(item, ast.Constant)
                        and isinstance(item.value, (str, int, float))
                        and not isinstance(item.value, bool)
                    ):
                        args.append(str(item.value))
        out.append((marker, tuple(args)))
    return out


def _pytestmark(tree: ast.Module | ast.ClassDef) -> list[ast.expr]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            value = node.value
            return list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return []


def marks_by_test(files: tuple[SourceFile, ...]) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Node id (no parameters) -> (marker name, string args) from function, class, module."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for source in files:
        if source.path.endswith("conftest.py"):
            continue
        module_marks = _marks(_pytestmark(source.tree))
        classes = {
            node.name: node for node in ast.walk(source.tree) if isinstance(node, ast.ClassDef)
        }
        for qual, node, cls in functions(source.tree):
            if not node.name.startswith("test") or "<locals>" in qual:
                continue
            if cls is not None and qual != f"{cls}.{node.name}":
                continue
            nodeid = f"{source.path}::{qual.replace('.', '::')}"
            marks = list(module_marks)
            if cls is not None and cls in classes:
                klass = classes[cls]
                marks += _marks(klass.decorator_list) + _marks(_pytestmark(klass))
            marks += _marks(node.decorator_list)
            out[nodeid] = marks
    return dict(out)
