"""The HTML report: one self-contained page (inline CSS, JS and SVG; no network).

The page is rendered from ``templates/report.html.j2`` with autoescaping on; the
numbers and sentences come from :mod:`testvet.report.html_view`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from testvet import __version__
from testvet.model import Audit, Category, Severity
from testvet.report import html_view as view
from testvet.report.html_source import SourceReader


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The jinja2 environment of testvet's HTML pages (autoescape on, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("testvet.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def asset(name: str) -> Markup:
        """A static file (CSS/JS) inlined verbatim; it must not contain ``</``."""
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        if "</" in source:
            raise ValueError(f"asset {name} must not contain '</'")
        return Markup(source)

    env.globals["asset"] = asset
    env.globals["pct"] = view.pct
    env.globals["plural"] = view.plural
    return env


def context(audit: Audit) -> dict[str, Any]:
    """Everything the template needs, computed once."""
    reader = SourceReader(audit.project.root)
    findings = view.findings(audit, reader)
    risks = view.module_risks(audit)
    present = audit.by_category()
    return {
        "audit": audit,
        "version": __version__,
        "verdict": audit.verdict.word if audit.verdict else None,
        "cards": view.cards(audit),
        "findings": findings,
        "categories": [(c.value, present.get(c.value, 0)) for c in Category if c.value in present],
        "severities": [
            (s.value, sum(1 for f in audit.findings if f.severity is s)) for s in Severity
        ],
        "risks": risks,
        "map_wide": view.treemap(risks, 960, min(400, 160 + 40 * len(risks))),
        "map_tall": view.treemap(risks, 360, min(560, 200 + 60 * len(risks))),
        "scenario_summary": view.scenario_summary(audit),
        "suites": view.suites(audit),
        "recommendations": view.recommendations(audit, findings),
        "quality": view.quality(audit),
        "slowest": view.slowest(audit),
        "mutants": view.surviving_mutants(audit),
        "lowest_coverage": view.lowest_coverage(audit),
        "scenario_findings": [
            v for v in findings if v.finding.category is Category.MISSING_SCENARIO
        ],
        "by_category": {
            c: [v for v in findings if v.finding.category is c]
            for c in (Category.PSEUDO_TESTED, Category.WEAKLY_TESTED)
        },
        "rotten": [v for v in findings if v.finding.code == "TV310"],
        "max_detailed": view.MAX_DETAILED,
    }


def render(audit: Audit) -> str:
    """The report page as one HTML document."""
    return environment().get_template("report.html.j2").render(context(audit))
