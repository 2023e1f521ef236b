"""A test that runs out of its CPU budget once is no proof that the mutant loops: the
time a test takes varies from run to run. A timeout stands only if the mutant runs out
again, and a control run that needs most of the budget makes the budget generous."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, by_id, context, make_audit

from testvet.model import MutantStatus
from testvet.mutate import stage

ROOT = PROJECTS / "mut_jitter"
NOISY = "tests/test_jitter.py::test_noisy_once"
CLOSE = "tests/test_jitter.py::test_close_to_its_budget"
FIRST_A = "tests/test_jitter.py::test_slow_first_a"
FIRST_B = "tests/test_jitter.py::test_slow_first_b"


@pytest.mark.slow
def test_a_timeout_the_mutant_does_not_repeat_is_no_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = tmp_path / "counts"
    counts.mkdir()
    monkeypatch.setenv("JITTER_DIR", str(counts))
    reached = {
        NOISY: ["jitter.noisy:echo"],
        CLOSE: ["jitter.close:echo"],
        FIRST_A: ["jitter.twice:echo"],
        FIRST_B: ["jitter.twice:echo"],
    }
    modules = {
        "jitter.noisy": "src/jitter/noisy.py",
        "jitter.close": "src/jitter/close.py",
        "jitter.twice": "src/jitter/twice.py",
    }
    # a budget of 5 x 20 ms (and the first test's slack) for each
    durations = {NOISY: 0.02, CLOSE: 0.02, FIRST_A: 0.02, FIRST_B: 0.021}
    audit = make_audit(ROOT, modules, reached, durations=durations)
    out = stage.run(audit, context(tmp_path / "out", ROOT))
    mutants = by_id(out)
    # ran out once (the mutant), passed in its control, and again with the mutant
    assert mutants["jitter.noisy:echo#return-none"].status is MutantStatus.SURVIVED
    assert (counts / "noisy").read_text() == "xxx"
    # its control needed most of the budget: the mutant ran again with a generous one
    assert mutants["jitter.close:echo#return-none"].status is MutantStatus.SURVIVED
    assert (counts / "close").read_text() == "xxx"
    # out of time in its first test, then (its control passing) in the second: the
    # tests' time varies, not the mutant's; with generous budgets it survives
    assert mutants["jitter.twice:echo#return-none"].status is MutantStatus.SURVIVED
    assert (counts / "first_a").read_text() == "xxxx"
    assert (counts / "first_b").read_text() == "xx"
