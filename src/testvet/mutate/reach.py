"""Which covering tests execute an operator mutant's lines, from per-test coverage.

The instrumented run records coverage.py contexts when operator mutation is on: the
lines each test's *call* phase executed under its node id, everything else (imports,
fixture setup and teardown) under the empty context. A test whose call never executes
any line of a mutated expression cannot tell the mutant from the original, so the
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


def narrow(root: Path, run: RunResult, targets: list[Target]) -> Mapping[str, tuple[str, ...]]:
    """Operator mutant id -> the covering tests (in order) that execute its lines.

    Mutants missing from the answer run the function's whole list of covering tests.
    """
    cov = run.coverage
    if cov is None or cov.source != "measured" or not cov.data_file:
        return {}
    loaded = _line_contexts(Path(cov.data_file))
    if loaded is None:
        return {}
    data, contexts = loaded
    narrowed: dict[str, tuple[str, ...]] = {}
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
        if not lines:
            continue
        # A covering test with no context at all (its data was lost, e.g. the run's
        # process died before saving) may reach anything: it is always kept.
        unknown = {t for t in target.tests if t not in contexts}
        for spec in operator:
            seen: set[str] = set()
            for line in range(spec.line, max(spec.line, spec.end_line) + 1):
                seen.update(lines.get(line, ()))
            if "" in seen or IMPORT_CONTEXT in seen:
                continue  # executed outside a test's call: state may reach any test
            narrowed[spec.id] = tuple(t for t in target.tests if t in seen or t in unknown)
    return narrowed


def clear_of_import(
    root: Path, run: RunResult, targets: list[Target], imported: Collection[str]
) -> frozenset[str]:
    """Operator mutants of functions that ran at import time (``imported``) none of whose
    lines ran then: what the import built is the same with them, so they are judged like
    any other. Empty when the run recorded no import context (no per-test contexts, or
    no project module imported through the run's hook): every such mutant stays in doubt.
    """
    cov = run.coverage
    if not imported or cov is None or cov.source != "measured" or not cov.data_file:
        return frozenset()
    loaded = _line_contexts(Path(cov.data_file))
    if loaded is None or IMPORT_CONTEXT not in loaded[1]:
        return frozenset()
    data = loaded[0]
    clear: set[str] = set()
    for target in targets:
        if target.info.id not in imported:
            continue
        operator = [s for s in target.mutants if s.kind == OPERATOR]
        if not operator:
            continue
        try:
            lines = data.contexts_by_lineno(str(root / target.info.path))
        except Exception:
            continue
        for spec in operator:
            span = range(spec.line, max(spec.line, spec.end_line) + 1)
            if not any(IMPORT_CONTEXT in lines.get(line, ()) for line in span):
                clear.add(spec.id)
    return frozenset(clear)
