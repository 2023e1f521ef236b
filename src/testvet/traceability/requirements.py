"""Requirements traceability: a requirements file, tests linked by marker, TV601 findings."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testvet.errors import ConfigError
from testvet.model import Audit, Category, Finding, Outcome, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CODE = "TV601"
_KEY = "[tool.testvet.requirements] file"
_ID = r"[A-Za-z]{0,12}[-_]?\d+(?:[.\-]\d+)*[a-z]?"
_LIST_ITEM = re.compile(
    rf"^\s*(?:[-*+]|\d+\.)\s+(?:\[[ xX]\]\s+)?(?:\*\*|`|\[)?(?P<id>{_ID})(?:\*\*|`|\])?"
    r"\s*(?:[:.\-\u2013\u2014|)]\s*|\s+)(?P<title>\S.*)$"
)
_TABLE_ROW = re.compile(rf"^\s*\|\s*(?:\*\*|`)?(?P<id>{_ID})(?:\*\*|`)?\s*\|\s*(?P<title>[^|]+)")
_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<text>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Requirement:
    """One requirement of the project's list."""

    id: str
    title: str
    epic: str
    #: 1-based line in the requirements file.
    line: int


def _default_epic(req_id: str) -> str:
    head = re.split(r"[.\-_]", req_id, maxsplit=1)[0]
    return head if head != req_id else "(no epic)"


def _toml_line(text: str, req_id: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if re.search(rf"(['\"]){re.escape(req_id)}\1", line):
            return i
    return 1


def _from_items(items: Any, epic: str | None, text: str, where: str) -> list[Requirement]:
    out: list[Requirement] = []
    if isinstance(items, Mapping):
        for req_id, title in items.items():
            if isinstance(title, Mapping):
                title = title.get("title", "")
            out.append(
                Requirement(
                    str(req_id),
                    str(title),
                    epic or _default_epic(str(req_id)),
                    _toml_line(text, str(req_id)),
                )
            )
        return out
    if not isinstance(items, list):
        raise ConfigError(f"{where}: requirements must be a table or a list of tables")
    for item in items:
        if not isinstance(item, Mapping) or "id" not in item:
            raise ConfigError(f"{where}: every requirement needs an id, got {item!r}")
        req_id = str(item["id"])
        out.append(
            Requirement(
                req_id,
                str(item.get("title", "")),
                str(item.get("epic") or epic or _default_epic(req_id)),
                _toml_line(text, req_id),
            )
        )
    return out


def _parse_toml(text: str, where: str) -> list[Requirement]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from exc
    out: list[Requirement] = []
    for key in ("requirements", "requirement"):
        if key in data:
            out += _from_items(data[key], None, text, where)
    for key in ("epics", "epic"):
        epics = data.get(key)
        if epics is None:
            continue
        entries = (
            [{"id": k, **v} for k, v in epics.items() if isinstance(v, Mapping)]
            if isinstance(epics, Mapping)
            else epics
        )
        if not isinstance(entries, list):
            raise ConfigError(f"{where}: [{key}] must be a table of epics")
        for entry in entries:
            if not isinstance(entry, Mapping):
                raise ConfigError(f"{where}: each epic must be a table, got {entry!r}")
            name = str(entry.get("title") or entry.get("name") or entry.get("id") or "")
            out += _from_items(entry.get("requirements", {}), name, text, where)
    return out


def _parse_markdown(text: str) -> list[Requirement]:
    out: list[Requirement] = []
    epic: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        heading = _HEADING.match(line)
        if heading:
            epic = heading.group("text").strip()
            continue
        match = _LIST_ITEM.match(line) or _TABLE_ROW.match(line)
        if match and re.search(r"\d", match.group("id")):
            req_id = match.group("id")
            title = match.group("title").strip().strip("|").strip()
            out.append(Requirement(req_id, title, epic or _default_epic(req_id), number))
    return out


def load(root: Path, file: str) -> tuple[Requirement, ...]:
    """Read the requirements file (TOML or Markdown) named by the config."""
    path = root / file
    where = f"{_KEY} {file!r}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{where}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read: {exc}") from exc
    reqs = _parse_toml(text, where) if path.suffix == ".toml" else _parse_markdown(text)
    if not reqs:
        raise ConfigError(
            f"{where}: no requirement ids found (expected list items like '- 3.4 Title' "
            "under '# Epic' headings, or a TOML [[requirements]] / [epics] table)"
        )
    seen: dict[str, int] = {}
    for req in reqs:
        if req.id in seen:
            raise ConfigError(
                f"{where}: requirement {req.id!r} listed twice "
                f"(lines {seen[req.id]} and {req.line})"
            )
        seen[req.id] = req.line
    return tuple(reqs)


