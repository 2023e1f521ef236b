"""Which covering tests execute an operator mutant's lines, from per-test coverage.

The instrumented run records coverage.py contexts when operator mutation is on: the
lines each test's *call* phase executed under its node id, everything else (imports,
fixture setup and teardown) under the empty context. A test whose call never executes
any line of a mutated expression (from the first line of its statement: a continuation
line may have no line event of its own) cannot tell the mutant from the original, so the
mutant runs only the covering tests that do; nothing runs when none does. Lines also
executed outside any test's call (a fixture, import time) keep the function's whole
list: state built there may reach every later test.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import coverage

from testvet.model import RunResult
from testvet.mutate.operators import OPERATOR
from testvet.mutate.plan import Target

#: The context of the lines that ran while a project module was imported (the run's
#: ``testvet_trace.IMPORT_CONTEXT``).
IMPORT_CONTEXT = "testvet:import"


def _line_contexts(data_file: Path) -> tuple[coverage.CoverageData, set[str]] | None:
    if not data_file.is_file():
        return None
    try:
        data = coverage.CoverageData(basename=str(data_file))
        data.read()
        contexts = set(data.measured_contexts())
    except Exception:  # unreadable data: no narrowing, never an error
        return None
    if not contexts - {""}:
        return None  # recorded without per-test contexts
    return data, contexts


def narrow(
    root: Path, run: RunResult, targets: list[Target], imported: Collection[str] = ()
) -> tuple[Mapping[str, tuple[str, ...]], frozenset[str]]:
    """Operator mutant id -> the covering tests (in order) that execute its lines; and
    the operator mutants of functions that ran at import time (``imported``) none of
    whose lines ran then.

    Mutants missing from the first answer run the function's whole list of covering
    tests. Those in the second are judged like any other: what the import built is the
    same with them. It is empty when the run recorded no import context (no per-test
    contexts, or no project module imported through the run's hook): every such mutant
    stays in doubt.
    """
    cov = run.coverage
    if cov is None or cov.source != "measured" or not cov.data_file:
        return {}, frozenset()
    loaded = _line_contexts(Path(cov.data_file))
    if loaded is None:
        return {}, frozenset()
    data, contexts = loaded
    at_import = IMPORT_CONTEXT in contexts
    narrowed: dict[str, tuple[str, ...]] = {}
    clear: set[str] = set()
    # One file's line -> contexts map at a time: on a large suite each line lists
    # thousands of tests (packaging 24.1: holding every file's map took the auditing
    # process from 349 to 568 MB).
    lines_of: str | None = None
    lines: dict[int, list[str]] = {}
    for target in sorted(targets, key=lambda t: t.info.path):
        operator = [s for s in target.mutants if s.kind == OPERATOR]
        if not operator:
            continue
        path = target.info.path
        if path != lines_of:
            lines_of, lines = path, {}
            try:
                lines = data.contexts_by_lineno(str(root / path))
            except Exception:
                lines = {}
        judged_at_import = at_import and target.info.id in imported
        # A covering test with no context at all (its data was lost, e.g. the run's
        # process died before saving) may reach anything: it is always kept. So is one
        # that reached the function (the run's own hook saw it called) while coverage.py
        # saw none of its lines: run under a tracer of the test's own, or in a thread
        # ``_thread`` started.
        unknown = {t for t in target.tests if t not in contexts}
        if lines:
            traced: set[str] = set()
            for line in range(target.info.line, max(target.info.line, target.info.end_line) + 1):
                traced.update(lines.get(line, ()))
            unknown.update(t for t in target.tests if t not in traced)
        for spec in operator:
            seen: set[str] = set()
            for line in range(spec.stmt_line or spec.line, max(spec.line, spec.end_line) + 1):
                seen.update(lines.get(line, ()))
            if judged_at_import and IMPORT_CONTEXT not in seen:
                clear.add(spec.id)
            if not lines or "" in seen or IMPORT_CONTEXT in seen:
                continue  # executed outside a test's call: state may reach any test
            narrowed[spec.id] = tuple(t for t in target.tests if t in seen or t in unknown)
    return narrowed, frozenset(clear)
