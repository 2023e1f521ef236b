"""The JSON report: the public contract of REPORT_CONTRACT.md, plus documented extras.

``SCHEMA`` is bumped only when a contract field is renamed or removed:

- ``testvet-report/1``: first version (summary, findings; extras: inventory, run,
  mutation, scenarios, policy, timings, skipped_stages). Extras are ``null`` when the
  stage that produces them did not run; ``skipped_stages`` says why.
"""

from __future__ import annotations

import json
from typing import Any

from testvet.model import Audit, Finding, MutationResult, RunResult, ScenarioAnalysis
from testvet.report import views

SCHEMA = "testvet-report/1"


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding in contract form (contract fields first, then extras)."""
    return {
        "code": f.code,
        "category": f.category.value,
        "severity": f.severity.value,
        "path": f.path,
        "line": f.line,
        "test": f.test,
        "function": f.function,
        "scenario": f.scenario,
        "requirement": f.requirement,
        "message": f.message,
        "end_line": f.end_line,
        "hint": f.hint,
        "fingerprint": f.fingerprint,
        "detail": dict(f.detail),
    }


def document(audit: Audit) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    verdict = audit.verdict.word if audit.verdict else "pass"
    inv = audit.inventory
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "testvet", "version": audit.tool_version},
        "project": {"root": str(audit.project.root), "name": audit.project.name},
        "summary": {
            "tests": len(inv.tests),
            "findings": len(audit.findings),
            "by_category": audit.by_category(),
            "verdict": verdict,
            "failing": len(audit.verdict.failing) if audit.verdict else 0,
            "baselined": audit.verdict.baselined if audit.verdict else 0,
            "reasons": list(audit.verdict.reasons) if audit.verdict else [],
        },
        "findings": [finding_dict(f) for f in audit.findings],
        "started": audit.started.isoformat(),
        "timings": dict(audit.timings),
        "skipped_stages": dict(audit.skipped_stages),
        "inventory": {
            "collected_with": inv.collected_with,
            "files": [
                {
                    "path": tf.path,
                    "kind": tf.kind.value,
                    "tests": tf.tests,
                    "imports": list(tf.imports),
                    "reaches": list(tf.reaches),
                }
                for tf in inv.files
            ],
            "modules": [
                {"name": m.name, "path": m.path, "coverage": m.coverage, "tests": m.tests}
                for m in inv.modules
            ],
        },
        "policy": [
            {
                "kind": c.kind,
                "target": c.target,
                "floor": c.floor,
                "actual": c.actual,
                "files": c.files,
                "passed": c.passed,
            }
            for c in audit.policy_checks
        ],
        "run": _run(audit.run),
        "mutation": _mutation(audit.mutation, views.mutation_score(audit)),
        "scenarios": _scenarios(audit.scenarios),
    }
    return doc


def _run(run: RunResult | None) -> dict[str, Any] | None:
    if run is None:
        return None
    cov = run.coverage
    return {
        "python": run.python,
        "duration": run.duration,
        "exit_status": run.exit_status,
        "stopped": run.stopped,
        "imported": sorted(run.imported),
        "notes": list(run.notes),
        "tests": [
            {
                "nodeid": r.nodeid,
                "outcome": r.outcome.value,
                "duration": r.duration,
                "message": r.message,
                "reached": sorted(r.reached),
            }
            for r in run.results
        ],
        "coverage": None
        if cov is None
        else {
            "percent": cov.percent,
            "source": cov.source,
            "files": [
                {
                    "path": f.path,
                    "percent": f.percent,
                    "statements": f.statements,
                    "missing": list(f.missing),
                    "branches": f.branches,
                    "partial_branches": f.partial_branches,
                }
                for f in cov.files
            ],
        },
    }


def _mutation(mut: MutationResult | None, score: float | None) -> dict[str, Any] | None:
    if mut is None:
        return None
    return {
        "mode": mut.mode,
        "score": score,
        "duration": mut.duration,
        "cost_floor": mut.cost_floor,
        "workers": mut.workers,
        "mutants": [
            {
                "id": m.id,
                "function": m.function,
                "path": m.path,
                "line": m.line,
                "kind": m.kind,
                "operator": m.operator,
                "diff": m.diff,
                "status": m.status.value,
                "killed_by": m.killed_by,
                "duration": m.duration,
                "cached": m.cached,
            }
            for m in mut.mutants
        ],
        "skipped": [
            {"function": s.function, "path": s.path, "line": s.line, "reason": s.reason}
            for s in mut.skipped
        ],
        "notes": list(mut.notes),
    }


def _scenarios(sa: ScenarioAnalysis | None) -> dict[str, Any] | None:
    if sa is None:
        return None
    return {
        "capabilities": [
            {
                "kind": c.kind,
                "path": c.path,
                "line": c.line,
                "symbol": c.symbol,
                "scenarios": list(c.scenarios),
                "reason": c.reason,
            }
            for c in sa.capabilities
        ],
        "evidence": [
            {
                "scenario": e.scenario,
                "test": e.test,
                "path": e.path,
                "line": e.line,
                "reason": e.reason,
            }
            for e in sa.evidence
        ],
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "epic": r.epic,
                "tests": list(r.tests),
                "passing": list(r.passing),
                "tested": r.tested,
            }
            for r in sa.requirements
        ],
        "pyramid": [
            {
                "component": p.component,
                "unit": p.unit,
                "integration": p.integration,
                "e2e": p.e2e,
                "target": dict(p.target),
            }
            for p in sa.pyramid
        ],
    }


def render(audit: Audit) -> str:
    """The JSON text, stable key order, two-space indent."""
    return json.dumps(document(audit), indent=2, ensure_ascii=False, default=str) + "\n"
