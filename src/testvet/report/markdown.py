"""The full Markdown audit (``report.md``): the test audit a staff engineer would sign.

Header, inventory and mapping, coverage analysis, missing scenarios, quality assessment,
recommendations P0/P1/P2 and the verdict. Every figure comes from the audit; a section
without data says what was not measured and what would measure it.
"""

from __future__ import annotations

from collections import Counter

from testvet.model import Audit, Category, Finding, Outcome
from testvet.report import md, views
from testvet.report.recommend import recommendations
from testvet.report.summary import findings_table, inventory_table

#: Rule code of rotten-green findings (assertions of passing tests that never ran).
ROTTEN_GREEN = "TV310"
_SLOWEST = 5


def _gap_note(audit: Audit, stage: str) -> str:
    """``_Not measured: why. To measure it, how._`` for one stage, or a generic line."""
    for gap in views.gaps(audit):
        if gap.what == views.STAGE_PRODUCES[stage]:
            return f"_Not measured: {md.text(gap.why)}. To measure it, {gap.how}._"
    return "_Not measured._"


def _refs(findings: tuple[Finding, ...] | list[Finding], ids: dict[int, str], cap: int = 12) -> str:
    names = [ids[id(f)] for f in findings]
    out = ", ".join(names[:cap])
    if len(names) > cap:
        out += f" and {len(names) - cap} more"
    return out


# --------------------------------------------------------------------------- sections


def _header(audit: Audit) -> list[str]:
    fig = views.figures(audit)
    v = views.verdict_word(audit)
    rows = [
        ["date", views.date(audit)],
        ["project", f"{md.text(audit.project.name)}"],
        ["verdict", f"**{v.upper()}**"],
        ["tests", f"{fig.tests} in {views.plural(fig.files, 'file')}"],
        ["findings", str(len(audit.findings))],
        ["tool", f"testvet {md.text(audit.tool_version)}"],
    ]
    lines = [f"# Test audit of {md.text(audit.project.name)}: {v.upper()}", ""]
    lines += md.table(["", ""], rows, None, str)
    lines += ["", "## Summary", ""]
    lines += _executive(audit)
    return lines


def _executive(audit: Audit) -> list[str]:
    fig = views.figures(audit)
    out = []
    kinds = ", ".join(f"{n} {k}" for k, n in fig.kinds.items())
    out.append(
        f"The suite has {views.plural(fig.tests, 'test')} in "
        f"{views.plural(fig.files, 'file')}" + (f" ({kinds})." if kinds else ".")
    )
    groups = views.grouped(audit)
    if groups:
        parts = ", ".join(f"{len(fs)} {c.value}" for c, fs in groups)
        out.append(f"testvet found {views.plural(len(audit.findings), 'finding')}: {parts}.")
    else:
        out.append("testvet found no findings.")
    if fig.coverage is not None:
        out.append(f"The instrumented run covered {views.pct(fig.coverage)} of project code.")
    score = views.mutation_score(audit)
    if score is not None:
        out.append(f"Tests detected {views.pct(score)} of the mutants testvet made.")
    if fig.tests and fig.cannot_fail:
        out.append(
            f"{views.share(fig.cannot_fail, fig.functions)} test functions carry a "
            "cannot-fail finding."
        )
    v = views.verdict_reasons(audit)
    out.append(f"Verdict: **{views.verdict_word(audit)}** ({md.text('; '.join(v), 600)}).")
    gaps = views.gaps(audit)
    if gaps:
        out.append("Not measured: " + "; ".join(f"{g.what} ({md.text(g.why)})" for g in gaps) + ".")
    return [" ".join(out)]