@dataclass(frozen=True)
class RequirementState:
    """A requirement with the tests linked to it and how they fared."""

    requirement: Requirement
    linked: tuple[str, ...]
    passing: tuple[str, ...]
    #: True when a run was available (``passing`` is then meaningful).
    ran: bool

    @property
    def tested(self) -> bool:
        return bool(self.passing) if self.ran else bool(self.linked)


def link(
    audit: Audit,
    reqs: tuple[Requirement, ...],
    marks: Mapping[str, list[tuple[str, tuple[str, ...]]]],
) -> tuple[RequirementState, ...]:
    """Tests linked to each requirement by the configured marker, and which passed."""
    marker = audit.config.requirements.marker
    linked: dict[str, list[str]] = defaultdict(list)
    for nodeid, entries in marks.items():
        for name, args in entries:
            if name == marker:
                for arg in args:
                    linked[arg].append(nodeid)
    outcomes: dict[str, list[Outcome]] = defaultdict(list)
    if audit.run is not None:
        for result in audit.run.results:
            outcomes[result.nodeid.split("[", 1)[0]].append(result.outcome)
    states = []
    for req in reqs:
        tests = tuple(sorted(set(linked.get(req.id, ()))))
        passing = tuple(
            t for t in tests if outcomes.get(t) and all(o is Outcome.PASSED for o in outcomes[t])
        )
        states.append(RequirementState(req, tests, passing, audit.run is not None))
    return tuple(states)


def epic_coverage(states: tuple[RequirementState, ...]) -> list[dict[str, Any]]:
    """Per epic, in file order: tested / total / percent."""
    order: list[str] = []
    totals: dict[str, list[int]] = {}
    for state in states:
        epic = state.requirement.epic
        if epic not in totals:
            order.append(epic)
            totals[epic] = [0, 0]
        totals[epic][1] += 1
        totals[epic][0] += int(state.tested)
    return [
        {
            "epic": epic,
            "tested": totals[epic][0],
            "total": totals[epic][1],
            "percent": round(100.0 * totals[epic][0] / totals[epic][1], 1),
        }
        for epic in order
    ]


def findings(
    file: str, states: tuple[RequirementState, ...], marker: str = "story"
) -> list[Finding]:
    """One TV601 finding per requirement without a (passing) linked test."""
    per_epic = epic_coverage(states)
    by_epic = {row["epic"]: row for row in per_epic}
    out = []
    for state in states:
        if state.tested:
            continue
        req = state.requirement
        if state.linked:
            why = f"its {len(state.linked)} linked test(s) did not pass"
        else:
            why = "no test is linked to it"
        row = by_epic[req.epic]
        out.append(
            Finding(
                code=CODE,
                category=Category.UNTESTED_REQUIREMENT,
                severity=Severity.MEDIUM,
                path=file,
                line=req.line,
                message=(
                    f"requirement {req.id} ({req.title}) of epic {req.epic!r}: {why}; "
                    f"epic coverage {row['tested']}/{row['total']}"
                ),
                requirement=req.id,
                snippet=f"{req.id} {req.title}",
                hint=f"Link a passing test with @pytest.mark.{marker}({req.id!r}) or drop the id.",
                detail={
                    "epic": req.epic,
                    "title": req.title,
                    "linked_tests": list(state.linked),
                    "epic_coverage": dict(row),
                    "coverage_by_epic": per_epic,
                },
            )
        )
    return out
