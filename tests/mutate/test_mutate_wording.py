"""A pseudo-tested finding's message names the bodies no test noticed, as the reader sees
them (real mutate stage on mut_basic, hand-made test map)."""

from __future__ import annotations

import pytest
from mutate_helpers import BASIC_MODULES, PROJECTS, context, make_audit

from testvet.model import Audit, Finding
from testvet.mutate import stage

ROOT = PROJECTS / "mut_basic"
REACHED: dict[str, list[str]] = {
    "tests/test_core.py::test_add": ["add"],
    "tests/test_core.py::test_is_even_true": ["is_even"],
    "tests/test_core.py::test_total_runs": ["total"],
    "tests/test_core.py::test_counter": ["Counter.touch"],
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Finding]:
    """Function -> its TV401 finding, from one extreme-mode stage run."""
    audit: Audit = stage.run(
        make_audit(ROOT, BASIC_MODULES, REACHED), context(tmp_path_factory.mktemp("out"), ROOT)
    )
    return {f.function or "": f for f in audit.findings if f.code == "TV401"}


def test_every_surviving_body_is_named_in_the_pseudo_tested_message(
    findings: dict[str, Finding],
) -> None:
    assert findings["calc.core.total"].message == (
        "calc.core.total is pseudo-tested: 1 passing test reaches it, yet none fails "
        "when its body becomes `return 0`, `return 1`, `return None`"
    )


def test_the_partially_tested_message_names_only_the_surviving_body(
    findings: dict[str, Finding],
) -> None:
    # `return False` is killed by test_is_even_true; only `return True` goes unnoticed.
    assert findings["calc.core.is_even"].message == (
        "calc.core.is_even is partially tested: no test fails when its body becomes `return True`"
    )


def test_an_emptied_procedure_is_named_as_pass(findings: dict[str, Finding]) -> None:
    assert findings["calc.core.Counter.touch"].message.endswith("when its body becomes `pass`")
    assert "calc.core.add" not in findings  # every body of add() is noticed: no message
