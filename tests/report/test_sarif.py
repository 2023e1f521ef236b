"""SARIF 2.1.0: valid against the official schema, stable rule ids, GitHub's limits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from testvet.model import Category, Finding, Severity
from testvet.report import sarif

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8")
)


def _validate(doc: dict) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)


@pytest.mark.parametrize("name", ["full", "static", "empty"])
def test_valid_against_the_official_schema(name, full_audit, static_audit, empty_audit):
    audit = {"full": full_audit, "static": static_audit, "empty": empty_audit}[name]
    doc = json.loads(sarif.render(audit))
    _validate(doc)
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1


def test_schema_check_can_fail(full_audit):
    doc = sarif.document(full_audit)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)


def test_rules_are_the_finding_codes_with_metadata(full_audit):
    run = sarif.document(full_audit)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(dict.fromkeys(r["ruleId"] for r in run["results"]))
    assert {f.code for f in full_audit.findings} == {r["id"] for r in rules}
    by_id = {r["id"]: r for r in rules}
    scen = by_id["TV501"]
    assert scen["helpUri"].endswith("docs/scenarios.md")
    assert scen["shortDescription"]["text"] == "Missing scenario: hard-kill"
    assert scen["properties"]["tags"][:2] == ["testvet", "missing-scenario"]
    assert by_id["TV101"]["helpUri"].endswith("docs/rules/TV101.md")
    assert by_id["TV401"]["helpUri"].endswith("docs/mutation.md")
    assert by_id["TV141"]["defaultConfiguration"]["level"] in ("warning", "error", "note")
    assert by_id["TV401"]["defaultConfiguration"]["level"] == "error"
    for rule in rules:
        assert rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert rule["fullDescription"]["text"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results_have_relative_uris_regions_and_fingerprints(full_audit):
    run = sarif.document(full_audit)["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///home/dev/shopcart/"
    fingerprints = {f.fingerprint for f in full_audit.findings}
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert loc["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["testvet/v1"] in fingerprints
    by_rule = {r["ruleId"]: r for r in run["results"]}
    # A finding about a whole file (no line) is anchored at line 1, flagged as such.
    assert by_rule["TV201"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert by_rule["TV201"]["properties"]["wholeFile"] is True
    assert by_rule["TV112"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 31,
        "endLine": 34,
    }
    assert by_rule["TV101"]["level"] == "error"
    assert by_rule["TV516"]["level"] == "note"
    assert "Fix: Assert on the cart's contents" in by_rule["TV101"]["message"]["text"]


def test_not_measured_stages_become_notifications(static_audit):
    inv = sarif.document(static_audit)["runs"][0]["invocations"][0]
    texts = [n["message"]["text"] for n in inv["toolExecutionNotifications"]]
    assert any("instrumented run" in t and "--static-only" in t for t in texts)


def test_paths_with_spaces_are_percent_encoded(full_audit):
    f = replace(full_audit.findings[0], path="tests/my tests/test_a.py")
    doc = sarif.document(replace(full_audit, findings=(f,)))
    _validate(doc)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "tests/my%20tests/test_a.py"


def test_result_limit_keeps_the_worst_and_counts_the_rest(many_findings, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 50)
    audit = many_findings(120)  # 40 high, 40 medium, 40 low
    run = sarif.document(audit)["runs"][0]
    assert len(run["results"]) == 50
    assert run["properties"]["omittedResults"] == 70
    levels = [r["level"] for r in run["results"]]
    assert levels[:40] == ["error"] * 40
    assert set(levels[40:]) == {"warning"}


def test_default_limits_match_github():
    assert sarif.MAX_RESULTS == 25_000
    assert sarif.MAX_RULES == 25_000
    assert sarif.MAX_TAGS <= 20
    assert sarif.MAX_ID == 255


def test_long_texts_are_cut_to_github_lengths(full_audit):
    f = Finding(
        code="TV1" + "9" * 300,
        category=Category.CANNOT_FAIL,
        severity=Severity.LOW,
        path="tests/test_a.py",
        line=3,
        message="word " * 2000,
    )
    doc = sarif.document(replace(full_audit, findings=(f,)))
    _validate(doc)
    run = doc["runs"][0]
    rule = run["tool"]["driver"]["rules"][0]
    assert len(rule["id"]) == 255
    assert len(rule["name"]) <= 255
    assert len(rule["shortDescription"]["text"]) <= 1024
    assert len(rule["fullDescription"]["text"]) <= 1024
    assert len(run["results"][0]["message"]["text"]) <= sarif.MAX_MESSAGE
    assert run["results"][0]["ruleId"] == rule["id"]


def test_repeated_fingerprints_get_distinct_line_hashes(full_audit):
    f = full_audit.findings[0]
    doc = sarif.document(replace(full_audit, findings=(f, f)))
    hashes = [
        r["partialFingerprints"]["primaryLocationLineHash"] for r in doc["runs"][0]["results"]
    ]
    assert hashes == [f"{f.fingerprint[:16]}:1", f"{f.fingerprint[:16]}:2"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ((), {}),  # no version, no runs
        (("runs", 0, "results", 0, "message"), {}),  # a message needs text or id
        (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "region"), {}),
        (
            ("runs", 0, "results", 0, "locations", 0, "physicalLocation"),
            {"region": {"startLine": 1}},
        ),
        (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "region", "startLine"), 0),
    ],
)
def test_vendored_schema_rejects_what_sarif_forbids(full_audit, path, value):
    # The vendored copy must constrain the document itself (root properties, the anyOf
    # rules of message, physicalLocation and region), or validating against it proves nothing.
    doc = sarif.document(full_audit)
    if not path:
        doc = value
    else:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)
