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
    assert not [f for f in audit.findings if f.code == "TV401"]
    # a mutant that leaves nothing behind is judged as before
    assert by_id["ticker:Ticker._run#empty-body"].status is MutantStatus.KILLED
