"""What a test starts or imports sees the project as plain pytest shows it: a ``spawn``
process (it imports the parent's main module again: testvet's launcher must not run
the suite there), and a module's import-time ``warn(..., stacklevel=2)`` (testvet's
import hooks, in the run and in a worker that imports the mutated module afresh, must
not be the frame it points at)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus, Outcome


@pytest.mark.slow
def test_spawned_processes_and_import_warnings_behave_as_under_plain_pytest(
    tmp_path: Path,
) -> None:
    audit = audit_untouched(PROJECTS / "run_children", tmp_path / "out")
    assert audit.run is not None
    assert audit.mutation is not None
    assert {r.nodeid: r.outcome for r in audit.run.results} == {
        "tests/test_kids.py::test_a_spawned_process_computes_the_square": Outcome.PASSED,
        "tests/test_kids.py::test_the_deprecation_warning_points_at_the_importer": (Outcome.PASSED),
    }
    statuses = {m.id: m.status for m in audit.mutation.mutants}
    # the worker imports kids.legacy afresh with the mutant in it: the warning still
    # points at the test, so only the unchecked result could tell, and none does
    assert statuses["kids.legacy:old_square#return-0"] is MutantStatus.SURVIVED


@pytest.mark.slow
def test_what_a_forked_child_runs_counts_for_the_test_that_forked_it(tmp_path: Path) -> None:
    """fasteners: the check is on what a ``multiprocessing`` worker (a fork of the test
    process, which inherits the mutant) computed."""
    audit = audit_untouched(PROJECTS / "run_forked", tmp_path / "out")
    assert audit.run is not None
    assert audit.mutation is not None
    forked = "tests/test_scaled.py::test_a_forked_worker_scales"
    assert {r.nodeid: r.reached for r in audit.run.results}[forked] == {"scaled:scale"}
    judged = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    assert judged["scaled:scale#return-none"] == (MutantStatus.KILLED, forked)
    assert not [f for f in audit.findings if f.code == "TV401"]
