"""Small AST helpers shared by the capability and evidence detectors."""

from __future__ import annotations

import ast
from collections.abc import Iterator

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


def import_aliases(tree: ast.Module, module: str = "") -> dict[str, str]:
    """Local name -> fully dotted name for every import in ``tree`` (relative ones resolved)."""
    aliases: dict[str, str] = {}
    package = module.rsplit(".", 1)[0] if "." in module else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if node.level > 1:
                    parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                if alias.name == "*":
                    continue
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return aliases


def imported_modules(tree: ast.Module, module: str = "") -> set[str]:
    """Dotted names this file imports (``from a import b`` gives ``a`` and ``a.b``)."""
    out: set[str] = set()
    package = module.rsplit(".", 1)[0] if "." in module else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if node.level > 1:
                    parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            if base:
                out.add(base)
            out.update(f"{base}.{a.name}" if base else a.name for a in node.names)
    return out


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        if inner:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return None


def resolve(name: str, aliases: dict[str, str]) -> str:
    """Replace the first segment of ``name`` by what it was imported as."""
    head, _, rest = name.partition(".")
    full = aliases.get(head)
    if full is None:
        return name
    return f"{full}.{rest}" if rest else full


def call_name(call: ast.Call, aliases: dict[str, str]) -> str:
    """The resolved dotted name of what ``call`` calls, or ``""``."""
    name = dotted(call.func)
    return resolve(name, aliases) if name else ""


def functions(tree: ast.Module) -> Iterator[tuple[str, FuncNode, str | None]]:
    """Every function with its qualified name and enclosing class name (nested included)."""

    def visit(
        body: list[ast.stmt], prefix: str, cls: str | None
    ) -> Iterator[tuple[str, FuncNode, str | None]]:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = f"{prefix}{node.name}"
                yield qual, node, cls
                yield from visit(node.body, f"{qual}.<locals>.", cls)
            elif isinstance(node, ast.ClassDef):
                yield from visit(node.body, f"{prefix}{node.name}.", node.name)

    yield from visit(tree.body, "", None)


def own_nodes(func: ast.AST) -> Iterator[ast.AST]:
    """Nodes of ``func``'s body, not descending into nested functions or classes."""
    stack: list[ast.AST] = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def identifiers(nodes: list[ast.AST]) -> set[str]:
    """Lowercased names, attributes, argument and keyword names among ``nodes``."""
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Name):
            out.add(node.id.lower())
        elif isinstance(node, ast.Attribute):
            out.add(node.attr.lower())
        elif isinstance(node, ast.arg):
            out.add(node.arg.lower())
        elif isinstance(node, ast.keyword):
            out.add((node.arg or "").lower())
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name.lower())
    return out


def strings(nodes: list[ast.AST]) -> list[str]:
    """String and bytes constants among ``nodes`` (bytes decoded as latin-1)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                out.append(node.value)
            elif isinstance(node.value, bytes):
                out.append(node.value.decode("latin-1"))
    return out


def param_names(func: FuncNode) -> list[str]:
    """Parameter names in order (``self``/``cls`` dropped)."""
    args = func.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return [n for n in names if n not in ("self", "cls")]