def _inventory(audit: Audit, max_rows: int | None) -> list[str]:
    fig = views.figures(audit)
    lines = ["## 1. Inventory and mapping", "", "### Suites by kind", ""]
    if fig.kinds:
        files_by_kind = Counter(tf.kind.value for tf in audit.inventory.files)
        rows = [
            [k, str(files_by_kind.get(k, 0)), str(n), views.pct(100.0 * n / fig.tests)]
            for k, n in fig.kinds.items()
        ]
        lines += md.table(["kind", "files", "tests", "share"], rows, None, str)
    else:
        lines.append("No tests were collected.")
    collected = audit.inventory.collected_with
    if collected != "pytest":
        lines += ["", f"_Tests were found by {md.text(collected)}, not by pytest's collection._"]
    lines += ["", "### Test pyramid", ""]
    lines += _pyramid(audit)
    lines += ["", "### Test files", ""]
    lines += inventory_table(audit, max_rows, coverage=True)
    lines += ["", "### Project modules", ""]
    modules = audit.inventory.modules
    if not modules:
        lines.append("No project modules were identified.")
        return [*lines, "", "### Requirements traceability", "", *_requirements(audit, max_rows)]
    per_path = views.findings_per_file(audit)
    ran = audit.run is not None
    rows = [
        [
            md.code(m.name),
            md.code(m.path),
            views.pct(m.coverage),
            str(m.tests) if ran else "n/a",
            str(per_path.get(m.path, 0)),
        ]
        for m in sorted(modules, key=lambda m: m.name)
    ]
    lines += md.table(
        ["module", "file", "coverage", "tests reaching it", "findings"],
        rows,
        max_rows,
        lambda n: f"_… and {views.plural(n, 'more module')}._",
    )
    if ran:
        unreached = [m.name for m in modules if m.tests == 0]
        if unreached:
            shown = ", ".join(md.code(n) for n in unreached[:10])
            more = f" and {len(unreached) - 10} more" if len(unreached) > 10 else ""
            lines += [
                "",
                f"{views.share(len(unreached), len(modules))} modules are reached by no test: "
                f"{shown}{more}.",
            ]
    else:
        lines += ["", _gap_note(audit, "run")]
    lines += ["", "### Requirements traceability", ""]
    lines += _requirements(audit, max_rows)
    return lines


def _pyramid(audit: Audit) -> list[str]:
    mixes = audit.scenarios.pyramid if audit.scenarios is not None else ()
    if not mixes:
        if audit.scenarios is None:
            return [_gap_note(audit, "scenarios")]
        return ["No pyramid data was recorded."]
    rows = []
    for mix in mixes:
        total = mix.unit + mix.integration + mix.e2e
        cells = [md.code(mix.component)]
        for kind, n in (("unit", mix.unit), ("integration", mix.integration), ("e2e", mix.e2e)):
            share = views.pct(100.0 * n / total) if total else "n/a"
            target = mix.target.get(kind)
            cells.append(
                f"{n} ({share})" + (f", target {target:.0f}%" if target is not None else "")
            )
        rows.append(cells)
    lines = md.table(["component", "unit", "integration", "e2e"], rows, None, str)
    if len(mixes) == 1:
        lines += [
            "",
            "No per-component targets: set `[tool.testvet.pyramid] components` to check them.",
        ]
    return lines


def _requirements(audit: Audit, max_rows: int | None) -> list[str]:
    reqs = audit.scenarios.requirements if audit.scenarios is not None else ()
    if not reqs:
        if not audit.config.requirements.file:
            return [
                "No requirements file is configured: set `[tool.testvet.requirements] file` "
                "to trace requirements to tests."
            ]
        if audit.scenarios is None:
            return [_gap_note(audit, "scenarios")]
        return [f"The requirements file {md.code(audit.config.requirements.file)} lists none."]
    epics: dict[str, list[bool]] = {}
    for r in reqs:
        epics.setdefault(r.epic or "(no epic)", []).append(r.tested)
    rows = [
        [
            md.text(epic),
            str(len(tested)),
            str(sum(tested)),
            views.pct(100.0 * sum(tested) / len(tested)),
        ]
        for epic, tested in sorted(epics.items())
    ]
    lines = md.table(["epic", "requirements", "tested", "coverage"], rows, None, str)
    untested = [r for r in reqs if not r.tested]
    if untested:
        lines += [
            "",
            f"{views.share(len(untested), len(reqs))} requirements have no passing test:",
            "",
        ]
        lines += md.table(
            ["requirement", "title", "epic", "linked tests"],
            [
                [md.code(r.id), md.text(r.title), md.text(r.epic), str(len(r.tests))]
                for r in untested
            ],
            max_rows,
            lambda n: f"_… and {views.plural(n, 'more requirement')}._",
        )
    return lines


