"""What a test file imports, read from its AST (never by importing it).

``scan`` returns every imported dotted name (relative imports resolved against the
file's package); ``project_modules`` maps those names onto the project's modules, so
``from pkg import auth`` reaches ``pkg.auth`` and ``from pkg.auth import sign`` reaches
``pkg.auth`` too. ``src.pkg.auth`` (a test importing through the source root) counts
as ``pkg.auth``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FileFacts:
    """What the AST of one test file shows."""

    #: Imported dotted names; ``from a.b import c`` gives ``a.b.c`` (a module or a name in
    #: ``a.b``: :func:`project_modules` resolves it to the longest module prefix).
    imports: tuple[str, ...] = ()
    #: Names called as ``x.y(...)`` or ``y(...)`` (dotted as written).
    calls: frozenset[str] = frozenset()
    #: String constants (short ones), e.g. a script name passed to ``subprocess.run``.
    strings: frozenset[str] = frozenset()
    #: True when the file is not valid Python (pytest will report it).
    syntax_error: bool = False
    #: ``name`` / ``Class.name`` -> line of the ``def`` (decorators excluded).
    defs: Mapping[str, int] = field(default_factory=dict)


def _package_of(path: Path, root: Path) -> list[str]:
    """Dotted package of ``path`` by its ``__init__.py`` chain (empty for a rootless file)."""
    parts: list[str] = []
    directory = path.parent
    while directory != root.parent and (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        if directory == root:
            break
        directory = directory.parent
    return parts


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def scan(path: Path, root: Path) -> FileFacts:
    """Parse ``path`` and collect its imports, calls and short strings."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return FileFacts(syntax_error=True)
    package = _package_of(path, root)
    imports: list[str] = []
    calls: set[str] = set()
    strings: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if node.level - 1 > len(package):
                    continue
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                if alias.name == "*":
                    imports.append(base)
                else:
                    imports.append(f"{base}.{alias.name}" if base else alias.name)
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name:
                calls.add(name)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= 80
        ):
            strings.add(node.value)
    return FileFacts(
        imports=tuple(dict.fromkeys(imports)),
        calls=frozenset(calls),
        strings=frozenset(strings),
        defs=_defs(tree),
    )


def _defs(tree: ast.Module) -> dict[str, int]:
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    out: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, functions):
            out[node.name] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, functions):
                    out[f"{node.name}.{member.name}"] = member.lineno
    return out


_TEST_PARTS = frozenset({"tests", "test", "conftest", "testing"})


def _longest_module(name: str, modules: Collection[str]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def project_modules(
    imported: Iterable[str], modules: Collection[str], source_roots: Iterable[str] = ()
) -> tuple[str, ...]:
    """The project modules (sorted, unique) that ``imported`` names reach."""
    prefixes = tuple(f"{r.replace('/', '.')}." for r in source_roots if r not in (".", ""))
    found: set[str] = set()
    for name in imported:
        for prefix in prefixes:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        if any(part in _TEST_PARTS or part.startswith("test_") for part in name.split(".")):
            continue  # test helpers inside a package are not the code under test
        module = _longest_module(name, modules)
        if module:
            found.add(module)
    return tuple(sorted(found))
