"""A test that gets a cached result (``functools.lru_cache``, ``functools.cache``) runs
no line of the function: the hit is answered in C. It still depends on it, so it
reaches it (asttokens' ``fstring_positions_work`` was a false pseudo-tested finding),
through a module's function or a class's static method alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus

FEATURE = "tests/test_b_feature.py::test_the_fast_path_works"
VERSION = "tests/test_b_feature.py::test_the_version"


@pytest.mark.slow
def test_a_test_reading_a_cached_result_reaches_the_function(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "run_memoized", tmp_path / "out")
    assert audit.run is not None
    assert audit.mutation is not None
    reached = {r.nodeid: r.reached for r in audit.run.results}
    assert reached[FEATURE] == {"feats:fast_path_works"}  # a hit after test_render's miss
    assert reached[VERSION] == {"feats:Probe.version"}
    judged = {m.id: (m.status, m.killed_by) for m in audit.mutation.mutants}
    assert judged["feats:fast_path_works#return-False"] == (MutantStatus.KILLED, FEATURE)
    assert judged["feats:Probe.version#return-0"] == (MutantStatus.KILLED, VERSION)