def _coverage(audit: Audit, ids: dict[int, str], max_rows: int | None) -> list[str]:
    lines = ["## 2. Coverage analysis", "", "### Coverage", ""]
    cov = audit.run.coverage if audit.run is not None else None
    if cov is None:
        lines.append(_gap_note(audit, "run") if audit.run is None else "_No coverage data._")
    else:
        source = "measured by testvet" if cov.source == "measured" else "read from a data file"
        low = sorted(cov.files, key=lambda f: (f.percent, f.path))[:5]
        lines.append(
            f"Total {views.pct(cov.percent)} over {views.plural(len(cov.files), 'file')} "
            f"({source} with coverage.py)."
        )
        if low:
            lines += ["", "Least covered files:", ""]
            lines += md.table(
                ["file", "coverage", "statements", "missing lines"],
                [
                    [md.code(f.path), views.pct(f.percent), str(f.statements), str(len(f.missing))]
                    for f in low
                ],
                None,
                str,
            )
    lines += ["", "### Policy", ""]
    if audit.policy_checks:
        rows = [
            [
                c.kind,
                md.code(c.target),
                views.pct(c.floor),
                views.pct(c.actual),
                str(c.files),
                "pass" if c.passed else "**fail**",
            ]
            for c in audit.policy_checks
        ]
        lines += md.table(["kind", "target", "floor", "actual", "files", "result"], rows, None, str)
    else:
        lines.append(
            "No coverage or mutation floors are checked: set `[tool.testvet.coverage]` "
            "`fail_under`/`paths` or `[tool.testvet.mutation]` `paths` to add them."
        )
    lines += ["", "### Mutation analysis", ""]
    lines += _mutation(audit)
    for category, title in (
        (Category.PSEUDO_TESTED, "Pseudo-tested code"),
        (Category.WEAKLY_TESTED, "Weakly-tested code"),
    ):
        lines += ["", f"### {title}", ""]
        found = [f for f in views.ordered(audit) if f.category is category]
        if found:
            lines += _mutation_findings(audit, found, ids, max_rows)
        elif audit.mutation is None:
            lines.append(_gap_note(audit, "mutate"))
        else:
            lines.append(f"None: no {category.value} finding.")
    lines += ["", "### Rotten-green tests", ""]
    rotten = [f for f in views.ordered(audit) if f.code == ROTTEN_GREEN]
    if rotten:
        lines.append(
            f"{views.plural(len(rotten), 'passing test')} whose assertions never executed:"
        )
        lines.append("")
        lines += md.table(
            ["id", "test", "location", "message"],
            [
                [ids[id(f)], md.code(f.test or ""), md.code(f.location), md.text(f.message)]
                for f in rotten
            ],
            max_rows,
            lambda n: f"_… and {n} more._",
        )
    elif audit.run is None:
        lines.append(_gap_note(audit, "run"))
    else:
        lines.append("None: every assertion line of a passing test executed.")
    return lines


def _mutation(audit: Audit) -> list[str]:
    mut = audit.mutation
    if mut is None:
        return [_gap_note(audit, "mutate")]
    statuses = Counter(m.status.value for m in mut.mutants)
    score = views.mutation_score(audit)
    parts = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    lines = [
        f"Mode `{md.text(mut.mode)}`: {views.plural(len(mut.mutants), 'mutant')} "
        f"({parts or 'none'}); mutation score {views.pct(score)}.",
    ]
    if mut.duration > 0:
        lines[0] += f" It took {mut.duration:.1f} s on {views.plural(mut.workers, 'worker')}"
        eff = views.efficiency(mut)
        if eff is not None:
            lines[0] += (
                f"; the cost floor (fastest killing test per killed mutant, all covering "
                f"tests per survivor) is {mut.cost_floor:.1f} s, an efficiency of {views.pct(eff)} "
                "per worker."
            )
        else:
            lines[0] += "."
    if mut.skipped:
        reasons = Counter(s.reason for s in mut.skipped)
        why = "; ".join(f"{md.text(r, 120)} ({n})" for r, n in reasons.most_common(5))
        lines += [
            "",
            f"{views.plural(len(mut.skipped), 'function')} could not be mutated: {why}.",
        ]
    lines += [f"\n> Note: {md.text(n, 600)}" for n in mut.notes]
    return lines


