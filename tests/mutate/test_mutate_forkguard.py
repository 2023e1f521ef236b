"""Tests that cannot run in a fork child of the test process (filelock's conftest ends
any fork child that reaches pytest's reports): a worker that ends without reporting
made its mutant ``crashed``, counted as detected, and unchecked code went unseen."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus


@pytest.mark.slow
def test_a_suite_no_worker_can_run_gets_no_mutant_judged(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_forkguard", tmp_path / "out")
    assert audit.mutation is not None
    assert audit.mutation.mutants == ()  # none "crashed", none counted as detected
    reasons = {s.function: s.reason for s in audit.mutation.skipped}
    assert sorted(reasons) == ["calc.double", "calc.triple"]
    why = (
        "the suite's tests cannot run in a forked mutation worker: on the unmodified "
        "code, the worker running tests/test_calc.py::"
    )
    assert all(reason.startswith(why) for reason in reasons.values())
    assert "exited with status 70 before reporting" in reasons["calc.triple"]
    (note,) = audit.mutation.notes
    assert note == f"no mutant was judged: {reasons['calc.triple']}"


@pytest.mark.slow
def test_a_test_that_crashes_in_a_worker_anyway_kills_nothing(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_forkonly", tmp_path / "out")
    assert audit.mutation is not None
    statuses = {m.id: m.status for m in audit.mutation.mutants}
    assert statuses["calc:double#return-none"] is MutantStatus.KILLED
    # triple's only test ends any worker, mutant or not: its mutants are not judged
    assert statuses["calc:triple#return-none"] is MutantStatus.NO_TESTS
    reasons = {s.function: s.reason for s in audit.mutation.skipped}
    assert reasons["calc.triple"] == (
        "tests/test_calc.py::test_triple_runs crashes on the unmodified code when run alone"
    )
