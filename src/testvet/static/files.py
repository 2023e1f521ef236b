"""Which files the static rules read: test files, and the support files helpers live in."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from testvet import globs, pytestconfig

#: Directory names never descended into.
SKIP_DIRS = frozenset(
    {
        ".venv",
        "venv",
        ".git",
        ".hg",
        "node_modules",
        "build",
        "dist",
        ".tox",
        ".nox",
        "site-packages",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".testvet",
        ".eggs",
    }
)


def is_test_file(name: str) -> bool:
    """pytest's default ``python_files``: ``test_*.py`` and ``*_test.py``."""
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def excluded(rel: str, patterns: Iterable[str]) -> bool:
    """True when ``rel`` matches one of the ``exclude`` globs (or lies under a matched dir)."""
    return any(globs.matches(pattern, rel) for pattern in patterns)


def _walk_py(top: Path, root: Path, norecurse: tuple[str, ...] = ()) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS
            and not d.startswith(".")
            and not d.endswith(".egg-info")
            and not _norecurse(Path(dirpath) / d, root, norecurse)
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def _norecurse(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    """pytest's ``norecursedirs``: basename globs, or path globs when they hold a ``/``."""
    rel = relpath(path, root)
    return any(fnmatch.fnmatch(rel if "/" in p else path.name, p.rstrip("/")) for p in patterns)


def find_test_files(
    root: Path, test_paths: Iterable[str], exclude: Iterable[str], norecurse: Iterable[str] = ()
) -> list[Path]:
    """Test files under ``test_paths`` (or the whole root), minus excluded globs and
    directories matching ``norecurse`` (pytest's ``norecursedirs`` patterns)."""
    patterns = tuple(exclude)
    skip_dirs = tuple(norecurse)
    tops = [root / p for p in test_paths] or [root]
    found: dict[Path, None] = {}
    for top in tops:
        if top.is_file():
            candidates: Iterable[Path] = [top]
        elif top.is_dir():
            candidates = _walk_py(top, root, skip_dirs)
        else:
            continue
        for path in candidates:
            if is_test_file(path.name) and not excluded(relpath(path, root), patterns):
                found[path] = None
    return list(found)


def conftests_for(path: Path, root: Path) -> list[Path]:
    """``conftest.py`` files that apply to ``path``: its directory and its ancestors in root."""
    out: list[Path] = []
    current = path.parent
    while True:
        candidate = current / "conftest.py"
        if candidate.is_file():
            out.append(candidate)
        if current == root or root not in current.parents:
            break
        current = current.parent
    return out


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


#: The ini keys that decide the default of ``xfail(strict=...)``, most specific first:
#: ``strict_xfail`` (pytest 9 name), ``xfail_strict`` (its alias), ``strict`` (pytest 9,
#: turns on every strictness option unless one is set on its own).
_STRICT_KEYS = ("strict_xfail", "xfail_strict", "strict")


def _strict(options: Mapping[str, Any]) -> bool:
    for key in _STRICT_KEYS:
        if key in options and options[key] is not None:
            return _truthy(options[key])
    return False


def pytest_options(root: Path) -> dict[str, Any]:
    """The project's pytest configuration (empty when it has none), from the file pytest
    itself reads; values as written (TOML types, ini text)."""
    return pytestconfig.options(root)


def xfail_strict(root: Path) -> bool:
    """Whether the project's pytest config makes ``xfail`` strict by default."""
    return _strict(pytest_options(root))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, str):
        return value.split()
    return []


def project_test_files(
    root: Path, test_paths: Iterable[str] = (), exclude: Iterable[str] = ()
) -> list[Path]:
    """Test files as pytest would find them: its ``testpaths`` and ``norecursedirs`` apply
    when ``test_paths`` is empty."""
    options = pytest_options(root)
    paths = list(test_paths) or _as_list(options.get("testpaths"))
    return find_test_files(root, paths, exclude, _as_list(options.get("norecursedirs")))
