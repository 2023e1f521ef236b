"""The data model every stage reads and extends: frozen dataclasses, no behaviour beyond views.

An :class:`Audit` flows through the stages (discover -> static -> run -> mutate -> scenarios
-> policy); each stage returns a new ``Audit`` built with :func:`dataclasses.replace`.
Reporters only read it. Paths are always relative to the project root with ``/``
separators; function ids are ``package.module:Qualified.name``, with ``@LINE`` after the
name for a def that shares its module and name with a later one (a property's getter,
an ``@overload`` stub): ``package.module:Cls.prop@57``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from testvet.config import Config


def _frozen_map(value: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


class Severity(str, Enum):
    """How bad a finding is; ``fail_on`` entries name a minimum severity."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """3 for high, 2 for medium, 1 for low: larger is worse."""
        return {"high": 3, "medium": 2, "low": 1}[self.value]


class Category(str, Enum):
    """The ``category`` field of a finding; names are fixed by REPORT_CONTRACT.md."""

    CANNOT_FAIL = "cannot-fail"
    NONDETERMINISTIC = "nondeterministic"
    FLAKY = "flaky"
    ORDER_DEPENDENT = "order-dependent"
    PSEUDO_TESTED = "pseudo-tested"
    WEAKLY_TESTED = "weakly-tested"
    COVERAGE_BELOW_POLICY = "coverage-below-policy"
    MISSING_SCENARIO = "missing-scenario"
    COLLECTION_ERROR = "collection-error"
    UNTESTED_REQUIREMENT = "untested-requirement"
    PYRAMID = "pyramid"
    BENCHMARK_REGRESSION = "benchmark-regression"


class Scenario(str, Enum):
    """The ``scenario`` field of a ``missing-scenario`` finding; ids fixed by the contract."""

    HARD_KILL = "hard-kill"
    DISK_FULL = "disk-full"
    NETWORK_PARTITION = "network-partition"
    FUZZ_PARSER = "fuzz-parser"
    AUTH_ALG_NONE = "auth-alg-none"
    AUTH_WRONG_KEY = "auth-wrong-key"
    AUTH_EXPIRED_REPLAY = "auth-expired-replay"
    RATE_LIMIT_BOUNDARY = "rate-limit-boundary"
    CROSS_TENANT_ACCESS = "cross-tenant-access"
    COMMAND_INJECTION = "command-injection"
    FORGED_SIGNATURE = "forged-signature"
    DUPLICATE_DELIVERY = "duplicate-delivery"
    CONCURRENT_LEASE = "concurrent-lease"
    LEASE_EXPIRY = "lease-expiry"
    ROLLBACK_FAILURE = "rollback-failure"
    CLOCK_SKEW = "clock-skew"


_WS = re.compile(r"\s+")
_PARAMS = re.compile(r"\[.*\]$")


@dataclass(frozen=True)
class Finding:
    """One thing the audit found; the unit of reports, the verdict and the baseline."""

    #: Stable rule code, e.g. ``TV101`` (static rules), ``TV301`` (coverage policy).
    code: str
    #: One of the contract's categories.
    category: Category
    #: ``high`` / ``medium`` / ``low``.
    severity: Severity
    #: File the finding is about, relative to the project root, ``/`` separators.
    path: str
    #: 1-based line in ``path``, or None when the finding is about a whole file or path group.
    line: int | None
    #: One sentence a person can act on.
    message: str
    #: Pytest node id when the finding is about a test.
    test: str | None = None
    #: ``package.module.Qualname`` when the finding is about project code.
    function: str | None = None
    #: Scenario id for ``missing-scenario`` findings.
    scenario: str | None = None
    #: Requirement id for ``untested-requirement`` findings.
    requirement: str | None = None
    #: Last line of the flagged construct, when it spans several.
    end_line: int | None = None
    #: How to fix it, one or two sentences (shown under the message).
    hint: str | None = None
    #: Source text the finding anchors on; feeds the fingerprint so line shifts don't matter.
    snippet: str | None = None
    #: Format-specific extras (e.g. ``diff`` of a surviving mutant, ``recommended_test``).
    detail: Mapping[str, Any] = field(default_factory=_frozen_map, compare=False, hash=False)

    @property
    def fingerprint(self) -> str:
        """A hash that survives unrelated line shifts: code, file, subject and source text."""
        subject = self.test or self.function or self.scenario or self.requirement or ""
        subject = _PARAMS.sub("", subject)
        snippet = _WS.sub(" ", self.snippet or "").strip()
        if not snippet and not subject:
            # No anchor but the position itself (e.g. a collection error): keep the message.
            snippet = self.message
        raw = "\x1f".join((self.code, self.path, subject, snippet))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]

    @property
    def location(self) -> str:
        """``path:line`` (or just ``path``) for people."""
        return f"{self.path}:{self.line}" if self.line else self.path


class TestKind(str, Enum):
    """Where a test sits in the pyramid."""

    __test__ = False  # not a pytest test class

    UNIT = "unit"
    INTEGRATION = "integration"
    E2E = "e2e"


@dataclass(frozen=True)
class TestItem:
    """One collected pytest item."""

    __test__ = False

    #: Pytest node id relative to the project root, e.g. ``tests/test_a.py::TestX::test_y[1]``.
    nodeid: str
    #: The test file, relative to the project root.
    path: str
    #: The function name as written (``originalname``), without parameters.
    function: str
    #: The enclosing class name, if any.
    cls: str | None = None
    #: 1-based line of the ``def``.
    line: int | None = None
    #: Marker names applied to the item (``parametrize`` excluded).
    markers: tuple[str, ...] = ()
    #: The parametrization id (``callspec.id``) or None.
    params: str | None = None
    #: True for ``unittest.TestCase`` methods.
    unittest: bool = False
    #: unit / integration / e2e.
    kind: TestKind = TestKind.UNIT


@dataclass(frozen=True)
class TestFile:
    """One test module with what it imports and, after a run, what it reaches."""

    __test__ = False

    path: str
    kind: TestKind
    #: Number of collected items in the file.
    tests: int
    #: Project modules imported by the file (static, dotted names).
    imports: tuple[str, ...] = ()
    #: Project modules reached by its tests during the run (dotted names).
    reaches: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleInfo:
    """One project (non-test) module."""

    #: Dotted module name, e.g. ``pkg.auth.tokens``.
    name: str
    #: File relative to the project root.
    path: str
    #: Line coverage percent from the run, None without a run.
    coverage: float | None = None
    #: Number of tests that reached a function of this module during the run.
    tests: int = 0


@dataclass(frozen=True)
class Inventory:
    """What the suite is made of."""

    tests: tuple[TestItem, ...] = ()
    files: tuple[TestFile, ...] = ()
    modules: tuple[ModuleInfo, ...] = ()
    #: ``pytest`` when pytest's own collection produced ``tests``; ``ast`` for the fallback.
    collected_with: str = "pytest"


@dataclass(frozen=True)
class Project:
    """The audited project as discovered on disk."""

    #: Absolute project root (where pyproject.toml is, or the given path).
    root: Path
    #: Distribution or directory name.
    name: str
    #: Directories (relative, ``.`` for flat layout) that hold the importable packages.
    source_roots: tuple[str, ...] = (".",)
    #: Top-level import names that belong to the project.
    packages: tuple[str, ...] = ()
    #: Test paths given to pytest (relative).
    test_paths: tuple[str, ...] = ()
    #: The interpreter the suite runs with.
    python: str = ""
    #: pyproject.toml relative path, None when there is none.
    pyproject: str | None = None


class Outcome(str, Enum):
    """The outcome of one test in the instrumented run."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"
    TIMEOUT = "timeout"
    CRASHED = "crashed"


