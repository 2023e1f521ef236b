"""Project source as the mutation engine sees it: functions by qualified name, text splicing.

AST column offsets are UTF-8 byte offsets, so all splicing works on bytes.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Span:
    """A region of a file: 1-based lines, byte columns (AST conventions)."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def of(cls, node: ast.AST) -> Span:
        return cls(
            node.lineno,  # type: ignore[attr-defined]
            node.col_offset,  # type: ignore[attr-defined]
            node.end_lineno,  # type: ignore[attr-defined]
            node.end_col_offset,  # type: ignore[attr-defined]
        )


@dataclass(frozen=True)
class FunctionSource:
    """One ``def`` in a parsed file."""

    qualname: str
    node: FuncNode
    module: ModuleSource
    cls: ast.ClassDef | None
    #: The innermost enclosing class at any depth: private ``__names`` are mangled with it.
    mangle: str | None = None

    @property
    def def_line(self) -> int:
        return self.node.lineno

    @property
    def first_line(self) -> int:
        """The first decorator's line, or the ``def`` line."""
        lines = [d.lineno for d in self.node.decorator_list]
        return min([*lines, self.node.lineno])

    @property
    def end_line(self) -> int:
        return self.node.end_lineno or self.node.lineno

    @property
    def text(self) -> str:
        """The function as written, decorators included (used for cache keys)."""
        return self.module.segment(Span(self.first_line, 0, self.end_line, self.node_end_col))

    @property
    def node_end_col(self) -> int:
        return self.node.end_col_offset or 0

    def def_text(self, replacements: tuple[tuple[Span, str], ...] = ()) -> str:
        """The ``def`` (no decorators) with original indentation, after ``replacements``."""
        return self.module.splice(
            Span(self.node.lineno, 0, self.end_line, self.node_end_col),
            replacements,
            blank_prefix=self.node.col_offset,
        )

    def decorator_names(self) -> set[str]:
        names = set()
        for dec in self.node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
            elif isinstance(target, ast.Name):
                names.add(target.id)
        return names


class ModuleSource:
    """A parsed project file."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.tree = ast.parse(text, filename=str(path))
        self.lines = text.encode("utf-8").splitlines(keepends=True)
        self.functions: list[FunctionSource] = []
        self._index(self.tree.body, "", None, None)

    @classmethod
    def read(cls, path: Path) -> ModuleSource:
        return cls(path, path.read_text(encoding="utf-8"))

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def _index(
        self, body: list[ast.stmt], prefix: str, cls: ast.ClassDef | None, mangle: str | None
    ) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = f"{prefix}{node.name}"
                self.functions.append(FunctionSource(qual, node, self, cls, mangle))
                self._index(node.body, f"{qual}.<locals>.", None, mangle)
            elif isinstance(node, ast.ClassDef):
                self._index(node.body, f"{prefix}{node.name}.", node, node.name)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        stmts = [n for n in inner if isinstance(n, ast.AST)]
                        self._index(stmts, prefix, cls, mangle)  # type: ignore[arg-type]

    def find(self, qualname: str, line: int) -> FunctionSource | None:
        """The function ``qualname`` defined at ``line`` (def or first decorator line)."""
        same = [f for f in self.functions if f.qualname == qualname]
        for fn in same:
            if line in (fn.def_line, fn.first_line):
                return fn
        if len(same) == 1:
            return same[0]
        at_line = [f for f in self.functions if line in (f.def_line, f.first_line)]
        name = qualname.rsplit(".", 1)[-1]
        at_line = [f for f in at_line if f.node.name == name]
        return at_line[0] if len(at_line) == 1 else None

    def segment(self, span: Span) -> str:
        return self.splice(span, ())

    def splice(
        self,
        span: Span,
        replacements: tuple[tuple[Span, str], ...],
        blank_prefix: int = 0,
    ) -> str:
        """The text of ``span`` with each (inner span, new text) replaced, latest first."""
        lines = [bytearray(b) for b in self.lines[span.line - 1 : span.end_line]]
        if not lines:
            return ""
        first = span.line
        for inner, new in sorted(replacements, key=lambda r: (r[0].line, r[0].col), reverse=True):
            a = inner.line - first
            b = inner.end_line - first
            head = bytes(lines[a][: inner.col])
            tail = bytes(lines[b][inner.end_col :])
            lines[a : b + 1] = [bytearray(head + new.encode("utf-8") + tail)]
        # Cut the end first (column counted on the last original line, now possibly joined).
        last_original = self.lines[span.end_line - 1]
        cut_from_end = len(last_original) - span.end_col
        joined = b"".join(bytes(x) for x in lines)
        if cut_from_end > 0:
            joined = joined[: len(joined) - cut_from_end]
        if blank_prefix:
            prefix = joined[:blank_prefix]
            if prefix.strip():
                joined = b" " * blank_prefix + joined[blank_prefix:]
        return joined.decode("utf-8")

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1].decode("utf-8", "replace").rstrip("\r\n")
        return ""
