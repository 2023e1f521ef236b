"""Python's exit waits for non-daemon threads and processes: a mutant that leaves one
running makes plain pytest hang after its last test (humanfriendly's spinner). That is
a timeout, not a survivor."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus


@pytest.mark.slow
def test_a_mutant_that_leaves_a_thread_running_is_a_timeout(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_leftover", tmp_path / "out")
    assert audit.mutation is not None
    by_id = {m.id: m for m in audit.mutation.mutants}
    left = by_id["ticker:Ticker.__exit__#empty-body"]
    assert (left.status, left.killed_by) == (
        MutantStatus.TIMEOUT,
        "tests/test_ticker.py::test_the_ticker_runs_while_entered",
    )
    assert not [f for f in audit.findings if f.code == "TV401" and "Ticker" in f.message]
    # a mutant that leaves nothing behind is judged as before
    assert by_id["ticker:Ticker._run#empty-body"].status is MutantStatus.KILLED


@pytest.mark.slow
def test_an_idle_thread_pool_python_stops_at_exit_is_not_left_running(tmp_path: Path) -> None:
    """``concurrent.futures`` stops an executor's idle threads when Python exits (a hook
    that runs before the interpreter waits for threads): a survivor whose test left a
    module's pool running is a survivor, and costs no grace period."""
    audit = audit_untouched(PROJECTS / "mut_leftover", tmp_path / "out")
    assert audit.mutation is not None
    survivor = {m.id: m for m in audit.mutation.mutants}["ticker.pool:double#return-1"]
    assert (survivor.status, survivor.killed_by) == (MutantStatus.SURVIVED, None)
    assert survivor.duration < 0.5
    messages = sorted(f.message for f in audit.findings if f.code == "TV401")
    assert messages == [
        f"ticker.pool.{name} is partially tested: no test fails when its body becomes `return 1`"
        for name in ("double", "doubled_on_the_pool")
    ]