@dataclass(frozen=True)
class TestResult:
    """One test as observed in the instrumented run."""

    __test__ = False

    nodeid: str
    outcome: Outcome
    #: Seconds for setup + call + teardown.
    duration: float
    #: Function ids (``pkg.mod:Qual.name``) of project functions the test reached.
    reached: frozenset[str] = frozenset()
    #: One-line reason for failures, errors, skips, timeouts and crashes.
    message: str | None = None
    #: Seconds of set-up of the wider-scoped fixtures it uses that ran in an earlier
    #: test's time: a process that runs this test first pays them too.
    shared_setup: float = 0.0
    #: An xfailed test whose pass would fail the suite (a strict ``xfail``, unittest's
    #: ``expectedFailure``): a check like a passing test's.
    strict: bool = False


@dataclass(frozen=True)
class FunctionInfo:
    """A project function known to the run (reached by at least one test)."""

    #: ``pkg.mod:Qual.name``.
    id: str
    path: str
    line: int
    end_line: int

    @property
    def module(self) -> str:
        return self.id.split(":", 1)[0]

    @property
    def qualname(self) -> str:
        return self.id.split(":", 1)[1].split(NAMESAKE, 1)[0]

    @property
    def dotted(self) -> str:
        """``pkg.mod.Qual.name``, the form the report contract's ``function`` field uses."""
        return dotted_name(self.id)


