"""The JSON report: the public contract of REPORT_CONTRACT.md, and golden files."""

from __future__ import annotations

import json

import pytest

from testvet.model import Category, Scenario
from testvet.report import json_report

CONTRACT_FINDING_KEYS = {
    "code",
    "category",
    "severity",
    "path",
    "line",
    "test",
    "function",
    "scenario",
    "requirement",
    "message",
}


@pytest.mark.parametrize("name", ["full", "static", "empty"])
def test_json_matches_golden(name, full_audit, static_audit, empty_audit, assert_golden):
    audit = {"full": full_audit, "static": static_audit, "empty": empty_audit}[name]
    assert_golden(f"report-{name}.json", json_report.render(audit))


def test_contract_fields_and_meanings(full_audit):
    doc = json.loads(json_report.render(full_audit))
    assert doc["schema"] == "testvet-report/1"
    assert doc["tool"] == {"name": "testvet", "version": "0.1.0"}
    assert doc["project"] == {"root": "/home/dev/shopcart", "name": "shopcart"}
    summary = doc["summary"]
    assert summary["tests"] == 8
    assert summary["findings"] == 10 == len(doc["findings"])
    assert summary["verdict"] == "fail"
    assert summary["by_category"]["missing-scenario"] == 2
    categories = {c.value for c in Category}
    scenarios = {s.value for s in Scenario}
    for f in doc["findings"]:
        assert f.keys() >= CONTRACT_FINDING_KEYS
        assert f["category"] in categories
        assert f["severity"] in {"high", "medium", "low"}
        assert not f["path"].startswith("/")
        assert "\\" not in f["path"]
        if f["category"] == "missing-scenario":
            assert f["scenario"] in scenarios
        else:
            assert f["scenario"] is None


def test_stage_extras_present_with_run_and_null_without(full_audit, static_audit):
    full = json.loads(json_report.render(full_audit))
    assert full["run"]["coverage"]["percent"] == 78.5
    assert full["mutation"]["score"] == 50.0
    assert [m["status"] for m in full["mutation"]["mutants"]].count("survived") == 2
    assert full["scenarios"]["evidence"][0]["scenario"] == "disk-full"
    static = json.loads(json_report.render(static_audit))
    assert static["run"] is None
    assert static["mutation"] is None
    assert static["scenarios"] is None
    assert static["skipped_stages"] == {"run": "--static-only", "mutate": "--static-only"}


def test_recommended_test_travels_in_detail(full_audit):
    doc = json.loads(json_report.render(full_audit))
    hard_kill = next(f for f in doc["findings"] if f["scenario"] == "hard-kill")
    assert hard_kill["detail"]["recommended_test"].startswith("def test_store_survives_hard_kill")
