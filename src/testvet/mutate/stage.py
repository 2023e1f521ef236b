"""Entry point of the mutate stage: ``run(audit, ctx) -> audit``.

Plans mutants for every function reached by a passing test, answers what it can from
the incremental cache, runs the rest in one warm worker process (see executor.py and
``_plugins/testvet_mutate.py``), and turns the verdicts into findings.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from testvet.config import MutationConfig
from testvet.model import (
    Audit,
    Mutant,
    MutantStatus,
    MutationResult,
    RunResult,
    SkippedFunction,
)
from testvet.model import Outcome as TestOutcome
from testvet.mutate import findings as findings_mod
from testvet.mutate import isolation, plainrun, treewatch
from testvet.mutate.cache import Cache, ReachedCode, TestSources, key, support_digest
from testvet.mutate.executor import Alone, FunctionJob, Outcome, WarmProcess, execute
from testvet.mutate.modcode import ModuleCode
from testvet.mutate.operators import OPERATOR, MutantSpec
from testvet.mutate.plan import TIMEOUT_SLACK, Plan, Target, build, worker_count
from testvet.mutate.reach import narrow
from testvet.run.scope import scope_of
from testvet.subproc import find_python

if TYPE_CHECKING:
    from testvet.core import StageContext

CACHE_DIR = "mutation-cache"
WORK_DIR = "mutation-work"
#: Save the cache at least this often while mutants finish (a killed audit keeps them).
SAVE_EVERY = 2.0


def _status(word: str) -> MutantStatus:
    try:
        return MutantStatus(word)
    except ValueError:
        return MutantStatus.CRASHED


def _mutant(
    spec: MutantSpec, status: MutantStatus, killed_by: str | None, duration: float, cached: bool
) -> Mutant:
    return Mutant(
        id=spec.id,
        function=spec.function,
        path=spec.path,
        line=spec.line,
        kind=spec.kind,
        operator=spec.operator,
        diff=spec.diff,
        status=status,
        killed_by=killed_by,
        duration=round(duration, 6),
        cached=cached,
    )


def cost_floor(mutant: Mutant, tests: tuple[str, ...], durations: dict[str, float]) -> float:
    """The least time any engine must spend on ``mutant`` given the baseline timings."""
    if mutant.status is MutantStatus.SURVIVED:
        return sum(durations.get(t, 0.0) for t in tests)
    if mutant.status is MutantStatus.NO_TESTS:
        return 0.0
    test = mutant.killed_by or (tests[0] if tests else None)
    return durations.get(test, 0.0) if test else 0.0


def _python(audit: Audit) -> str:
    if audit.run is not None and audit.run.python:
        return audit.run.python
    if audit.project.python:
        return audit.project.python
    return find_python(audit.project.root, audit.config.python)


#: ``StageContext.handoff`` key of the warm process started before the run.
WARM = "mutation.warm"


def prestart(audit: Audit, ctx: StageContext) -> None:
    """Start the warm process now, so it imports the project and collects the suite
    while the instrumented run uses another core (one core: no gain, not started)."""
    if audit.config.mutation.mode == "off" or (os.cpu_count() or 1) < 2:
        return
    scope = scope_of(audit)
    python = audit.project.python or find_python(scope.root, audit.config.python)
    output = Path(ctx.options.output_dir).resolve()
    ctx.handoff[WARM] = WarmProcess(
        root=scope.root,
        python=python,
        test_args=scope.test_args,
        work_dir=output / WORK_DIR,
        pytest_args=audit.config.pytest_args,
    )


def _take_warm(ctx: StageContext, python: str) -> WarmProcess | None:
    """The prestarted warm process, if it runs the interpreter the run used."""
    warm = ctx.handoff.pop(WARM, None)
    if warm is None:
        return None
    assert isinstance(warm, WarmProcess)
    if warm.python != python:
        warm.close()
        return None
    return warm


def run(audit: Audit, ctx: StageContext) -> Audit:
    """Mutate, judge, report: sets ``audit.mutation`` and adds TV401/TV402 findings."""
    mode = audit.config.mutation.mode
    if mode == "off" or audit.run is None:
        return audit
    warm = _take_warm(ctx, _python(audit))
    try:
        return _run(audit, ctx, warm)
    finally:
        if warm is not None:
            warm.close()


def _run(audit: Audit, ctx: StageContext, warm: WarmProcess | None) -> Audit:
    mode = audit.config.mutation.mode
    assert audit.run is not None
    root = audit.project.root
    cfg = audit.config.mutation
    plan = build(root, audit.run, cfg, mode)
    output = Path(ctx.options.output_dir).resolve()  # the worker runs from the project root
    cache = Cache(output / CACHE_DIR)
    scope = scope_of(audit)
    tested = {r.nodeid.split("::", 1)[0] for r in audit.run.results}
    sources = TestSources(
        root,
        support_digest(root, scope.test_dirs, tested, skip=[output]),
        ReachedCode(root, audit.run.functions, audit.run.results, ModuleCode(scope)),
    )

    specs: dict[str, tuple[MutantSpec, Target, str]] = {}
    done: dict[str, Mutant] = {}
    to_run: list[Target] = []
    not_run, ran_lines = _missing_lines(audit), _executed_lines(audit)
    reach, clear = narrow(root, audit.run, plan.targets, audit.run.imported)
    unexecuted: set[str] = set()
    for target in plan.targets:
        tests_digest = sources.digest(target.run_tests)
        pending = False
        # Reached (the run's hook saw it called) with no line of its body executed for
        # coverage.py: it ran unseen (under a tracer of the test's own, in a thread
        # ``_thread`` started), and coverage's missing lines say nothing of it.
        unseen = _unseen(target, ran_lines)
        for spec in target.mutants:
            k = key(spec.id, spec.source, target.source.text, target.run_tests, tests_digest)
            specs[spec.id] = (spec, target, k)
            unreached = spec.id in reach and not reach[spec.id]
            unrun = not unseen and spec.line in not_run.get(spec.path, ())
            if spec.kind == OPERATOR and (unreached or unrun):
                # No (passing covering) test executes it (coverage.py): nothing can notice.
                done[spec.id] = _mutant(spec, MutantStatus.SURVIVED, None, 0.0, cached=False)
                unexecuted.add(spec.id)
                continue
            hit = cache.get(k)
            if hit is not None:
                done[spec.id] = _mutant(
                    spec,
                    _status(hit["status"]),
                    hit.get("killed_by"),
                    float(hit.get("duration", 0.0)),
                    cached=True,
                )
            else:
                pending = True
        if pending:
            to_run.append(target)

    total = sum(1 for s in specs if s not in done)
    workers = worker_count(cfg.workers, total)
    skipped = list(plan.skipped)
    executed: dict[str, Mutant] = {}
    unjudged: dict[str, str] = {}
    notes: list[str] = []
    shared = _shared(audit.run)
    if shared and workers > 1 and total:
        if not cfg.workers:  # unless the user asked for them
            workers = 1
        notes.append(_shared_note(shared, workers))
    run_began = time.perf_counter()
    fresh: tuple[Alone, ...] = ()
    only_here: list[str] = []
    if total:
        ctx.progress("mutation", 0, total)
        saved_at = time.monotonic()

        def on_outcome(outcome: Outcome) -> None:
            nonlocal saved_at
            entry = specs.get(outcome.id)
            if entry is None or outcome.status == "invalid":
                return
            spec, _, k = entry
            if outcome.status == "no-tests" and outcome.reason:
                unjudged[spec.function] = outcome.reason
            duration = outcome.duration
            if spec.id in executed:  # a correction (its killing test failed on its own)
                duration = executed[spec.id].duration
            mutant = _mutant(spec, _status(outcome.status), outcome.killed_by, duration, False)
            first = spec.id not in executed
            done[spec.id] = executed[spec.id] = mutant
            cache.put(k, mutant.status.value, mutant.killed_by, mutant.duration)
            if first:
                ctx.progress("mutation", len(executed), total)
            if time.monotonic() - saved_at > SAVE_EVERY:
                cache.save()
                saved_at = time.monotonic()

        jobs = [
            _job(root, t, {s.id for s in t.mutants if s.id not in done}, reach, plan, cfg)
            for t in to_run
        ]
        test_files = sorted({n.split("::", 1)[0] for t in to_run for n in t.run_tests})
        tree_before = treewatch.snapshot(root, skip=[output])
        report = execute(
            warm=warm,
            root=root,
            python=_python(audit),
            test_files=test_files,
            jobs=jobs,
            workers=workers,
            work_dir=output / WORK_DIR,
            pytest_args=audit.config.pytest_args,
            test_budgets={t: cfg.timeout_factor * d for t, d in plan.durations.items()},
            on_outcome=on_outcome,
        )
        fresh, only_here = _confirm_alone(audit, report.alone, output, plan.durations)
        for alone in fresh:
            cache.put_alone(alone.test, sources.digest([alone.test]), alone.outcome, alone.error)
        for test in only_here:  # a later audit that runs no mutant keeps the note
            cache.put_alone(test, sources.digest([test]), WORKERS_ONLY, "")
        cache.save()
        tree_note = treewatch.note(
            treewatch.changes(tree_before, treewatch.snapshot(root, skip=[output]))
        )
        if tree_note:
            notes.append(tree_note)
        skipped += _swap_skips(plan, report.skipped)
        if report.unrunnable:
            notes.append(f"no mutant was judged: {report.unrunnable}")
        for spec_id, (_, target, _) in specs.items():
            if target.info.id in report.skipped:  # reported skipped: none of its mutants
                done.pop(spec_id, None)  # (those of lines no test runs were judged early)
                unexecuted.discard(spec_id)
        invalid = _invalid(report.outcomes, specs)
        skipped += invalid
        skipped += _unjudged(plan, unjudged, done)
        invalid_ids = {o.id for o in report.outcomes if o.status == "invalid"}
        missing = {
            s
            for s, (_, target, _) in specs.items()
            if s not in done and s not in invalid_ids and target.info.id not in report.skipped
        }
        if report.failure and missing:
            failed = _failed_functions(plan, missing, report.failure)
            skipped += failed
            one = len(failed) == 1
            notes.append(f"{report.failure}: {len(failed)} function{'' if one else 's'} unjudged")
        if total and len(executed) < total:
            ctx.progress("mutation", total, total)
    run_seconds = time.perf_counter() - run_began if total else 0.0

    imported = audit.run.imported if audit.run is not None else frozenset()
    ordered = sorted(done.values(), key=lambda m: (m.path, m.line, m.id))
    mutants = tuple(findings_mod.unproven(ordered, imported, clear))
    judged_targets = [t for t in plan.targets if any(s.id in done for s in t.mutants)]
    floor = sum(
        cost_floor(m, _tests_run(specs[m.id][1], reach.get(m.id)), plan.durations)
        for m in mutants
        if not m.cached and m.id not in unexecuted
    )
    new_findings = findings_mod.pseudo_tested(judged_targets, mutants)
    seen_alone = _seen_alone(audit, cache, sources, fresh, only_here)
    new_findings += isolation.findings(
        root, [alone for alone in seen_alone if alone.outcome != WORKERS_ONLY]
    )
    only_in_workers = sorted(a.test for a in seen_alone if a.outcome == WORKERS_ONLY)
    if only_in_workers:
        notes.append(_workers_only_note(only_in_workers))
    unproven = Counter(m.function for m in mutants if m.status is MutantStatus.UNPROVEN)
    if unproven:
        dotted = {t.info.id: t.info.dotted for t in plan.targets}
        names = sorted(dotted.get(f, f) for f in unproven)
        notes.append(_imported_note(names, unproven.total()))
    result = MutationResult(
        mode=mode,
        mutants=mutants,
        skipped=tuple(sorted(skipped, key=lambda s: (s.path, s.line, s.function))),
        duration=round(run_seconds, 4),
        cost_floor=round(floor, 6),
        workers=workers,
        notes=tuple(notes),
    )
    checks: list = []
    if mode == "full" and cfg.paths:
        weak, checks = findings_mod.weakly_tested(cfg.paths, mutants)
        new_findings += weak
    return replace(
        audit,
        mutation=result,
        findings=(*audit.findings, *new_findings),
        policy_checks=(*audit.policy_checks, *checks),
    )


#: how the cache keeps a test that failed alone only in the workers (a note, no finding)
WORKERS_ONLY = "workers-only"


def _confirm_alone(
    audit: Audit, seen: tuple[Alone, ...], output: Path, durations: Mapping[str, float]
) -> tuple[tuple[Alone, ...], list[str]]:
    """The tests seen failing alone in the workers, without those that pass when run
    alone under plain pytest (they fail only in the workers); and the names of those."""
    kept: list[Alone] = []
    only_here: list[str] = []
    for alone in seen:
        if alone.outcome == "fails":
            failed = plainrun.fails_alone(
                audit.project.root,
                _python(audit),
                alone.test,
                output / WORK_DIR / "alone",
                audit.config.pytest_args,
                durations.get(alone.test, 0.0),
            )
            if not failed:
                only_here.append(alone.test)
                continue
        kept.append(alone)
    return tuple(kept), only_here


def _workers_only_note(tests: list[str]) -> str:
    one = len(tests) == 1
    return (
        f"{len(tests)} test{'' if one else 's'} failed twice when run alone in the mutation "
        f"workers but {'does' if one else 'do'} not fail alone under plain pytest, so "
        f"{'it is' if one else 'they are'} not reported as order-dependent; the mutants "
        f"{'it' if one else 'they'} failed on were judged without {'it' if one else 'them'}: "
        + _shown(tests)
    )


def _seen_alone(
    audit: Audit,
    cache: Cache,
    sources: TestSources,
    fresh: tuple[Alone, ...],
    only_here: Sequence[str] = (),
) -> list[Alone]:
    """The tests seen failing alone: in this audit's control runs (``only_here``: those
    that failed only in the workers), or in an earlier audit's, for passing tests whose
    sources have not changed since."""
    seen = {alone.test: alone for alone in fresh}
    seen.update((test, Alone(test, WORKERS_ONLY, "")) for test in only_here)
    assert audit.run is not None
    passing = {r.nodeid for r in audit.run.results if r.outcome is TestOutcome.PASSED}
    for test in sorted(set(cache.alone) & passing - set(seen)):
        found = cache.seen_alone(test, sources.digest([test]))
        if found is not None:
            seen[test] = Alone(test, *found)
    return list(seen.values())


def _shown(names: Sequence[str]) -> str:
    """The first five of ``names`` for a note."""
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


def _shared(run: RunResult) -> str:
    """What tests of different workers would share, in words ("" when nothing)."""
    shared = []
    if run.wrote:
        shared.append(f"writes into the project's tree while it runs ({_shown(run.wrote)})")
    if run.ports:
        one = len(run.ports) == 1
        shared.append(f"binds {'a fixed port' if one else 'fixed ports'} ({_shown(run.ports)})")
    return " and ".join(shared)


def _shared_note(shared: str, workers: int) -> str:
    if workers == 1:
        return (
            f"the suite {shared}: mutants ran one at a time, as tests running at once in "
            "several workers could disturb each other there (set workers to run more at "
            "once)"
        )
    return (
        f"the suite {shared}, and {workers} workers ran mutants at once: tests of different "
        "workers may disturb each other there, and a kill may come from that"
    )


def _imported_note(names: list[str], mutants: int) -> str:
    shown = _shown(names)
    one = len(names) == 1
    return (
        f"{len(names)} function{'' if one else 's'} with surviving mutants ran while a "
        "module was imported (a decorator, a module-level object): what "
        f"{'it' if one else 'they'} built then was built before any mutant was swapped in, "
        f"so {'its' if one else 'their'} {mutants} surviving "
        f"{'mutant proves' if mutants == 1 else 'mutants prove'} nothing: `unproven`, in no "
        f"score and no pseudo-tested finding: {shown}"
    )


def _missing_lines(audit: Audit) -> dict[str, frozenset[int]]:
    """Path -> statement lines no test executed, from the run's coverage.py data."""
    coverage = audit.run.coverage if audit.run is not None else None
    if coverage is None:
        return {}
    return {f.path: frozenset(f.missing) for f in coverage.files}


