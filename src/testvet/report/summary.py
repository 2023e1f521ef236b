"""The short Markdown report (``summary.md``): fit for a PR comment or a job summary.

Summary, inventory table and findings table; the full audit is ``report.md``. Tables are
cut (with a count of what was left out) so the document stays under GitHub's 1 MiB
job summary limit.
"""

from __future__ import annotations

from testvet.model import Audit, Severity
from testvet.report import md, views
from testvet.report.recommend import recommendations

_MODULES_SHOWN = 5


def headline(audit: Audit) -> str:
    """``testvet: FAIL — project`` as a Markdown heading line (without the ``#``)."""
    word = views.verdict_word(audit).upper()
    return f"testvet audit of {md.text(audit.project.name)}: **{word}**"


def overview(audit: Audit) -> list[str]:
    """The lines under the headline: counts, verdict reasons, what was not measured."""
    fig = views.figures(audit)
    sev = views.severity_counts(audit.findings)
    sev_text = ", ".join(f"{n} {s}" for s, n in sev.items()) or "none"
    lines = [
        f"{views.plural(fig.tests, 'test')} in {views.plural(fig.files, 'test file')} · "
        f"{views.plural(len(audit.findings), 'finding')} ({sev_text}) · "
        f"audited {views.date(audit)} with testvet {md.text(audit.tool_version)}",
        "",
        f"**Verdict: {views.verdict_word(audit)}**",
        "",
    ]
    lines.extend(f"- {md.text(r, 500)}" for r in views.verdict_reasons(audit))
    gaps = views.gaps(audit)
    if gaps:
        lines.extend(["", "**Not measured:**", ""])
        lines.extend(f"- {g.what}: {md.text(g.why)} (to measure it, {g.how})" for g in gaps)
    return lines


def category_table(audit: Audit) -> list[str]:
    """Finding counts per category and severity, with what each category means."""
    rows = []
    for category, findings in views.grouped(audit):
        sev = views.severity_counts(findings)
        rows.append(
            [category.value, str(len(findings))] + [str(sev.get(s.value, 0)) for s in Severity]
        )
    if not rows:
        return ["No findings."]
    return md.table(["category", "findings", "high", "medium", "low"], rows, None, str)


def _modules(names: tuple[str, ...]) -> str:
    shown = ", ".join(md.code(n) for n in names[:_MODULES_SHOWN])
    if len(names) > _MODULES_SHOWN:
        shown += f" +{len(names) - _MODULES_SHOWN} more"
    return shown or "—"


def inventory_table(audit: Audit, max_rows: int | None, coverage: bool = False) -> list[str]:
    """Test file, kind, tests, modules reached (imports without a run), findings."""
    files = audit.inventory.files
    if not files:
        return ["No test files were found."]
    per_file = views.findings_per_file(audit)
    ran = audit.run is not None
    header = ["test file", "kind", "tests", "modules reached" if ran else "modules imported"]
    if coverage:
        header.append("coverage of those modules")
    header.append("findings")
    rows = []
    for tf in sorted(files, key=lambda t: t.path):
        mods = tf.reaches if ran else tf.imports
        row = [md.code(tf.path), tf.kind.value, str(tf.tests), _modules(mods)]
        if coverage:
            row.append(views.pct(views.file_coverage(audit, mods)))
        row.append(str(per_file.get(tf.path, 0)))
        rows.append(row)
    lines = []
    if not ran:
        lines.extend(
            [
                "_No instrumented run: modules are those each file imports, not those it reached._",
                "",
            ]
        )
    return lines + md.table(
        header, rows, max_rows, lambda n: f"_… and {views.plural(n, 'more test file')}._"
    )


def findings_table(audit: Audit, max_rows: int | None, hints: bool = False) -> list[str]:
    """Every finding in report order with its ``F-n`` id."""
    findings = views.ordered(audit)
    if not findings:
        return ["No findings."]
    ids = views.finding_ids(audit)
    header = ["id", "severity", "code", "category", "location", "message"]
    if hints:
        header.append("how to fix")
    rows = []
    for f in findings:
        row = [
            ids[id(f)],
            f.severity.value,
            f.code,
            f.category.value,
            md.code(f.location),
            md.text(f.message),
        ]
        if hints:
            row.append(md.text(f.hint or ""))
        rows.append(row)
    return md.table(
        header,
        rows,
        max_rows,
        lambda n: (
            f"_… and {views.plural(n, 'more finding')} "
            "(lowest severity last; all of them are in report.json)._"
        ),
    )


def fix_first(audit: Audit) -> list[str]:
    """The P0 recommendations (what fails the build), each with its finding ids."""
    ids = views.finding_ids(audit)
    p0 = [r for r in recommendations(audit) if r.priority == "P0"]
    if not p0:
        return []
    lines = ["", "### Fix first", ""]
    for r in p0:
        refs = ", ".join(ids[id(f)] for f in r.findings[:12])
        if len(r.findings) > 12:
            refs += f" and {len(r.findings) - 12} more"
        lines.append(f"- **{md.text(r.title)}** ({refs})")
    return lines


def render(audit: Audit) -> str:
    """The summary document, cut to fit GitHub's job summary limit."""

    def build(max_rows: int | None) -> str:
        lines = [f"## {headline(audit)}", ""]
        lines.extend(overview(audit))
        lines.extend(["", "### Findings by category", ""])
        lines.extend(category_table(audit))
        lines.extend(fix_first(audit))
        lines.extend(["", "### Inventory", ""])
        lines.extend(inventory_table(audit, max_rows))
        lines.extend(["", "### Findings", ""])
        lines.extend(findings_table(audit, max_rows))
        lines.extend(
            [
                "",
                "_The full audit (report.md) and machine-readable data (report.json) are in "
                "testvet's output directory when those formats are written._",
            ]
        )
        return "\n".join(lines) + "\n"

    inv = audit.inventory
    return md.fit(build, max(len(audit.findings), len(inv.files), len(inv.modules)))
