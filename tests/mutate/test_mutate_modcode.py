"""Digests of module-level code (the cache keys' part for constants, class attributes,
defaults and imports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testvet.mutate.modcode import ModuleCode
from testvet.run.scope import Scope

SETTINGS = "LIMIT = 3\n"
CORE = '''"""Core."""
from .settings import LIMIT
import json  # not the project's


class Box:
    size = 2

    def fits(self, n: int = 1) -> bool:
        return n <= LIMIT * self.size


def clamp(n):
    return min(n, LIMIT)
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    pkg = tmp_path / "src" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(SETTINGS)
    (pkg / "core.py").write_text(CORE)
    (pkg / "alone.py").write_text("def other():\n    return 1\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_core.py").write_text("from pkg.core import clamp\n")
    return tmp_path


def _digest(root: Path, *modules: str) -> str:
    src = root / "src"
    scope = Scope(
        root=root,
        project_paths=(src,),
        exclude_paths=(root / "tests",),
        import_roots=(src,),
        test_args=("tests",),
        test_paths=(root / "tests",),
        test_dirs=(root / "tests",),
    )
    return ModuleCode(scope).digest(modules)


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "src" / "pkg" / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("core.py", "    size = 2", "    size = 3"),  # a class attribute
        ("core.py", "n: int = 1", "n: int = 0"),  # a default value
        ("core.py", "import json  #", "import json as js  #"),  # an import
        ("settings.py", "LIMIT = 3", "LIMIT = 4"),  # a constant imported from the project
        ("__init__.py", "", "DEBUG = True\n"),  # the package's own module-level code
    ],
)
def test_module_level_edits_change_the_digest(project: Path, rel: str, old: str, new: str) -> None:
    before = _digest(project, "pkg.core")
    _edit(project, rel, old, new)
    assert _digest(project, "pkg.core") != before


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("core.py", "return min(n, LIMIT)", "return max(n, LIMIT)"),  # a function body
        ("core.py", "return n <= LIMIT", "return n < LIMIT"),  # a method body
        ("core.py", "# not the project's", "# stdlib"),  # a comment
        ("alone.py", "def other", "X = 1\n\n\ndef other"),  # a module nobody imports
    ],
)
def test_edits_elsewhere_leave_the_digest(project: Path, rel: str, old: str, new: str) -> None:
    before = _digest(project, "pkg.core")
    _edit(project, rel, old, new)
    assert _digest(project, "pkg.core") == before


def test_plain_and_relative_imports_of_project_modules_are_followed(project: Path) -> None:
    _edit(project, "core.py", "from .settings import LIMIT", "from . import settings")
    before = _digest(project, "pkg.core")
    _edit(project, "settings.py", "LIMIT = 3", "LIMIT = 5")
    after = _digest(project, "pkg.core")
    _edit(project, "core.py", "from . import settings", "import pkg.settings")
    _edit(project, "settings.py", "LIMIT = 5", "LIMIT = 6")
    assert len({before, after, _digest(project, "pkg.core")}) == 3


def test_modules_that_import_each_other_are_each_read_once(project: Path) -> None:
    _edit(project, "settings.py", "LIMIT = 3", "from .core import Box\nLIMIT = 3")
    before = _digest(project, "pkg.core")
    assert _digest(project, "pkg.settings") == before  # the same closure either way
    _edit(project, "settings.py", "LIMIT = 3", "LIMIT = 7")
    assert _digest(project, "pkg.core") != before


def test_a_module_that_does_not_parse_is_keyed_by_its_bytes(project: Path) -> None:
    _edit(project, "settings.py", "LIMIT = 3", "LIMIT = (")
    before = _digest(project, "pkg.settings")
    _edit(project, "settings.py", "LIMIT = (", "LIMIT = ((")
    assert _digest(project, "pkg.settings") != before


def test_modules_outside_the_project_count_for_nothing(project: Path) -> None:
    assert _digest(project, "json") == _digest(project)
    assert _digest(project, "pkg.core") != _digest(project)


def test_imports_from_a_parent_package_are_followed(project: Path) -> None:
    sub = project / "src" / "pkg" / "sub"
    sub.mkdir()
    (sub / "__init__.py").write_text("")
    (sub / "deep.py").write_text("from ..settings import LIMIT\n")
    before = _digest(project, "pkg.sub.deep")
    _edit(project, "settings.py", "LIMIT = 3", "LIMIT = 8")
    assert _digest(project, "pkg.sub.deep") != before
