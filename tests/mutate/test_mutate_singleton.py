"""State that a function builds once (a lazily created singleton, an ``lru_cache``d
factory) is built by the first test that asks for it and used by later tests that never
reach the function. A mutant of such a function must also face those later tests:
with the mutant in place, the suite fails there."""

from __future__ import annotations

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import Audit, MutantStatus
from testvet.mutate.findings import PSEUDO_TESTED

ROOT = PROJECTS / "mut_singleton"
TESTS = "tests/test_single.py::"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return audit_untouched(ROOT, tmp_path_factory.mktemp("out"))


@pytest.mark.slow
def test_a_mutant_of_what_is_built_once_is_killed_by_a_later_test(audited: Audit) -> None:
    assert audited.mutation is not None
    by_id = {m.id: m for m in audited.mutation.mutants}
    init = by_id["single:Registry.__init__#empty-body"]
    assert (init.status, init.killed_by) == (MutantStatus.KILLED, TESTS + "test_handlers")
    cached = by_id["single:number_pattern#return-none"]
    assert (cached.status, cached.killed_by) == (MutantStatus.KILLED, TESTS + "test_numbers")


@pytest.mark.slow
def test_only_the_function_nothing_checks_is_pseudo_tested(audited: Audit) -> None:
    flagged = {f.function for f in audited.findings if f.code == PSEUDO_TESTED}
    assert flagged == {"single.shout"}
    (finding,) = [f for f in audited.findings if f.code == PSEUDO_TESTED]
    # the later tests ran too, but the finding counts the tests that reach it
    assert finding.message.startswith("single.shout is pseudo-tested: 1 passing test reaches")
    assert finding.detail["covering_tests"] == [TESTS + "test_shout_runs"]
