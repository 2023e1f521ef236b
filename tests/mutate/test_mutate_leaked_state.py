"""A mutant of a function that undoes something (a teardown that unfreezes the clock,
a ``stop`` that unpatches) leaks its state into the tests after the ones that reach the
function: in the suite they fail. Its mutants run those later tests too (freezegun's
``tearDown -> pass`` was a false pseudo-tested finding)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus

REAL = "tests/test_b_real.py::test_now_is_real"


@pytest.mark.slow
def test_a_mutant_that_leaks_state_is_killed_by_a_later_test(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_leakstate", tmp_path / "out")
    assert audit.mutation is not None
    judged = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    assert judged["frost:unfreeze#empty-body"] == (MutantStatus.KILLED, REAL)
    assert judged["frost:freeze#empty-body"][0] is MutantStatus.KILLED
    assert [f for f in audit.findings if f.code == "TV401"] == []
