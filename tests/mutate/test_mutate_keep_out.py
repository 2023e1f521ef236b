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
