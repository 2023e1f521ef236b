"""A suite that freezes the clock for a whole module (freezegun's ``freeze_time`` in a
module-scoped fixture) freezes ``time.monotonic`` and ``time.perf_counter`` too. The
run's watchdog once read the frozen clock (a test "ran past the 300 s timeout" at once
and the run was killed), and pytest's phase timings, which go from the real clock to
the frozen one, became budgets of billions of seconds that ``setitimer`` refused: the
workers died and unchecked code was called killed ("crashed")."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus, Outcome


@pytest.mark.slow
def test_a_frozen_clock_fools_neither_the_watchdog_nor_the_durations(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "run_frozenclock", tmp_path / "out")
    assert audit.run is not None
    outcomes = {r.nodeid.split("::")[1]: r.outcome for r in audit.run.results}
    assert outcomes == dict.fromkeys(
        ["test_first", "test_second", "test_third", "test_year", "test_year_again"],
        Outcome.PASSED,
    )
    durations = {r.nodeid.split("::")[1]: r.duration for r in audit.run.results}
    assert all(0.0 <= d < 30.0 for d in durations.values()), durations
    assert durations["test_second"] >= 0.3  # it sleeps that long, on the real clock
    assert audit.mutation is not None
    judged = {m.id: m.status for m in audit.mutation.mutants}
    # nothing checks what label returns
    assert judged["almanac:label#return-none"] is MutantStatus.SURVIVED
    assert judged["almanac:year#return-none"] is MutantStatus.KILLED
    assert [f.function for f in audit.findings if f.code == "TV401"] == ["almanac.label"]
