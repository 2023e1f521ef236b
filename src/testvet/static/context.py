"""What the rules know about one test module while they scan its tests."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from testvet.model import Finding, Severity
from testvet.static.astutil import const_truthy
from testvet.static.helpers import HelperIndex
from testvet.static.registry import rule

_SUPPRESS = re.compile(r"#\s*(testvet:\s*ignore|noqa)\b(?:\[|:)?\s*([A-Z0-9, ]*)")
#: ruff/flake8 codes that mean the same as ours, honoured in noqa comments.
_EQUIVALENT = {"B015": "TV108", "PT011": "TV109", "PT017": "TV111"}


@dataclass
class ModuleContext:
    """One parsed test module and the project-wide facts the rules need."""

    #: Path relative to the project root, ``/`` separators.
    path: str
    tree: ast.Module
    lines: list[str]
    aliases: dict[str, str]
    index: HelperIndex
    xfail_strict: bool = False
    #: Module-level names bound to non-empty literals (safe loop iterables).
    nonempty_names: set[str] = field(default_factory=set)
    #: The module seeds ``random`` at import time.
    seeded: bool = False
    #: The module imports a clock freezer (time_machine, freezegun).
    clock_tools: bool = False
    #: Names of the module-level functions (they shadow imported names).
    functions: set[str] = field(default_factory=set)
    #: Dotted names of the marks of a module-level ``pytestmark``.
    module_marks: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def build(
        cls, path: str, tree: ast.Module, source: str, aliases: dict[str, str], **kw: object
    ) -> ModuleContext:
        ctx = cls(path, tree, source.splitlines(), aliases, **kw)  # type: ignore[arg-type]
        roots = {origin.split(".")[0] for origin in aliases.values()}
        ctx.functions = {
            s.name for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        ctx.clock_tools = bool(roots & {"time_machine", "freezegun", "libfaketime"})
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                if const_truthy(stmt.value) or _nonempty_display(stmt.value):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    ctx.nonempty_names.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                func = stmt.value.func
                if isinstance(func, ast.Attribute) and func.attr == "seed":
                    ctx.seeded = True
        return ctx

    def snippet(self, node: ast.AST) -> str:
        """The source line(s) of ``node``, stripped."""
        start = getattr(node, "lineno", 1)
        end = getattr(node, "end_lineno", None) or start
        return "\n".join(line.strip() for line in self.lines[start - 1 : end])

    def suppressed(self, code: str, *lines: int) -> bool:
        """True when one of ``lines`` carries ``# testvet: ignore[CODE]`` or an equivalent noqa."""
        for number in lines:
            if not 0 < number <= len(self.lines):
                continue
            text = self.lines[number - 1]
            if "#" not in text:
                continue
            match = _SUPPRESS.search(text)
            if not match:
                continue
            codes = {c.strip() for c in match.group(2).replace(" ", ",").split(",") if c.strip()}
            if match.group(1).startswith("testvet") and not codes:
                return True
            if code in codes or any(_EQUIVALENT.get(c) == code for c in codes):
                return True
        return False

    def report(
        self,
        code: str,
        node: ast.AST,
        message: str,
        test: str | None,
        *,
        anchor: ast.AST | None = None,
        severity: str | None = None,
        def_line: int | None = None,
    ) -> None:
        """Add a finding of rule ``code`` at ``node`` (unless suppressed)."""
        info = rule(code)
        line = getattr(node, "lineno", None)
        end = getattr(node, "end_lineno", None)
        check_lines = [n for n in (line, def_line) if n]
        if self.suppressed(code, *check_lines):
            return
        self.findings.append(
            Finding(
                code=code,
                category=info.category,
                severity=Severity(severity) if severity else info.severity,
                path=self.path,
                line=line,
                end_line=end,
                message=message,
                test=test,
                hint=info.hint,
                snippet=self.snippet(anchor or node),
                detail={"rule": info.title, "doc": info.doc},
            )
        )


def _nonempty_display(value: ast.expr) -> bool:
    if isinstance(value, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        return not value.generators[0].ifs and bool(const_truthy(value.generators[0].iter))
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return bool(const_truthy(value.left) or const_truthy(value.right))
    return False
