"""A test that kills a mutant runs alone on the unmodified code (a control run). Failing
there twice, it is reported as order-dependent (TV403); failing once and then passing,
as flaky (TV404). Its kills do not count either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import Audit, Category, MutantStatus, Severity
from testvet.mutate.executor import Alone
from testvet.mutate.isolation import FLAKY, ORDER_DEPENDENT, findings

ROOT = PROJECTS / "mut_flaky"
TEST = "tests/test_weather.py::test_celsius"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Path]:
    work = tmp_path_factory.mktemp("flaky")
    runs = work / "runs"  # the fixture's test counts its runs here, outside its tree
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEATHER_RUNS", str(runs))
        return audit_untouched(ROOT, work / "out"), runs


@pytest.mark.slow
def test_a_test_that_fails_alone_once_and_then_passes_is_flaky(
    audited: tuple[Audit, Path],
) -> None:
    audit, runs = audited
    # the audit's run, the control run that failed, the one that passed
    assert runs.read_text() == "3"
    (finding,) = [f for f in audit.findings if f.test == TEST]
    assert (finding.code, finding.category, finding.severity) == (
        FLAKY,
        Category.FLAKY,
        Severity.MEDIUM,
    )
    assert (finding.path, finding.line) == ("tests/test_weather.py", 17)
    assert finding.message == (
        f"{TEST} is flaky: run on its own on the same code it failed once (TimeoutError) "
        "and then passed"
    )


@pytest.mark.slow
def test_kills_by_a_flaky_test_are_withdrawn(audited: tuple[Audit, Path]) -> None:
    audit, _ = audited
    assert audit.mutation is not None
    assert {m.status for m in audit.mutation.mutants} == {MutantStatus.NO_TESTS}
    (skip,) = audit.mutation.skipped
    assert skip.reason == (
        f"{TEST} is flaky: run alone on the unmodified code, it failed once and then passed"
    )


def test_a_finding_names_the_test_where_its_def_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_gone.py").write_text("def test_other():\n    pass\n")
    seen = [Alone("tests/test_gone.py::test_removed", "fails", "KeyError")]
    (finding,) = findings(tmp_path, seen)
    assert (finding.path, finding.line, finding.test) == (
        "tests/test_gone.py",
        None,
        "tests/test_gone.py::test_removed",
    )
    assert finding.message.endswith(
        "fails when run on its own (KeyError): it depends on what a test before it leaves behind"
    )


@pytest.mark.slow
def test_a_test_needing_an_earlier_one_is_found_whatever_its_name(tmp_path: Path) -> None:
    """Killing tests are checked together in the reverse of the suite's order, not of
    their names; and a test a mutant lets pass (``return 1``) is still checked."""
    audit = audit_untouched(PROJECTS / "mut_order", tmp_path / "out")
    found = {f.test: f.code for f in audit.findings if f.category is Category.ORDER_DEPENDENT}
    assert found == {"tests/test_tally.py::test_a_total_counts_every_bump": ORDER_DEPENDENT}
    assert audit.mutation is not None
    killers = {m.killed_by for m in audit.mutation.mutants if m.status is MutantStatus.KILLED}
    assert killers == {"tests/test_tally.py::test_z_bump_counts_from_one"}


@pytest.mark.slow
def test_a_test_failing_alone_only_in_the_workers_is_a_note(tmp_path: Path) -> None:
    """A worker adopts the orphans its tests leave (it is a child subreaper), so a test
    that counts its process's children fails in every worker; alone under plain pytest
    it passes. Not order-dependent: a note, and its kills do not count. The cache keeps
    it: a second audit that runs no mutant shows the same note."""
    note = (
        "1 test failed twice when run alone in the mutation workers but does not fail "
        "alone under plain pytest, so it is not reported as order-dependent; the mutants "
        "it failed on were judged without it: "
        "tests/test_bgrun.py::test_the_background_command_is_not_our_child"
    )
    for audit_number in (1, 2):
        audit = audit_untouched(PROJECTS / "mut_reaper", tmp_path / "out")
        assert not [f for f in audit.findings if f.category is Category.ORDER_DEPENDENT]
        assert audit.mutation is not None
        assert audit.mutation.notes == (note,)
        judged = {m.id: (m.status, m.killed_by, m.cached) for m in audit.mutation.mutants}
        slower = "tests/test_bgrun.py::test_a_command_succeeds_in_a_slower_test"
        again = audit_number == 2
        assert judged == {
            "bgrun:run_in_background#return-0": (MutantStatus.SURVIVED, None, again),
            "bgrun:run_in_background#return-1": (MutantStatus.KILLED, slower, again),
            "bgrun:run_in_background#return-none": (MutantStatus.KILLED, slower, again),
        }
