"""``[tool.testvet]`` in pyproject.toml -> a validated, frozen :class:`Config`.

Every key is declared once in ``_SCHEMA`` with its type; an unknown key or a value of
the wrong type is a :class:`~testvet.errors.ConfigError` whose one-line message names
the file, the table, the key and (for typos) the nearest valid key.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from testvet.errors import ConfigError
from testvet.model import Category, Scenario, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

#: What fails the build when the project says nothing.
DEFAULT_FAIL_ON: tuple[str, ...] = (
    "cannot-fail:high",
    "collection-error",
    "coverage-below-policy",
    "weakly-tested",
    "missing-scenario:high",
)

MUTATION_MODES = ("off", "extreme", "full")


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class FailRule:
    """One ``fail_on`` entry: a category or rule code, with an optional minimum severity."""

    #: A category name (``cannot-fail``) or a rule code (``TV101``).
    target: str
    #: Minimum severity that fails; None means any.
    min_severity: Severity | None = None

    def __str__(self) -> str:
        return f"{self.target}:{self.min_severity.value}" if self.min_severity else self.target


@dataclass(frozen=True)
class CoverageConfig:
    """``[tool.testvet.coverage]``."""

    #: Global floor in percent for all project code, None for no floor.
    fail_under: float | None = None
    #: Path glob (relative to the project root) -> floor in percent.
    paths: Mapping[str, float] = field(default_factory=_empty)
    #: Globs of project files left out of coverage numbers.
    omit: tuple[str, ...] = ()
    #: Measure branch coverage as well as lines.
    branch: bool = True


@dataclass(frozen=True)
class MutationConfig:
    """``[tool.testvet.mutation]``."""

    #: ``off``, ``extreme`` (pseudo-tested analysis) or ``full`` (plus operator mutants).
    mode: str = "extreme"
    #: Mutants run at once; 0 means one per core.
    workers: int = 0
    #: Critical path glob -> minimum operator-mutation score in percent.
    paths: Mapping[str, float] = field(default_factory=_empty)
    #: Function name patterns (fnmatch over the qualified name) never mutated, on top of
    #: the built-in list (``__repr__``, abstract methods, constant returns, trivial properties).
    skip: tuple[str, ...] = ()
    #: Per-mutant timeout = factor x the measured duration of its tests (plus a constant).
    timeout_factor: float = 5.0


@dataclass(frozen=True)
class ScenarioConfig:
    """``[tool.testvet.scenarios]``."""

    #: Scenario ids that do not apply to this project.
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequirementsConfig:
    """``[tool.testvet.requirements]``."""

    #: A TOML or Markdown file (relative to the project root) listing requirement ids.
    file: str | None = None
    #: The marker that links a test to a requirement: ``@pytest.mark.story("3.4")``.
    marker: str = "story"


@dataclass(frozen=True)
class PyramidConfig:
    """``[tool.testvet.pyramid]``."""

    #: Component glob -> {"unit": pct, "integration": pct, "e2e": pct} target shares.
    components: Mapping[str, Mapping[str, float]] = field(default_factory=_empty)
    #: Allowed distance in percentage points from each target share.
    tolerance: float = 15.0


@dataclass(frozen=True)
class Config:
    """The validated ``[tool.testvet]`` table (defaults when absent)."""

    #: Source roots (relative); empty means discover (``src/`` layout, flat layout).
    src: tuple[str, ...] = ()
    #: Test paths (relative); empty means pytest's ``testpaths`` or discovery.
    tests: tuple[str, ...] = ()
    #: Globs of test files left out of static analysis.
    exclude: tuple[str, ...] = ()
    #: Extra names (fnmatch patterns) of functions that count as checks when a test calls them.
    assert_helpers: tuple[str, ...] = ()
    #: Rule codes or categories to drop entirely.
    ignore: tuple[str, ...] = ()
    #: Rule code -> severity override.
    severity: Mapping[str, Severity] = field(default_factory=_empty)
    #: What fails the build.
    fail_on: tuple[FailRule, ...] = ()
    #: Baseline file (relative to the project root) whose findings do not fail the build.
    baseline: str | None = None
    #: Interpreter to run the suite with; empty means discover.
    python: str | None = None
    #: Seconds one test may take in the instrumented run before it is stopped.
    test_timeout: float = 300.0
    #: Extra arguments passed to pytest for the instrumented run.
    pytest_args: tuple[str, ...] = ()
    coverage: CoverageConfig = field(default_factory=CoverageConfig)
    mutation: MutationConfig = field(default_factory=MutationConfig)
    scenarios: ScenarioConfig = field(default_factory=ScenarioConfig)
    requirements: RequirementsConfig = field(default_factory=RequirementsConfig)
    pyramid: PyramidConfig = field(default_factory=PyramidConfig)
    #: Where the configuration came from (for messages), None for defaults.
    source: str | None = None


# --------------------------------------------------------------------------- validation

Converter = Callable[[Any, str], Any]


def _bool(value: Any, ctx: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{ctx} must be true or false, not {value!r}")
    return value


def _number(value: Any, ctx: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{ctx} must be a number, not {value!r}")
    return float(value)


def _percent(value: Any, ctx: str) -> float:
    number = _number(value, ctx)
    if not 0 <= number <= 100:
        raise ConfigError(f"{ctx} must be a percentage between 0 and 100, not {value!r}")
    return number


def _positive(value: Any, ctx: str) -> float:
    number = _number(value, ctx)
    if number <= 0:
        raise ConfigError(f"{ctx} must be greater than 0, not {value!r}")
    return number


def _count(value: Any, ctx: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{ctx} must be a whole number >= 0, not {value!r}")
    return value


def _string(value: Any, ctx: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{ctx} must be a non-empty string, not {value!r}")
    return value


def _strings(value: Any, ctx: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{ctx} must be a list of strings, not {value!r}")
    return tuple(_string(item, f"{ctx}[{i}]") for i, item in enumerate(value))


def _choice(options: tuple[str, ...]) -> Converter:
    def convert(value: Any, ctx: str) -> str:
        text = _string(value, ctx)
        if text not in options:
            raise ConfigError(
                f"{ctx} must be one of {', '.join(options)}, not {value!r}{_nearest(text, options)}"
            )
        return text

    return convert


def _table_of(convert: Converter) -> Converter:
    def table(value: Any, ctx: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{ctx} must be a table, not {value!r}")
        return MappingProxyType(
            {_string(k, ctx): convert(v, f'{ctx}."{k}"') for k, v in value.items()}
        )

    return table


def _severity(value: Any, ctx: str) -> Severity:
    text = _choice(tuple(s.value for s in Severity))(value, ctx)
    return Severity(text)


def _scenario_ids(value: Any, ctx: str) -> tuple[str, ...]:
    ids = tuple(s.value for s in Scenario)
    items = _strings(value, ctx)
    for i, item in enumerate(items):
        if item not in ids:
            raise ConfigError(f"{ctx}[{i}] is not a scenario id: {item!r}{_nearest(item, ids)}")
    return items


def _pyramid_target(value: Any, ctx: str) -> Mapping[str, float]:
    kinds = ("unit", "integration", "e2e")
    if not isinstance(value, dict):
        raise ConfigError(f"{ctx} must be a table like {{unit = 70, integration = 20, e2e = 10}}")
    out: dict[str, float] = {}
    for k, v in value.items():
        if k not in kinds:
            raise ConfigError(f"{ctx} has unknown test kind {k!r}{_nearest(k, kinds)}")
        out[k] = _percent(v, f"{ctx}.{k}")
    return MappingProxyType(out)


_CATEGORIES = tuple(c.value for c in Category)


def parse_fail_rule(text: str, ctx: str = "fail_on") -> FailRule:
    """Parse ``category``, ``category:severity`` or ``TV123`` into a :class:`FailRule`."""
    target, _, severity = text.partition(":")
    target = target.strip()
    if not (target in _CATEGORIES or _is_rule_code(target)):
        raise ConfigError(f"{ctx} names unknown category {target!r}{_nearest(target, _CATEGORIES)}")
    if _is_rule_code(target):
        _known_code(target, ctx)
    if not severity:
        return FailRule(target)
    levels = tuple(s.value for s in Severity)
    if severity not in levels:
        raise ConfigError(
            f"{ctx} has unknown severity {severity!r} in {text!r}{_nearest(severity, levels)}"
        )
    return FailRule(target, Severity(severity))


def _is_rule_code(text: str) -> bool:
    return len(text) == 5 and text.startswith("TV") and text[2:].isdigit()


def _known_code(code: str, ctx: str) -> None:
    """A rule code the configuration names must exist (a typo would do nothing)."""
    from testvet.codes import all_codes  # every stage's rules: imported when needed

    codes = sorted(info.code for info in all_codes())
    if code not in codes:
        series = [known for known in codes if known[:3] == code[:3]]  # TV1xx: static rules
        raise ConfigError(f"{ctx} names unknown rule {code!r}{_nearest(code, series)}")


def _fail_rules(value: Any, ctx: str) -> tuple[FailRule, ...]:
    return tuple(
        parse_fail_rule(item, f"{ctx}[{i}]") for i, item in enumerate(_strings(value, ctx))
    )


def _ignore(value: Any, ctx: str) -> tuple[str, ...]:
    items = _strings(value, ctx)
    for i, item in enumerate(items):
        if not (item in _CATEGORIES or _is_rule_code(item)):
            raise ConfigError(
                f"{ctx}[{i}] is neither a category nor a rule code: {item!r}"
                f"{_nearest(item, _CATEGORIES)}"
            )
        if _is_rule_code(item):
            _known_code(item, f"{ctx}[{i}]")
    return items


def _codes_to_severity(value: Any, ctx: str) -> Mapping[str, Severity]:
    table: Mapping[str, Severity] = _table_of(_severity)(value, ctx)
    for code in table:
        if not _is_rule_code(code):
            raise ConfigError(f'{ctx}."{code}" is not a rule code like TV101')
        _known_code(code, f"{ctx}.{code}")
    return table


_SECTIONS: dict[str, tuple[type, dict[str, Converter]]] = {
    "coverage": (
        CoverageConfig,
        {
            "fail_under": _percent,
            "paths": _table_of(_percent),
            "omit": _strings,
            "branch": _bool,
        },
    ),
    "mutation": (
        MutationConfig,
        {
            "mode": _choice(MUTATION_MODES),
            "workers": _count,
            "paths": _table_of(_percent),
            "skip": _strings,
            "timeout_factor": _positive,
        },
    ),
    "scenarios": (ScenarioConfig, {"ignore": _scenario_ids}),
    "requirements": (RequirementsConfig, {"file": _string, "marker": _string}),
    "pyramid": (
        PyramidConfig,
        {"components": _table_of(_pyramid_target), "tolerance": _percent},
    ),
}

_TOP: dict[str, Converter] = {
    "src": _strings,
    "tests": _strings,
    "exclude": _strings,
    "assert_helpers": _strings,
    "ignore": _ignore,
    "severity": _codes_to_severity,
    "fail_on": _fail_rules,
    "baseline": _string,
    "python": _string,
    "test_timeout": _positive,
    "pytest_args": _strings,
}


def _nearest(word: str, options: tuple[str, ...] | list[str]) -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _build(cls: type, table: Mapping[str, Any], schema: dict[str, Converter], ctx: str) -> Any:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in schema:
            raise ConfigError(f"{ctx} unknown key {key!r}{_nearest(key, sorted(schema))}")
        values[key] = schema[key](raw, f"{ctx} {key}")
    return cls(**values)


def from_mapping(table: Mapping[str, Any], source: str = "pyproject.toml") -> Config:
    """Validate a ``[tool.testvet]`` table (already parsed) into a :class:`Config`."""
    top: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for key, raw in table.items():
        if key in _SECTIONS:
            cls, schema = _SECTIONS[key]
            if not isinstance(raw, dict):
                raise ConfigError(f"{source}: [tool.testvet.{key}] must be a table, not {raw!r}")
            sections[key] = _build(cls, raw, schema, f"{source}: [tool.testvet.{key}]")
        elif key in _TOP:
            top[key] = _TOP[key](raw, f"{source}: [tool.testvet] {key}")
        else:
            valid = sorted([*_TOP, *_SECTIONS])
            raise ConfigError(f"{source}: [tool.testvet] unknown key {key!r}{_nearest(key, valid)}")
    top.setdefault("fail_on", tuple(parse_fail_rule(r) for r in DEFAULT_FAIL_ON))
    return Config(**top, **sections, source=source)


def default_config() -> Config:
    """The configuration of a project that says nothing."""
    return from_mapping({}, source="defaults")


def load(root: Path) -> Config:
    """Read ``[tool.testvet]`` from ``root/pyproject.toml``; defaults when there is none."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return default_config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    tool = data.get("tool", {})
    table = tool.get("testvet") if isinstance(tool, dict) else None
    if table is None:
        return default_config()
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.testvet] must be a table")
    return from_mapping(table, source="pyproject.toml")


def read_pyproject(root: Path) -> Mapping[str, Any]:
    """The parsed pyproject.toml (empty when absent or unreadable; :func:`load` reports
    errors)."""
    path = root / "pyproject.toml"
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return data


def pytest_ini_options(root: Path) -> Mapping[str, Any]:
    """``[tool.pytest.ini_options]`` of the project (empty when absent or unreadable)."""
    return toml_table(read_pyproject(root), "tool", "pytest", "ini_options")


def toml_table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """The table at ``keys`` in parsed TOML, empty when it or one above it is absent or
    not a table (``tool = 3`` is someone else's business, not a crash)."""
    table: Any = data
    for key in keys:
        table = table.get(key) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else {}
