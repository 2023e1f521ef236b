"""A realistic finished audit of a small project written to disk, for the HTML report tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType

from testvet.config import Config, CoverageConfig
from testvet.model import (
    Audit,
    Capability,
    Category,
    CoverageData,
    Evidence,
    FileCoverage,
    Finding,
    FunctionInfo,
    Inventory,
    ModuleInfo,
    Mutant,
    MutantStatus,
    MutationResult,
    Outcome,
    PolicyCheck,
    Project,
    RunResult,
    ScenarioAnalysis,
    Severity,
    TestFile,
    TestItem,
    TestKind,
    TestResult,
    Verdict,
)

AUTH = '''"""Tokens."""
import hmac


def sign(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, "sha256").hexdigest()


def verify(key: bytes, body: bytes, tag: str) -> bool:
    if len(tag) < 10:
        return False
    return hmac.compare_digest(sign(key, body), tag)
'''
STORE = '''"""Durable store."""
import os


def put(path, data):
    with open(path, "wb") as f:
        f.write(data)
        os.fsync(f.fileno())
'''
TEST_AUTH = """from shop.auth import sign, verify


def test_sign():
    sign(b"k", b"body")  # <script>alert("x")</script>


def test_verify():
    assert verify(b"k", b"b", sign(b"k", b"b"))
"""
TEST_STORE = """import time
from shop.store import put


def test_put(tmp_path):
    put(tmp_path / "x", b"1")
    assert time.time() > 0
"""
RECOMMENDED = """def test_put_survives_hard_kill(tmp_path, hard_kill):
    proc = hard_kill.start(put_loop, tmp_path)
    proc.kill_at("fsync")
    assert read_back(tmp_path) == proc.committed  # <b>not bold</b>
