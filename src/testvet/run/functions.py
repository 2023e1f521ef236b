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

    def body(stmts: list[ast.stmt], prefix: str) -> None:  # a def is always a statement
        for node in stmts:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + node.name
                found.setdefault(name, []).append((node.lineno, node.end_lineno or node.lineno))
                body(node.body, name + ".<locals>.")
            elif isinstance(node, ast.ClassDef):
                body(node.body, prefix + node.name + ".")
            else:
                for field in ("body", "orelse", "finalbody"):
                    body(getattr(node, field, None) or [], prefix)
                for handler in getattr(node, "handlers", None) or []:
                    body(handler.body, prefix)
                for case in getattr(node, "cases", None) or []:
                    body(case.body, prefix)

    body(tree.body, "")
    return found


def infos(reached: Mapping[str, tuple[str, int, int]], scope: Scope) -> tuple[FunctionInfo, ...]:
    """One :class:`FunctionInfo` per reached id; lines from the child, else from the source."""
    indexes: dict[str, dict[str, list[tuple[int, int]]]] = {}
    out = []
    for fid, (path, line, end) in sorted(reached.items()):
        if end:
            out.append(FunctionInfo(id=fid, path=scope.rel(path), line=line, end_line=end))
            continue
        qualname = FunctionInfo(id=fid, path=path, line=line, end_line=end).qualname
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
