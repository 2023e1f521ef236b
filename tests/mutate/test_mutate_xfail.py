"""A strict expected failure (``xfail(strict=True)``, unittest's ``expectedFailure``)
fails the suite when it passes, so a mutant that makes it pass is caught. The workers
only ran the passing tests: ``is_even -> return True`` survived and made a false TV401.
A non-strict ``xfail`` that passes fails nothing, and judges nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus, Outcome

TESTS = "tests/test_parity.py::"


@pytest.mark.slow
def test_a_mutant_that_makes_a_strict_expected_failure_pass_is_killed(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_xfail", tmp_path / "out")
    assert audit.run is not None
    xfailed = {r.nodeid: r.strict for r in audit.run.results if r.outcome is Outcome.XFAILED}
    assert xfailed == {
        f"{TESTS}test_three_is_even": True,
        f"{TESTS}OddTest::test_four_is_odd": True,
        f"{TESTS}test_half_of_three": False,
    }
    assert audit.mutation is not None
    judged = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    assert judged["parity:is_even#return-True"] == (
        MutantStatus.KILLED,
        f"{TESTS}test_three_is_even",
    )
    assert judged["parity:is_odd#return-True"] == (
        MutantStatus.KILLED,
        f"{TESTS}OddTest::test_four_is_odd",
    )
    assert {status for status, _ in judged.values()} == {MutantStatus.KILLED}
    # reached by a non-strict xfail only: no test can catch a change to it
    assert {m.function for m in audit.mutation.mutants} == {"parity:is_even", "parity:is_odd"}
    assert [f.code for f in audit.findings if f.code.startswith("TV4")] == []
