"""A test that reloads a module, or imports it afresh, gets new functions from the file:
in a worker, those are the mutant too, so such a test can kill it."""

from __future__ import annotations

from pathlib import Path

from mutate_helpers import PROJECTS, by_id, context, make_audit, tree_digest

from testvet.model import MutantStatus
from testvet.mutate import stage

ROOT = PROJECTS / "mut_reload"
RELOAD = "tests/test_settings.py::test_describe_after_reload"
FRESH = "tests/test_settings.py::test_limits_of_a_fresh_import"


def test_mutants_reach_reloaded_and_freshly_imported_modules(tmp_path: Path) -> None:
    before = tree_digest(ROOT)
    reached = {RELOAD: ["describe"], FRESH: ["Limits.__init__", "Limits.fits"]}
    audit = make_audit(ROOT, {"conf.settings": "src/conf/settings.py"}, reached)
    out = stage.run(audit, context(tmp_path, ROOT))
    mutants = by_id(out)
    assert mutants["conf.settings:describe#return-none"].status is MutantStatus.KILLED
    assert mutants["conf.settings:describe#return-none"].killed_by == RELOAD
    assert mutants["conf.settings:Limits.fits#return-none"].status is MutantStatus.KILLED
    assert mutants["conf.settings:Limits.__init__#empty-body"].status is MutantStatus.KILLED
    assert tree_digest(ROOT) == before
