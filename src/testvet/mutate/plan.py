"""What to mutate: functions reached by passing tests, their covering tests and mutants."""

from __future__ import annotations

import bisect
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from testvet import globs
from testvet.config import MutationConfig
from testvet.model import FunctionInfo, Outcome, RunResult, SkippedFunction, TestResult
from testvet.mutate.operators import MutantSpec, extreme_mutants, operator_mutants
from testvet.mutate.skips import skip_reason
from testvet.mutate.source import FunctionSource, ModuleSource

#: CPU seconds added to every per-mutant budget (fork, fixture setup).
TIMEOUT_SLACK = 1.0
#: Tests that ran after a function's only covering test (or after the last covering test
#: of a function that returns nothing) and reached its module, that its mutants face too
#: (``_ModuleTests.later``).
LATER_TESTS = 10


def path_matches(path: str, glob: str) -> bool:
    """Whether the project-relative ``path`` falls under ``glob`` (``**``, ``*``, directories)."""
    return globs.matches(glob, path)


def critical_globs(path: str, paths: Mapping[str, float]) -> list[str]:
    """The configured critical-path globs ``path`` falls under."""
    return [g for g in paths if path_matches(path, g)]


@dataclass(frozen=True)
class Target:
    """One function to mutate."""

    info: FunctionInfo
    source: FunctionSource
    tests: tuple[str, ...]
    timeout: float
    mutants: tuple[MutantSpec, ...]
    critical: bool
    #: Tests that never reached it but may use what it built (``_ModuleTests.later``); its
    #: mutants run them after ``tests``.
    later: tuple[str, ...] = ()
    #: Those of ``tests`` that skipped themselves at run time after reaching it (a
    #: ``skip`` in the test's body): a failure under a mutant is a kill, a skip tells
    #: nothing. Not counted as the passing tests that reach it.
    skipping: frozenset[str] = frozenset()

    @property
    def run_tests(self) -> tuple[str, ...]:
        """What its mutants run: the covering tests, then the later ones."""
        return self.tests + self.later


@dataclass
class Plan:
    """The targets, and what was skipped and why."""

    targets: list[Target] = field(default_factory=list)
    skipped: list[SkippedFunction] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)


def _checks(result: TestResult) -> bool:
    """Whether a test of the run fails the suite when a mutant changes what it sees."""
    return result.outcome is Outcome.PASSED or (result.outcome is Outcome.XFAILED and result.strict)


def covering_tests(
    run: RunResult,
) -> tuple[dict[str, tuple[str, ...]], dict[str, float], frozenset[str]]:
    """function id -> the tests that reach it, fastest first; nodeid -> duration; and
    which of those tests skipped themselves at run time.

    The tests are the passing ones and the strict expected failures (a mutant that makes
    one pass fails the suite), and for a function such a test reaches, also those that
    reached it and then skipped (a ``skip`` in the middle of a test, after checks that
    exercised it: defusedxml). A test's duration here is what it costs in a fresh
    worker: its own, plus the set-up of the wider-scoped fixtures it uses that an
    earlier test paid for in the run.
    """
    usable = [r for r in run.results if _checks(r) or (r.outcome is Outcome.SKIPPED and r.reached)]
    durations = {r.nodeid: r.duration + r.shared_setup for r in usable}
    by_function: dict[str, list[str]] = defaultdict(list)
    for result in usable:
        if _checks(result):
            for fid in result.reached:
                by_function[fid].append(result.nodeid)
    skipping = frozenset(r.nodeid for r in usable if r.outcome is Outcome.SKIPPED)
    for result in usable:
        if result.outcome is Outcome.SKIPPED:
            for fid in result.reached:
                if fid in by_function:  # alone, skipping tests judge nothing
                    by_function[fid].append(result.nodeid)
    ordered = {
        fid: tuple(sorted(set(tests), key=lambda n: (durations[n], n)))
        for fid, tests in by_function.items()
    }
    return ordered, durations, skipping


