"""testvet's own static tests pass testvet's static rules (the case files are data, not tests)."""

from __future__ import annotations

from pathlib import Path

from testvet.static.engine import analyze
from testvet.static.files import find_test_files, xfail_strict

REPO = Path(__file__).resolve().parents[2]


def test_our_static_tests_have_no_findings() -> None:
    files = find_test_files(REPO, ["tests/static"], ["tests/static/cases"])
    assert len(files) >= 4
    findings = analyze(REPO, files, xfail_strict=xfail_strict(REPO))
    assert [f"{f.location} {f.code} {f.message}" for f in findings] == []
