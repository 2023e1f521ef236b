"""The registry of static rules (placeholder until the rules land)."""

from __future__ import annotations

from dataclasses import dataclass

from testvet.model import Category, Severity


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is: its stable code, category, default severity and a title."""

    code: str
    category: Category
    severity: Severity
    title: str


def all_rules() -> tuple[RuleInfo, ...]:
    """Every registered rule, ordered by code."""
    return ()