def _executed_lines(audit: Audit) -> dict[str, frozenset[int]]:
    """Path -> lines some test executed, from the run's coverage.py data."""
    coverage = audit.run.coverage if audit.run is not None else None
    if coverage is None:
        return {}
    return {f.path: frozenset(f.executed) for f in coverage.files}


def _unseen(target: Target, executed: Mapping[str, frozenset[int]]) -> bool:
    """Whether coverage.py measured ``target``'s file but saw no line of its body run."""
    lines = executed.get(target.info.path)
    if lines is None:
        return False
    info = target.info
    return not any(info.line < line <= info.end_line for line in lines)


def _job(
    root: Path,
    target: Target,
    wanted: set[str],
    reach: Mapping[str, tuple[str, ...]],
    plan: Plan,
    cfg: MutationConfig,
) -> FunctionJob:
    """The worker's job for ``target``: its ``wanted`` mutants, each with the covering
    tests that execute it (when known: ``reach``) and the CPU budget of those tests."""
    mutants: list[tuple[str, str, float, tuple[str, ...] | None]] = []
    for spec in target.mutants:
        if spec.id not in wanted:
            continue
        narrowed = reach.get(spec.id)
        if narrowed is None or narrowed == target.tests:
            mutants.append((spec.id, spec.source, target.timeout, None))
            continue
        ran = _tests_run(target, narrowed)  # the job names the later tests once
        budget = cfg.timeout_factor * sum(plan.durations.get(t, 0.0) for t in ran)
        mutants.append((spec.id, spec.source, budget + TIMEOUT_SLACK, narrowed))
    info = target.info
    return FunctionJob(
        id=info.id,
        module=info.module,
        qualname=info.qualname,
        path=root / info.path,
        line=target.source.first_line,
        def_line=target.source.def_line,
        tests=target.tests,
        mangle=target.source.mangle,
        mutants=tuple(mutants),
        end_line=target.source.end_line,
        later=target.later,
    )