def _mutation_findings(
    audit: Audit, found: list[Finding], ids: dict[int, str], max_rows: int | None
) -> list[str]:
    per_fn = views.per_function(audit)
    lines: list[str] = []
    shown = found if max_rows is None else found[:max_rows]
    for f in shown:
        figures = views.figures_for(per_fn, f)
        score = f" — mutation score {views.pct(figures.score)}" if figures else ""
        subject = md.code(f.function or f.location)
        lines += [
            f"- **{ids[id(f)]}** {subject} at {md.code(f.location)} ({f.severity.value}{score}): "
            f"{md.text(f.message, 500)}",
        ]
        diffs = [m.diff for m in views.survivors_for(audit, f)]
        if not diffs and isinstance(f.detail.get("diff"), str):
            diffs = [str(f.detail["diff"])]
        if diffs:
            body = "\n".join(d.rstrip() for d in diffs[:5])
            lines += ["", "  Surviving mutants:", ""]
            lines += ["  " + row for row in md.fenced(body, "diff").splitlines()]
            if len(diffs) > 5:
                lines.append(f"  _… and {views.plural(len(diffs) - 5, 'more survivor')}._")
            lines.append("")
    if len(shown) < len(found):
        lines += ["", f"_… and {len(found) - len(shown)} more._"]
    return lines


def _scenarios(audit: Audit, ids: dict[int, str], max_rows: int | None) -> list[str]:
    lines = ["## 3. Missing scenarios", ""]
    missing = [f for f in views.ordered(audit) if f.category is Category.MISSING_SCENARIO]
    sa = audit.scenarios
    if sa is None and not missing:
        return [*lines, _gap_note(audit, "scenarios")]
    if sa is not None:
        kinds = Counter(c.kind for c in sa.capabilities)
        ev = Counter(e.scenario for e in sa.evidence)
        what = ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items())) or "none"
        lines.append(f"What the code does that calls for failure scenarios: {md.text(what, 800)}.")
        shown = ", ".join(f"{s} ({n})" for s, n in sorted(ev.items())) or "none"
        lines += ["", f"Scenarios the tests already exercise: {md.text(shown, 800)}.", ""]
    if not missing:
        return [*lines, "No missing scenario: every capability has matching evidence in the tests."]
    rows = [
        [
            ids[id(f)],
            f.code,
            md.code(f.scenario or ""),
            md.text(f.detail.get("risk") or f.message),
            f.severity.value,
            md.code(f.location),
        ]
        for f in missing
    ]
    lines += md.table(
        ["id", "code", "scenario", "risk", "severity", "called for by"],
        rows,
        max_rows,
        lambda n: f"_… and {views.plural(n, 'more missing scenario')}._",
    )
    shown_findings = missing if max_rows is None else missing[:max_rows]
    for f in shown_findings:
        test = f.detail.get("recommended_test")
        lines += ["", f"#### {ids[id(f)]}: {md.text(f.scenario or f.code)} — {md.code(f.location)}"]
        lines += ["", md.text(f.message, 1000)]
        if f.hint:
            lines += ["", md.text(f.hint, 1000)]
        if isinstance(test, str) and test.strip():
            lines += ["", "Recommended test:", "", md.fenced(test, "python")]
    return lines


