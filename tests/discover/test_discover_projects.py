"""The discover stage on real fixture projects, with a real pytest collection child."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from discover_helpers import PROJECTS, Discover, discover_project

from testvet.discover import stage
from testvet.errors import ConfigError
from testvet.model import Category, Severity, TestKind

# One worker runs these so that the session cache audits each fixture project once.
pytestmark = pytest.mark.xdist_group("discover-projects")


def by_id(audit, nodeid):
    return next(t for t in audit.inventory.tests if t.nodeid == nodeid)


def by_code(audit, code):
    return [f for f in audit.findings if f.code == code]


def test_src_layout_project(discovered: Discover) -> None:
    audit = discovered("disc_src")
    project = audit.project
    assert project.name == "disc-src"
    assert project.source_roots == ("src",)
    assert project.packages == ("ledger",)
    assert project.test_paths == ("tests",)
    assert project.pyproject == "pyproject.toml"
    assert project.python == sys.executable or Path(project.python).exists()
    assert [m.name for m in audit.inventory.modules] == [
        "ledger",
        "ledger.cli",
        "ledger.io",
        "ledger.io.codec",
        "ledger.store",
    ]
    assert {m.name: m.path for m in audit.inventory.modules}["ledger.io"] == (
        "src/ledger/io/__init__.py"
    )
    assert audit.inventory.collected_with == "pytest"
    assert audit.findings == ()


def test_parametrized_items_keep_their_ids(discovered: Discover) -> None:
    audit = discovered("disc_src")
    params = [t for t in audit.inventory.tests if t.function == "test_balance"]
    assert [t.params for t in params] == ["entries0-0", "entries1-3", "entries2-0"]
    assert params[0].nodeid == "tests/test_store.py::test_balance[entries0-0]"
    assert all(t.path == "tests/test_store.py" and t.line == 10 for t in params)
    assert all(t.markers == () for t in params)  # parametrize is not a marker here


def test_classes_unittest_and_markers(discovered: Discover) -> None:
    audit = discovered("disc_src")
    method = by_id(audit, "tests/test_store.py::TestCodec::test_encode_text")
    assert (method.cls, method.function, method.markers, method.unittest) == (
        "TestCodec",
        "test_encode_text",
        ("slow",),
        False,
    )
    case = by_id(audit, "tests/test_store.py::StoreCase::test_negative")
    assert (case.cls, case.unittest, case.params) == ("StoreCase", True, None)


def test_kinds_from_markers_paths_and_what_files_touch(discovered: Discover) -> None:
    audit = discovered("disc_src")
    kinds = {t.nodeid: t.kind for t in audit.inventory.tests}
    assert kinds["tests/test_marked.py::test_marked_end_to_end"] is TestKind.E2E  # marker
    assert kinds["tests/integration/test_db.py::test_sum_from_sqlite"] is TestKind.INTEGRATION
    assert kinds["tests/test_cli.py::test_cli_prints_balance"] is TestKind.E2E  # runs -m ledger
    assert kinds["tests/test_store.py::TestCodec::test_encode_text"] is TestKind.INTEGRATION
    assert kinds["tests/test_store.py::TestCodec::test_encode_int"] is TestKind.UNIT


def test_files_map_to_the_project_modules_they_import(discovered: Discover) -> None:
    files = {f.path: f for f in discovered("disc_src").inventory.files}
    assert set(files) == {
        "tests/integration/test_db.py",
        "tests/test_cli.py",
        "tests/test_marked.py",
        "tests/test_store.py",
    }
    store = files["tests/test_store.py"]
    assert (store.tests, store.kind, store.imports) == (
        6,
        TestKind.UNIT,
        ("ledger.io.codec", "ledger.store"),
    )
    assert files["tests/integration/test_db.py"].imports == ("ledger.store",)
    assert files["tests/test_cli.py"].imports == ()


def test_flat_layout_with_pytest_ini(discovered: Discover) -> None:
    audit = discovered("disc_flat")
    assert audit.project.name == "disc_flat"  # no pyproject: the directory name
    assert audit.project.pyproject is None
    assert (audit.project.source_roots, audit.project.packages) == ((".",), ("pkgflat",))
    assert [t.nodeid for t in audit.inventory.tests] == ["tests/test_util.py::test_double"]
    assert [m.name for m in audit.inventory.modules] == ["pkgflat", "pkgflat.util"]
    assert audit.inventory.files[0].imports == ("pkgflat.util",)


def test_tests_inside_the_package(discovered: Discover) -> None:
    audit = discovered("disc_inpkg")
    assert audit.project.test_paths == (".",)
    assert [t.nodeid for t in audit.inventory.tests] == ["inpkg/tests/test_core.py::test_triple"]
    # The tests package is test code, not a project module; the relative import resolves.
    assert [m.name for m in audit.inventory.modules] == ["inpkg", "inpkg.core"]
    assert audit.inventory.files[0].imports == ("inpkg.core",)


def test_collection_errors_become_findings_with_hints(discovered: Discover) -> None:
    audit = discovered("disc_broken")
    assert [t.nodeid for t in audit.inventory.tests] == ["tests/test_good.py::test_arithmetic"]
    assert all(f.category is Category.COLLECTION_ERROR for f in audit.findings)
    assert all(f.severity is Severity.HIGH for f in audit.findings)
    files = {f.path: f for f in by_code(audit, "TV201")}
    assert set(files) == {
        "tests/test_missing_dep.py",
        "tests/test_pkg_import.py",
        "tests/test_src_import.py",
    }
    src = files["tests/test_src_import.py"]
    assert src.line == 1
    assert "No module named 'brk'" in src.message
    assert "`src.brk.api.handler`" in src.hint
    assert 'pythonpath = ["src"]' in src.hint
    pkg = files["tests/test_pkg_import.py"]
    assert "package `brk` is not importable" in pkg.hint
    assert "pip install -e ." in pkg.hint
    dep = files["tests/test_missing_dep.py"]
    assert dep.message.endswith("No module named 'nonexistent_dependency_xyz'")
    assert "`nonexistent_dependency_xyz` is not installed" in dep.hint
    assert "--python" in dep.hint


def test_a_raising_conftest_names_the_conftest_and_line(discovered: Discover) -> None:
    audit = discovered("disc_broken")
    (conftest,) = by_code(audit, "TV202")
    assert (conftest.path, conftest.line) == ("tests/sub/conftest.py", 3)
    assert "KeyError: 'BRK_DATABASE_URL_THAT_IS_NOT_SET'" in conftest.message
    assert "no test under tests/sub" in conftest.message
    files = {f.path: f.tests for f in audit.inventory.files}
    assert files["tests/sub/test_sub.py"] == 0  # listed, but nothing collected from it


def test_a_root_conftest_error_falls_back_to_the_ast(discovered: Discover) -> None:
    audit = discovered("disc_rootconftest")
    (finding,) = audit.findings
    assert (finding.code, finding.path, finding.line) == ("TV202", "conftest.py", 4)
    assert "RuntimeError: conftest refuses to load" in finding.message
    assert audit.inventory.collected_with == "ast"
    assert [t.nodeid for t in audit.inventory.tests] == [
        "tests/test_one.py::test_positive",
        "tests/test_one.py::TestGroup::test_member",
    ]


def test_a_child_that_dies_is_a_finding(discovered: Discover) -> None:
    audit = discovered("disc_crash")
    (finding,) = audit.findings
    assert finding.code == "TV205"
    assert "exit status 3" in finding.message
    assert [t.nodeid for t in audit.inventory.tests] == ["tests/test_x.py::test_x"]


def test_a_segfault_at_import_names_the_file(discovered: Discover) -> None:
    audit = discovered("disc_segv")
    (finding,) = audit.findings
    assert (finding.code, finding.path) == ("TV205", "tests/test_segv.py")
    assert "killed by SIGSEGV while importing tests/test_segv.py" in finding.message
    assert len(audit.inventory.tests) == 2


def test_the_stage_reports_a_hang_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(stage.TIMEOUT_ENV, "2")
    audit = discover_project(PROJECTS / "disc_hang", tmp_path)
    (finding,) = audit.findings
    assert (finding.code, finding.path) == ("TV204", "tests/test_hang.py")
    assert "it was importing tests/test_hang.py" in finding.message
    assert audit.inventory.collected_with == "ast"
    assert len(audit.inventory.tests) == 2


def test_an_interpreter_without_pytest_gives_an_ast_inventory(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    audit = discover_project(PROJECTS / "disc_src", tmp_path / "out", python=str(python))
    (finding,) = audit.findings
    assert finding.code == "TV203"
    assert str(python) in finding.message
    assert audit.inventory.collected_with == "ast"
    # One item per function: parametrization cannot be expanded without pytest.
    assert "tests/test_store.py::test_balance" in {t.nodeid for t in audit.inventory.tests}
    assert by_id(audit, "tests/test_store.py::StoreCase::test_negative").unittest is True


def test_collection_writes_nothing_into_the_project(
    tmp_path: Path, digest_tree: Callable[[Path], str]
) -> None:
    project = tmp_path / "proj"
    shutil.copytree(PROJECTS / "disc_src", project)
    before = digest_tree(project)
    audit = discover_project(project, tmp_path / "out")
    assert len(audit.inventory.tests) == 9
    assert digest_tree(project) == before
    assert (tmp_path / "out" / "discover" / "collection.json").is_file()


def test_a_configured_test_path_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.testvet]\ntests = ["qa"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool.testvet\] tests: 'qa' does not exist"):
        discover_project(tmp_path, tmp_path / "out")
