"""Fixtures shared by every test area. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
#: Fixture projects audited by the tests (never collected as our own tests).
PROJECTS = TESTS / "projects"


def tree_digest(root: Path) -> str:
    """A content hash of everything under ``root``: every file's and directory's name and
    mode, and every file's bytes (an empty directory made there changes it too)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(oct(path.lstat().st_mode).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tree_writer() -> Callable[[Path, dict[str, str]], Path]:
    """:func:`write_tree` as a fixture, for test modules that cannot import this conftest."""
    return write_tree


@pytest.fixture
def projects_dir() -> Path:
    """The directory holding the fixture projects."""
    return PROJECTS


@pytest.fixture
def digest_tree() -> Callable[[Path], str]:
    """:func:`tree_digest` as a fixture, for test modules that cannot import this conftest."""
    return tree_digest
