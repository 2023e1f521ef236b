"""The project's pytest configuration, from the file pytest 9 itself would read.

pytest's order: ``pytest.toml``, ``.pytest.toml`` (a ``[pytest]`` table, TOML types),
``pytest.ini``, ``.pytest.ini`` (each wins even when empty), ``pyproject.toml`` when it
has ``[tool.pytest.ini_options]`` (ini-style values) or ``[tool.pytest]`` (TOML types),
then ``tox.ini`` ``[pytest]`` and ``setup.cfg`` ``[tool:pytest]``. Only the root is
looked at: testvet audits from the project's root.
"""

from __future__ import annotations

import configparser
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def _toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return data


def _ini(path: Path, section: str) -> dict[str, Any] | None:
    """The ``section`` of an ini file; None when it has none (or cannot be read)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    if not parser.has_section(section):
        return None
    return dict(parser.items(section))


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any] | None:
    for key in keys:
        value = data.get(key) if isinstance(data, Mapping) else None
        if not isinstance(value, Mapping):
            return None
        data = value
    return dict(data)


def options(root: Path, pyproject: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The pytest options of the project at ``root`` (empty when it configures none).
    ``pyproject``: its ``pyproject.toml`` already read, if it was."""
    for name in ("pytest.toml", ".pytest.toml"):
        path = root / name
        if path.is_file():
            return _table(_toml(path), "pytest") or {}
    for name in ("pytest.ini", ".pytest.ini"):
        path = root / name
        if path.is_file():
            return _ini(path, "pytest") or {}
    if pyproject is None:
        path = root / "pyproject.toml"
        pyproject = _toml(path) if path.is_file() else {}
    ini_style = _table(pyproject, "tool", "pytest", "ini_options")
    if ini_style is not None:
        return ini_style
    native = _table(pyproject, "tool", "pytest")
    if native is not None:
        return native
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        path = root / name
        if path.is_file():
            found = _ini(path, section)
            if found is not None:
                return found
    return {}


def words(value: Any) -> tuple[str, ...] | None:
    """An option that holds arguments (``testpaths``, ``addopts``) as words: ini text is
    split as pytest splits it, a TOML list taken as it is; None when unset or not text."""
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value))
        except ValueError:  # an unclosed quote: pytest would fail on it too
            return tuple(value.split())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None
