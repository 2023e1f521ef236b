"""Requirements traceability (TV601) and the test pyramid (TV611), run by the scenarios stage."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from testvet.model import (
    Audit,
    Finding,
    PyramidMix,
    RequirementCoverage,
    ScenarioAnalysis,
    TestKind,
)
from testvet.traceability import pyramid, requirements
from testvet.traceability.markers import marks_by_test

if TYPE_CHECKING:
    from testvet.scenarios.analyze import Analysis


def _kinds(
    audit: Audit, result: Analysis, marks: dict[str, list[tuple[str, tuple[str, ...]]]]
) -> dict[str, TestKind]:
    facts = {t.nodeid: t for t in result.tests.tests}
    tops = {module.split(".", 1)[0] for module in result.module_paths}
    words = tuple(sorted({audit.project.name, *audit.project.packages, *tops} - {""}))
    first = {item.nodeid.split("[", 1)[0]: item for item in audit.inventory.tests}
    nodeids = list(dict.fromkeys([*first, *facts]))
    kinds: dict[str, TestKind] = {}
    for nodeid in nodeids:
        item = first.get(nodeid)
        names = tuple(item.markers) if item else ()
        names += tuple(name for name, _ in marks.get(nodeid, ()))
        kinds[nodeid] = pyramid.classify(
            names, facts.get(nodeid), item.kind if item else None, words
        )
    return kinds


def run(audit: Audit, result: Analysis) -> Audit:
    """Add requirement and pyramid findings, summaries, and refined test kinds."""
    marks = marks_by_test(result.test_sources)
    new: list[Finding] = []
    coverage: tuple[RequirementCoverage, ...] = ()
    cfg = audit.config.requirements
    if cfg.file:
        reqs = requirements.load(audit.project.root, cfg.file)
        states = requirements.link(audit, reqs, marks)
        new += requirements.findings(cfg.file, states, cfg.marker)
        coverage = tuple(
            RequirementCoverage(
                s.requirement.id,
                s.requirement.title,
                s.requirement.epic,
                s.linked,
                s.passing,
                s.tested,
            )
            for s in states
        )
    kinds = _kinds(audit, result, marks)
    mixes = pyramid.mixes(audit, kinds, result.relations, result.module_paths)
    new += pyramid.findings(mixes)
    overall = {k: sum(1 for v in kinds.values() if v is k) for k in TestKind}
    summary = (
        PyramidMix(
            "<all>",
            overall[TestKind.UNIT],
            overall[TestKind.INTEGRATION],
            overall[TestKind.E2E],
        ),
        *(
            PyramidMix(
                m.component,
                m.counts["unit"],
                m.counts["integration"],
                m.counts["e2e"],
                dict(m.target),
            )
            for m in mixes
        ),
    )
    new = [f for f in new if f.code not in audit.config.ignore]
    new = [f for f in new if f.category.value not in audit.config.ignore]
    analysis = audit.scenarios or ScenarioAnalysis()
    inventory = replace(
        audit.inventory,
        tests=pyramid.refine_items(audit.inventory.tests, kinds),
        files=pyramid.refine_files(audit.inventory.files, kinds),
    )
    return replace(
        audit,
        findings=(*audit.findings, *new),
        scenarios=replace(analysis, requirements=coverage, pyramid=summary),
        inventory=inventory,
    )
