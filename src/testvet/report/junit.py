"""JUnit XML (``report.junit.xml``): findings as failures, one test suite per category.

CI dashboards (GitLab, Jenkins, Azure, CircleCI…) read this shape: every category is a
``<testsuite>``; every finding a failing ``<testcase>``; a category with no finding is
one passing case, or a skipped one saying why it was not measured.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timezone

from testvet.model import Audit, Category, Finding
from testvet.report import views

#: Characters XML 1.0 cannot carry, even escaped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _ILLEGAL.sub("\ufffd", text)


def _case(f: Finding) -> ET.Element:
    subject = f.test or f.function or f.scenario or f.requirement or f.location
    case = ET.Element(
        "testcase",
        {
            "classname": clean(f"testvet.{f.category.value}.{f.code}"),
            "name": clean(f"{f.code} {subject} ({f.location})"),
            "file": clean(f.path),
            "time": "0",
        },
    )
    if f.line:
        case.set("line", str(f.line))
    failure = ET.SubElement(
        case,
        "failure",
        {"message": clean(f.message), "type": f"{f.code}:{f.severity.value}"},
    )
    body = [f"{f.severity.value} {f.code} {f.category.value} at {f.location}", f.message]
    for label, value in (
        ("test", f.test),
        ("function", f.function),
        ("scenario", f.scenario),
        ("requirement", f.requirement),
        ("hint", f.hint),
        ("fingerprint", f.fingerprint),
    ):
        if value:
            body.append(f"{label}: {value}")
    failure.text = clean("\n".join(body))
    return case


def _suite(audit: Audit, category: Category, findings: list[Finding]) -> ET.Element:
    suite = ET.Element("testsuite", {"name": f"testvet.{category.value}"})
    skipped = 0
    if findings:
        for f in findings:
            suite.append(_case(f))
    else:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"testvet.{category.value}", "name": f"no {category.value} findings"},
        )
        case.set("time", "0")
        why = views.category_measured(audit, category)
        if why is not None:
            ET.SubElement(case, "skipped", {"message": clean(f"not measured: {why}")})
            skipped = 1
    suite.set("tests", str(max(1, len(findings))))
    suite.set("failures", str(len(findings)))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    started = audit.started
    if started.tzinfo is not None:
        started = started.astimezone(timezone.utc).replace(tzinfo=None)
    suite.set("timestamp", started.isoformat())
    return suite


def document(audit: Audit) -> ET.Element:
    """The ``<testsuites>`` element."""
    groups = dict(views.grouped(audit))
    root = ET.Element("testsuites", {"name": clean(f"testvet audit of {audit.project.name}")})
    tests = failures = skipped = 0
    for category in Category:
        if views.CATEGORY_STAGE[category] is None and category not in groups:
            continue  # no stage of `testvet audit` measures it
        suite = _suite(audit, category, groups.get(category, []))
        root.append(suite)
        tests += int(suite.get("tests", "0"))
        failures += int(suite.get("failures", "0"))
        skipped += int(suite.get("skipped", "0"))
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    root.set("time", f"{sum(audit.timings.values()):.3f}")
    return root


def render(audit: Audit) -> str:
    """The XML text with its declaration."""
    root = document(audit)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
