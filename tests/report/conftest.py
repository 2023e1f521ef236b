"""Hand-built, deterministic audits for the reporter tests (fixed date, fixed root).

``full_audit``: every stage's data present (run, coverage, mutation, scenarios, policy).
``static_audit``: what ``--static-only`` leaves: inventory and static findings only.
``empty_audit``: nothing but a project (no stage ran).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from testvet.config import Config, CoverageConfig, FailRule
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
    PyramidMix,
    RunResult,
    ScenarioAnalysis,
    Severity,
    SkippedFunction,
    TestFile,
    TestItem,
    TestKind,
    TestResult,
    Verdict,
)
from testvet.policy import decide

ROOT = Path("/home/dev/shopcart")
STARTED = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
GOLDEN = Path(__file__).parent / "golden"

RECOMMENDED = '''\
def test_store_survives_hard_kill(tmp_path, crash):
    """Kill the writer mid-flush; every acknowledged order must still be there."""
    crash.run_and_kill("shopcart.store:Store.save", at="fsync")
    assert Store(tmp_path).load() == crash.acknowledged
'''

FAIL_ON = (
    FailRule("cannot-fail", Severity.HIGH),
    FailRule("collection-error"),
    FailRule("coverage-below-policy"),
    FailRule("weakly-tested"),
    FailRule("missing-scenario", Severity.HIGH),
)


def _tests() -> tuple[TestItem, ...]:
    def item(
        path: str, fn: str, line: int, kind: TestKind = TestKind.UNIT, **kw: object
    ) -> TestItem:
        params = kw.get("params")
        nodeid = f"{path}::{fn}" + (f"[{params}]" if params else "")
        return TestItem(nodeid=nodeid, path=path, function=fn, line=line, kind=kind, **kw)  # type: ignore[arg-type]

    return (
        item("tests/test_cart.py", "test_add_item", 10),
        item("tests/test_cart.py", "test_total", 28, params="1"),
        item("tests/test_cart.py", "test_total", 28, params="2"),
        item("tests/test_pricing.py", "test_round", 5),
        item("tests/test_pricing.py", "test_discount_runs", 15),
        item("tests/test_checkout.py", "test_checkout_flow", 40, TestKind.INTEGRATION),
        item("tests/test_worker.py", "test_worker_drains", 6, TestKind.INTEGRATION),
        item("tests/test_e2e.py", "test_http_order", 3, TestKind.E2E, markers=("e2e",)),
    )


def _inventory() -> Inventory:
    return Inventory(
        tests=_tests(),
        files=(
            TestFile(
                "tests/test_cart.py", TestKind.UNIT, 3, ("shopcart.cart",), ("shopcart.cart",)
            ),
            TestFile(
                "tests/test_pricing.py",
                TestKind.UNIT,
                2,
                ("shopcart.pricing",),
                ("shopcart.pricing", "shopcart.cart"),
            ),
            TestFile(
                "tests/test_checkout.py",
                TestKind.INTEGRATION,
                1,
                ("shopcart.checkout", "shopcart.payments"),
                ("shopcart.checkout", "shopcart.payments", "shopcart.store"),
            ),
            TestFile("tests/test_worker.py", TestKind.INTEGRATION, 1, ("shopcart.worker",), ()),
            TestFile("tests/test_e2e.py", TestKind.E2E, 1, (), ("shopcart.api",)),
            TestFile("tests/test_legacy.py", TestKind.UNIT, 0, ("shopcart.cart",), ()),
        ),
        modules=(
            ModuleInfo("shopcart.cart", "src/shopcart/cart.py", 92.0, 4),
            ModuleInfo("shopcart.pricing", "src/shopcart/pricing.py", 88.5, 2),
            ModuleInfo("shopcart.checkout", "src/shopcart/checkout.py", 75.0, 1),
            ModuleInfo("shopcart.payments", "src/shopcart/payments.py", 61.0, 1),
            ModuleInfo("shopcart.store", "src/shopcart/store.py", 70.0, 1),
            ModuleInfo("shopcart.api", "src/shopcart/api.py", 55.0, 1),
            ModuleInfo("shopcart.admin", "src/shopcart/admin.py", 0.0, 0),
        ),
    )


def _static_findings() -> tuple[Finding, ...]:
    return (
        Finding(
            code="TV101",
            category=Category.CANNOT_FAIL,
            severity=Severity.HIGH,
            path="tests/test_cart.py",
            line=10,
            message="test_add_item has no check: it calls Cart.add() and asserts nothing.",
            test="tests/test_cart.py::test_add_item",
            hint="Assert on the cart's contents after add().",
            snippet="cart.add(item)",
        ),
        Finding(
            code="TV112",
            category=Category.CANNOT_FAIL,
            severity=Severity.MEDIUM,
            path="tests/test_cart.py",
            line=31,
            end_line=34,
            message="An `except Exception: pass` swallows the assertion | the test cannot fail.",
            test="tests/test_cart.py::test_total[2]",
            hint="Drop the try/except; use pytest.raises if an error is expected.",
            snippet="except Exception: pass",
        ),
        Finding(
            code="TV141",
            category=Category.NONDETERMINISTIC,
            severity=Severity.MEDIUM,
            path="tests/test_worker.py",
            line=9,
            message="time.sleep(0.5) waits for the worker thread <instead of> joining it.",
            test="tests/test_worker.py::test_worker_drains",
            hint="Wait on an Event or join() the thread with a timeout.",
            snippet="time.sleep(0.5)",
        ),
        Finding(
            code="TV201",
            category=Category.COLLECTION_ERROR,
            severity=Severity.HIGH,
            path="tests/test_legacy.py",
            line=None,
            message="pytest cannot collect this file: ModuleNotFoundError: No module named 'src'.",
            hint="Import `shopcart`, not `src.shopcart`: the package is installed.",
        ),
    )


def _later_findings() -> tuple[Finding, ...]:
    return (
        Finding(
            code="TV310",
            category=Category.CANNOT_FAIL,
            severity=Severity.HIGH,
            path="tests/test_checkout.py",
            line=44,
            message="The assertion on line 44 never executed in a passing run.",
            test="tests/test_checkout.py::test_checkout_flow",
            hint="The loop over `orders` is empty; assert the list is non-empty first.",
            snippet="assert order.paid",
        ),
        Finding(
            code="TV301",
            category=Category.COVERAGE_BELOW_POLICY,
            severity=Severity.HIGH,
            path="src/shopcart/payments.py",
            line=None,
            message="src/shopcart/payments.py is 61.0% covered, below its 90% floor.",
            hint="Test the refund and declined-card branches.",
        ),
        Finding(
            code="TV401",
            category=Category.PSEUDO_TESTED,
            severity=Severity.HIGH,
            path="src/shopcart/pricing.py",
            line=20,
            message="apply_discount can return None and no test fails.",
            function="shopcart.pricing.apply_discount",
            hint="Assert on the discounted price in test_discount_runs.",
        ),
        Finding(
            code="TV402",
            category=Category.WEAKLY_TESTED,
            severity=Severity.MEDIUM,
            path="src/shopcart/pricing.py",
            line=40,
            message="round_total: 1 of 2 operator mutants survive (score 50%).",
            function="shopcart.pricing.round_total",
        ),
        Finding(
            code="TV501",
            category=Category.MISSING_SCENARIO,
            severity=Severity.HIGH,
            path="src/shopcart/store.py",
            line=15,
            message="Store.save persists orders but no test kills the process mid-write.",
            function="shopcart.store.Store.save",
            scenario="hard-kill",
            hint="Use testvet.harness's crash fixture and read the store back.",
            detail={"recommended_test": RECOMMENDED, "risk": "acknowledged orders lost"},
        ),
        Finding(
            code="TV516",
            category=Category.MISSING_SCENARIO,
            severity=Severity.LOW,
            path="src/shopcart/worker.py",
            line=7,
            message="The worker expires leases by wall clock but no test skews the clock.",
            scenario="clock-skew",
        ),
    )


def _run() -> RunResult:
    results = (
        TestResult(
            "tests/test_cart.py::test_add_item",
            Outcome.PASSED,
            0.01,
            frozenset({"shopcart.cart:Cart.add"}),
        ),
        TestResult(
            "tests/test_cart.py::test_total[1]",
            Outcome.PASSED,
            0.02,
            frozenset({"shopcart.cart:Cart.total"}),
        ),
        TestResult(
            "tests/test_cart.py::test_total[2]",
            Outcome.PASSED,
            0.02,
            frozenset({"shopcart.cart:Cart.total"}),
        ),
        TestResult(
            "tests/test_pricing.py::test_round",
            Outcome.PASSED,
            0.005,
            frozenset({"shopcart.pricing:round_total"}),
        ),
        TestResult(
            "tests/test_pricing.py::test_discount_runs",
            Outcome.PASSED,
            0.004,
            frozenset({"shopcart.pricing:apply_discount"}),
        ),
        TestResult(
            "tests/test_checkout.py::test_checkout_flow",
            Outcome.PASSED,
            0.3,
            frozenset({"shopcart.checkout:checkout"}),
        ),
        TestResult("tests/test_worker.py::test_worker_drains", Outcome.PASSED, 0.51, frozenset()),
        TestResult(
            "tests/test_e2e.py::test_http_order", Outcome.SKIPPED, 0.0, frozenset(), "no network"
        ),
    )
    functions = (
        FunctionInfo("shopcart.pricing:apply_discount", "src/shopcart/pricing.py", 20, 30),
        FunctionInfo("shopcart.pricing:round_total", "src/shopcart/pricing.py", 40, 44),
    )
    coverage = CoverageData(
        files=(
            FileCoverage("src/shopcart/cart.py", 50, (12, 13, 14, 15), percent=92.0),
            FileCoverage("src/shopcart/payments.py", 41, tuple(range(10, 26)), percent=61.0),
            FileCoverage("src/shopcart/admin.py", 12, tuple(range(1, 13)), percent=0.0),
        ),
        percent=78.5,
    )
    return RunResult(
        python="/usr/bin/python3.11",
        duration=1.25,
        results=results,
        functions=functions,
        coverage=coverage,
        notes=("tests/test_cart.py changed during the run: no rotten-green evidence from it",),
    )


def _mutation() -> MutationResult:
    return MutationResult(
        mode="full",
        mutants=(
            Mutant(
                "shopcart.pricing:apply_discount#return-none",
                "shopcart.pricing:apply_discount",
                "src/shopcart/pricing.py",
                20,
                "extreme",
                "return-none",
                "- return price * (1 - rate)\n+ return None",
                MutantStatus.SURVIVED,
            ),
            Mutant(
                "shopcart.pricing:round_total#cmp@41:8",
                "shopcart.pricing:round_total",
                "src/shopcart/pricing.py",
                41,
                "operator",
                "cmp-lt-le",
                "- if cents < 50:\n+ if cents <= 50:",
                MutantStatus.SURVIVED,
            ),
            Mutant(
                "shopcart.pricing:round_total#return-none",
                "shopcart.pricing:round_total",
                "src/shopcart/pricing.py",
                40,
                "extreme",
                "return-none",
                "- return total\n+ return None",
                MutantStatus.KILLED,
                killed_by="tests/test_pricing.py::test_round",
            ),
            Mutant(
                "shopcart.cart:Cart.total#return-none",
                "shopcart.cart:Cart.total",
                "src/shopcart/cart.py",
                30,
                "extreme",
                "return-none",
                "- return sum(self.items)\n+ return None",
                MutantStatus.KILLED,
                killed_by="tests/test_cart.py::test_total[1]",
            ),
        ),
        skipped=(
            SkippedFunction(
                "shopcart.api:handler", "src/shopcart/api.py", 12, "decorated by a C extension"
            ),
        ),
        duration=4.0,
        cost_floor=1.0,
        workers=2,
        notes=("while the mutants ran, files in the project changed: created spool.txt",),
    )


def _scenarios() -> ScenarioAnalysis:
    return ScenarioAnalysis(
        capabilities=(
            Capability(
                "persists-data",
                "src/shopcart/store.py",
                15,
                "shopcart.store.Store.save",
                ("hard-kill", "disk-full"),
            ),
            Capability(
                "expires-by-time",
                "src/shopcart/worker.py",
                7,
                "shopcart.worker.lease",
                ("clock-skew",),
            ),
        ),
        evidence=(
            Evidence("disk-full", "tests/test_store.py::test_enospc", "tests/test_store.py", 3),
        ),
        pyramid=(
            PyramidMix("<all>", unit=5, integration=2, e2e=1),
            PyramidMix(
                "src/shopcart/payments*",
                unit=0,
                integration=1,
                e2e=0,
                target={"unit": 70.0, "integration": 20.0, "e2e": 10.0},
            ),
        ),
    )


def _policy() -> tuple[PolicyCheck, ...]:
    return (
        PolicyCheck("coverage", "<total>", 75.0, 78.5, 7),
        PolicyCheck("coverage", "src/shopcart/payments.py", 90.0, 61.0, 1),
        PolicyCheck("mutation", "src/shopcart/pricing.py", 80.0, 50.0, 1),
    )


def _verdict(findings: tuple[Finding, ...]) -> Verdict:
    return decide(findings, replace(Config(), fail_on=FAIL_ON), Counter())


def _base() -> Audit:
    cfg = Config(
        fail_on=FAIL_ON,
        coverage=CoverageConfig(fail_under=75.0, paths={"src/shopcart/payments.py": 90.0}),
    )
    return Audit(
        project=Project(root=ROOT, name="shopcart"),
        config=cfg,
        tool_version="0.1.0",
        started=STARTED,
    )


def build_full() -> Audit:
    findings = _static_findings() + _later_findings()
    return replace(
        _base(),
        inventory=_inventory(),
        findings=findings,
        run=_run(),
        mutation=_mutation(),
        scenarios=_scenarios(),
        policy_checks=_policy(),
        verdict=_verdict(findings),
        timings={
            "discover": 0.4,
            "static": 0.2,
            "run": 1.3,
            "mutate": 4.0,
            "scenarios": 0.1,
            "policy": 0.01,
        },
    )


def build_static() -> Audit:
    findings = _static_findings()
    inv = _inventory()
    # Without a run nothing measures coverage or which tests reach a module.
    modules = tuple(replace(m, coverage=None, tests=0) for m in inv.modules)
    return replace(
        _base(),
        inventory=replace(inv, modules=modules),
        findings=findings,
        verdict=_verdict(findings),
        timings={"discover": 0.4, "static": 0.2, "policy": 0.01},
        skipped_stages={"run": "--static-only", "mutate": "--static-only"},
    )


def build_empty() -> Audit:
    return _base()


@pytest.fixture
def full_audit() -> Audit:
    return build_full()


@pytest.fixture
def static_audit() -> Audit:
    return build_static()


@pytest.fixture
def empty_audit() -> Audit:
    return build_empty()


@pytest.fixture
def many_findings() -> Callable[[int], Audit]:
    """An audit with ``n`` distinct findings (for size limits)."""

    def make(n: int) -> Audit:
        sev = (Severity.LOW, Severity.MEDIUM, Severity.HIGH)
        findings = tuple(
            Finding(
                code=f"TV1{(i % 5):02d}",
                category=Category.CANNOT_FAIL,
                severity=sev[i % 3],
                path=f"tests/test_m{i // 100}.py",
                line=i % 100 + 1,
                message=f"finding number {i} " + "x" * 120,
                test=f"tests/test_m{i // 100}.py::test_{i}",
                snippet=f"assert thing_{i}",
            )
            for i in range(n)
        )
        return replace(build_static(), findings=findings)

    return make


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``golden/name``; TESTVET_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("TESTVET_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file (see tests/report/README.md)"


@pytest.fixture
def assert_golden() -> Callable[[str, str], None]:
    """``golden(name, text)``: compare with (or, when updating, rewrite) a golden file."""
    return check_golden
