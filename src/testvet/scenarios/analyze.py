"""Capabilities without evidence become ``missing-scenario`` findings (TV501-TV516)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from testvet.model import (
    Audit,
    Category,
    Evidence,
    Finding,
    Scenario,
    ScenarioAnalysis,
    Severity,
)
from testvet.scenarios import capabilities, evidence
from testvet.scenarios.astutil import imported_modules
from testvet.scenarios.catalog import CATALOG
from testvet.scenarios.recommend import recommended_test
from testvet.scenarios.sources import SourceFile, source_files, test_files


@dataclass(frozen=True)
class Analysis:
    """The stage's result before it is folded into the audit."""

    analysis: ScenarioAnalysis
    findings: tuple[Finding, ...]
    sites: tuple[capabilities.Site, ...]
    tests: evidence.TestIndex
    #: The parsed test files and conftests.
    test_sources: tuple[SourceFile, ...]
    #: Test file path or node id -> project modules it imports, mentions or reaches.
    relations: dict[str, set[str]]
    #: Project module -> its path.
    module_paths: dict[str, str]


def _closure(start: set[str], graph: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        mod = stack.pop()
        if mod in seen:
            continue
        seen.add(mod)
        stack.extend(graph.get(mod, ()))
    return seen


def _project_imports(tree: ast.Module, module: str, known: set[str]) -> set[str]:
    out: set[str] = set()
    for name in imported_modules(tree, module):
        # ``from pkg import name`` may name a module or a symbol: keep what is a module.
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    return out


def _mentions(text: str, source: SourceFile) -> bool:
    """Whether a test names the module in a string: ``-m pkg.server`` or ``server.py``."""
    leaf = source.path.rsplit("/", 1)[-1]
    names = [leaf] if leaf != "__init__.py" else []
    if "." in source.module:  # a bare ``app`` would match too many words
        names.append(source.module)
    return any(
        re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text) is not None for name in names
    )


def _relations(
    sources: tuple[SourceFile, ...], tests: tuple[SourceFile, ...], audit: Audit
) -> dict[str, set[str]]:
    """Test file path (or node id) -> project modules it imports, mentions or reaches."""
    known = {s.module for s in sources}
    graph = {s.module: _project_imports(s.tree, s.module, known) for s in sources}
    # A package's __init__ re-exports: importing ``pkg`` reaches what ``pkg`` imports.
    conftests = {t.path: t for t in tests if t.path.endswith("conftest.py")}
    imports = {t.path: _project_imports(t.tree, t.module, known) for t in tests}
    out: dict[str, set[str]] = {}
    for test in tests:
        direct = set(imports[test.path])
        parts = test.path.split("/")[:-1]
        for depth in range(len(parts) + 1):
            conf = conftests.get("/".join([*parts[:depth], "conftest.py"]))
            if conf is not None and conf is not test:
                direct |= imports[conf.path]
        for source in sources:
            if _mentions(test.text, source):
                direct.add(source.module)
        out[test.path] = _closure(direct, graph)
    if audit.run is not None:
        for result in audit.run.results:
            base = result.nodeid.split("[", 1)[0]
            out[base] = {fid.split(":", 1)[0] for fid in result.reached}
    return out


def _covered(
    scenario: str,
    module: str,
    by_scenario: dict[str, list[Evidence]],
    relations: dict[str, set[str]],
) -> bool:
    for ev in by_scenario.get(scenario, ()):
        if module in relations.get(ev.path, set()) or module in relations.get(
            ev.test.split("[", 1)[0], set()
        ):
            return True
    return False


def _executed(audit: Audit, path: str, line: int) -> bool | None:
    if audit.run is None or audit.run.coverage is None:
        return None
    for fc in audit.run.coverage.files:
        if fc.path == path:
            return line in fc.executed if fc.executed else line not in fc.missing
    return False


