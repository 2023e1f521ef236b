"""The test pyramid: classify tests unit/integration/e2e, compare components with targets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatch

from testvet.model import Audit, Category, Finding, Severity, TestFile, TestItem, TestKind
from testvet.scenarios.evidence import TestFacts

CODE = "TV611"
_ORDER = {TestKind.UNIT: 0, TestKind.INTEGRATION: 1, TestKind.E2E: 2}
_MARKER_KINDS: tuple[tuple[re.Pattern[str], TestKind], ...] = (
    (
        re.compile(r"^(e2e|end_to_end|acceptance|system|browser|selenium|playwright|smoke)$"),
        TestKind.E2E,
    ),
    (
        re.compile(r"^(integration|integ|functional|db|database|network|slow_integration)$"),
        TestKind.INTEGRATION,
    ),
    (re.compile(r"^unit$"), TestKind.UNIT),
)
_BROWSER = ("selenium.", "playwright.", "splinter.")
_HTTP_CLIENTS = ("requests.", "httpx.", "urllib.request.", "aiohttp.", "http.client.")
_IO_CALLS = (
    "subprocess.",
    "socket.",
    "sqlite3.",
    "psycopg",
    "pymysql.",
    "sqlalchemy.",
    "asyncio.open_connection",
    "asyncio.create_subprocess",
    "multiprocessing.",
    "os.fork",
    "open",
    "shutil.",
)
_IO_FIXTURES = {
    "tmp_path",
    "tmpdir",
    "tmp_path_factory",
    "hard_kill",
    "disk_faults",
    "fault_proxy",
    "httpserver",
    "live_server",
    "postgresql",
    "redis",
    "docker",
    "pytester",
    "testdir",
}
_ENTRY_POINTS = ("CliRunner", "TestClient", "testing.CliRunner", "test_client")


def marker_kind(markers: tuple[str, ...] | list[str]) -> TestKind | None:
    """The kind a marker names (``e2e``, ``integration``, ``unit``…), if any."""
    for pattern, kind in _MARKER_KINDS:
        if any(pattern.match(m.lower()) for m in markers):
            return kind
    return None


def touch_kind(facts: TestFacts, project_words: tuple[str, ...] = ()) -> tuple[TestKind, str]:
    """The kind implied by what the test touches, with the reason."""
    calls = facts.calls
    if any(c.startswith(_BROWSER) for c in calls):
        return TestKind.E2E, "drives a browser"
    urls = any(s.startswith(("http://", "https://")) for s in facts.strings)
    if urls and any(c.startswith(_HTTP_CLIENTS) for c in calls):
        return TestKind.E2E, "calls a live HTTP endpoint"
    spawns = any(c.startswith(("subprocess.", "asyncio.create_subprocess")) for c in calls)
    if (
        spawns
        and project_words
        and any(w in s for s in facts.strings for w in project_words if len(w) > 2)
    ):
        return TestKind.E2E, "runs the project's command line in a subprocess"
    if spawns or any(c.startswith(_IO_CALLS) or c == "open" for c in calls):
        return TestKind.INTEGRATION, "touches processes, sockets, databases or files"
    if facts.params & _IO_FIXTURES:
        return TestKind.INTEGRATION, f"uses the {sorted(facts.params & _IO_FIXTURES)[0]} fixture"
    if any(c.rsplit(".", 1)[-1] in _ENTRY_POINTS for c in calls):
        return TestKind.INTEGRATION, "goes through the CLI/HTTP entry point in-process"
    return TestKind.UNIT, "pure in-process calls"


def classify(
    item_markers: tuple[str, ...],
    facts: TestFacts | None,
    first: TestKind | None,
    project_words: tuple[str, ...],
) -> TestKind:
    """Markers first, then what the test touches (never below the discover stage's guess)."""
    by_marker = marker_kind(item_markers)
    if by_marker is not None:
        return by_marker
    kind = touch_kind(facts, project_words)[0] if facts is not None else TestKind.UNIT
    if first is not None and _ORDER[first] > _ORDER[kind]:
        return first
    return kind


@dataclass(frozen=True)
class ComponentMix:
    """The unit/integration/e2e mix of one component against its target."""

    component: str
    counts: Mapping[str, int]
    target: Mapping[str, float]
    tolerance: float

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, kind: str) -> float:
        return 100.0 * self.counts.get(kind, 0) / self.total if self.total else 0.0

    def off(self) -> list[str]:
        """Kinds whose share is further than the tolerance from the target."""
        return [
            kind
            for kind, pct in self.target.items()
            if abs(self.share(kind) - pct) > self.tolerance + 1e-9
        ]


