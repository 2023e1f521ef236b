"""Control runs: a killing test is run alone on the unmodified code, and only a failure
there makes it "a test that fails on its own"."""

from __future__ import annotations

from pathlib import Path

from mutate_helpers import PROJECTS, by_id, context, make_audit

from testvet.model import MutantStatus
from testvet.mutate import stage

ROOT = PROJECTS / "mut_coldcache"
A = "tests/test_a_table.py::test_table_is_built"
B = "tests/test_b_square.py::test_square"


def test_a_control_that_only_runs_out_of_its_budget_keeps_the_killing_test(
    tmp_path: Path,
) -> None:
    """In the baseline run ``test_square`` found the table built and took no time; alone
    in a fresh worker it builds the table, far past its budget. That is no failure: the
    control is repeated with generous budgets, where it passes, and its kills stand."""
    reached = {A: ["table", "_build"], B: ["square", "table"]}
    audit = make_audit(
        ROOT, {"cold": "src/cold/__init__.py"}, reached, durations={A: 0.05, B: 1e-4}
    )
    out = stage.run(audit, context(tmp_path, ROOT))
    assert out.mutation is not None
    square = {m.id: m for m in out.mutation.mutants if m.function == "cold:square"}
    assert square
    assert {m.status for m in square.values()} == {MutantStatus.KILLED}
    assert {m.killed_by for m in square.values()} == {B}
    assert out.mutation.skipped == ()
    assert by_id(out)["cold:table#return-none"].status is MutantStatus.KILLED
