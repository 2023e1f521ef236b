"""Tests that fail when run alone: ``order-dependent`` (TV403) and ``flaky`` (TV404).

Evidence from the mutation engine's control runs. A test that kills a mutant is run
alone on the unmodified code, in a fresh worker; one that fails there runs alone once
more. Failing twice, while it passed in the suite, it depends on what the tests before
it leave behind. Failing once and then passing, it is flaky.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from testvet.model import Category, Finding, Severity
from testvet.mutate.executor import Alone
from testvet.run.testdefs import def_line

ORDER_DEPENDENT = "TV403"
FLAKY = "TV404"


def findings(root: Path, seen: Iterable[Alone]) -> list[Finding]:
    """One finding per test in ``seen``, at its ``def`` line."""
    out = []
    for alone in sorted(seen, key=lambda a: a.test):
        path = alone.test.split("::", 1)[0]
        if alone.outcome == "fails":
            code, category = ORDER_DEPENDENT, Category.ORDER_DEPENDENT
            message = (
                f"{alone.test} passes in the suite but fails when run on its own "
                f"({alone.error}): it depends on what a test before it leaves behind"
            )
            hint = (
                "Give it the state it needs itself (a fixture), not through a test that "
                f"happens to run first; `pytest {alone.test}` shows the failure."
            )
        else:
            code, category = FLAKY, Category.FLAKY
            message = (
                f"{alone.test} is flaky: run on its own on the same code it failed once "
                f"({alone.error}) and then passed"
            )
            hint = (
                "Find the timing, randomness or outside state that changes its outcome; "
                "until then the mutants it fails on are not counted as killed."
            )
        out.append(
            Finding(
                code=code,
                category=category,
                severity=Severity.MEDIUM,
                path=path,
                line=def_line(root, alone.test),
                message=message,
                test=alone.test,
                hint=hint,
                detail={"evidence": "mutation control runs", "error": alone.error},
            )
        )
    return out
