"""Static import mapping of test files to project modules."""

from __future__ import annotations

from pathlib import Path

from testvet.discover.imports import project_modules, scan

MODULES = {"pkg", "pkg.auth", "pkg.auth.tokens", "pkg.store"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_absolute_imports_resolve_to_the_longest_module(tmp_path: Path) -> None:
    test = write(
        tmp_path / "tests/test_a.py",
        "import os\nimport pkg.auth.tokens\nfrom pkg.store import Store, open_store\n"
        "def test_x():\n    from pkg import auth\n",
    )
    facts = scan(test, tmp_path)
    assert "pkg.store.Store" in facts.imports
    assert "os" in facts.imports
    assert project_modules(facts.imports, MODULES) == ("pkg.auth", "pkg.auth.tokens", "pkg.store")


def test_a_name_from_the_package_maps_to_the_package(tmp_path: Path) -> None:
    test = write(tmp_path / "tests/test_b.py", "from pkg import VERSION\n")
    assert project_modules(scan(test, tmp_path).imports, MODULES) == ("pkg",)


def test_relative_imports_resolve_against_the_file_package(tmp_path: Path) -> None:
    write(tmp_path / "pkg/__init__.py", "")
    write(tmp_path / "pkg/tests/__init__.py", "")
    test = write(
        tmp_path / "pkg/tests/test_c.py",
        "from ..auth import tokens\nfrom .. import store\nfrom . import helpers\n"
        "from .... import too_far\n",
    )
    facts = scan(test, tmp_path)
    assert "pkg.tests.helpers" in facts.imports
    assert not any("too_far" in name for name in facts.imports)
    assert project_modules(facts.imports, MODULES) == ("pkg.auth.tokens", "pkg.store")


def test_imports_through_the_source_root_count_as_the_module(tmp_path: Path) -> None:
    test = write(tmp_path / "tests/test_d.py", "from src.pkg.auth import tokens\n")
    imported = scan(test, tmp_path).imports
    assert project_modules(imported, MODULES, ["src"]) == ("pkg.auth.tokens",)
    assert project_modules(imported, MODULES, ["."]) == ()


def test_calls_strings_and_def_lines(tmp_path: Path) -> None:
    test = write(
        tmp_path / "tests/test_e.py",
        "import subprocess\n\n@deco\ndef test_run():\n    subprocess.run(['tool', '-v'])\n\n"
        "class TestX:\n    @deco\n    def test_m(self):\n        pass\n",
    )
    facts = scan(test, tmp_path)
    assert "subprocess.run" in facts.calls
    assert {"tool", "-v"} <= facts.strings
    assert dict(facts.defs) == {"test_run": 4, "TestX.test_m": 9}


def test_a_file_that_does_not_parse_has_no_imports(tmp_path: Path) -> None:
    facts = scan(write(tmp_path / "tests/test_f.py", "def broken(:\n"), tmp_path)
    assert facts.syntax_error is True
    assert facts.imports == ()
