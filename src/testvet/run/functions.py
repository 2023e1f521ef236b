"""Function ids reached in the run -> :class:`~testvet.model.FunctionInfo` with def lines."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

from testvet.model import FunctionInfo
from testvet.run.scope import Scope


def qualnames(tree: ast.Module) -> dict[str, list[tuple[int, int]]]:
    """Qualified name (Python's ``__qualname__`` rules) -> ``[(def line, end line)]``."""
    found: dict[str, list[tuple[int, int]]] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                end = child.end_lineno or child.lineno
                found.setdefault(name, []).append((child.lineno, end))
                walk(child, name + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            elif isinstance(child, ast.Lambda):
                walk(child, prefix + "<lambda>.<locals>.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return found


def infos(reached: Mapping[str, tuple[str, int]], scope: Scope) -> tuple[FunctionInfo, ...]:
    """One :class:`FunctionInfo` per reached id, lines taken from the source."""
    indexes: dict[str, dict[str, list[tuple[int, int]]]] = {}
    out = []
    for fid, (path, line) in sorted(reached.items()):
        qualname = fid.split(":", 1)[1]
        if path not in indexes:
            try:
                indexes[path] = qualnames(ast.parse(Path(path).read_text(encoding="utf-8")))
            except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
                indexes[path] = {}
        spans = indexes[path].get(qualname, [])
        # Several defs of one name (if/else): the first def at or after the reported line
        # (which is the def line, or the first decorator's line under sys.monitoring).
        after = [s for s in spans if s[0] >= line]
        span = min(after) if after else (spans[-1] if spans else None)
        start, end = span if span else (line, line)
        out.append(FunctionInfo(id=fid, path=scope.rel(path), line=start, end_line=end))
    return tuple(out)
