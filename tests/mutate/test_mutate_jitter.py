"""A test that runs out of its CPU budget once is no proof that the mutant loops: the
time a test takes varies from run to run. A timeout stands only if the mutant runs out
again, and a control run that needs most of the budget makes the budget generous."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched, by_id, context, make_audit

from testvet.model import MutantStatus
from testvet.mutate import stage

ROOT = PROJECTS / "mut_jitter"
NOISY = "tests/test_jitter.py::test_noisy_once"
CLOSE = "tests/test_jitter.py::test_close_to_its_budget"
FIRST_A = "tests/test_jitter.py::test_slow_first_a"
FIRST_B = "tests/test_jitter.py::test_slow_first_b"


@pytest.mark.slow
def test_a_timeout_the_mutant_does_not_repeat_is_no_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = tmp_path / "counts"
    counts.mkdir()
    monkeypatch.setenv("JITTER_DIR", str(counts))
    reached = {
        NOISY: ["jitter.noisy:echo"],
        CLOSE: ["jitter.close:echo"],
        FIRST_A: ["jitter.twice:echo"],
        FIRST_B: ["jitter.twice:echo"],
    }
    modules = {
        "jitter.noisy": "src/jitter/noisy.py",
        "jitter.close": "src/jitter/close.py",
        "jitter.twice": "src/jitter/twice.py",
    }
    # a budget of 5 x 20 ms (and the first test's slack) for each
    durations = {NOISY: 0.02, CLOSE: 0.02, FIRST_A: 0.02, FIRST_B: 0.021}
    audit = make_audit(ROOT, modules, reached, durations=durations)
    out = stage.run(audit, context(tmp_path / "out", ROOT))
    mutants = by_id(out)
    # ran out once (the mutant), passed in its control, and again with the mutant
    assert mutants["jitter.noisy:echo#return-none"].status is MutantStatus.SURVIVED
    assert (counts / "noisy").read_text() == "xxx"
    # its control needed most of the budget: the mutant ran again with a generous one
    assert mutants["jitter.close:echo#return-none"].status is MutantStatus.SURVIVED
    assert (counts / "close").read_text() == "xxx"
    # out of time in its first test, then (its control passing) in the second: the
    # tests' time varies, not the mutant's; with generous budgets it survives
    assert mutants["jitter.twice:echo#return-none"].status is MutantStatus.SURVIVED
    assert (counts / "first_a").read_text() == "xxxx"
    assert (counts / "first_b").read_text() == "xx"


@pytest.mark.slow
def test_a_confirming_run_keeps_the_order_of_the_first(tmp_path: Path) -> None:
    """``return None`` loops in the first test and is killed by the second; its siblings
    teach the engine that the second test kills. Run again in that learned order, the
    mutant would fail the second test instead of timing out where it first did (and a
    loop in another test would go to the generous retry, seconds per real timeout)."""
    waits = "tests/test_jitter.py::test_waits_for_a_step"
    two = "tests/test_jitter.py::test_step_is_two"
    reached = {waits: ["jitter.spin:step"], two: ["jitter.spin:step"]}
    modules = {"jitter.spin": "src/jitter/spin.py"}
    audit = make_audit(ROOT, modules, reached, durations={waits: 0.04, two: 0.05})
    out = stage.run(audit, context(tmp_path / "out", ROOT))
    mutants = by_id(out)
    assert mutants["jitter.spin:step#return-0"].killed_by == two
    looping = mutants["jitter.spin:step#return-none"]
    assert (looping.status, looping.killed_by) == (MutantStatus.TIMEOUT, waits)


@pytest.mark.slow
def test_a_mutant_that_skips_a_tests_costly_part_does_not_vouch_for_its_budget(
    tmp_path: Path,
) -> None:
    """``test_b_warm`` is fast in the audit's run, where an earlier test built a cached
    table; first in a worker it builds the table, beyond its budget. ``return True``
    skips that and passes: no proof the budget holds the test. Each operator mutant of
    ``warm`` overruns once, a control run on the unmodified code overruns too, and the
    mutants run again with generous budgets: survived, none a timeout."""
    audit = audit_untouched(PROJECTS / "mut_firstcost", tmp_path / "out", mode="full")
    assert audit.mutation is not None
    warm = {
        m.id.split("#")[1]: m.status for m in audit.mutation.mutants if m.function == "lookup:warm"
    }
    assert MutantStatus.TIMEOUT not in set(warm.values())
    assert warm["arith-add-sub@20:15"] is MutantStatus.SURVIVED
    assert warm["return-False"] is MutantStatus.KILLED
