"""Entry point of the scenarios stage: ``run(audit, ctx) -> audit``.

Adds ``audit.scenarios`` (capabilities and evidence), ``missing-scenario`` findings
(TV501-TV516), and the requirements/pyramid findings of :mod:`testvet.traceability`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from testvet import traceability
from testvet.model import Audit
from testvet.scenarios.analyze import analyze

if TYPE_CHECKING:
    from testvet.core import StageContext


def run(audit: Audit, ctx: StageContext) -> Audit:
    """Find missing failure/abuse scenarios, untested requirements and pyramid gaps."""
    ctx.progress("scenarios", 0, 2)
    result = analyze(audit)
    audit = replace(
        audit,
        scenarios=result.analysis,
        findings=(*audit.findings, *result.findings),
    )
    ctx.progress("scenarios", 1, 2)
    audit = traceability.run(audit, result)
    ctx.progress("scenarios", 2, 2)
    return audit
