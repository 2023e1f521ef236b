"""The whole audit (discover, run, scenarios, policy, JSON report) on the auth fixture."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from testvet import cli

AUTH = Path(__file__).parent.parent / "projects" / "scn_auth"


@pytest.mark.slow
def test_cli_audit_reports_scenarios_requirements_and_pyramid(
    tmp_path: Path, digest_tree: Callable[[Path], str]
) -> None:
    before = digest_tree(AUTH)
    code = cli.main(["audit", str(AUTH), "--mutation", "off", "-f", "json", "-o", str(tmp_path)])
    assert digest_tree(AUTH) == before
    report = json.loads((tmp_path / "report.json").read_text())
    found = {(f["code"], f["path"], f["scenario"] or f["requirement"]) for f in report["findings"]}
    assert found == {
        ("TV509", "src/authsvc/accounts.py", "cross-tenant-access"),
        ("TV509", "src/authsvc/admin.py", "cross-tenant-access"),
        ("TV511", "src/authsvc/webhooks.py", "forged-signature"),
        ("TV516", "src/authsvc/tokens.py", "clock-skew"),
        ("TV504", "src/authsvc/tokens.py", "fuzz-parser"),
        # 2.2's only linked test fails in the real run; 1.3 has no linked test.
        ("TV601", "docs/requirements.md", "1.3"),
        ("TV601", "docs/requirements.md", "2.2"),
        ("TV611", "src/authsvc/tokens.py", None),
    }
    assert report["summary"]["verdict"] == "fail"
    assert code == 1