class _ModuleTests:
    """Module -> the passing tests (and strict expected failures) that reached its
    functions, in the run's order."""

    def __init__(self, run: RunResult) -> None:
        self.position: dict[str, int] = {}
        self.by_module: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for index, result in enumerate(run.results):
            if not _checks(result):
                continue
            self.position[result.nodeid] = index
            for module in {fid.split(":", 1)[0] for fid in result.reached}:
                self.by_module[module].append((index, result.nodeid))

    def later(
        self, info: FunctionInfo, tests: tuple[str, ...], procedure: bool = False
    ) -> tuple[str, ...]:
        """For a function only one test reached, or a ``procedure`` (it returns nothing)
        that several reached: the next ``LATER_TESTS`` passing tests after the last of
        them (in the run's order) that reached its module.

        What a function builds once — a singleton created on first use, the result of an
        ``lru_cache``d factory — is built by the first test that asks for it; later tests
        use it without reaching the function. What a procedure undoes — a teardown that
        unfreezes the clock, a ``stop`` that unpatches — leaks into later tests when a
        mutant does not undo it (freezegun's ``tearDown``). In the suite, such a mutant
        fails those tests; in a fresh worker only its covering tests would run, and it
        would wrongly survive."""
        ran = [self.position[t] for t in tests if t in self.position]
        if not ran or (len(tests) != 1 and not procedure):
            return ()
        mine = self.by_module.get(info.module, [])
        start = bisect.bisect_right(mine, max(ran), key=lambda entry: entry[0])
        return tuple(nodeid for _, nodeid in mine[start : start + LATER_TESTS])


def build(root: Path, run: RunResult, config: MutationConfig, mode: str) -> Plan:
    """Select targets and generate their mutants (``mode`` is ``extreme`` or ``full``)."""
    tests_of, durations, skipping = covering_tests(run)
    module_tests = _ModuleTests(run)
    plan = Plan(durations=durations)
    modules: dict[str, ModuleSource | str] = {}
    for info in sorted(run.functions, key=lambda f: (f.path, f.line)):
        tests = tests_of.get(info.id)
        if not tests:
            continue  # reached only by failing or skipped tests: nothing to judge with

        def skip(reason: str, info: FunctionInfo = info) -> None:
            plan.skipped.append(SkippedFunction(info.dotted, info.path, info.line, reason))

        if "<lambda>" in info.qualname or info.qualname.endswith(">"):
            skip("not a def statement (lambda or comprehension)")
            continue
        module = modules.get(info.path)
        if module is None:
            try:
                module = ModuleSource.read(root / info.path)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
                module = f"source unreadable: {type(exc).__name__}: {exc}"
            modules[info.path] = module
        if isinstance(module, str):
            skip(module)
            continue
        fn = module.find(info.qualname, info.line)
        if fn is None:
            skip(f"no def of {info.qualname} at line {info.line} in the source")
            continue
        reason = skip_reason(fn, info.module, config.skip)
        if reason:
            skip(reason)
            continue
        critical = bool(critical_globs(info.path, config.paths))
        mutants = extreme_mutants(fn, info.id, info.path)
        if mode == "full" and critical:
            mutants += operator_mutants(fn, info.id, info.path)
        if not mutants:
            skip("nothing to mutate")
            continue
        procedure = any(m.operator == "empty-body" for m in mutants)
        later = module_tests.later(info, tests, procedure)
        total = sum(durations[t] for t in (*tests, *later))
        timeout = config.timeout_factor * total + TIMEOUT_SLACK
        plan.targets.append(
            Target(info, fn, tests, timeout, tuple(mutants), critical, later, skipping & set(tests))
        )
    return plan


def worker_count(configured: int, mutants: int) -> int:
    """Workers to run at once: the configured number, at most one per mutant.

    0 means one per core. (A spare worker, to keep the cores busy while the warm process
    notices a verdict and forks the next one, was tried: on cachetools, 3 workers on 2
    cores took 1.77-1.89 s against 1.76-1.82 s for 2, no gain.)
    """
    wanted = configured or os.cpu_count() or 1
    return max(1, min(wanted, mutants))
