"""Reading the JSON-lines event stream the ``testvet_run`` plugin writes in the child."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testvet.model import function_id


class EventReader:
    """Reads complete new lines from a file another process appends to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.pending = b""

    def poll(self) -> list[dict[str, Any]]:
        """Events appended since the last call (a torn last line waits for its end)."""
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        data = self.pending + data
        lines = data.split(b"\n")
        self.pending = lines.pop()
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events


@dataclass
class ChildLog:
    """What one child process reported."""

    #: index -> (module, qualname, path, def line, end line or 0 when unknown).
    functions: dict[int, tuple[str, str, str, int, int]] = field(default_factory=dict)
    _ids: dict[int, str] = field(default_factory=dict)
    #: Registry indices of the functions that ran while a module was imported (before
    #: the first test: collection; later: a project module a test imported).
    imported: set[int] = field(default_factory=set)
    #: Test node id -> registry indices of functions a process it forked ran.
    child_hits: dict[str, set[int]] = field(default_factory=dict)
    #: Fixed ports the tests bound (``host:port``) -> the first test that bound each.
    ports: dict[str, str] = field(default_factory=dict)
    collected: list[str] | None = None
    started: list[str] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    timeout: str | None = None
    finished: bool = False
    exitstatus: int | None = None
    mechanism: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: The test file pytest was collecting last.
    collecting: str | None = None
    #: Why the child could not set up its measurement (a coverage.py plugin the
    #: project's configuration names cannot be imported): the run cannot start.
    setup_error: str | None = None
    #: How many events were fed so far (the parent's sign of life).
    seen: int = 0
    #: How many results came (items: node ids that several items share come again).
    finished_items: int = 0

    @property
    def ids(self) -> dict[int, str]:
        """Registry index -> the def's raw id, ``pkg.mod:Qual.name@LINE`` (the run names
        functions once every child is done: ``child.name_functions``)."""
        if len(self._ids) != len(self.functions):
            self._ids = {
                index: function_id(module, qualname, line)
                for index, (module, qualname, _path, line, _end) in self.functions.items()
            }
        return self._ids

    def feed(self, events: list[dict[str, Any]]) -> None:
        """Fold ``events`` into this log."""
        for event in events:
            self.seen += 1
            kind = event.get("ev")
            if kind == "fn":
                self.functions[int(event["i"])] = (
                    str(event["m"]),
                    str(event["q"]),
                    str(event["p"]),
                    int(event["l"]),
                    int(event.get("e") or 0),
                )

            elif kind == "imported":
                self.imported.update(int(i) for i in event.get("fns") or ())
            elif kind == "child-hit":
                self.child_hits.setdefault(str(event["nodeid"]), set()).add(int(event["fn"]))
            elif kind == "ports":
                for where in event.get("ports") or ():
                    self.ports.setdefault(str(where), str(event.get("nodeid")))
            elif kind == "start":
                self.started.append(str(event["nodeid"]))
            elif kind == "result":
                nodeid = str(event["nodeid"])
                self.finished_items += 1
                earlier = self.results.get(nodeid)
                self.results[nodeid] = event if earlier is None else merged(earlier, event)
            elif kind == "collected":
                self.collected = [str(n) for n in event["nodeids"]]
            elif kind == "timeout":
                self.timeout = str(event.get("nodeid"))
            elif kind == "finish":
                self.finished = True
                status = event.get("exitstatus")
                self.exitstatus = int(status) if status is not None else None
            elif kind == "hello":
                self.mechanism = str(event.get("mechanism"))
            elif kind == "collecting":
                self.collecting = str(event.get("path"))
            elif kind == "warning":
                self.warnings.append(str(event.get("message")))
            elif kind == "setup-error":
                self.setup_error = str(event.get("message"))

    @property
    def running(self) -> str | None:
        """The test that started last and has no result (None when idle)."""
        if len(self.started) > self.finished_items:
            return self.started[-1]
        return None


#: Outcomes in the order a node id that several items share takes them: the first of
#: its items' outcomes in this list is the node id's (any failure fails it).
_FIRST = ("failed", "error", "xpassed", "passed", "xfailed", "skipped")


def merged(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The result of a node id that two items share (a plugin's items named alike, as
    docopt-ng's test cases are): pytest runs both, so does the run, and the node id's
    result is the worse outcome, with the time and reach of both."""
    rank = {outcome: i for i, outcome in enumerate(_FIRST)}
    worse = min((first, second), key=lambda e: rank.get(str(e.get("outcome")), -1))
    return {
        **worse,
        "duration": float(first.get("duration") or 0.0) + float(second.get("duration") or 0.0),
        "shared": float(first.get("shared") or 0.0) + float(second.get("shared") or 0.0),
        "fns": sorted({*(first.get("fns") or ()), *(second.get("fns") or ())}),
    }
