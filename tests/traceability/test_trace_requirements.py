"""Requirements traceability: the requirements file, marker links, TV601 findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from trace_helpers import audit_project, run_suite, write_project

from testvet.errors import ConfigError
from testvet.model import Category
from testvet.traceability.requirements import load

AUTH = Path(__file__).parent.parent / "projects" / "scn_auth"


def test_markdown_list_table_and_headings(tmp_path: Path) -> None:
    (tmp_path / "reqs.md").write_text(
        "# Billing\n\n"
        "- 3.1 Invoices are numbered\n"
        "- **3.2**: Credit notes\n"
        "* [REQ-7] Refunds within 14 days\n"
        "- [ ] 3.3 Not a checkbox id? yes it is\n\n"
        "## Reports\n\n"
        "| id | title |\n|---|---|\n| 4.1 | Monthly totals |\n\n"
        "Some prose mentioning 9.9 is not a requirement.\n"
    )
    reqs = load(tmp_path, "reqs.md")
    assert [(r.id, r.title, r.epic, r.line) for r in reqs] == [
        ("3.1", "Invoices are numbered", "Billing", 3),
        ("3.2", "Credit notes", "Billing", 4),
        ("REQ-7", "Refunds within 14 days", "Billing", 5),
        ("3.3", "Not a checkbox id? yes it is", "Billing", 6),
        ("4.1", "Monthly totals", "Reports", 12),
    ]


def test_toml_array_and_epic_tables(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        '[[requirements]]\nid = "1.1"\ntitle = "Login"\n\n'
        '[[requirements]]\nid = "2.4"\ntitle = "Logout"\nepic = "Sessions"\n'
    )
    assert [(r.id, r.epic, r.line) for r in load(tmp_path, "a.toml")] == [
        ("1.1", "1", 2),
        ("2.4", "Sessions", 6),
    ]
    (tmp_path / "b.toml").write_text(
        '[epics.auth]\ntitle = "Authentication"\n'
        '[epics.auth.requirements]\n"A-1" = "Password login"\n"A-2" = "MFA"\n'
    )
    assert [(r.id, r.title, r.epic) for r in load(tmp_path, "b.toml")] == [
        ("A-1", "Password login", "Authentication"),
        ("A-2", "MFA", "Authentication"),
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("missing.md", None, "'missing.md': no such file"),
        ("dup.md", "- 1.1 a\n- 1.1 b\n", "requirement '1.1' listed twice (lines 1 and 2)"),
        ("empty.md", "# Nothing here\n\nprose\n", "no requirement ids found"),
        ("bad.toml", "[[requirements]\n", "invalid TOML"),
        ("noid.toml", '[[requirements]]\ntitle = "x"\n', "every requirement needs an id"),
    ],
)
def test_bad_requirements_file_is_one_line_config_error(
    tmp_path: Path, name: str, text: str | None, expected: str
) -> None:
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as info:
        load(tmp_path, name)
    message = str(info.value)
    assert message.startswith("[tool.testvet.requirements] file")
    assert expected in message
    assert "\n" not in message


def test_linked_at_all_without_a_run(tmp_path: Path) -> None:
    audit = audit_project(AUTH, tmp_path / "out")
    (finding,) = [f for f in audit.findings if f.category is Category.UNTESTED_REQUIREMENT]
    assert (finding.code, finding.requirement, finding.path, finding.line) == (
        "TV601",
        "1.3",
        "docs/requirements.md",
        7,
    )
    assert finding.detail["epic_coverage"] == {
        "epic": "Epic 1: Sessions",
        "tested": 2,
        "total": 3,
        "percent": 66.7,
    }
    assert audit.scenarios is not None
    summary = {r.id: (r.tested, len(r.tests)) for r in audit.scenarios.requirements}
    assert summary == {
        "1.1": (True, 1),
        "1.2": (True, 3),
        "1.3": (False, 0),
        "2.1": (True, 1),
        "2.2": (True, 1),
    }


def test_real_run_needs_a_passing_linked_test(tmp_path: Path, digest_tree) -> None:
    before = digest_tree(AUTH)
    run = run_suite(AUTH, tmp_path / "run")
    assert digest_tree(AUTH) == before, "running the suite wrote into the fixture"
    audit = audit_project(AUTH, tmp_path / "out", run=run)
    untested = {
        f.requirement: f for f in audit.findings if f.category is Category.UNTESTED_REQUIREMENT
    }
    assert set(untested) == {"1.3", "2.2"}
    assert "its 1 linked test(s) did not pass" in untested["2.2"].message
    assert untested["2.2"].detail["linked_tests"] == [
        "tests/test_accounts.py::test_isolation_known_bug"
    ]
    assert untested["2.2"].detail["epic_coverage"]["percent"] == 50.0
    # Coverage from the same run: admin.py is never executed, accounts.py is.
    by_path = {f.path: f for f in audit.findings if f.scenario == "cross-tenant-access"}
    assert by_path["src/authsvc/admin.py"].detail["executed"] is False
    assert by_path["src/authsvc/admin.py"].message.endswith("no test even executes this code")
    assert by_path["src/authsvc/accounts.py"].detail["executed"] is True
    # Among equally severe gaps, code no test executes comes first.
    order = [f.path for f in audit.findings if f.scenario == "cross-tenant-access"]
    assert order == ["src/authsvc/admin.py", "src/authsvc/accounts.py"]


def test_marker_name_is_configurable(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "pyproject.toml": '[tool.testvet.requirements]\nfile = "r.md"\nmarker = "req"\n',
            "r.md": "- 1 First\n- 2 Second\n",
            "tests/test_x.py": """
                import pytest

                pytestmark = pytest.mark.req("1")

                class TestSecond:
                    @pytest.mark.story("2")
                    def test_two(self):
                        assert 1 + 1 == 2
            """,
        },
    )
    audit = audit_project(root, tmp_path / "out")
    assert [f.requirement for f in audit.findings] == ["2"]
    assert audit.scenarios is not None
    linked = {r.id: r.tests for r in audit.scenarios.requirements}
    assert linked == {"1": ("tests/test_x.py::TestSecond::test_two",), "2": ()}


def test_config_error_propagates_from_the_stage(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"pyproject.toml": '[tool.testvet.requirements]\nfile = "nope.md"\n'}
    )
    with pytest.raises(ConfigError, match=r"nope\.md"):
        audit_project(root, tmp_path / "out")
