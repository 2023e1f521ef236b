"""Digests of module-level code, for the incremental cache's keys.

A function's behaviour depends on more than its body: the constants of its module, class
attributes, decorators, default values, and what its module imports from the project.
A module's *skeleton* is its syntax tree with every function body left out (those are
keyed per function already): module and class statements, signatures, decorators,
imports. Comments and formatting are not in a syntax tree, so editing them changes no
digest. The digest of a set of modules covers their skeletons, their packages'
``__init__`` modules, and the project modules they import, followed transitively.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from pathlib import Path

from testvet.run.scope import Scope


class ModuleCode:
    """Skeleton digests of the project's modules, each read and parsed once."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        #: module name -> (digest of its skeleton, project modules it depends on)
        self._modules: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._paths: dict[str, Path | None] = {}
        self._digests: dict[frozenset[str], str] = {}

    def digest(self, modules: Iterable[str]) -> str:
        """Digest of the module-level code ``modules`` depend on (none: a constant)."""
        wanted = frozenset(modules)
        found = self._digests.get(wanted)
        if found is None:
            found = self._digests[wanted] = self._closure_digest(wanted)
        return found

    def _closure_digest(self, modules: frozenset[str]) -> str:
        seen: dict[str, str] = {}
        pending = list(modules)
        while pending:
            name = pending.pop()
            if name in seen or self.path(name) is None:
                continue
            skeleton, needs = self._module(name)
            seen[name] = skeleton
            pending.extend(needs)
        h = hashlib.sha256()
        for name in sorted(seen):
            h.update(f"{name}\0{seen[name]}\0".encode())
        return h.hexdigest()

    def _module(self, name: str) -> tuple[str, tuple[str, ...]]:
        found = self._modules.get(name)
        if found is None:
            path = self.path(name)
            assert path is not None
            found = _skeleton(path, name, self)
            self._modules[name] = found
        return found

    def path(self, name: str) -> Path | None:
        """The project file of module ``name``; None when it is not the project's."""
        if name in self._paths:
            return self._paths[name]
        found = None
        parts = name.split(".")
        for root in self.scope.import_roots:
            base = root.joinpath(*parts)
            for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
                if candidate.is_file() and self.scope.is_project(candidate):
                    found = candidate
                    break
            if found is not None:
                break
        self._paths[name] = found
        return found


def _skeleton(path: Path, name: str, code: ModuleCode) -> tuple[str, tuple[str, ...]]:
    try:
        source = path.read_bytes()
    except OSError:
        return "", ()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return hashlib.sha256(source).hexdigest(), _parents(name)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Pass()]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    needs = set(_parents(name))
    for node in ast.walk(tree):
        for imported in _imported(node, package):
            if code.path(imported) is not None:
                needs.add(imported)
    needs.discard(name)
    text = ast.dump(tree, annotate_fields=False, include_attributes=False)
    return hashlib.sha256(text.encode()).hexdigest(), tuple(sorted(needs))


def _parents(name: str) -> tuple[str, ...]:
    """The packages whose ``__init__`` runs before module ``name``."""
    parts = name.split(".")
    return tuple(".".join(parts[:i]) for i in range(1, len(parts)))


def _imported(node: ast.AST, package: str) -> list[str]:
    """Module names an import statement may load (a name imported from a package may be
    a submodule: both are listed, and only project files count)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = package.split(".") if package else []
        if node.level > 1:
            anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, *([base] if base else [])])
    if not base:
        return []
    return [base, *(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")]
