"""The verdict: fail_on matching, ignores and overrides, and the baseline ratchet."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from testvet.config import FailRule, from_mapping
from testvet.core import AuditOptions, StageContext
from testvet.errors import ConfigError
from testvet.model import Audit, Category, Finding, Inventory, Project, Severity, TestItem
from testvet.policy import adjust, baseline_document, decide, load_baseline, matches
from testvet.policy import run as policy_stage


def finding(
    code: str = "TV101",
    category: Category = Category.CANNOT_FAIL,
    severity: Severity = Severity.HIGH,
    line: int = 10,
    snippet: str = "return True",
    test: str = "tests/test_a.py::test_x",
) -> Finding:
    return Finding(
        code=code,
        category=category,
        severity=severity,
        path="tests/test_a.py",
        line=line,
        message="m",
        test=test,
        snippet=snippet,
    )


@pytest.mark.parametrize(
    ("rule", "severity", "expected"),
    [
        (FailRule("cannot-fail"), Severity.LOW, True),
        (FailRule("cannot-fail", Severity.HIGH), Severity.MEDIUM, False),
        (FailRule("cannot-fail", Severity.MEDIUM), Severity.HIGH, True),
        (FailRule("cannot-fail", Severity.MEDIUM), Severity.MEDIUM, True),
        (FailRule("nondeterministic"), Severity.HIGH, False),
        (FailRule("TV101"), Severity.LOW, True),
        (FailRule("TV102"), Severity.HIGH, False),
    ],
)
def test_matches(rule: FailRule, severity: Severity, expected: bool) -> None:
    assert matches(rule, finding(severity=severity)) is expected


def test_fingerprint_survives_line_shift_but_not_other_changes() -> None:
    base = finding()
    assert replace(base, line=99, end_line=101).fingerprint == base.fingerprint
    assert replace(base, snippet="return  True ").fingerprint == base.fingerprint
    assert replace(base, test="tests/test_a.py::test_x[2]").fingerprint == base.fingerprint
    assert replace(base, snippet="return False").fingerprint != base.fingerprint
    assert replace(base, code="TV102").fingerprint != base.fingerprint
    assert replace(base, test="tests/test_a.py::test_y").fingerprint != base.fingerprint


def test_adjust_drops_ignored_and_overrides_severity() -> None:
    cfg = from_mapping({"ignore": ["TV102", "flaky"], "severity": {"TV101": "low"}})
    kept = adjust(
        [
            finding(),
            finding(code="TV102"),
            finding(code="TV301", category=Category.FLAKY),
            finding(code="TV150", category=Category.NONDETERMINISTIC),
        ],
        cfg,
    )
    assert [(f.code, f.severity) for f in kept] == [
        ("TV101", Severity.LOW),
        ("TV150", Severity.HIGH),
    ]


def test_decide_fails_on_matching_findings_only() -> None:
    cfg = from_mapping({"fail_on": ["cannot-fail:high"]})
    failing = finding()
    harmless = finding(code="TV150", category=Category.NONDETERMINISTIC)
    verdict = decide((failing, harmless), cfg, Counter())
    assert verdict.passed is False
    assert verdict.failing == (failing.fingerprint,)
    assert verdict.reasons == ("1 finding matching fail_on 'cannot-fail:high'",)
    assert decide((harmless,), cfg, Counter()).passed is True


def test_baseline_accepts_known_findings_and_counts_duplicates() -> None:
    cfg = from_mapping({"fail_on": ["cannot-fail"]})
    a = finding(line=3)
    twin = finding(line=40)  # same fingerprint: the same defect written twice
    baseline = Counter({a.fingerprint: 1})
    verdict = decide((a, twin), cfg, baseline)
    assert verdict.baselined == 1
    assert verdict.failing == (twin.fingerprint,)
    assert decide((a,), cfg, baseline).passed is True


def _audit(tmp_path: Path, findings: tuple[Finding, ...], **cfg: object) -> Audit:
    return Audit(
        project=Project(root=tmp_path, name="p"),
        config=from_mapping(cfg),
        tool_version="0",
        started=datetime(2026, 1, 1, tzinfo=timezone.utc),
        findings=findings,
    )


def test_baseline_round_trip_through_the_policy_stage(tmp_path: Path) -> None:
    old = finding(line=5)
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline_document(_audit(tmp_path, (old,)))))
    assert load_baseline(path) == Counter({old.fingerprint: 1})

    shifted = replace(old, line=25)  # an unrelated edit moved the test down
    new = finding(snippet="assert x == x", line=30)
    audit = _audit(tmp_path, (shifted, new), baseline=str(path))
    ctx = StageContext(options=AuditOptions(path=tmp_path, output_dir=tmp_path))
    done = policy_stage(audit, ctx)
    assert done.verdict is not None
    assert done.verdict.baselined == 1
    assert done.verdict.failing == (new.fingerprint,)
    assert [f.fingerprint for f in done.failing_findings()] == [new.fingerprint]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "invalid JSON"),
        ('{"schema": "other"}', "expected schema testvet-baseline/1"),
        ('{"schema": "testvet-baseline/1", "findings": [{}]}', "findings[0] has no 'fingerprint'"),
    ],
)
def test_bad_baseline_is_a_one_line_config_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_baseline(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_inline_comment_suppresses_named_codes_only(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(
        "x = 1\ny = 2  # testvet: ignore[TV501, TV102]\nz = 3  # testvet: ignore\n"
    )
    kept = adjust(
        [
            finding(line=1),
            finding(line=2),
            finding(code="TV102", line=2),
            finding(code="TV999", line=3),
        ],
        from_mapping({}),
        tmp_path,
    )
    assert [(f.code, f.line) for f in kept] == [("TV101", 1), ("TV101", 2)]


def test_the_policy_stage_orders_findings_worst_first_then_by_place_and_code(
    tmp_path: Path,
) -> None:
    def at(path: str, line: int | None, code: str, severity: Severity) -> Finding:
        return replace(finding(code=code, severity=severity, line=10), path=path, line=line)

    expected = [
        at("tests/test_a.py", None, "TV201", Severity.HIGH),  # a whole file sorts first
        at("tests/test_a.py", 7, "TV101", Severity.HIGH),
        at("tests/test_a.py", 7, "TV103", Severity.HIGH),
        at("tests/test_a.py", 12, "TV101", Severity.HIGH),
        at("tests/test_b.py", 1, "TV101", Severity.HIGH),
        at("tests/test_a.py", 3, "TV141", Severity.MEDIUM),
        at("tests/test_a.py", 2, "TV150", Severity.LOW),
    ]
    shuffled = tuple(expected[i] for i in (6, 4, 3, 5, 2, 0, 1))
    ctx = StageContext(options=AuditOptions(path=tmp_path, output_dir=tmp_path))
    done = policy_stage(_audit(tmp_path, shuffled), ctx)
    assert [(f.severity, f.path, f.line, f.code) for f in done.findings] == [
        (f.severity, f.path, f.line, f.code) for f in expected
    ]


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (
            {"tests/helpers.py": ""},
            "no test was collected from tests",
        ),
        (
            {"tests/test.py": "", "tests/tests.py": "", "tests/test_empty.py": ""},
            "no test was collected from tests: tests/test.py, tests/tests.py look like "
            "tests but match no python_files pattern of pytest (set python_files in its "
            "configuration)",
        ),
        (  # deeper down (decorator's src/tests/test.py), not in a virtualenv
            {"tests/unit/test.py": "", "tests/.venv/lib/test.py": ""},
            "no test was collected from tests: tests/unit/test.py looks like tests but "
            "matches no python_files pattern of pytest (set python_files in its "
            "configuration)",
        ),
    ],
)
def test_an_audit_without_tests_fails_with_the_files_that_look_like_tests(
    tmp_path: Path, files: dict[str, str], reason: str
) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    audit = replace(
        _audit(tmp_path, ()),
        project=Project(root=tmp_path, name="p", test_paths=("tests",)),
        inventory=Inventory(),
    )
    ctx = StageContext(options=AuditOptions(path=tmp_path, output_dir=tmp_path / "out"))
    decided = policy_stage(audit, ctx)
    assert decided.verdict is not None
    assert (decided.verdict.passed, decided.verdict.reasons) == (False, (reason,))
    # with one test, the same project passes
    with_a_test = replace(audit, inventory=Inventory(tests=(TestItem("t::x", "t", "x"),)))
    decided = policy_stage(with_a_test, ctx)
    assert decided.verdict is not None
    assert decided.verdict.passed
