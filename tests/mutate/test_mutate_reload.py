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
LEGACY = "tests/test_settings.py::test_legacy_mode_has_no_working_directory"


def test_mutants_reach_reloaded_and_freshly_imported_modules(tmp_path: Path) -> None:
    before = tree_digest(ROOT)
    reached = {
        RELOAD: ["describe"],
        FRESH: ["Limits.__init__", "Limits.fits"],
        LEGACY: ["getcwd"],
    }
    audit = make_audit(ROOT, {"conf.settings": "src/conf/settings.py"}, reached)
    out = stage.run(audit, context(tmp_path, ROOT))
    mutants = by_id(out)
    assert mutants["conf.settings:describe#return-none"].status is MutantStatus.KILLED
    assert mutants["conf.settings:describe#return-none"].killed_by == RELOAD
    assert mutants["conf.settings:Limits.fits#return-none"].status is MutantStatus.KILLED
    assert mutants["conf.settings:Limits.__init__#empty-body"].status is MutantStatus.KILLED
    # a def in a branch the import here did not take: in memory the name is os.getcwd
    assert out.mutation is not None
    (skip,) = [s for s in out.mutation.skipped if s.function == "conf.settings.getcwd"]
    assert skip.reason == (
        "cannot swap in memory: the name is bound to posix.getcwd in memory, not to this "
        "def: it did not run when the module was imported (a branch not taken, or the "
        "name bound again later)"
    )
    assert tree_digest(ROOT) == before
