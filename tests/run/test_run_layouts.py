"""The run stage on layouts whose tests live beside the code (``pkg/tests/``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from run_helpers import PROJECTS, by_id, discovered_run


def test_tests_inside_the_package_are_tests_and_the_code_is_mapped(tmp_path: Path) -> None:
    audit = discovered_run(PROJECTS / "disc_inpkg", tmp_path / "out")
    assert audit.project.test_paths == (".",)  # pytest is given the whole project
    assert audit.run is not None
    assert by_id(audit)["inpkg/tests/test_core.py::test_triple"].reached == {"inpkg.core:triple"}
    assert [f.id for f in audit.run.functions] == ["inpkg.core:triple"]
    assert audit.run.coverage is not None
    covered = {f.path: f.percent for f in audit.run.coverage.files}
    # inpkg/tests/ is test code: not in the project's coverage, not in the map.
    assert covered == {"inpkg/__init__.py": 100.0, "inpkg/core.py": 100.0}


CORE = '''def triple(x):
    """
    >>> triple(2)
    6
    """
    return 3 * x
'''


def test_a_package_in_testpaths_for_its_doctests_is_still_project_code(
    tmp_path: Path, tree_writer: Callable[[Path, dict[str, str]], Path]
) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": CORE,
        "tests/test_core.py": "from pkg.core import triple\n\n\ndef test_triple():\n"
        "    assert triple(1) == 3\n",
        "tox.ini": "[pytest]\ntestpaths = tests pkg\naddopts = --doctest-modules\n",
        "pyproject.toml": '[project]\nname = "pkg"\n',
    }
    audit = discovered_run(tree_writer(tmp_path / "p", files), tmp_path / "out")

    assert audit.run is not None
    assert [f.id for f in audit.run.functions] == ["pkg.core:triple"]
    reached = {r.nodeid: r.reached for r in audit.run.results}
    assert reached == {
        "tests/test_core.py::test_triple": {"pkg.core:triple"},
        "pkg/core.py::pkg.core.triple": {"pkg.core:triple"},
    }
    assert audit.run.coverage is not None
    covered = {f.path: f.percent for f in audit.run.coverage.files}
    assert covered == {"pkg/__init__.py": 100.0, "pkg/core.py": 100.0}


def test_a_single_module_project_is_measured_as_a_module(
    tmp_path: Path, tree_writer: Callable[[Path, dict[str, str]], Path]
) -> None:
    """A flat project of one ``calc.py``: coverage.py measures it, given by module name
    (``source_pkgs``)."""
    files = {
        "calc.py": "def half(n):\n    return n // 2\n\n\ndef unused():\n    return 0\n",
        "tests/test_calc.py": "from calc import half\n\n\ndef test_half():\n"
        "    assert half(4) == 2\n",
        "pyproject.toml": '[project]\nname = "calc"\n',
    }
    audit = discovered_run(tree_writer(tmp_path / "p", files), tmp_path / "out")
    assert audit.run is not None
    assert audit.run.coverage is not None
    (measured,) = audit.run.coverage.files
    assert (measured.path, measured.missing) == ("calc.py", (6,))
