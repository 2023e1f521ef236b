"""Project layout rules on small trees built in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from discover_helpers import TreeWriter

from testvet import config
from testvet.discover import layout


def test_name_from_project_then_poetry_then_directory(tmp_path: Path) -> None:
    assert layout.project_name(tmp_path, {"project": {"name": "alpha"}}) == "alpha"
    poetry = {"tool": {"poetry": {"name": "beta"}}}
    assert layout.project_name(tmp_path, poetry) == "beta"
    assert layout.project_name(tmp_path, {}) == tmp_path.name


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pytest.ini": "[pytest]\ntestpaths = spec checks\n"}, ("spec", "checks")),
        (
            {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["checks"]\n'},
            ("checks",),
        ),
        # pytest 9: native TOML in [tool.pytest], pytest.toml and .pytest.toml
        ({"pyproject.toml": '[tool.pytest]\ntestpaths = ["checks"]\n'}, ("checks",)),
        ({"pytest.toml": '[pytest]\ntestpaths = ["spec"]\n'}, ("spec",)),
        ({".pytest.toml": '[pytest]\ntestpaths = ["spec"]\n'}, ("spec",)),
        ({".pytest.ini": "[pytest]\ntestpaths = checks\n"}, ("checks",)),
        ({"tox.ini": "[pytest]\ntestpaths = checks\n"}, ("checks",)),
        ({"setup.cfg": "[tool:pytest]\ntestpaths =\n    checks\n"}, ("checks",)),
        ({}, ("tests",)),
    ],
)
def test_testpaths_follow_pytest_config(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, ...], tree_writer: TreeWriter
) -> None:
    tree_writer(
        tmp_path, {**files, "spec/test_a.py": "", "checks/test_b.py": "", "tests/test_c.py": ""}
    )
    pyproject = layout.read_pyproject(tmp_path)
    assert layout.test_paths(tmp_path, (), pyproject, ()) == expected


def test_pytest_ini_wins_over_pyproject(tmp_path: Path, tree_writer: TreeWriter) -> None:
    tree_writer(
        tmp_path,
        {
            "pytest.ini": "[pytest]\ntestpaths = spec\n",
            "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["checks"]\n',
            "spec/test_a.py": "",
            "checks/test_b.py": "",
        },
    )
    assert layout.test_paths(tmp_path, (), layout.read_pyproject(tmp_path), ()) == ("spec",)


def test_pytest_toml_wins_over_every_other_file(tmp_path: Path, tree_writer: TreeWriter) -> None:
    tree_writer(
        tmp_path,
        {
            "pytest.toml": "[pytest]\n",  # empty, and still the configuration
            "pytest.ini": "[pytest]\ntestpaths = spec\n",
            "pyproject.toml": '[tool.pytest]\ntestpaths = ["checks"]\n',
            "spec/test_a.py": "",
            "checks/test_b.py": "",
            "tests/test_c.py": "",
        },
    )
    assert layout.test_paths(tmp_path, (), layout.read_pyproject(tmp_path), ()) == ("tests",)


def test_doctests_of_the_code_follow_addopts_of_the_native_table(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    tree_writer(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest]\naddopts = ["-ra", "--doctest-modules"]\n',
            "calc/__init__.py": "",
            "tests/test_calc.py": "",
        },
    )
    pyproject = layout.read_pyproject(tmp_path)
    assert layout.test_paths(tmp_path, (), pyproject, ("calc",)) == ("tests", "calc")


def test_configured_tests_win_and_missing_testpaths_fall_back(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    tree_writer(tmp_path, {"pytest.ini": "[pytest]\ntestpaths = gone\n", "test/test_a.py": ""})
    assert layout.test_paths(tmp_path, ("./qa/",), {}, ()) == ("qa",)
    assert layout.test_paths(tmp_path, (), {}, ()) == ("test",)
    assert layout.test_paths(tmp_path / "test", (), {}, ()) == (".",)


def test_src_layout_versus_flat_layout(tmp_path: Path, tree_writer: TreeWriter) -> None:
    src = tree_writer(tmp_path / "a", {"src/pkg/__init__.py": "", "src/pkg/mod.py": ""})
    assert layout.source_roots(src, ()) == ("src",)
    flat = tree_writer(
        tmp_path / "b",
        {
            "pkg/__init__.py": "",
            "tool.py": "",
            "setup.py": "",
            "conftest.py": "",
            "tests/__init__.py": "",
            "docs/__init__.py": "",
            "scripts/run.py": "",
            "tests.py": "",  # a suite in one module (jsonpointer)
            "test.py": "",
        },
    )
    assert layout.source_roots(flat, ()) == (".",)
    # tests/docs are not the project's packages; a directory without __init__ is not one.
    assert layout.packages(flat, (".",)) == ("pkg", "tool")
    assert layout.source_roots(flat, ("lib",)) == ("lib",)


def test_modules_exclude_test_code(tmp_path: Path, tree_writer: TreeWriter) -> None:
    tree_writer(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/core.py": "",
            "src/pkg/sub/__init__.py": "",
            "src/pkg/sub/deep.py": "",
            "src/pkg/tests/__init__.py": "",
            "src/pkg/tests/test_core.py": "",
            "src/pkg/conftest.py": "",
            "src/pkg/test_inline.py": "",
            "src/pkg/__pycache__/core.cpython-311.py": "",
            "src/pkg/bad-name.py": "",
        },
    )
    found = layout.discover(tmp_path)
    assert [(m.name, m.path) for m in found.modules] == [
        ("pkg", "src/pkg/__init__.py"),
        ("pkg.core", "src/pkg/core.py"),
        ("pkg.sub", "src/pkg/sub/__init__.py"),
        ("pkg.sub.deep", "src/pkg/sub/deep.py"),
    ]


def test_scripts_are_read_for_the_e2e_signal(tmp_path: Path, tree_writer: TreeWriter) -> None:
    tree_writer(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n[project.scripts]\nxtool = "x.cli:main"\n',
            "x/__init__.py": "",
        },
    )
    found = layout.discover(tmp_path)
    assert dict(found.scripts) == {"xtool": "x.cli:main"}
    assert (found.name, found.pyproject, found.packages) == ("x", "pyproject.toml", ("x",))


def test_src_namespace_package_without_init_is_found_by_its_modules(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    # PEP 420: under src/, a directory of .py files is a package even without __init__.py;
    # a directory of data files next to it is not.
    tree_writer(
        tmp_path,
        {
            "src/nspkg/core.py": "",
            "src/nspkg/util.py": "",
            "src/assets/logo.svg": "<svg/>",
            "tests/test_core.py": "",
        },
    )
    found = layout.discover(tmp_path)
    assert found.source_roots == ("src",)
    assert found.packages == ("nspkg",)
    assert [(m.name, m.path) for m in found.modules] == [
        ("nspkg.core", "src/nspkg/core.py"),
        ("nspkg.util", "src/nspkg/util.py"),
    ]


def test_src_holding_only_data_directories_is_not_a_source_root(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    # A src/ without any Python code: the flat layout at the root applies.
    tree_writer(
        tmp_path, {"src/assets/logo.svg": "<svg/>", "app/__init__.py": "", "app/main.py": ""}
    )
    found = layout.discover(tmp_path)
    assert found.source_roots == (".",)
    assert found.packages == ("app",)
    assert [m.name for m in found.modules] == ["app", "app.main"]


def test_src_namespace_package_whose_code_is_all_in_subpackages(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    # PEP 420 again: src/acme holds no .py file of its own, only subpackages.
    tree_writer(
        tmp_path,
        {
            "src/acme/plugins/__init__.py": "",
            "src/acme/plugins/mail.py": "",
            "src/acme/data/schema.json": "{}",
            "tests/test_mail.py": "",
        },
    )
    found = layout.discover(tmp_path)
    assert found.source_roots == ("src",)
    assert found.packages == ("acme",)
    assert [(m.name, m.path) for m in found.modules] == [
        ("acme.plugins", "src/acme/plugins/__init__.py"),
        ("acme.plugins.mail", "src/acme/plugins/mail.py"),
    ]


def test_modules_exclude_code_under_a_configured_test_path_inside_the_package(
    tmp_path: Path,
    tree_writer: TreeWriter,
) -> None:
    # Test support modules need no test-like name when they sit under a test path:
    # pkg/checks/ is the configured test path, so its helpers are not project modules.
    tree_writer(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/core.py": "",
            "src/pkg/checks/__init__.py": "",
            "src/pkg/checks/helpers.py": "",
            "src/pkg/checks/test_core.py": "",
            "src/pkg/checksum.py": "",
        },
    )
    found = layout.discover(tmp_path, tests=("src/pkg/checks",))
    assert found.test_paths == ("src/pkg/checks",)
    # checksum.py only shares the prefix: it is project code.
    assert [m.name for m in found.modules] == ["pkg", "pkg.checksum", "pkg.core"]


@pytest.mark.parametrize(
    "pyproject",
    [
        'tool = 3\nproject = "calc"\n',
        '[tool]\npytest = "x"\npoetry = []\n[project]\nscripts = "calc:main"\n',
        "[tool.pytest]\nini_options = 7\n",
    ],
)
def test_tables_of_another_shape_in_pyproject_are_ignored(
    tmp_path: Path, pyproject: str, tree_writer: TreeWriter
) -> None:
    # Not ours to judge (pytest or the build backend will complain): discovery goes on
    # as if they were absent.
    tree_writer(
        tmp_path,
        {"pyproject.toml": pyproject, "calc/__init__.py": "", "tests/test_calc.py": ""},
    )
    found = layout.discover(tmp_path)
    assert found.name == tmp_path.name
    assert found.packages == ("calc",)
    assert found.test_paths == ("tests",)
    assert found.scripts == {}
    assert config.pytest_ini_options(tmp_path) == {}


@pytest.mark.parametrize(
    ("files", "testpaths", "modules"),
    [
        # wcwidth 0.9.5: the package is a test path too, for its doctests.
        ({"pkg/__init__.py": "", "pkg/core.py": ""}, "tests pkg", ["pkg", "pkg.core"]),
        ({"src/pkg/__init__.py": "", "src/pkg/core.py": ""}, "tests src", ["pkg", "pkg.core"]),
        ({"single.py": ""}, "tests single.py", ["single"]),
    ],
)
def test_a_test_path_that_is_the_code_itself_keeps_its_modules(
    tmp_path: Path,
    tree_writer: TreeWriter,
    files: dict[str, str],
    testpaths: str,
    modules: list[str],
) -> None:
    tree_writer(
        tmp_path,
        {
            **files,
            "tox.ini": f"[pytest]\ntestpaths = {testpaths}\naddopts = --doctest-modules\n",
            "tests/test_core.py": "",
            "tests/helpers.py": "",
        },
    )
    found = layout.discover(tmp_path)
    assert found.test_paths == tuple(testpaths.split())
    assert [m.name for m in found.modules] == modules


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pytest.ini": "[pytest]\naddopts = -q --doctest-modules\n"}, ("tests", "pkg")),
        (
            {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["--doctest-modules"]\n'},
            ("tests", "pkg"),
        ),
        ({"setup.cfg": "[tool:pytest]\naddopts = --doctest-modules\n"}, ("tests", "pkg")),
        ({"pytest.ini": "[pytest]\naddopts = -q\n"}, ("tests",)),
    ],
)
def test_doctests_of_the_code_are_collected_as_plain_pytest_would(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, ...], tree_writer: TreeWriter
) -> None:
    """No ``testpaths``: plain ``pytest`` collects from the root, the code's doctests too
    under ``--doctest-modules``; testvet runs the test directory, and then the code."""
    tree_writer(tmp_path, {**files, "pkg/__init__.py": "", "pkg/seg.py": "", "tests/test_a.py": ""})
    found = layout.discover(tmp_path)
    assert found.test_paths == expected
    assert [m.name for m in found.modules] == ["pkg", "pkg.seg"]


def test_a_top_level_module_gets_its_doctests_from_the_root(
    tmp_path: Path, tree_writer: TreeWriter
) -> None:
    """jsonpickle: a top-level module named on the command line is collected as a test
    module whatever its name (its ``simple_*`` benchmarks ran as tests, with
    ``python_functions = simple_*``); from the root, as plain ``pytest`` collects, it gives
    only its doctests."""
    tree_writer(
        tmp_path,
        {
            "pytest.ini": "[pytest]\naddopts = --doctest-modules\n",
            "pkg/__init__.py": "",
            "bench.py": "def bench_square():\n    pass\n",
            "tests/test_a.py": "",
        },
    )
    found = layout.discover(tmp_path)
    assert found.test_paths == (".",)
    assert [m.name for m in found.modules] == ["bench", "pkg"]


@pytest.mark.parametrize(
    ("addopts", "expected"),
    [
        ('["--doctest-glob=README.md"]', ("tests", "README.md")),
        ('["--doctest-glob", "*.rst"]', ("tests", "docs/guide.rst")),
        ('["-q"]', ("tests", "docs/test_usage.txt")),  # pytest's default glob, test*.txt
    ],
)
def test_doctest_text_files_outside_the_tests_are_collected_as_plain_pytest_would(
    tmp_path: Path, addopts: str, expected: tuple[str, ...], tree_writer: TreeWriter
) -> None:
    """intervaltree: no ``testpaths``, plain ``pytest`` at the root runs the README's
    doctests; testvet ran only ``tests/``, and called code checked there pseudo-tested."""
    tree_writer(
        tmp_path,
        {
            "pyproject.toml": f"[tool.pytest.ini_options]\naddopts = {addopts}\n",
            "pkg/__init__.py": "",
            "tests/test_a.py": "",
            "tests/test_more.txt": "",  # collected with tests/ anyway
            "README.md": "",
            "docs/guide.rst": "",
            "docs/test_usage.txt": "",
            ".venv/README.md": "",
            "node_modules/x/test_y.txt": "",
        },
    )
    found = layout.discover(tmp_path)
    assert found.test_paths == expected