def _quality(audit: Audit, max_rows: int | None) -> list[str]:
    fig = views.figures(audit)
    lines = ["## 4. Quality assessment", "", "### Clarity", ""]
    if fig.tests == 0:
        return [*lines, "No tests were collected, so there is nothing to assess."]
    static_gap = "static" in audit.skipped_stages
    cf = [f for f in audit.findings if f.category is Category.CANNOT_FAIL]
    codes = Counter(f.code for f in cf)
    top = ", ".join(f"{c} ({n})" for c, n in codes.most_common(5))
    per_file = fig.tests / fig.files if fig.files else float(fig.tests)
    largest = max(audit.inventory.files, key=lambda t: (t.tests, t.path), default=None)
    clarity = [
        f"{views.share(fig.cannot_fail, fig.functions)} test functions carry a cannot-fail "
        f"finding" + (f" (most common: {top})." if top else "."),
        f"{views.share(fig.parametrized, fig.tests)} tests are parametrized cases.",
        f"Files hold {per_file:.1f} tests on average",
    ]
    if largest is not None:
        clarity[-1] += f"; the largest, {md.code(largest.path)}, holds {largest.tests}."
    else:
        clarity[-1] += "."
    unittest = sum(1 for t in audit.inventory.tests if t.unittest)
    if unittest:
        clarity.append(f"{views.share(unittest, fig.tests)} tests are unittest.TestCase methods.")
    if static_gap:
        clarity.insert(0, "_Static rules did not run: the cannot-fail count is not measured._")
    lines.append(" ".join(clarity))
    lines += ["", "### Determinism", ""]
    lines += _determinism(audit, fig)
    lines += ["", "### Signal-to-noise: which share of the suite can actually fail", ""]
    lines += _signal(audit, fig)
    return lines


def _determinism(audit: Audit, fig: views.SuiteFigures) -> list[str]:
    cats = Counter(f.category for f in audit.findings)
    det = (
        f"{views.plural(cats[Category.NONDETERMINISTIC], 'nondeterministic finding')}, "
        f"{views.plural(cats[Category.FLAKY], 'flaky finding')} and "
        f"{views.plural(cats[Category.ORDER_DEPENDENT], 'order-dependent finding')}, "
        f"touching {views.share(fig.unstable, fig.functions)} test functions."
    )
    lines = [det]
    if audit.run is None:
        return [*lines, "", _gap_note(audit, "run")]
    outcomes = ", ".join(f"{n} {o}" for o, n in (fig.outcomes or {}).items()) or "no results"
    lines += [
        "",
        f"The instrumented run took {audit.run.duration:.2f} s (pytest exit status "
        f"{audit.run.exit_status}): {outcomes}.",
    ]
    lines += [f"\n> Note: {md.text(n, 600)}" for n in audit.run.notes]
    bad = [
        r
        for r in audit.run.results
        if r.outcome in (Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.CRASHED)
    ]
    if bad:
        lines += ["", "Tests that did not pass on unchanged code:", ""]
        lines += md.table(
            ["test", "outcome", "reason"],
            [[md.code(r.nodeid), r.outcome.value, md.text(r.message or "")] for r in bad],
            20,
            lambda n: f"_… and {n} more._",
        )
    slow = sorted(audit.run.results, key=lambda r: (-r.duration, r.nodeid))[:_SLOWEST]
    if slow:
        lines += ["", "Slowest tests:", ""]
        lines += md.table(
            ["test", "seconds"], [[md.code(r.nodeid), f"{r.duration:.3f}"] for r in slow], None, str
        )
    return lines


