"""Entry point of the discover stage: ``run(audit, ctx) -> audit``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from testvet.model import Audit

if TYPE_CHECKING:
    from testvet.core import StageContext


def run(audit: Audit, ctx: StageContext) -> Audit:
    """Placeholder until the stage lands: returns the audit unchanged."""
    return audit
