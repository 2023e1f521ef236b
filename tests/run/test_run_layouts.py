"""The run stage on layouts whose tests live beside the code (``pkg/tests/``)."""

from __future__ import annotations

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