#: Between a function's name and its def line in the id of a def whose module defines
#: the same qualified name again later (``pkg.mod:Cls.prop@57``, a property's getter).
NAMESAKE = "@"


def function_id(module: str, qualname: str, line: int | None = None) -> str:
    """``pkg.mod:Qual.name``, or ``pkg.mod:Qual.name@LINE`` for an earlier namesake."""
    base = f"{module}:{qualname}"
    return base if line is None else f"{base}{NAMESAKE}{line}"


def dotted_name(fid: str) -> str:
    """The report contract's dotted name of a function id (no def line)."""
    return fid.split(NAMESAKE, 1)[0].replace(":", ".")


@dataclass(frozen=True)
class FileCoverage:
    """coverage.py's numbers for one file."""

    path: str
    statements: int
    missing: tuple[int, ...]
    branches: int = 0
    partial_branches: int = 0
    #: Percent in coverage.py's sense (statements and branches together when measured).
    percent: float = 100.0
    #: Executed line numbers (used for rotten-green detection and excerpts).
    executed: tuple[int, ...] = ()


@dataclass(frozen=True)
class CoverageData:
    """Line/branch coverage of the run."""

    files: tuple[FileCoverage, ...]
    percent: float
    #: ``measured`` by testvet, or ``file`` when read from ``--coverage-file``.
    source: str = "measured"
    #: Where the coverage data file lives (under the output dir, or the user's file).
    data_file: str | None = None


@dataclass(frozen=True)
class PolicyCheck:
    """One floor of the policy and the measured number against it."""

    #: ``coverage`` or ``mutation``.
    kind: str
    #: A path glob, or ``<total>`` for the global floor.
    target: str
    floor: float
    actual: float | None
    #: Files the target matched.
    files: int = 0

    @property
    def passed(self) -> bool:
        return self.actual is not None and self.actual + 1e-9 >= self.floor


@dataclass(frozen=True)
class RunResult:
    """What the single instrumented run of the suite observed."""

    python: str
    #: Wall seconds of the run.
    duration: float
    results: tuple[TestResult, ...] = ()
    functions: tuple[FunctionInfo, ...] = ()
    coverage: CoverageData | None = None
    #: pytest's exit status.
    exit_status: int = 0
    #: How the per-test map was built: ``monitoring`` (sys.monitoring), ``hook`` (import
    #: hook), or a measurement-only alternative.
    mechanism: str | None = None
    #: Child processes it took (more than one when a test ended or hung its process).
    children: int = 1
    #: Things a reader of the numbers should know (e.g. modules the map could not see).
    notes: tuple[str, ...] = ()
    #: Why pytest ended before running every test it collected (an internal error, a
    #: test calling ``pytest.exit``); None when it ran them all. The verdict fails.
    stopped: str | None = None
    #: Ids of the project functions that ran while a module was imported — pytest
    #: collecting the suite, or a test importing one (decorators, module-level objects):
    #: what they built then, no in-memory mutant can change.
    imported: frozenset[str] = frozenset()
    #: Paths in the project's tree that changed while the suite ran (files its tests
    #: wrote there; ``dir/`` when entries came and went): tests that share files there
    #: would disturb each other when run at the same time.
    wrote: tuple[str, ...] = ()
    #: Fixed ports the tests bound (``host:port``, in the order first seen): tests of
    #: different workers binding one port fail each other ("address already in use").
    ports: tuple[str, ...] = ()


class MutantStatus(str, Enum):
    """What happened to one mutant."""

    KILLED = "killed"
    SURVIVED = "survived"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    NO_TESTS = "no-tests"
    #: It survived, but its function ran while a module was imported: what it built then
    #: was built by the original code, so the survival proves nothing (counts in no score).
    UNPROVEN = "unproven"


@dataclass(frozen=True)
class Mutant:
    """One mutant of one function and its fate."""

    #: Stable id, e.g. ``pkg.mod:f#return-none`` or ``pkg.mod:f#cmp@12:4``.
    id: str
    #: Function id ``pkg.mod:Qual.name``.
    function: str
    path: str
    line: int
    #: ``extreme`` or ``operator``.
    kind: str
    #: Operator name, e.g. ``return-none``, ``empty-body``, ``cmp-lt-le``.
    operator: str
    #: One-line diff for people: ``- a < b`` / ``+ a <= b``.
    diff: str
    status: MutantStatus
    #: Node id of the first failing test when killed.
    killed_by: str | None = None
    #: Seconds spent on this mutant.
    duration: float = 0.0
    #: Whether the result came from the incremental cache.
    cached: bool = False