def _tests_run(target: Target, narrowed: tuple[str, ...] | None) -> tuple[str, ...]:
    """The tests a mutant of ``target`` runs: those of its covering tests that execute
    its lines (``narrowed``, when known), then the later ones (``Target.later``)."""
    if narrowed is None:
        return target.run_tests
    return narrowed + target.later if narrowed else ()


def _swap_skips(plan: Plan, reasons: dict[str, str]) -> list[SkippedFunction]:
    """The functions the warm process could not mutate, with its reasons (``cannot swap
    in memory: …``, ``cannot import: …``, or the suite's tests cannot run in a worker)."""
    out = []
    for target in plan.targets:
        reason = reasons.get(target.info.id)
        if reason:
            info = target.info
            out.append(SkippedFunction(info.dotted, info.path, info.line, reason))
    return out


def _invalid(
    outcomes: tuple[Outcome, ...], specs: dict[str, tuple[MutantSpec, Target, str]]
) -> list[SkippedFunction]:
    out = []
    for outcome in outcomes:
        if outcome.status == "invalid" and outcome.id in specs:
            spec, target, _ = specs[outcome.id]
            out.append(
                SkippedFunction(
                    target.info.dotted,
                    spec.path,
                    spec.line,
                    f"mutant {spec.operator} cannot be compiled in memory: {outcome.reason}",
                )
            )
    return out


def _unjudged(
    plan: Plan, reasons: dict[str, str], done: dict[str, Mutant]
) -> list[SkippedFunction]:
    """Functions none of whose mutants could be judged, with the worker's reason."""
    out = []
    for target in plan.targets:
        reason = reasons.get(target.info.id)
        statuses = {done[s.id].status for s in target.mutants if s.id in done}
        if reason and statuses == {MutantStatus.NO_TESTS}:
            info = target.info
            out.append(SkippedFunction(info.dotted, info.path, info.line, reason))
    return out


def _failed_functions(plan: Plan, missing: set[str], failure: str) -> list[SkippedFunction]:
    out = []
    for target in plan.targets:
        if any(s.id in missing for s in target.mutants):
            info = target.info
            out.append(SkippedFunction(info.dotted, info.path, info.line, failure))
    return out
