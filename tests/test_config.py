"""[tool.testvet] validation: defaults, every section, and one-line errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from testvet import config
from testvet.config import FailRule, from_mapping, load, parse_fail_rule
from testvet.errors import ConfigError, ExitCode
from testvet.model import Severity


def write_pyproject(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_no_pyproject_gives_defaults(tmp_path: Path) -> None:
    cfg = load(tmp_path)
    assert cfg.source == "defaults"
    assert [str(r) for r in cfg.fail_on] == list(config.DEFAULT_FAIL_ON)
    assert cfg.mutation.mode == "extreme"
    assert cfg.coverage.fail_under is None
    assert cfg.test_timeout == 300.0


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[project]\nname = "x"\n')
    assert load(tmp_path).source == "defaults"


def test_full_table_is_parsed(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        """
[tool.testvet]
fail_on = ["cannot-fail:high", "TV301", "pseudo-tested"]
assert_helpers = ["check_*"]
ignore = ["TV111", "flaky"]
severity = { TV114 = "low" }
test_timeout = 30
pytest_args = "-x"

[tool.testvet.coverage]
fail_under = 80
paths = { "src/pkg/auth/**" = 95, "src/pkg/lease.py" = 90.5 }

[tool.testvet.mutation]
mode = "full"
workers = 2
paths = { "src/pkg/auth/**" = 80 }

[tool.testvet.scenarios]
ignore = ["clock-skew"]

[tool.testvet.requirements]
file = "docs/requirements.toml"

[tool.testvet.pyramid]
components = { "src/pkg/**" = { unit = 70, integration = 20, e2e = 10 } }
""",
    )
    cfg = load(tmp_path)
    assert cfg.fail_on == (
        FailRule("cannot-fail", Severity.HIGH),
        FailRule("TV301"),
        FailRule("pseudo-tested"),
    )
    assert cfg.assert_helpers == ("check_*",)
    assert cfg.ignore == ("TV111", "flaky")
    assert cfg.severity == {"TV114": Severity.LOW}
    assert cfg.test_timeout == 30.0
    assert cfg.pytest_args == ("-x",)
    assert cfg.coverage.fail_under == 80.0
    assert dict(cfg.coverage.paths) == {"src/pkg/auth/**": 95.0, "src/pkg/lease.py": 90.5}
    assert cfg.mutation.mode == "full"
    assert cfg.mutation.workers == 2
    assert cfg.scenarios.ignore == ("clock-skew",)
    assert cfg.requirements.file == "docs/requirements.toml"
    assert cfg.requirements.marker == "story"
    assert cfg.pyramid.components["src/pkg/**"]["e2e"] == 10.0


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"fial_on": []}, "[tool.testvet] unknown key 'fial_on' (did you mean 'fail_on'?)"),
        ({"coverage": {"fail_undr": 3}}, "[tool.testvet.coverage] unknown key 'fail_undr'"),
        ({"coverage": {"fail_under": 130}}, "must be a percentage between 0 and 100"),
        ({"coverage": {"paths": {"src/**": "high"}}}, 'paths."src/**" must be a number'),
        ({"mutation": {"mode": "extrem"}}, "did you mean 'extreme'?"),
        ({"mutation": {"workers": -1}}, "workers must be a whole number >= 0"),
        (
            {"fail_on": ["cannot-fial"]},
            "unknown category 'cannot-fial' (did you mean 'cannot-fail'?)",
        ),
        ({"fail_on": ["cannot-fail:hihg"]}, "unknown severity 'hihg'"),
        ({"ignore": ["TVX"]}, "neither a category nor a rule code: 'TVX'"),
        ({"ignore": ["TV199"]}, "ignore[0] names unknown rule 'TV199'"),
        ({"severity": {"TV999": "low"}}, "severity.TV999 names unknown rule 'TV999'"),
        ({"fail_on": ["TV1O2"]}, "unknown category 'TV1O2'"),
        ({"fail_on": ["TV410:high"]}, "fail_on[0] names unknown rule 'TV410' (did you mean"),
        ({"severity": {"TV101": "critical"}}, "must be one of high, medium, low"),
        ({"scenarios": {"ignore": ["hard-kil"]}}, "did you mean 'hard-kill'?"),
        ({"test_timeout": 0}, "test_timeout must be greater than 0"),
        ({"coverage": 5}, "[tool.testvet.coverage] must be a table"),
        ({"pyramid": {"components": {"x": {"unit": 50, "smoke": 5}}}}, "unknown test kind 'smoke'"),
    ],
)
def test_bad_values_name_the_key(table: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_mapping(table, source="pyproject.toml")
    message = str(info.value)
    assert expected in message
    assert message.startswith("pyproject.toml")
    assert "\n" not in message
    assert info.value.exit_code == ExitCode.USAGE_ERROR


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.testvet\nfail_on = 3\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML"):
        load(tmp_path)


def test_fail_rule_parsing() -> None:
    assert parse_fail_rule("missing-scenario:medium") == FailRule(
        "missing-scenario", Severity.MEDIUM
    )
    assert str(parse_fail_rule("TV101")) == "TV101"
    assert str(FailRule("cannot-fail", Severity.HIGH)) == "cannot-fail:high"


def test_mapping_settings_are_read_only_when_defaulted_as_when_given(tmp_path: Path) -> None:
    # Config is frozen all the way down: a stage cannot change the policy later stages
    # read, whether a table came from pyproject.toml or was left at its default.
    (tmp_path / "given").mkdir()
    write_pyproject(
        tmp_path / "given",
        """
[tool.testvet]
severity = { TV114 = "low" }
[tool.testvet.coverage]
paths = { "src/**" = 90 }
[tool.testvet.mutation]
paths = { "src/**" = 80 }
[tool.testvet.pyramid]
components = { "src/**" = { unit = 70, integration = 20, e2e = 10 } }
""",
    )
    for cfg in (load(tmp_path / "given"), load(tmp_path / "defaults")):
        tables = {
            "severity": cfg.severity,
            "coverage.paths": cfg.coverage.paths,
            "mutation.paths": cfg.mutation.paths,
            "pyramid.components": cfg.pyramid.components,
        }
        for name, table in tables.items():
            with pytest.raises(TypeError):
                table["TV101"] = Severity.HIGH  # type: ignore[index]
            assert "TV101" not in table, name
    assert load(tmp_path / "defaults").source == "defaults"
