"""What the HTML report shows, computed from the audit: every sentence from this project's data."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from testvet.history import summarize
from testvet.model import (
    Audit,
    Category,
    Finding,
    ModuleInfo,
    Mutant,
    MutantStatus,
    Outcome,
    Severity,
    TestKind,
    dotted_name,
)
from testvet.report.html_source import ExcerptLine, SourceReader
from testvet.report.html_treemap import squarify

#: What to do about each category, used by the recommendations.
ACTIONS: dict[Category, str] = {
    Category.CANNOT_FAIL: "give these tests a check that breaks when the code under test is wrong",
    Category.NONDETERMINISTIC: "pin the clock, seed, order or network these tests depend on",
    Category.FLAKY: "find the race or shared state behind the changing outcome",
    Category.ORDER_DEPENDENT: "remove the state these tests share with other tests",
    Category.PSEUDO_TESTED: "assert on what these functions return or change",
    Category.WEAKLY_TESTED: "add assertions that tell the surviving mutants apart",
    Category.COVERAGE_BELOW_POLICY: "test the uncovered lines of these paths",
    Category.MISSING_SCENARIO: "add the recommended failure and abuse tests",
    Category.COLLECTION_ERROR: "fix these files so pytest can collect them",
    Category.UNTESTED_REQUIREMENT: "link a passing test to each of these requirements",
    Category.PYRAMID: "rebalance unit, integration and end-to-end tests of these components",
    Category.BENCHMARK_REGRESSION: "find what made these benchmarks slower",
}
#: Findings shown with full details (excerpt, diff); the rest are listed in short.
MAX_DETAILED = 400
#: Tiles drawn in the risk map; smaller modules are merged into one tile.
MAX_TILES = 150
_PARAMS = re.compile(r"\[.*\]$")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del" or "ctx"
    text: str


@dataclass(frozen=True)
class FindingView:
    anchor: str
    finding: Finding
    failing: bool
    excerpt: tuple[ExcerptLine, ...]
    diff: tuple[DiffLine, ...]
    recommended_test: str | None
    search: str


@dataclass(frozen=True)
class ModuleRisk:
    name: str
    path: str
    coverage: float | None
    tests: int
    functions: int
    pseudo: int | None
    findings: int
    high: int
    weight: float
    #: 0 (fine) .. 1 (worst), None when nothing was measured.
    risk: float | None
    title: str

    @property
    def color(self) -> str:
        if self.risk is None:
            return "#cfd4da"
        hue = round(130 * (1 - self.risk))
        return f"hsl({hue} 68% 68%)"


@dataclass(frozen=True)
class Tile:
    module: ModuleRisk
    x: float
    y: float
    w: float
    h: float
    label: str
    sublabel: str


@dataclass(frozen=True)
class TreeMap:
    width: int
    height: int
    tiles: tuple[Tile, ...]


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str
    tone: str  # "good", "bad" or ""


@dataclass(frozen=True)
class Suite:
    name: str
    files: int
    tests: int
    kinds: str
    modules: int
    findings: int
    #: Line coverage of the modules the suite reaches, None without coverage data.
    coverage: float | None = None


@dataclass(frozen=True)
class Recommendation:
    priority: str
    title: str
    why: str
    links: tuple[tuple[str, str], ...]  # (anchor, label)
    more: int


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    sentence: str


@dataclass(frozen=True)
class MutantGroup:
    function: str
    location: str
    mutants: tuple[tuple[Mutant, tuple[DiffLine, ...]], ...]


def pct(value: float | None, digits: int = 1) -> str:
    """``81.3%`` or an em dash."""
    return "\u2014" if value is None else f"{value:.{digits}f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def verb(n: int, one: str, many: str) -> str:
    """The verb form agreeing with a count of ``n``."""
    return one if n == 1 else many


def diff_lines(text: object) -> tuple[DiffLine, ...]:
    """A unified-diff-like text as typed lines."""
    if not isinstance(text, str) or not text.strip():
        return ()
    out = []
    for line in text.splitlines():
        if line.startswith(("---", "+++", "@@")):
            out.append(DiffLine("ctx", line))
        elif line.startswith("-"):
            out.append(DiffLine("del", line))
        elif line.startswith("+"):
            out.append(DiffLine("add", line))
        else:
            out.append(DiffLine("ctx", line))
    return tuple(out)


def _subject_test(f: Finding) -> str | None:
    return _PARAMS.sub("", f.test) if f.test else None


def findings(audit: Audit, reader: SourceReader) -> tuple[FindingView, ...]:
    failing = set(audit.verdict.failing) if audit.verdict else set()
    views = []
    for i, f in enumerate(audit.findings):
        detailed = i < MAX_DETAILED
        recommended = f.detail.get("recommended_test")
        views.append(
            FindingView(
                anchor=f"f-{i + 1}",
                finding=f,
                failing=f.fingerprint in failing,
                excerpt=reader.excerpt(f.path, f.line, f.end_line) if detailed else (),
                diff=diff_lines(f.detail.get("diff")) if detailed else (),
                recommended_test=recommended if isinstance(recommended, str) else None,
                search=" ".join(
                    filter(None, (f.code, f.path, f.message, f.test, f.function, f.scenario))
                ).lower(),
            )
        )
    return tuple(views)


def _module_of(f: Finding, by_path: dict[str, ModuleInfo], names: set[str]) -> str | None:
    if f.path in by_path:
        return by_path[f.path].name
    if f.function:
        parts = f.function.split(".")
        for n in range(len(parts) - 1, 0, -1):
            if ".".join(parts[:n]) in names:
                return ".".join(parts[:n])
    return None


def module_risks(audit: Audit) -> tuple[ModuleRisk, ...]:
    modules = audit.inventory.modules
    by_path = {m.path: m for m in modules}
    names = {m.name for m in modules}
    statements = {}
    if audit.run and audit.run.coverage:
        statements = {fc.path: fc.statements for fc in audit.run.coverage.files}
    functions: Counter[str] = Counter()
    if audit.run:
        functions.update(fn.module for fn in audit.run.functions)
    mutated: defaultdict[str, set[str]] = defaultdict(set)
    pseudo: defaultdict[str, set[str]] = defaultdict(set)
    if audit.mutation:
        for mutant in audit.mutation.mutants:
            if mutant.kind != "extreme" or mutant.status is MutantStatus.NO_TESTS:
                continue
            module = mutant.function.split(":", 1)[0]
            mutated[module].add(mutant.function)
            if mutant.status is MutantStatus.SURVIVED:
                pseudo[module].add(mutant.function)
    found: Counter[str] = Counter()
    high: Counter[str] = Counter()
    for f in audit.findings:
        name = _module_of(f, by_path, names)
        if name:
            found[name] += 1
            high[name] += f.severity is Severity.HIGH
    out = []
    for m in modules:
        share = len(pseudo[m.name]) / len(mutated[m.name]) if mutated[m.name] else None
        parts = []
        if m.coverage is not None:
            parts.append((100.0 - m.coverage) / 100.0)
        if share is not None:
            parts.append(share)
        if found[m.name]:
            parts.append(min(1.0, (found[m.name] + 2 * high[m.name]) / 6))
        elif parts:
            parts.append(0.0)
        risk = None
        if parts:  # independent signals: the chance that at least one of them is real
            safe = 1.0
            for part in parts:
                safe *= 1.0 - part
            risk = 1.0 - safe
        notes = [
            f"coverage {pct(m.coverage)}" if m.coverage is not None else "coverage not measured"
        ]
        if mutated[m.name]:
            notes.append(f"{len(pseudo[m.name])} of {len(mutated[m.name])} functions pseudo-tested")
        notes.append(
            plural(found[m.name], "finding") + (f" ({high[m.name]} high)" if high[m.name] else "")
        )
        notes.append(plural(m.tests, "test") + " reach it")
        out.append(
            ModuleRisk(
                name=m.name,
                path=m.path,
                coverage=m.coverage,
                tests=m.tests,
                functions=functions[m.name],
                pseudo=len(pseudo[m.name]) if mutated[m.name] else None,
                findings=found[m.name],
                high=high[m.name],
                weight=float(max(statements.get(m.path, 0), functions[m.name], 1)),
                risk=risk,
                title=f"{m.name}: " + ", ".join(notes),
            )
        )
    return tuple(sorted(out, key=lambda r: (-(r.risk if r.risk is not None else -1), r.name)))


def treemap(risks: Sequence[ModuleRisk], width: int, height: int) -> TreeMap:
    shown = sorted(risks, key=lambda r: (-r.weight, r.name))
    rest = shown[MAX_TILES:]
    shown = shown[:MAX_TILES]
    if rest:
        shown.append(
            ModuleRisk(
                name=f"{len(rest)} more modules",
                path="",
                coverage=None,
                tests=sum(r.tests for r in rest),
                functions=sum(r.functions for r in rest),
                pseudo=None,
                findings=sum(r.findings for r in rest),
                high=sum(r.high for r in rest),
                weight=sum(r.weight for r in rest),
                risk=None,
                title=f"{len(rest)} smaller modules, listed in the module table",
            )
        )
    tiles = []
    for rect in squarify([r.weight for r in shown], width, height):
        r = shown[rect.index]
        fits = int((rect.w - 8) / 7)
        label = r.name if len(r.name) <= fits else "\u2026" + r.name[-(fits - 1) :]
        if rect.h < 18 or fits < 4:
            label = ""
        sub = ""
        if label and rect.h >= 36:
            sub = f"{pct(r.coverage, 0)} \u00b7 {plural(r.findings, 'finding')}"
            if len(sub) > fits:
                sub = pct(r.coverage, 0) if r.coverage is not None else ""
        tiles.append(Tile(r, rect.x, rect.y, rect.w, rect.h, label, sub))
    return TreeMap(width, height, tuple(tiles))


def cards(audit: Audit) -> tuple[Card, ...]:
    s = summarize(audit)
    failing = len(audit.verdict.failing) if audit.verdict else 0
    cov_floor = audit.config.coverage.fail_under
    out = [
        Card("Tests", str(s.tests), f"in {plural(len(audit.inventory.files), 'file')}", ""),
        Card(
            "Findings",
            str(s.findings),
            f"{failing} fail the build" if audit.verdict else "no verdict",
            "bad" if failing else "good" if not s.findings else "",
        ),
    ]
    cov_note = "not measured" if s.coverage is None else "total, lines and branches"
    cov_tone = ""
    if s.coverage is not None and cov_floor is not None:
        cov_note = f"floor {cov_floor:g}%"
        cov_tone = "good" if s.coverage + 1e-9 >= cov_floor else "bad"
    out.append(Card("Coverage", pct(s.coverage), cov_note, cov_tone))
    if audit.mutation is not None:
        note = f"{plural(len(audit.mutation.mutants), 'mutant')}, {audit.mutation.mode}"
        out.append(Card("Mutation score", pct(s.mutation_score), note, ""))
    else:
        reason = audit.skipped_stages.get("mutate")
        note = f"skipped: {reason}" if reason else "not run"
        out.append(Card("Mutation score", pct(None), note, ""))
    if s.suite_duration is not None:
        out.append(Card("Suite time", f"{s.suite_duration:.2f} s", "one instrumented run", ""))
    else:
        reason = audit.skipped_stages.get("run")
        note = f"skipped: {reason}" if reason else "not run"
        out.append(Card("Suite time", "\u2014", note, ""))
    return tuple(out)


def suites(audit: Audit) -> tuple[Suite, ...]:
    groups: defaultdict[str, list[Any]] = defaultdict(list)
    for tf in audit.inventory.files:
        groups[tf.path.rsplit("/", 1)[0] if "/" in tf.path else "."].append(tf)
    finding_files = Counter(f.path for f in audit.findings)
    paths = {m.name: m.path for m in audit.inventory.modules}
    lines: dict[str, tuple[int, int]] = {}
    if audit.run and audit.run.coverage:
        lines = {
            fc.path: (fc.statements, fc.statements - len(fc.missing))
            for fc in audit.run.coverage.files
        }
    out = []
    for name, files in sorted(groups.items()):
        kinds = Counter[TestKind]()
        for tf in files:
            kinds[tf.kind] += tf.tests
        reached = {m for tf in files for m in (tf.reaches or tf.imports)}
        counted = [lines[paths[m]] for m in reached if paths.get(m) in lines]
        statements = sum(total for total, _ in counted)
        covered = 100.0 * sum(hit for _, hit in counted) / statements if statements else None
        out.append(
            Suite(
                name=name,
                files=len(files),
                tests=sum(tf.tests for tf in files),
                kinds=", ".join(f"{n} {k.value}" for k, n in kinds.items() if n) or "\u2014",
                modules=len(reached),
                findings=sum(finding_files[tf.path] for tf in files),
                coverage=covered,
            )
        )
    return tuple(out)


def recommendations(audit: Audit, views: Sequence[FindingView]) -> tuple[Recommendation, ...]:
    tiers: dict[str, defaultdict[Category, list[FindingView]]] = {
        p: defaultdict(list) for p in ("P0", "P1", "P2")
    }
    for v in views:
        sev = v.finding.severity
        tier = "P0" if v.failing else "P1" if sev is Severity.HIGH else "P2"
        tiers[tier][v.finding.category].append(v)
    why = {
        "P0": "they fail the build under the policy's fail_on",
        "P1": "high severity, not failing the build today",
        "P2": "medium and low severity",
    }
    out = []
    for priority, groups in tiers.items():
        for category in Category:
            items = groups.get(category)
            if not items:
                continue
            files = sorted({v.finding.path for v in items})
            where = files[0] if len(files) == 1 else plural(len(files), "file")
            title = (
                f"{ACTIONS[category][0].upper()}{ACTIONS[category][1:]}: "
                f"{plural(len(items), category.value + ' finding')} in {where}"
            )
            links = tuple((v.anchor, f"{v.finding.code} {v.finding.location}") for v in items[:8])
            out.append(Recommendation(priority, title, why[priority], links, len(items) - 8))
    return tuple(out)


def _distinct_tests(items: Iterable[Finding]) -> set[str]:
    return {t for t in (_subject_test(f) for f in items) if t}


def quality(audit: Audit) -> tuple[Fact, ...]:
    s = summarize(audit)
    facts = []
    cannot = _distinct_tests(f for f in audit.findings if f.category is Category.CANNOT_FAIL)
    if s.tests:
        can = max(s.tests - len(cannot), 0)
        facts.append(
            Fact(
                "Tests that can fail",
                pct(100.0 * can / s.tests),
                f"{can} of {plural(s.tests, 'test')} {verb(can, 'has', 'have')} no cannot-fail "
                f"finding; {len(cannot)} {verb(len(cannot), 'passes', 'pass')} whatever the "
                "code does.",
            )
        )
    unstable = {
        c: _distinct_tests(f for f in audit.findings if f.category is c)
        for c in (Category.NONDETERMINISTIC, Category.FLAKY, Category.ORDER_DEPENDENT)
    }
    n_unstable = len(set().union(*unstable.values()))
    detail = ", ".join(f"{len(t)} {c.value}" for c, t in unstable.items() if t)
    sentence = (
        f"{plural(n_unstable, 'test')} {verb(n_unstable, 'depends', 'depend')} on timing, "
        f"order or chance ({detail})."
        if n_unstable
        else "No test was flagged nondeterministic, flaky or order-dependent"
        + (" (flakiness is only observed when the suite runs)." if audit.run is None else ".")
    )
    share = pct(100.0 * (s.tests - n_unstable) / s.tests) if s.tests else "\u2014"
    facts.append(Fact("Deterministic tests", share, sentence))
    if audit.mutation is not None and audit.mutation.mutants:
        statuses = Counter(m.status for m in audit.mutation.mutants)
        facts.append(
            Fact(
                "Mutants caught",
                pct(s.mutation_score),
                f"{statuses[MutantStatus.KILLED]} killed, {statuses[MutantStatus.SURVIVED]} "
                f"survived, {statuses[MutantStatus.TIMEOUT]} timed out of "
                f"{plural(len(audit.mutation.mutants), 'mutant')} ({audit.mutation.mode} mode, "
                f"{audit.mutation.duration:.1f} s).",
            )
        )
        facts += [Fact("Mutation note", "!", n) for n in audit.mutation.notes]
    else:
        reason = audit.skipped_stages.get("mutate", "no mutant was generated")
        facts.append(Fact("Mutants caught", "\u2014", f"Not measured: {reason}."))
    if audit.run is not None:
        outcomes = Counter(r.outcome for r in audit.run.results)
        text = ", ".join(f"{n} {o.value}" for o, n in outcomes.most_common())
        facts.append(
            Fact(
                "Instrumented run",
                f"{audit.run.duration:.2f} s",
                f"{text or 'no test results'}; pytest exit status {audit.run.exit_status}.",
            )
        )
        facts += [Fact("Run note", "!", n) for n in audit.run.notes]
        if audit.run.functions:
            idle = [r for r in audit.run.results if r.outcome is Outcome.PASSED and not r.reached]
            facts.append(
                Fact(
                    "Passing tests reaching no project code",
                    str(len(idle)),
                    "They pass without calling a project function: "
                    + (", ".join(r.nodeid for r in idle[:5]) + (" \u2026" if len(idle) > 5 else ""))
                    if idle
                    else "Every passing test calls at least one project function.",
                )
            )
    else:
        reason = audit.skipped_stages.get("run", "the suite was not run")
        facts.append(Fact("Instrumented run", "\u2014", f"Not run: {reason}."))
    return tuple(facts)


def slowest(audit: Audit, n: int = 5) -> tuple[tuple[str, str], ...]:
    if audit.run is None:
        return ()
    top = sorted(audit.run.results, key=lambda r: -r.duration)[:n]
    return tuple((r.nodeid, f"{r.duration:.3f} s") for r in top)


def surviving_mutants(audit: Audit, limit: int = 200) -> tuple[MutantGroup, ...]:
    if audit.mutation is None:
        return ()
    groups: defaultdict[str, list[Mutant]] = defaultdict(list)
    for m in audit.mutation.mutants:
        if m.status is MutantStatus.SURVIVED:
            groups[m.function].append(m)
    out = []
    shown = 0
    for function, mutants in sorted(groups.items(), key=lambda kv: (kv[1][0].path, kv[1][0].line)):
        if shown >= limit:
            break
        mutants = mutants[: limit - shown]
        shown += len(mutants)
        out.append(
            MutantGroup(
                function=dotted_name(function),
                location=f"{mutants[0].path}:{mutants[0].line}",
                mutants=tuple((m, diff_lines(m.diff)) for m in mutants),
            )
        )
    return tuple(out)


def lowest_coverage(audit: Audit, n: int = 10) -> tuple[tuple[str, str, int], ...]:
    if audit.run is None or audit.run.coverage is None:
        return ()
    files = sorted(audit.run.coverage.files, key=lambda fc: (fc.percent, fc.path))[:n]
    return tuple((fc.path, pct(fc.percent), len(fc.missing)) for fc in files)


def _names(items: Iterable[str], limit: int = 6) -> str:
    items = sorted(items)
    text = ", ".join(items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def scenario_summary(audit: Audit) -> str:
    """One sentence: which capabilities call for which scenarios, and which have tests."""
    if audit.scenarios is None:
        return ""
    caps = audit.scenarios.capabilities
    if not caps:
        return "No capability that calls for failure or abuse scenarios was found in the code."
    called = {s for c in caps for s in c.scenarios}
    covered = called & {e.scenario for e in audit.scenarios.evidence}
    kinds = {c.kind for c in caps}
    text = (
        f"The code shows {plural(len(caps), 'capability', 'capabilities')} "
        f"({_names(kinds)}) calling for {plural(len(called), 'scenario')}; "
    )
    if covered:
        return text + f"tests exercise {len(covered)} of them ({_names(covered)})."
    return text + "no test exercises any of them."
