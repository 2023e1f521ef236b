"""A test that checks a function and then skips itself at run time (``pytest.skip`` in
its body: defusedxml's lxml tests) fails under a mutant in plain pytest: its mutants run
it too. It is not counted among the passing tests that reach a function."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus

SKIPPING = "tests/test_checks.py::test_a_negative_number_is_refused_and_the_rest_needs_a_network"


@pytest.mark.slow
def test_a_test_that_skips_after_its_checks_kills_mutants(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_skipping", tmp_path / "out")
    assert audit.mutation is not None
    judged = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    for mutant in ("checks:checked#return-0", "checks:checked#return-none"):
        assert judged[mutant] == (MutantStatus.KILLED, SKIPPING)
    messages = [f.message for f in audit.findings if f.code == "TV401"]
    assert messages == [
        "checks.doubled is pseudo-tested: 1 passing test reaches it, yet none fails when "
        "its body becomes `return 0`, `return 1`, `return None`"
    ]