"""


def write_project(root: Path) -> None:
    files = {
        "src/shop/__init__.py": "",
        "src/shop/auth.py": AUTH,
        "src/shop/store.py": STORE,
        "tests/test_auth.py": TEST_AUTH,
        "tests/test_store.py": TEST_STORE,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def findings() -> tuple[Finding, ...]:
    return (
        Finding(
            "TV101",
            Category.CANNOT_FAIL,
            Severity.HIGH,
            "tests/test_auth.py",
            4,
            "test_sign checks nothing: it passes whatever sign() returns.",
            test="tests/test_auth.py::test_sign",
            end_line=5,
            hint="Assert on the signature sign() returns.",
            snippet='sign(b"k", b"body")',
        ),
        Finding(
            "TV120",
            Category.NONDETERMINISTIC,
            Severity.MEDIUM,
            "tests/test_store.py",
            7,
            "test_put reads the wall clock.",
            test="tests/test_store.py::test_put",
        ),
        Finding(
            "TV401",
            Category.PSEUDO_TESTED,
            Severity.HIGH,
            "src/shop/auth.py",
            5,
            "shop.auth.sign can return None and no test fails.",
            function="shop.auth.sign",
            detail=MappingProxyType(
                {"diff": '- return hmac.new(key, body, "sha256").hexdigest()\n+ return None'}
            ),
        ),
        Finding(
            "TV402",
            Category.WEAKLY_TESTED,
            Severity.LOW,
            "src/shop/auth.py",
            10,
            "shop.auth.verify: the boundary len(tag) < 10 can change and no test fails.",
            function="shop.auth.verify",
            # One long unbreakable token: the page must still fit a phone's width.
            hint="Call shop.auth.verify(key=b'k',body=b'b',tag='0123456789abcdef0123456789')"
            ".with_a_tag_of_exactly_ten_characters_and_assert_the_result",
            detail=MappingProxyType({"diff": "- if len(tag) < 10:\n+ if len(tag) <= 10:"}),
        ),
        Finding(
            "TV501",
            Category.MISSING_SCENARIO,
            Severity.HIGH,
            "src/shop/store.py",
            5,
            "shop.store.put persists data but no test kills the process mid-write.",
            function="shop.store.put",
            scenario="hard-kill",
            detail=MappingProxyType({"recommended_test": RECOMMENDED}),
        ),
        Finding(
            "TV301",
            Category.COVERAGE_BELOW_POLICY,
            Severity.MEDIUM,
            "src/shop/store.py",
            None,
            "src/shop/** is 71.4% covered, below its floor of 90%.",
        ),
    )


def sample_audit(root: Path) -> Audit:
    """A finished audit of the project ``write_project(root)`` created, every stage present."""
    write_project(root)
    tests = (
        TestItem("tests/test_auth.py::test_sign", "tests/test_auth.py", "test_sign", line=4),
        TestItem("tests/test_auth.py::test_verify", "tests/test_auth.py", "test_verify", line=8),
        TestItem("tests/test_store.py::test_put", "tests/test_store.py", "test_put", line=5),
    )
    mutants = (
        Mutant(
            "shop.auth:sign#return-none",
            "shop.auth:sign",
            "src/shop/auth.py",
            5,
            "extreme",
            "return-none",
            "- return hmac.new(...).hexdigest()\n+ return None",
            MutantStatus.SURVIVED,
        ),
        Mutant(
            "shop.auth:verify#return-none",
            "shop.auth:verify",
            "src/shop/auth.py",
            9,
            "extreme",
            "return-none",
            "- return ...\n+ return None",
            MutantStatus.KILLED,
            killed_by="tests/test_auth.py::test_verify",
        ),
        Mutant(
            "shop.auth:verify#cmp@10",
            "shop.auth:verify",
            "src/shop/auth.py",
            10,
            "operator",
            "cmp-lt-le",
            "- if len(tag) < 10:\n+ if len(tag) <= 10:",
            MutantStatus.SURVIVED,
        ),
        Mutant(
            "shop.store:put#empty-body",
            "shop.store:put",
            "src/shop/store.py",
            5,
            "extreme",
            "empty-body",
            '- with open(path, "wb") as f:\n+ pass',
            MutantStatus.KILLED,
            killed_by="tests/test_store.py::test_put",
        ),
    )
    run = RunResult(
        python="/usr/bin/python3",
        duration=1.234,
        results=(
            TestResult(tests[0].nodeid, Outcome.PASSED, 0.01, frozenset({"shop.auth:sign"})),
            TestResult(tests[1].nodeid, Outcome.PASSED, 0.02, frozenset({"shop.auth:verify"})),
            TestResult(tests[2].nodeid, Outcome.PASSED, 0.3, frozenset({"shop.store:put"})),
        ),
        functions=(
            FunctionInfo("shop.auth:sign", "src/shop/auth.py", 5, 6),
            FunctionInfo("shop.auth:verify", "src/shop/auth.py", 9, 12),
            FunctionInfo("shop.store:put", "src/shop/store.py", 5, 8),
        ),
        coverage=CoverageData(
            files=(
                FileCoverage("src/shop/auth.py", 8, (), percent=100.0),
                FileCoverage("src/shop/store.py", 7, (7, 8), percent=71.4),
            ),
            percent=86.7,
        ),
    )
    found = findings()
    audit = Audit(
        project=Project(root=root, name="shop", source_roots=("src",), packages=("shop",)),
        config=Config(coverage=CoverageConfig(fail_under=80.0), source="pyproject.toml"),
        tool_version="0.4.0",
        started=datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc),
        inventory=Inventory(
            tests=tests,
            files=(
                TestFile("tests/test_auth.py", TestKind.UNIT, 2, ("shop.auth",), ("shop.auth",)),
                TestFile(
                    "tests/test_store.py", TestKind.INTEGRATION, 1, ("shop.store",), ("shop.store",)
                ),
            ),
            modules=(
                ModuleInfo("shop", "src/shop/__init__.py", None, 0),
                ModuleInfo("shop.auth", "src/shop/auth.py", 100.0, 2),
                ModuleInfo("shop.store", "src/shop/store.py", 71.4, 1),
            ),
        ),
        findings=found,
        run=run,
        mutation=MutationResult("full", mutants, duration=0.8, cost_floor=0.3),
        scenarios=ScenarioAnalysis(
            capabilities=(
                Capability(
                    "persists-data",
                    "src/shop/store.py",
                    5,
                    "shop.store.put",
                    ("hard-kill", "disk-full"),
                ),
            ),
            evidence=(
                Evidence("disk-full", "tests/test_store.py::test_put", "tests/test_store.py", 5),
            ),
        ),
        policy_checks=(
            PolicyCheck("coverage", "<total>", 80.0, 86.7, 2),
            PolicyCheck("coverage", "src/shop/store.py", 90.0, 71.4, 1),
        ),
        verdict=Verdict(
            passed=False,
            failing=(found[0].fingerprint, found[4].fingerprint),
            reasons=(
                "1 finding matching fail_on 'cannot-fail:high'",
                "1 finding matching fail_on 'missing-scenario:high'",
            ),
        ),
        timings=MappingProxyType({"discover": 0.4, "static": 0.1, "run": 1.3, "mutate": 0.9}),
    )
    return audit


def bare_audit(root: Path) -> Audit:
    """A static-only audit with no run, mutation, scenarios or verdict."""
    full = sample_audit(root)
    return replace(
        full,
        findings=full.findings[:2],
        run=None,
        mutation=None,
        scenarios=None,
        policy_checks=(),
        verdict=None,
        skipped_stages=MappingProxyType({"run": "--static-only", "mutate": "--static-only"}),
        timings=MappingProxyType({"discover": 0.4, "static": 0.1}),
    )
