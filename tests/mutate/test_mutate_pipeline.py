"""The whole audit (discover -> run -> mutate) on mut_basic: the run stage's own map feeds us."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, tree_digest

from testvet.core import AuditOptions, run_audit
from testvet.model import MutantStatus

ROOT = PROJECTS / "mut_basic"


@pytest.mark.slow
def test_audit_finds_pseudo_tested_functions_from_the_real_run(tmp_path: Path) -> None:
    before = tree_digest(ROOT)
    audit = run_audit(AuditOptions(path=ROOT, output_dir=tmp_path, mutation="full", workers=2))
    assert audit.mutation is not None
    assert audit.mutation.mode == "full"
    pseudo = {
        f.function
        for f in audit.findings
        if f.code == "TV401" and f.detail["status"] == "pseudo-tested"
    }
    assert pseudo == {"calc.core.total", "calc.core.Counter.touch"}
    statuses = {m.id: m.status for m in audit.mutation.mutants}
    assert statuses["calc.core:add#return-none"] is MutantStatus.KILLED
    assert statuses["calc.core:make_scaler.<locals>.scale#return-none"] is MutantStatus.KILLED
    # No critical paths configured: operator mutants are not generated.
    assert {m.kind for m in audit.mutation.mutants} == {"extreme"}
    assert tree_digest(ROOT) == before
