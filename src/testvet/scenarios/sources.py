"""Which files are project code and which are tests, parsed once (read-only, no cache)."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from testvet.globs import matches
from testvet.model import Audit

#: Directories never walked: virtualenvs, caches, build output, VCS data.
_SKIP_DIRS = frozenset(
    {
        "venv",
        "env",
        "site-packages",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        "htmlcov",
    }
)
#: Directories that hold no project code when we have to guess.
_NON_SOURCE_DIRS = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "bench"}
)


@dataclass(frozen=True)
class SourceFile:
    """One parsed Python file of the audited project."""

    #: Path relative to the project root, ``/`` separators.
    path: str
    #: Dotted module name (for project code) or the file's stem (tests).
    module: str
    tree: ast.Module
    text: str


def _walk(root: Path, start: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(start):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and d not in _SKIP_DIRS and not d.endswith(".egg-info")
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _parse(root: Path, rel: str, module: str) -> SourceFile | None:
    try:
        text = (root / rel).read_text(encoding="utf-8")
        tree = ast.parse(text, filename=rel)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    return SourceFile(rel, module, tree, text)


def excluded(rel: str, globs: tuple[str, ...]) -> bool:
    """Whether ``rel`` matches one of the configured ``exclude`` globs."""
    return any(matches(glob, rel) for glob in globs)


def is_test_file(rel: str) -> bool:
    """pytest's default test file names, plus ``conftest.py``."""
    name = rel.rsplit("/", 1)[-1]
    return (
        name == "conftest.py"
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
    )


def _module_name(rel: str, roots: tuple[str, ...]) -> str:
    for root in sorted(roots, key=len, reverse=True):
        prefix = "" if root in (".", "") else root.rstrip("/") + "/"
        if rel.startswith(prefix):
            rel = rel[len(prefix) :]
            break
    parts = rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or rel


def _guess_roots(root: Path) -> tuple[str, ...]:
    return ("src",) if (root / "src").is_dir() else (".",)


def source_files(audit: Audit) -> tuple[SourceFile, ...]:
    """The project's own modules: the inventory's, else a walk of the source roots."""
    root = audit.project.root
    out: list[SourceFile] = []
    if audit.inventory.modules:
        for mod in audit.inventory.modules:
            parsed = _parse(root, mod.path, mod.name)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)
    roots = tuple(audit.config.src) or audit.project.source_roots
    if roots == (".",):
        roots = _guess_roots(root)
    test_dirs = {p.strip("/") for p in (*audit.project.test_paths, *audit.config.tests)}
    seen: set[str] = set()
    for src in roots:
        start = (root / src).resolve()
        if not start.is_dir():
            continue
        for path in _walk(root, start):
            rel = _rel(root, path)
            top = rel.split("/", 1)[0]
            inner = rel.split("/")[1:-1] if src not in (".", "") else rel.split("/")[:-1]
            if rel in seen or is_test_file(rel) or top in test_dirs:
                continue
            if excluded(rel, audit.config.exclude):
                continue
            if any(part in _NON_SOURCE_DIRS for part in inner):
                continue
            if src in (".", "") and ("/" not in rel and rel in ("setup.py", "noxfile.py")):
                continue
            seen.add(rel)
            parsed = _parse(root, rel, _module_name(rel, roots))
            if parsed is not None:
                out.append(parsed)
    return tuple(out)


def test_files(audit: Audit) -> tuple[SourceFile, ...]:
    """Test modules and conftest files: the inventory's, plus a walk of the test paths."""
    root = audit.project.root
    rels: set[str] = {t.path for t in audit.inventory.tests} | {
        f.path for f in audit.inventory.files
    }
    # pytest's own collection (the inventory) is authoritative; walk only without it.
    starts = () if rels else (tuple(audit.config.tests) or audit.project.test_paths)
    if not starts and not rels:
        starts = tuple(d for d in ("tests", "test", "testing") if (root / d).is_dir()) or (".",)
    for start in starts:
        base = root / start
        if base.is_file():
            rels.add(_rel(root, base.resolve()))
            continue
        if not base.is_dir():
            continue
        for path in _walk(root, base.resolve()):
            rel = _rel(root, path)
            if is_test_file(rel):
                rels.add(rel)
    # conftest.py files above the test directories hold fixtures too.
    for rel in list(rels):
        parts = rel.split("/")[:-1]
        for depth in range(len(parts) + 1):
            candidate = "/".join([*parts[:depth], "conftest.py"])
            if (root / candidate).is_file():
                rels.add(candidate)
    out = []
    for rel in sorted(rels):
        if excluded(rel, audit.config.exclude):
            continue
        parsed = _parse(root, rel, rel[: -len(".py")].replace("/", "."))
        if parsed is not None:
            out.append(parsed)
    return tuple(out)