def mixes(
    audit: Audit,
    kinds: Mapping[str, TestKind],
    relations: Mapping[str, set[str]],
    module_paths: Mapping[str, str],
) -> list[ComponentMix]:
    """Each configured component's test mix (tests whose file or reached code matches)."""
    cfg = audit.config.pyramid
    out = []
    for glob, target in cfg.components.items():
        counts = {k.value: 0 for k in TestKind}
        for nodeid, kind in kinds.items():
            path = nodeid.split("::", 1)[0]
            touched = relations.get(nodeid.split("[", 1)[0], set()) | relations.get(path, set())
            paths = {module_paths[m] for m in touched if m in module_paths}
            if fnmatch(path, glob) or any(fnmatch(p, glob) for p in paths):
                counts[kind.value] += 1
        out.append(ComponentMix(glob, counts, dict(target), cfg.tolerance))
    return out


def findings(mix_list: list[ComponentMix]) -> list[Finding]:
    """One TV611 finding per component off its target."""
    out = []
    for mix in mix_list:
        shares = " / ".join(f"{mix.share(k):.0f}% {k}" for k in ("unit", "integration", "e2e"))
        target = " / ".join(
            f"{mix.target.get(k, 0):.0f}% {k}" for k in ("unit", "integration", "e2e")
        )
        if mix.total == 0:
            message = f"component {mix.component}: no test reaches it (target {target})"
            severity = Severity.MEDIUM
        else:
            off = mix.off()
            if not off:
                continue
            message = (
                f"component {mix.component}: {mix.total} tests are {shares}; target {target} "
                f"(±{mix.tolerance:.0f} points), off on {', '.join(off)}"
            )
            starved = any(mix.counts.get(k, 0) == 0 and mix.target[k] > 0 for k in off)
            severity = Severity.MEDIUM if starved else Severity.LOW
        out.append(
            Finding(
                code=CODE,
                category=Category.PYRAMID,
                severity=severity,
                path=mix.component,
                line=None,
                message=message,
                snippet=mix.component,
                hint="Add tests of the missing kind, or move the target in [tool.testvet.pyramid].",
                detail={
                    "component": mix.component,
                    "counts": dict(mix.counts),
                    "shares": {k: round(mix.share(k), 1) for k in mix.counts},
                    "target": dict(mix.target),
                    "tolerance": mix.tolerance,
                },
            )
        )
    return out


def refine_items(
    items: tuple[TestItem, ...], kinds: Mapping[str, TestKind]
) -> tuple[TestItem, ...]:
    """The inventory's items with their refined kinds."""
    return tuple(
        replace(item, kind=kinds.get(item.nodeid.split("[", 1)[0], item.kind)) for item in items
    )


def refine_files(
    files: tuple[TestFile, ...], kinds: Mapping[str, TestKind]
) -> tuple[TestFile, ...]:
    """Each test file gets the most common kind of its tests (ties go to the larger kind)."""
    out = []
    for file in files:
        mine = [kind for nodeid, kind in kinds.items() if nodeid.split("::", 1)[0] == file.path]
        if not mine:
            out.append(file)
            continue
        best = max(TestKind, key=lambda k: (mine.count(k), _ORDER[k]))
        out.append(replace(file, kind=best))
    return tuple(out)
