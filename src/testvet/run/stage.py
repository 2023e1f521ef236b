"""Entry point of the run stage: ``run(audit, ctx) -> audit``.

Runs the project's suite once in child processes with the project's interpreter under
the ``testvet_run`` plugin, then adds to the audit: :class:`~testvet.model.RunResult`
(outcomes, durations, the per-test map, coverage), the coverage policy checks and
``coverage-below-policy`` findings (TV301), rotten-green ``cannot-fail`` findings
(TV310), and the per-module / per-test-file mapping of the inventory. Everything the
children write goes to ``OUTPUT_DIR/run/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testvet import subproc
from testvet.errors import SuiteError
from testvet.model import Audit, CoverageData, Finding, PolicyCheck, RunResult
from testvet.mutate import treewatch
from testvet.run import covdata, floors, functions, mapping, rotten
from testvet.run.child import ChildSpec, SuiteRun, run_suite
from testvet.run.scope import Scope, scope_of

if TYPE_CHECKING:
    from testvet.core import StageContext

#: The plugin module injected with ``-p``.
PLUGIN = "testvet_run"
LAUNCHER = "testvet_boot"
#: Environment variable choosing the map mechanism (``auto``, ``hook``, ``profile``,
#: ``lsprof``, ``monitoring``, ``off``); for measurement, see ``testvet.run.mechanism``.
MECHANISM_ENV = "TESTVET_MAP_MECHANISM"

_PROBE = (
    "import importlib.util as u, json, sys; "
    "print(json.dumps(dict(version=list(sys.version_info[:3]), "
    "**{m: u.find_spec(m) is not None for m in ('pytest', 'coverage')})))"
)


def probe(python: str) -> dict[str, Any]:
    """What the project's interpreter has: its version, pytest and coverage."""
    try:
        done = subprocess.run(
            [python, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            env=subproc.child_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SuiteError(f"interpreter {python}: cannot be started ({exc})") from exc
    try:
        found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SuiteError(f"interpreter {python}: does not run Python code ({detail})") from exc
    if not found.get("pytest"):
        raise SuiteError(
            f"interpreter {python} has no pytest: install pytest in the project's "
            "environment, or point --python at the one that has it"
        )
    return found


def _clean(run_dir: Path) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    for pattern in (
        "events-*.jsonl",
        "skip-*.json",
        "settings-*.json",
        "pytest-*.log",
        ".coverage*",
    ):
        for old in run_dir.glob(pattern):
            old.unlink(missing_ok=True)


def _coverage_sources(scope: Scope, tests_only: bool) -> tuple[list[str], list[str]]:
    dirs: list[str] = []
    pkgs: list[str] = []
    if not tests_only:
        for path in scope.project_paths:
            if path.is_dir():
                dirs.append(str(path))
            elif path.suffix == ".py":
                pkgs.append(scope.module_name(path))
    for path in scope.test_paths:
        target = path if path.is_dir() else path.parent
        if target.exists() and str(target) not in dirs:
            dirs.append(str(target))
    return dirs, pkgs


def _plan_coverage(
    audit: Audit, ctx: StageContext, scope: Scope, run_dir: Path
) -> tuple[dict[str, Any] | None, Path | None]:
    """Child coverage settings, and the imported user data file (``--coverage-file``)."""
    user = ctx.options.coverage_file
    branch = audit.config.coverage.branch
    imported = None
    tests_only = False
    if user is not None:
        imported = run_dir / "user.coverage"
        branch = covdata.import_user_file(Path(user), scope.root, imported)
        measured = covdata.measured_files(imported)
        if any(scope.is_test(p) for p in measured):
            return None, imported
        tests_only = True  # measure test files only: rotten-green evidence
    source, source_pkgs = _coverage_sources(scope, tests_only)
    return (
        {
            "data_file": str(run_dir / ".coverage"),
            "suffix": "child1",
            "branch": branch,
            "source": source,
            "source_pkgs": source_pkgs,
            "config_file": True,
            # Lines per test call, so operator mutants run only the tests that execute
            # them (mutate/reach.py); a flush per test costs ~1.5 ms, so only then.
            "contexts": audit.config.mutation.mode == "full" and bool(audit.config.mutation.paths),
        },
        imported,
    )


def _spec(
    audit: Audit, ctx: StageContext, scope: Scope, run_dir: Path, measure_coverage: bool
) -> tuple[ChildSpec, Path | None]:
    python = audit.project.python or subproc.find_python(scope.root, audit.config.python)
    found = probe(python)
    cov_settings, imported = None, None
    if measure_coverage:
        cov_settings, imported = _plan_coverage(audit, ctx, scope, run_dir)
    if cov_settings is not None and not found.get("coverage"):
        raise SuiteError(
            f"interpreter {python} has no coverage.py: install coverage in the project's "
            "environment, or pass --coverage-file with data you already have"
        )
    timeout = ctx.options.test_timeout or audit.config.test_timeout
    args = [*scope.test_args, *audit.config.pytest_args, "--continue-on-collection-errors"]
    # one process, no pytest-cov, nothing written into the tree
    args += subproc.overrides(scope.root, audit.config.pytest_args, run_dir)
    settings = {
        "root": str(scope.root),
        "project_paths": [str(p) for p in scope.project_paths],
        "exclude_paths": [str(p) for p in scope.exclude_paths],
        "import_roots": [str(p) for p in scope.import_roots],
        "timeout": timeout,
        "mechanism": os.environ.get(MECHANISM_ENV, "auto"),
        "coverage": cov_settings,
    }
    env = subproc.child_env(work_dir=run_dir)
    # Recording starts before pytest is imported: pytest imports some packages itself
    # before any plugin (pluggy, iniconfig, packaging), and they may be the project.
    command = subproc.pytest_command(
        python, [PLUGIN], args, cache_dir=subproc.fresh_cache_dir(run_dir), launcher=LAUNCHER
    )
    return (
        ChildSpec(
            command=tuple(command), cwd=scope.root, env=env, settings=settings, timeout=timeout
        ),
        imported,
    )


def _coverage(
    audit: Audit,
    ctx: StageContext,
    scope: Scope,
    run_dir: Path,
    suite: SuiteRun,
    imported: Path | None,
    python: str,
) -> covdata.Analysis | None:
    parts = [*suite.coverage_files, *([imported] if imported else [])]
    if not parts:
        return None
    combined = run_dir / ".coverage"
    covdata.combine(parts, combined)
    user = ctx.options.coverage_file
    return covdata.analyze(
        combined,
        scope,
        audit.config.coverage.omit,
        run_dir / "coverage.json",
        source="file" if user is not None else "measured",
        data_label=str(user) if user is not None else str(combined),
        python=python,
    )


def execute(
    audit: Audit, ctx: StageContext, measure_coverage: bool = True
) -> tuple[RunResult, covdata.Analysis | None, Scope]:
    """Run the suite and analyse coverage; the raw material of the stage.

    ``measure_coverage=False`` runs with the per-test map only (for benchmarks).
    """
    scope = scope_of(audit)
    run_dir = Path(ctx.options.output_dir) / "run"
    _clean(run_dir)
    spec, imported = _spec(audit, ctx, scope, run_dir, measure_coverage)
    output = Path(ctx.options.output_dir).resolve()
    tree_before = treewatch.entries(scope.root, skip=[output])
    suite = run_suite(spec, run_dir, lambda done, total: ctx.progress("run", done, total or None))
    wrote = treewatch.changes(tree_before, treewatch.entries(scope.root, skip=[output]))
    ran = len(suite.results)
    ctx.progress("run", ran, ran)  # done, also when there was nothing to run (0 of 0)
    analysis = _coverage(audit, ctx, scope, run_dir, suite, imported, spec.command[0])
    reached = {fid for r in suite.results for fid in r.reached}
    known = {fid: where for fid, where in suite.functions.items() if fid in reached}
    result = RunResult(
        python=spec.command[0],
        duration=round(suite.duration, 4),
        results=tuple(suite.results),
        functions=functions.infos(known, scope),
        coverage=analysis.data if analysis else None,
        exit_status=suite.exit_status,
        mechanism=suite.mechanism,
        children=suite.children,
        notes=tuple(dict.fromkeys([*suite.warnings, *(analysis.notes if analysis else ())])),
        stopped=suite.stopped,
        imported=frozenset(suite.imported),
        wrote=tuple(change.split(" ", 1)[1] for change in wrote),
        ports=tuple(suite.ports),
    )
    return result, analysis, scope


_ORIGINS = (
    "import importlib.util as u, json, sys\n"
    "out = {}\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        spec = u.find_spec(name)\n"
    "    except Exception:\n"
    "        spec = None\n"
    "    out[name] = getattr(spec, 'origin', None)\n"
    "print(json.dumps(out))\n"
)


def foreign_packages(python: str, root: Path, packages: tuple[str, ...]) -> dict[str, str]:
    """Project packages the interpreter imports from outside ``root`` (name -> origin)."""
    if not packages:
        return {}
    try:
        done = subprocess.run(
            [python, "-c", _ORIGINS, *packages],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
            env=subproc.child_env(),
            check=False,
        )
        origins: dict[str, str | None] = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return {}
    here = root.resolve()
    return {
        name: origin
        for name, origin in origins.items()
        if origin and not Path(origin).resolve().is_relative_to(here)
    }


def _guard_foreign_code(audit: Audit, result: RunResult) -> None:
    """Refuse to report on code the suite did not run: another checkout was imported."""
    passed = any(r.outcome.value == "passed" for r in result.results)
    if not passed or result.functions:
        return
    foreign = foreign_packages(result.python, audit.project.root, audit.project.packages)
    if foreign:
        name, origin = next(iter(foreign.items()))
        raise SuiteError(
            f"the suite imported package {name!r} from {origin}, not from "
            f"{audit.project.root}: no code of this project ran; install this checkout "
            "(pip install -e .) or pass --python with an environment that has it"
        )


def _unchanged(
    executed: dict[str, frozenset[int]], root: Path, since_ns: int
) -> tuple[dict[str, frozenset[int]], list[str]]:
    """The test files' executed lines, without the files written to since ``since_ns``
    (their lines no longer match what ran); and those files."""
    kept: dict[str, frozenset[int]] = {}
    changed: list[str] = []
    for rel, lines in executed.items():
        try:
            modified = (root / rel).stat().st_mtime_ns
        except OSError:
            modified = 0
        if modified > since_ns:
            changed.append(rel)
        else:
            kept[rel] = lines
    return kept, sorted(changed)


def run(audit: Audit, ctx: StageContext) -> Audit:
    """The run stage."""
    started = time.time_ns()
    result, analysis, scope = execute(audit, ctx)
    _guard_foreign_code(audit, result)
    measured = bool(result.results)
    findings: tuple[Finding, ...] = ()
    checks: tuple[PolicyCheck, ...] = ()
    earlier = audit.findings
    coverage: CoverageData | None = result.coverage
    if analysis is not None:
        source_root = scope.rel(scope.import_roots[0]) if scope.import_roots else "."
        checks, findings = floors.check(audit.config.coverage, analysis, source_root or ".")
        executed, changed = _unchanged(dict(analysis.test_executed), scope.root, started)
        if changed:
            note = (
                f"{', '.join(changed[:5])}{' …' if len(changed) > 5 else ''} changed while the "
                "suite ran: no rotten-green evidence from them (their lines may have moved)"
            )
            result = replace(result, notes=(*result.notes, note))
        checked = rotten.evidence(result.results, scope.root, executed, audit.config.assert_helpers)
        findings += rotten.find(checked)
        earlier = rotten.annotate(audit.findings, checked)
    elif measured:
        empty = covdata.Analysis(data=CoverageData(files=(), percent=0.0))
        checks, findings = floors.check(
            audit.config.coverage,
            empty,
            unmeasured="no coverage data was saved (every test process ended before saving it)",
        )
    inventory = mapping.update(audit.inventory, result.results, result.functions, coverage)
    return replace(
        audit,
        run=result,
        findings=(*earlier, *findings),
        policy_checks=(*audit.policy_checks, *checks),
        inventory=inventory,
    )
