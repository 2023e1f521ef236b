"""JUnit XML: well-formed, one suite per category, findings as failures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from testvet.model import Category
from testvet.report import junit


def _parse(audit) -> ET.Element:
    return ET.fromstring(junit.render(audit).encode("utf-8"))


def test_a_suite_per_category_and_a_failure_per_finding(full_audit):
    root = _parse(full_audit)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    measured = [c for c in Category if c is not Category.BENCHMARK_REGRESSION]
    assert list(suites) == [f"testvet.{c.value}" for c in measured]
    cannot = suites["testvet.cannot-fail"]
    assert cannot.get("tests") == "3"
    assert cannot.get("failures") == "3"
    failures = root.findall(".//failure")
    assert len(failures) == len(full_audit.findings) == int(root.get("failures"))
    first = cannot.find("testcase")
    assert first.get("classname") == "testvet.cannot-fail.TV101"
    assert first.get("file") == "tests/test_cart.py"
    assert first.get("line") == "10"
    assert first.find("failure").get("type") == "TV101:high"
    assert "hint: Assert on the cart's contents after add()." in first.find("failure").text


def test_categories_without_findings_pass_or_say_why_not_measured(full_audit, static_audit):
    full = {s.get("name"): s for s in _parse(full_audit).findall("testsuite")}
    flaky = full["testvet.flaky"].find("testcase")
    assert flaky.get("name") == "no flaky findings"
    assert flaky.find("skipped") is None  # measured by the run: a pass
    # No requirements file configured: untested-requirement was not measured.
    req = full["testvet.untested-requirement"].find("testcase/skipped")
    assert "no requirements file is configured" in req.get("message")
    static = {s.get("name"): s for s in _parse(static_audit).findall("testsuite")}
    skipped = static["testvet.pseudo-tested"].find("testcase/skipped")
    assert skipped.get("message") == "not measured: mutate stage skipped: --static-only"
    assert static["testvet.pseudo-tested"].get("skipped") == "1"


def test_counts_add_up(full_audit):
    root = _parse(full_audit)
    suites = root.findall("testsuite")
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    assert int(root.get("tests")) == len(root.findall(".//testcase"))
    assert int(root.get("skipped")) == len(root.findall(".//skipped"))


def test_illegal_xml_characters_and_markup_are_made_safe(full_audit):
    evil = replace(
        full_audit.findings[0],
        message='bad \x00 byte \x1b[31m and <tag> & "quotes" ]]>',
        hint="\ufffe nope",
    )
    root = _parse(replace(full_audit, findings=(evil,)))
    failure = root.find(".//failure")
    assert failure.get("message") == 'bad \ufffd byte \ufffd[31m and <tag> & "quotes" ]]>'
    assert "\ufffd nope" in failure.text


def test_empty_audit_is_well_formed(empty_audit):
    root = _parse(empty_audit)
    assert root.get("failures") == "0"
    assert root.findall(".//failure") == []
