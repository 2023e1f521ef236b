"""Code a test runs where coverage.py does not look (under a tracer of the test's own,
in a thread ``_thread`` started) is still reached: the run's own hook sees the call.
Its operator mutants were judged "survived" without running, from coverage's missing
lines and per-test contexts, while the test kills every one of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus


@pytest.mark.slow
def test_operator_mutants_of_code_coverage_did_not_see_run_their_tests(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_untraced", tmp_path / "out", mode="full")
    assert audit.mutation is not None
    judged = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    killer = {
        "steps:previous": "tests/test_steps.py::test_previous_under_no_tracer",
        "steps:tripled": "tests/test_steps.py::test_tripled_in_a_raw_thread",
    }
    operator = {m.id: m.function for m in audit.mutation.mutants if m.kind == "operator"}
    assert len(operator) == 6
    for mutant, function in operator.items():
        assert judged[mutant] == (MutantStatus.KILLED, killer[function]), mutant
