"""The static stage over small projects on disk: file discovery, config, inventory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from testvet.core import AuditOptions, StageContext, start
from testvet.model import Inventory, TestFile, TestItem, TestKind
from testvet.static import stage
from testvet.static.files import find_test_files, xfail_strict

EMPTY_TEST = "def test_nothing():\n    pass\n"
GOOD_TEST = "def test_one():\n    assert 1 + 1 == 2\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _run(root: Path, tmp_path: Path, inventory: Inventory | None = None) -> list[tuple[str, str]]:
    options = AuditOptions(path=root, output_dir=tmp_path / "out", static_only=True)
    audit = start(options)
    if inventory is not None:
        audit = replace(audit, inventory=inventory)
    audit = stage.run(audit, StageContext(options))
    return sorted((f.path, f.code) for f in audit.findings)


def test_stage_finds_tests_on_disk_and_writes_nothing(
    tmp_path: Path, digest_tree: Callable[[Path], str]
) -> None:
    root = tmp_path / "project"
    _write(
        root,
        {
            "pkg/__init__.py": "",
            "tests/test_a.py": EMPTY_TEST,
            "tests/unit/b_test.py": EMPTY_TEST,
            "tests/test_good.py": GOOD_TEST,
            "tests/helpers.py": EMPTY_TEST,
            ".venv/lib/test_venv.py": EMPTY_TEST,
            "node_modules/x/test_js.py": EMPTY_TEST,
            "build/lib/test_built.py": EMPTY_TEST,
        },
    )
    before = digest_tree(root)
    assert _run(root, tmp_path) == [
        ("tests/test_a.py", "TV101"),
        ("tests/unit/b_test.py", "TV101"),
    ]
    assert digest_tree(root) == before


def test_stage_honours_exclude_and_tests_config(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(
        root,
        {
            "pyproject.toml": '[tool.testvet]\ntests = ["tests"]\nexclude = ["tests/legacy"]\n',
            "tests/test_a.py": EMPTY_TEST,
            "tests/legacy/test_old.py": EMPTY_TEST,
            "other/test_elsewhere.py": EMPTY_TEST,
        },
    )
    assert _run(root, tmp_path) == [("tests/test_a.py", "TV101")]


def test_stage_reads_the_inventory_files_when_discovery_filled_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(root, {"tests/test_a.py": EMPTY_TEST, "tests/test_b.py": EMPTY_TEST})
    inventory = Inventory(files=(TestFile("tests/test_b.py", TestKind.UNIT, 1),))
    assert _run(root, tmp_path, inventory) == [("tests/test_b.py", "TV101")]


def test_unparseable_file_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(root, {"tests/test_broken.py": "def test_x(:\n", "tests/test_a.py": EMPTY_TEST})
    assert _run(root, tmp_path) == [("tests/test_a.py", "TV101")]


def test_finding_fields(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(root, {"tests/test_a.py": "class TestA:\n    def test_x(self):\n        1 == 2\n"})
    options = AuditOptions(path=root, output_dir=tmp_path / "out")
    (finding,) = stage.run(start(options), StageContext(options)).findings
    assert (finding.code, finding.category.value, finding.severity.value) == (
        "TV108",
        "cannot-fail",
        "high",
    )
    assert (finding.path, finding.line, finding.end_line) == ("tests/test_a.py", 3, 3)
    assert finding.test == "tests/test_a.py::TestA::test_x"
    assert finding.snippet == "1 == 2"
    assert (finding.hint or "").startswith("Put `assert`")
    assert "`1 == 2`" in finding.message


@pytest.mark.parametrize(
    ("name", "text", "strict"),
    [
        ("pyproject.toml", "[tool.pytest.ini_options]\nxfail_strict = true\n", True),
        ("pyproject.toml", "[tool.pytest.ini_options]\nxfail_strict = false\n", False),
        ("pyproject.toml", "[tool.pytest]\nxfail_strict = true\n", True),
        ("pytest.ini", "[pytest]\nxfail_strict = True\n", True),
        ("pytest.ini", "[pytest]\naddopts = -ra\n", False),
        ("tox.ini", "[pytest]\nxfail_strict = 1\n", True),
        ("setup.cfg", "[tool:pytest]\nxfail_strict = true\n", True),
        ("setup.cfg", "[metadata]\nname = x\n", False),
        ("pyproject.toml", "[tool.pytest.ini_options]\nstrict = true\n", True),
        ("pyproject.toml", "[tool.pytest]\nstrict = true\nstrict_xfail = false\n", False),
        ("pytest.ini", "[pytest]\nstrict_xfail = true\n", True),
    ],
)
def test_xfail_strict_from_pytest_config(
    tmp_path: Path, name: str, text: str, strict: bool
) -> None:
    (tmp_path / name).write_text(text)
    assert xfail_strict(tmp_path) is strict


def test_pytest_ini_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\nxfail_strict = true\n")
    assert xfail_strict(tmp_path) is False


def test_find_test_files_naming(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "tests/test_a.py": "",
            "tests/a_test.py": "",
            "tests/conftest.py": "",
            "tests/testing.py": "",
            "tests/test_data.txt": "",
        },
    )
    found = sorted(p.relative_to(tmp_path).as_posix() for p in find_test_files(tmp_path, [], []))
    assert found == ["tests/a_test.py", "tests/test_a.py"]


def test_hostile_files_do_not_stop_the_stage(tmp_path: Path) -> None:
    root = tmp_path / "project"
    deep = " + ".join(["1"] * 900)  # parses, but nests 900 levels deep
    too_deep = " + ".join(["1"] * 3000)  # Python itself cannot parse this one
    _write(
        root,
        {
            "tests/test_deep.py": f"def test_big():\n    x == {deep}\n\n\n" + EMPTY_TEST,
            "tests/test_too_deep.py": f"def test_big():\n    x = {too_deep}\n",
            "tests/test_a.py": EMPTY_TEST,
        },
    )
    (root / "tests" / "test_binary.py").write_bytes(b"\xff\xfe\x00def test_x():\n")
    found = _run(root, tmp_path)
    assert ("tests/test_a.py", "TV101") in found
    assert ("tests/test_deep.py", "TV101") in found
    assert not any(path in ("tests/test_too_deep.py", "tests/test_binary.py") for path, _ in found)


def test_custom_named_tests_from_the_inventory_are_read(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(
        root,
        {
            "tests/test_a.py": "def check_empty():\n    pass\n\n\n"
            "class CheckSuite:\n    def check_method(self):\n        pass\n\n\n"
            "def helper():\n    pass\n"
        },
    )
    inventory = Inventory(
        tests=(
            TestItem("tests/test_a.py::check_empty", "tests/test_a.py", "check_empty"),
            TestItem(
                "tests/test_a.py::CheckSuite::check_method",
                "tests/test_a.py",
                "check_method",
                cls="CheckSuite",
            ),
        ),
        files=(TestFile("tests/test_a.py", TestKind.UNIT, 2),),
    )
    options = AuditOptions(path=root, output_dir=tmp_path / "out")
    audit = replace(start(options), inventory=inventory)
    found = stage.run(audit, StageContext(options)).findings
    assert sorted((f.code, f.test) for f in found) == [
        ("TV101", "tests/test_a.py::CheckSuite::check_method"),
        ("TV101", "tests/test_a.py::check_empty"),
    ]


def test_fallback_follows_pytest_testpaths_and_norecursedirs(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _write(
        root,
        {
            "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['testing']\n"
            "norecursedirs = ['testing/example_scripts', 'fixtures*']\n",
            "testing/test_a.py": EMPTY_TEST,
            "testing/example_scripts/test_sample.py": EMPTY_TEST,
            "testing/sub/fixtures_data/test_data.py": EMPTY_TEST,
            "other/test_b.py": EMPTY_TEST,
        },
    )
    assert _run(root, tmp_path) == [("testing/test_a.py", "TV101")]


def test_doctest_modules_make_no_module_a_test_file(tmp_path: Path) -> None:
    """intervaltree: under ``--doctest-modules`` pytest collects every module, but only
    for its doctests; a ``test_*`` helper in a module that is no test file by name was
    judged a test (a false TV106) and counted as a test file."""
    from testvet.core import run_audit

    root = tmp_path / "project"
    returns = "from pkg.core import double\n\n\ndef test_build():\n    return double(2)\n"
    _write(
        root,
        {
            "pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["--doctest-modules"]\n',
            "pkg/__init__.py": "",
            "pkg/core.py": 'def double(x):\n    """\n    >>> double(2)\n    4\n    """\n'
            "    return 2 * x\n\n\ndef test_like():\n    return 1\n",
            "tests/helpers.py": returns,  # a benchmark's helper, never collected
            "tests/test_core.py": returns.replace("test_build", "test_returns"),
        },
    )
    audit = run_audit(AuditOptions(path=root, output_dir=tmp_path / "out", static_only=True))
    assert [(f.path, f.tests) for f in audit.inventory.files] == [
        ("pkg/core.py", 1),  # its doctest
        ("tests/test_core.py", 1),
    ]
    assert [(f.code, f.test) for f in audit.findings] == [
        ("TV106", "tests/test_core.py::test_returns")
    ]
