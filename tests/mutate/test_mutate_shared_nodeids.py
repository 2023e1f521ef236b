"""Items that share a node id (a plugin's test cases named after their block, as
docopt-ng's are): pytest runs every one of them. The run kept only the last item's
result, so a failing case was hidden behind a passing one, and the workers ran one item
per node id, so mutants only the other cases catch survived."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, audit_untouched

from testvet.model import MutantStatus, Outcome
from testvet.run.events import ChildLog

NODEID = "tests/words.cases::block(1)"


@pytest.mark.slow
def test_every_item_of_a_shared_node_id_runs_against_the_mutants(tmp_path: Path) -> None:
    audit = audit_untouched(PROJECTS / "mut_dupids", tmp_path / "out", mode="full")
    assert audit.run is not None
    assert [(r.nodeid, r.outcome) for r in audit.run.results] == [(NODEID, Outcome.PASSED)]
    assert audit.mutation is not None
    statuses = {m.id: m.status for m in audit.mutation.mutants}
    # only the first case ("-") reaches line 3
    assert statuses["verbs:classify#const-str-empty@3:15"] is MutantStatus.KILLED
    assert statuses["verbs:classify#return-value-none@3:15"] is MutantStatus.KILLED
    assert set(statuses.values()) == {MutantStatus.KILLED}


def _events(*outcomes: str) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for i, outcome in enumerate(outcomes):
        events.append({"ev": "start", "nodeid": NODEID})
        events.append(
            {"ev": "result", "nodeid": NODEID, "outcome": outcome, "duration": 0.5, "fns": [i]}
        )
    return events


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (("failed", "passed"), "failed"),
        (("passed", "error"), "error"),
        (("skipped", "passed"), "passed"),
        (("xfailed", "skipped"), "xfailed"),
    ],
)
def test_a_shared_node_id_takes_the_worse_outcome_and_both_items_time(
    outcomes: tuple[str, ...], expected: str
) -> None:
    log = ChildLog()
    log.feed(_events(*outcomes))
    assert log.results[NODEID]["outcome"] == expected
    assert log.results[NODEID]["duration"] == 1.0
    assert log.results[NODEID]["fns"] == [0, 1]
    assert log.running is None


def test_the_second_item_of_a_shared_node_id_is_running_until_its_result() -> None:
    log = ChildLog()
    log.feed(_events("passed"))
    log.feed([{"ev": "start", "nodeid": NODEID}])
    assert log.running == NODEID  # it may hang or crash: the run must know it started
