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
