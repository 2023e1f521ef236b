"""The exact missing-scenario findings of each fixture project, and precision/recall."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from scenario_helpers import audit_project, missing

PROJECTS = Path(__file__).parent.parent / "projects"

#: The gaps each fixture project was built with (and nothing else).
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "scn_store": {
        ("disk-full", "src/kvstore/store.py"),
        ("network-partition", "src/kvstore/client.py"),
        ("duplicate-delivery", "src/kvstore/client.py"),
    },
    "scn_auth": {
        ("cross-tenant-access", "src/authsvc/accounts.py"),
        ("cross-tenant-access", "src/authsvc/admin.py"),
        ("forged-signature", "src/authsvc/webhooks.py"),
        ("clock-skew", "src/authsvc/tokens.py"),
        ("fuzz-parser", "src/authsvc/tokens.py"),
    },
    "scn_scheduler": {
        ("hard-kill", "src/jobsched/leases.py"),
        ("disk-full", "src/jobsched/leases.py"),
        ("clock-skew", "src/jobsched/leases.py"),
        ("rollback-failure", "src/jobsched/runner.py"),
        ("duplicate-delivery", "src/jobsched/runner.py"),
    },
    "scn_runner": {
        ("command-injection", "src/cmdrun/remote.py"),
    },
}

#: Scenarios each project's known-good tests cover (evidence must be found for them).
COVERED: dict[str, set[tuple[str, str]]] = {
    "scn_store": {
        ("hard-kill", "src/kvstore/store.py"),
        ("fuzz-parser", "src/kvstore/store.py"),
        ("network-partition", "src/kvstore/server.py"),
    },
    "scn_auth": {
        ("auth-wrong-key", "src/authsvc/tokens.py"),
        ("auth-alg-none", "src/authsvc/tokens.py"),
        ("auth-expired-replay", "src/authsvc/tokens.py"),
        ("forged-signature", "src/authsvc/tokens.py"),
        ("rate-limit-boundary", "src/authsvc/ratelimit.py"),
    },
    "scn_scheduler": {
        ("concurrent-lease", "src/jobsched/leases.py"),
        ("lease-expiry", "src/jobsched/leases.py"),
        ("duplicate-delivery", "src/jobsched/queue.py"),
    },
    "scn_runner": {
        ("command-injection", "src/cmdrun/hooks.py"),
        ("fuzz-parser", "src/cmdrun/config.py"),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_missing_scenarios(
    name: str, tmp_path: Path, digest_tree: Callable[[Path], str]
) -> None:
    root = PROJECTS / name
    before = digest_tree(root)
    audit = audit_project(root, tmp_path / "out")
    assert missing(audit) == EXPECTED[name]
    assert digest_tree(root) == before, "the audit wrote into the fixture project"


@pytest.mark.parametrize("name", sorted(COVERED))
def test_known_good_tests_are_recognised(name: str, tmp_path: Path) -> None:
    audit = audit_project(PROJECTS / name, tmp_path / "out")
    assert audit.scenarios is not None
    called_for = {
        (scenario, cap.path) for cap in audit.scenarios.capabilities for scenario in cap.scenarios
    }
    # Each covered pair is called for by the code, yet no finding is raised for it.
    assert COVERED[name] <= called_for
    assert not COVERED[name] & missing(audit)


def test_precision_and_recall_over_all_fixtures(tmp_path: Path) -> None:
    found: set[tuple[str, str, str]] = set()
    for name in EXPECTED:
        audit = audit_project(PROJECTS / name, tmp_path / name)
        found |= {(name, s, p) for s, p in missing(audit)}
    expected = {(name, s, p) for name, pairs in EXPECTED.items() for s, p in pairs}
    true_pos = len(found & expected)
    precision = true_pos / len(found)
    recall = true_pos / len(expected)
    assert (precision, recall) == (1.0, 1.0), sorted(found ^ expected)


def test_deleting_a_good_test_brings_its_finding_back(tmp_path: Path) -> None:
    root = tmp_path / "scn_auth"
    shutil.copytree(PROJECTS / "scn_auth", root)
    tokens_test = root / "tests" / "test_tokens.py"
    text = tokens_test.read_text()
    start = text.index('@pytest.mark.story("1.2")\ndef test_alg_none_is_refused')
    end = text.index('@pytest.mark.story("1.2")\ndef test_expired_token_is_refused')
    tokens_test.write_text(text[:start] + text[end:])
    audit = audit_project(root, tmp_path / "out")
    assert missing(audit) == EXPECTED["scn_auth"] | {("auth-alg-none", "src/authsvc/tokens.py")}


def test_findings_carry_code_severity_function_and_sketch(tmp_path: Path) -> None:
    audit = audit_project(PROJECTS / "scn_scheduler", tmp_path / "out")
    by_key = {(f.scenario, f.path): f for f in audit.findings if f.scenario}
    kill = by_key[("hard-kill", "src/jobsched/leases.py")]
    assert (kill.code, kill.severity.value, kill.line) == ("TV501", "high", 15)
    assert kill.function == "jobsched.leases.LeaseTable.__init__"
    assert kill.message.startswith("jobsched.leases.LeaseTable() stores data with sqlite3.connect")
    assert "from jobsched.leases import LeaseTable" in kill.detail["recommended_test"]
    assert kill.snippet is not None
    assert "sqlite3.connect" in kill.snippet
    retry = by_key[("duplicate-delivery", "src/jobsched/runner.py")]
    assert (retry.code, retry.severity.value) == ("TV512", "low")
    skew = by_key[("clock-skew", "src/jobsched/leases.py")]
    assert (skew.code, skew.severity.value) == ("TV516", "medium")


def test_partial_injection_variants_are_named(tmp_path: Path) -> None:
    audit = audit_project(PROJECTS / "scn_runner", tmp_path / "out")
    (finding,) = [f for f in audit.findings if f.scenario == "command-injection"]
    assert finding.path == "src/cmdrun/remote.py"
    assert "tests try only ;, not $() && ` newline |" in finding.message


def test_findings_are_ordered_by_severity(tmp_path: Path) -> None:
    audit = audit_project(PROJECTS / "scn_store", tmp_path / "out")
    ranks = [f.severity.rank for f in audit.findings if f.scenario]
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[0] == 3


def _remove_test(path: Path, qualname: str) -> None:
    """Delete one test function (decorators included) from a copied test file."""
    import ast

    text = path.read_text()
    tree = ast.parse(text)
    parts = qualname.split("::")
    body = tree.body
    for part in parts[:-1]:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == part).body
    func = next(
        n
        for n in body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == parts[-1]
    )
    first = min([func.lineno, *(d.lineno for d in func.decorator_list)])
    lines = text.splitlines(keepends=True)
    assert func.end_lineno is not None
    del lines[first - 1 : func.end_lineno]
    path.write_text("".join(lines))


@pytest.mark.parametrize("name", sorted(COVERED))
def test_each_good_test_is_what_silences_its_finding(name: str, tmp_path: Path) -> None:
    # Delete each evidence test in turn: exactly the pairs it alone covered come back.
    baseline = audit_project(PROJECTS / name, tmp_path / "base")
    assert baseline.scenarios is not None
    tests = sorted({ev.test for ev in baseline.scenarios.evidence})
    assert tests
    for i, nodeid in enumerate(tests):
        copy = tmp_path / f"copy{i}"
        shutil.copytree(PROJECTS / name, copy)
        path, _, qual = nodeid.partition("::")
        _remove_test(copy / path, qual)
        audit = audit_project(copy, tmp_path / f"out{i}")
        came_back = missing(audit) - EXPECTED[name]
        assert missing(audit) >= EXPECTED[name]
        assert came_back, f"removing {nodeid} changed nothing"
        assert came_back <= COVERED[name], (nodeid, came_back)
