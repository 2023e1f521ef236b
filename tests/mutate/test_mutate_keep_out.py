"""The project's own pytest options may write into its tree: under plain pytest,
``run_reportfiles`` writes ``junit.xml``, pytest-cov's ``.coverage`` and
``coverage.xml``, its ``--basetemp`` directory ``.scratch/``, and the ``.benchmarks/``
directory a plugin makes at every session (its conftest stands in for pytest-benchmark);
and it runs its tests in two xdist workers. No stage of an audit does (collection, the
instrumented run, the warm process and its workers): each file goes to the output
directory, and the tests run in one process."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus, Outcome


@pytest.mark.slow
def test_no_stage_writes_what_the_projects_pytest_options_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    audit = audit_untouched(PROJECTS / "run_reportfiles", out)  # the tree's digest holds
    assert audit.run is not None
    assert audit.mutation is not None
    assert [r.outcome for r in audit.run.results] == [Outcome.PASSED] * 2
    assert audit.run.wrote == ()  # so the mutants ran in two workers, with no note
    assert audit.mutation.notes == ()
    assert {m.status for m in audit.mutation.mutants} == {MutantStatus.KILLED}
    # redirected, not switched off: the JUnit report is written, in the output directory
    assert list(out.rglob("junit.xml"))


@pytest.mark.slow
def test_log_and_debug_files_the_configuration_names_go_to_the_output_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_logfiles`` names pytest's ``log_file``, ``--debug``'s trace and coverage.py's
    ``debug_file``: paths relative to the rootdir or the current directory, the project,
    where the audit runs from here (as a user does)."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "run_logfiles", root)
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    audit = audit_untouched(root, out)  # the tree's digest holds
    assert audit.run is not None
    assert [r.outcome for r in audit.run.results] == [Outcome.PASSED]
    assert audit.mutation is not None
    assert {m.status for m in audit.mutation.mutants} == {MutantStatus.KILLED}
    logs = list(out.rglob("pytest.log"))
    assert logs
    assert any("doubling 2" in log.read_text() for log in logs)
    assert list(out.rglob("pytestdebug.log"))
    assert list(out.rglob("coverage-debug.txt"))