def _signal(audit: Audit, fig: views.SuiteFigures) -> list[str]:
    rows = [
        [
            "test functions with no cannot-fail finding",
            views.share(fig.functions - fig.cannot_fail, fig.functions),
            "static rules",
        ]
    ]
    if fig.outcomes is not None and fig.passed_reaching is not None:
        # Out of what the run reported: a module that skipped itself while pytest
        # collected it is one result there, and no test of the inventory.
        ran = sum(fig.outcomes.values()) or fig.tests
        rows.append(
            [
                "tests that passed and reached project code",
                views.share(fig.passed_reaching, ran),
                "instrumented run",
            ]
        )
        rows.append(
            [
                "tests that passed but reached no project function",
                views.share(fig.passed_reaching_nothing or 0, ran),
                "instrumented run",
            ]
        )
        idle = sum(fig.outcomes.get(o.value, 0) for o in (Outcome.SKIPPED, Outcome.XFAILED))
        rows.append(
            [
                "tests skipped or xfailed (no signal)",
                views.share(idle, ran),
                "instrumented run",
            ]
        )
    else:
        rows.append(
            ["tests that passed and reached project code", "not measured", "instrumented run"]
        )
    if fig.killers is not None:
        rows.append(
            [
                "tests that failed against at least one mutant (proven able to fail)",
                views.share(fig.killers, fig.tests),
                "mutation analysis",
            ]
        )
    else:
        rows.append(
            ["tests proven able to fail against a mutant", "not measured", "mutation analysis"]
        )
    lines = md.table(["measure", "tests", "measured by"], rows, None, str)
    if fig.killers is not None and fig.tests:
        lines += [
            "",
            f"Only {views.share(fig.killers, fig.tests)} tests were seen to go red when the "
            "code was wrong; the rest pass whatever the mutants did, or reach no mutated code.",
        ]
    return lines


def _recommendations(audit: Audit, ids: dict[int, str]) -> list[str]:
    lines = ["## 5. Recommendations", ""]
    recs = recommendations(audit)
    if not recs:
        return [*lines, "Nothing to do: no finding and nothing left unmeasured."]
    for prio in ("P0", "P1", "P2"):
        mine = [r for r in recs if r.priority == prio]
        if not mine:
            continue
        lines += [f"### {prio}", ""]
        for i, r in enumerate(mine, start=1):
            refs = f" Findings: {_refs(r.findings, ids)}." if r.findings else ""
            lines.append(f"{i}. **{md.text(r.title)}.** {md.text(r.detail, 800)}{refs}")
        lines.append("")
    return lines


def _verdict(audit: Audit) -> list[str]:
    v = audit.verdict
    lines = ["## 6. Verdict", "", f"**{views.verdict_word(audit).upper()}**", ""]
    lines += [f"- {md.text(r, 500)}" for r in views.verdict_reasons(audit)]
    rules = ", ".join(md.code(str(r)) for r in audit.config.fail_on) or "nothing"
    lines += ["", f"The build fails on: {rules}."]
    if v is not None:
        lines.append(
            f"{views.plural(len(v.failing), 'finding')} fail the build; "
            f"{views.plural(len(audit.findings) - len(v.failing), 'other finding')} "
            "are reported without failing it."
        )
    return lines


def _appendix(audit: Audit, max_rows: int | None) -> list[str]:
    lines = ["## Appendix A: all findings", ""]
    lines += findings_table(audit, max_rows, hints=True)
    lines += ["", "## Appendix B: what was not measured", ""]
    gaps = views.gaps(audit)
    if gaps:
        lines += md.table(
            ["not measured", "why", "to measure it"],
            [[md.text(g.what), md.text(g.why), g.how] for g in gaps],
            None,
            str,
        )
    else:
        lines.append("Every stage ran.")
    if audit.timings:
        spent = ", ".join(f"{k} {v:.2f} s" for k, v in audit.timings.items())
        lines += ["", f"_Time per stage: {spent}._"]
    return lines


def render(audit: Audit) -> str:
    """The full audit, cut to fit GitHub's job summary limit."""
    ids = views.finding_ids(audit)

    def build(max_rows: int | None) -> str:
        lines = _header(audit)
        for section in (
            _inventory(audit, max_rows),
            _coverage(audit, ids, max_rows),
            _scenarios(audit, ids, max_rows),
            _quality(audit, max_rows),
            _recommendations(audit, ids),
            _verdict(audit),
            _appendix(audit, max_rows),
        ):
            while section and section[-1] == "":
                section.pop()
            lines += ["", *section]
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n"

    inv = audit.inventory
    return md.fit(build, max(len(audit.findings), len(inv.files), len(inv.modules)))