def _line_text(sources: dict[str, SourceFile], path: str, line: int) -> str:
    source = sources.get(path)
    if source is None:
        return ""
    lines = source.text.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _finding(
    scenario: str,
    group: list[capabilities.Site],
    audit: Audit,
    sources: dict[str, SourceFile],
    injection_seen: set[str],
) -> Finding:
    info = CATALOG[scenario]
    ranked = sorted(
        group,
        key=lambda s: (-(s.severity or info.severity).rank, s.capability.line),
    )
    site = ranked[0]
    cap = site.capability
    severity = site.severity or info.severity
    executed = _executed(audit, cap.path, cap.line)
    symbol = cap.symbol or site.module
    if symbol.endswith(".__init__"):
        symbol = symbol[: -len(".__init__")] + "()"  # the constructor
    message = f"{symbol} {cap.reason}, but no test covers {info.title} ({scenario})"
    if scenario == Scenario.COMMAND_INJECTION.value and injection_seen:
        missing = sorted(set(evidence.INJECTION_VARIANTS) - injection_seen)
        message += f"; tests try only {' '.join(sorted(injection_seen))}, not {' '.join(missing)}"
    if executed is False:
        message += "; no test even executes this code"
    others = [
        {"path": s.capability.path, "line": s.capability.line, "symbol": s.capability.symbol}
        for s in ranked[1:]
    ]
    return Finding(
        code=info.code,
        category=Category.MISSING_SCENARIO,
        severity=severity,
        path=cap.path,
        line=cap.line,
        message=message,
        function=cap.symbol,
        scenario=scenario,
        hint=(
            "Add a test like the recommended one (see detail.recommended_test), or list "
            f"{scenario!r} in [tool.testvet.scenarios] ignore if it does not apply."
        ),
        snippet=_line_text(sources, cap.path, cap.line) or None,
        detail={
            "recommended_test": recommended_test(scenario, site),
            "capability": cap.kind,
            "reason": cap.reason,
            "title": info.title,
            "risk": info.risk,
            "executed": executed,
            "other_sites": others,
        },
    )


def _injection_variants(
    index: evidence.TestIndex, relations: dict[str, set[str]]
) -> dict[str, set[str]]:
    per_module: dict[str, set[str]] = defaultdict(set)
    for test in index.tests:
        variants = evidence.injection_variants(test)
        if variants and test.asserts:
            for module in relations.get(test.path, set()):
                per_module[module] |= variants
    return per_module


def analyze(audit: Audit) -> Analysis:
    """Detect capabilities and evidence, and turn the gaps into findings."""
    sources = source_files(audit)
    tests = test_files(audit)
    sites = tuple(site for source in sources for site in capabilities.detect(source))
    index = evidence.collect(tests)
    found = tuple(ev for test in index.tests for ev in evidence.for_test(test))
    relations = _relations(sources, tests, audit)
    by_scenario: dict[str, list[Evidence]] = defaultdict(list)
    for ev in found:
        by_scenario[ev.scenario].append(ev)
    ignored = set(audit.config.scenarios.ignore)
    groups: dict[tuple[str, str], list[capabilities.Site]] = defaultdict(list)
    for site in sites:
        for scenario in site.capability.scenarios:
            if scenario in ignored:
                continue
            if _covered(scenario, site.module, by_scenario, relations):
                continue
            groups[(scenario, site.capability.path)].append(site)
    by_path = {s.path: s for s in sources}
    injection = _injection_variants(index, relations)
    findings = [
        _finding(scenario, group, audit, by_path, injection.get(group[0].module, set()))
        for (scenario, _), group in groups.items()
    ]
    findings = [f for f in findings if not _dropped(f, audit.config.ignore)]
    findings.sort(key=_rank)
    analysis = ScenarioAnalysis(
        capabilities=tuple(site.capability for site in sites), evidence=found
    )
    return Analysis(
        analysis,
        tuple(findings),
        sites,
        index,
        tests,
        relations,
        {s.module: s.path for s in sources},
    )


def _dropped(finding: Finding, ignore: Iterable[str]) -> bool:
    return finding.code in ignore or finding.category.value in ignore


def _rank(f: Finding) -> tuple[int, int, str, int, str]:
    executed = f.detail.get("executed")
    return (-f.severity.rank, 0 if executed is False else 1, f.path, f.line or 0, f.code)


__all__ = ["Analysis", "Severity", "analyze"]