@dataclass(frozen=True)
class SkippedFunction:
    """A function the engine could not mutate in memory, and why."""

    function: str
    path: str
    line: int
    reason: str


@dataclass(frozen=True)
class MutationResult:
    """The mutation stage's output."""

    mode: str
    mutants: tuple[Mutant, ...] = ()
    skipped: tuple[SkippedFunction, ...] = ()
    duration: float = 0.0
    #: Sum of the cost floor in seconds (see DESIGN.md); efficiency = floor / duration.
    cost_floor: float = 0.0
    workers: int = 1
    #: Things a person should know about this stage's run (files mutants made tests write).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capability:
    """Something the project code does that calls for failure/abuse scenarios."""

    #: e.g. ``signs-tokens``, ``persists-data``, ``runs-subprocess``.
    kind: str
    path: str
    line: int
    #: The function or symbol that shows it (``pkg.mod.func``), if any.
    symbol: str | None
    #: Scenario ids this capability calls for.
    scenarios: tuple[str, ...]
    #: Why the detector fired, for people.
    reason: str = ""


@dataclass(frozen=True)
class Evidence:
    """A test that exercises a scenario."""

    scenario: str
    test: str
    path: str
    line: int
    reason: str = ""


@dataclass(frozen=True)
class RequirementCoverage:
    """One requirement of the project's list and the tests linked to it by marker."""

    id: str
    title: str
    epic: str
    #: Node ids (no parameters) of the linked tests.
    tests: tuple[str, ...] = ()
    #: Linked tests that passed in the run (empty without a run).
    passing: tuple[str, ...] = ()
    #: Has a passing linked test (or, without a run, any linked test).
    tested: bool = False


@dataclass(frozen=True)
class PyramidMix:
    """How many unit/integration/e2e tests one component (or ``<all>``) has, and its target."""

    component: str
    unit: int = 0
    integration: int = 0
    e2e: int = 0
    #: Target shares in percent from ``[tool.testvet.pyramid]``; empty for ``<all>``.
    target: Mapping[str, float] = field(default_factory=_frozen_map, compare=False)


@dataclass(frozen=True)
class ScenarioAnalysis:
    """Capabilities found in code and scenario evidence found in tests."""

    capabilities: tuple[Capability, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    #: Requirements traceability (empty when no requirements file is configured).
    requirements: tuple[RequirementCoverage, ...] = ()
    #: The suite's mix (``<all>`` first), then each configured pyramid component.
    pyramid: tuple[PyramidMix, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The policy's answer: does this audit fail the build?"""

    passed: bool
    #: Fingerprints of the findings that fail the build.
    failing: tuple[str, ...] = ()
    #: Findings that matched the baseline (known, not failing).
    baselined: int = 0
    #: Human reasons, e.g. ``3 new cannot-fail:high findings``.
    reasons: tuple[str, ...] = ()

    @property
    def word(self) -> str:
        return "pass" if self.passed else "fail"


@dataclass(frozen=True)
class Audit:
    """Everything an audit knows; built stage by stage, read by reporters."""

    project: Project
    config: Config
    tool_version: str
    started: datetime
    inventory: Inventory = field(default_factory=Inventory)
    findings: tuple[Finding, ...] = ()
    run: RunResult | None = None
    mutation: MutationResult | None = None
    scenarios: ScenarioAnalysis | None = None
    policy_checks: tuple[PolicyCheck, ...] = ()
    verdict: Verdict | None = None
    #: Stage name -> seconds spent.
    timings: Mapping[str, float] = field(default_factory=_frozen_map, compare=False)
    #: Stages that were skipped and why (e.g. ``run``: ``--static-only``).
    skipped_stages: Mapping[str, str] = field(default_factory=_frozen_map, compare=False)

    def by_category(self) -> dict[str, int]:
        """Finding counts per category, in contract order, zero counts omitted."""
        counts: dict[str, int] = {}
        for category in Category:
            n = sum(1 for f in self.findings if f.category is category)
            if n:
                counts[category.value] = n
        return counts

    def failing_findings(self) -> tuple[Finding, ...]:
        """The findings that make the verdict fail."""
        if self.verdict is None:
            return ()
        failing = set(self.verdict.failing)
        return tuple(f for f in self.findings if f.fingerprint in failing)
