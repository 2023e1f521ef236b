"""The suite runs in the user's environment: testvet once set ``NO_COLOR=1`` for its
pytest children to keep their logs plain, and code under test that honours it (as
colour libraries do) then failed in the run and in the mutation workers only. Logs that
the user's ``PY_COLORS=1`` colours are read without their escape sequences."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_helpers import PROJECTS

from testvet.core import AuditOptions, run_audit
from testvet.model import MutantStatus, Outcome
from testvet.subproc import plain


@pytest.mark.slow
def test_the_suite_sees_no_colour_setting_the_user_did_not_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("PY_COLORS", "1")  # pytest's own output in colour
    options = AuditOptions(
        path=PROJECTS / "run_environ", output_dir=tmp_path / "out", mutation="extreme", workers=1
    )
    audit = run_audit(options)
    assert audit.run is not None
    assert [(r.nodeid, r.outcome) for r in audit.run.results] == [
        ("tests/test_labels.py::test_a_warning_is_red", Outcome.PASSED)
    ]
    assert audit.mutation is not None
    assert {m.id: m.status for m in audit.mutation.mutants} == {
        "labels:warning#return-none": MutantStatus.KILLED,
        "labels:warning#return-''": MutantStatus.KILLED,
    }


def test_a_coloured_log_line_reads_plain() -> None:
    line = "\x1b[31m\x1b[1mERROR: usage: pytest [options]\x1b[0m \x1b[?25hdone"
    assert plain(line) == "ERROR: usage: pytest [options] done"
