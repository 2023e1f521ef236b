"""Which files the static rules read: test files, and the support files helpers live in."""

from __future__ import annotations

import configparser
import fnmatch
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

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
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel, pat + "/*"):
            return True
    return False


def _walk_py(top: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def find_test_files(root: Path, test_paths: Iterable[str], exclude: Iterable[str]) -> list[Path]:
    """Test files under ``test_paths`` (or the whole root), minus excluded globs."""
    patterns = tuple(exclude)
    tops = [root / p for p in test_paths] or [root]
    found: dict[Path, None] = {}
    for top in tops:
        if top.is_file():
            candidates: Iterable[Path] = [top]
        elif top.is_dir():
            candidates = _walk_py(top)
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


def _ini_value(path: Path, section: str) -> tuple[bool, Any]:
    """(file has the pytest section, value of xfail_strict or None)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return False, None
    if not parser.has_section(section):
        return False, None
    return True, parser.get(section, "xfail_strict", fallback=None)


def xfail_strict(root: Path) -> bool:
    """Whether the project's pytest config sets ``xfail_strict = true``.

    Follows pytest's order: pytest.ini, pyproject.toml, tox.ini, setup.cfg; the first file
    holding a pytest section is the config.
    """
    ini = root / "pytest.ini"
    if ini.is_file():
        return _truthy(_ini_value(ini, "pytest")[1] or False)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = {}
        tool = data.get("tool", {})
        table = tool.get("pytest") if isinstance(tool, dict) else None
        if isinstance(table, dict):
            options = table.get("ini_options")
            source = options if isinstance(options, dict) else table
            return _truthy(source.get("xfail_strict", False))
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        path = root / name
        if path.is_file():
            found, value = _ini_value(path, section)
            if found:
                return _truthy(value or False)
    return False
