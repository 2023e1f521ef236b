"""The policy stage: severity overrides, ignores, the baseline ratchet and the verdict."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testvet.config import Config, FailRule
from testvet.discover.layout import is_test_file
from testvet.errors import ConfigError
from testvet.model import Audit, Finding, Verdict

if TYPE_CHECKING:
    from testvet.core import StageContext

BASELINE_SCHEMA = "testvet-baseline/1"


def matches(rule: FailRule, finding: Finding) -> bool:
    """Whether ``finding`` is one the ``fail_on`` entry ``rule`` fails the build on."""
    if rule.target not in (finding.category.value, finding.code):
        return False
    return rule.min_severity is None or finding.severity.rank >= rule.min_severity.rank


_INLINE = re.compile(r"#\s*testvet:\s*ignore(?:\[([A-Za-z0-9_, ]*)\])?")


class _Sources:
    """Reads project files once, for inline ``# testvet: ignore[CODE]`` comments."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.cache: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if self.root is None:
            return ""
        if path not in self.cache:
            try:
                text = (self.root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.cache[path] = text.splitlines()
        lines = self.cache[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def suppressed(self, finding: Finding) -> bool:
        """True when the finding's line carries ``# testvet: ignore`` (bare or naming it)."""
        if not finding.line:
            return False
        match = _INLINE.search(self.line(finding.path, finding.line))
        if match is None:
            return False
        codes = {c.strip() for c in (match.group(1) or "").split(",") if c.strip()}
        return not codes or finding.code in codes


def adjust(
    findings: Iterable[Finding], config: Config, root: Path | None = None
) -> tuple[Finding, ...]:
    """Drop ignored codes/categories and inline-suppressed findings; apply severity overrides.

    With ``root``, a finding whose line carries ``# testvet: ignore`` or
    ``# testvet: ignore[TV501, TV502]`` is dropped.
    """
    ignored = set(config.ignore)
    sources = _Sources(root)
    out = []
    for finding in findings:
        if finding.code in ignored or finding.category.value in ignored:
            continue
        if sources.suppressed(finding):
            continue
        override = config.severity.get(finding.code)
        if override is not None and override is not finding.severity:
            finding = replace(finding, severity=override)
        out.append(finding)
    return tuple(out)


def load_baseline(path: Path) -> Counter[str]:
    """Fingerprint -> count of the findings a baseline file accepts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"baseline {path}: no such file (create it: testvet baseline write)"
        ) from exc
    except OSError as exc:
        raise ConfigError(f"baseline {path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"baseline {path}: not a testvet baseline (invalid JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        raise ConfigError(
            f"baseline {path}: not a testvet baseline (expected schema {BASELINE_SCHEMA})"
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise ConfigError(f"baseline {path}: 'findings' must be a list")
    counts: Counter[str] = Counter()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise ConfigError(f"baseline {path}: findings[{i}] has no 'fingerprint'")
        counts[entry["fingerprint"]] += 1
    return counts


def baseline_document(audit: Audit) -> dict[str, Any]:
    """The baseline file content accepting every finding of ``audit``."""
    return {
        "schema": BASELINE_SCHEMA,
        "tool": {"name": "testvet", "version": audit.tool_version},
        "findings": [
            {
                "fingerprint": f.fingerprint,
                "code": f.code,
                "category": f.category.value,
                "path": f.path,
                "line": f.line,
                "message": f.message,
            }
            for f in sorted(audit.findings, key=lambda f: (f.path, f.line or 0, f.code))
        ],
    }


def decide(findings: tuple[Finding, ...], config: Config, baseline: Counter[str]) -> Verdict:
    """Which findings fail the build: those matching ``fail_on`` and not in the baseline."""
    remaining = Counter(baseline)
    failing: list[str] = []
    baselined = 0
    reasons: Counter[str] = Counter()
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            baselined += 1
            continue
        rule = next((r for r in config.fail_on if matches(r, finding)), None)
        if rule is not None:
            failing.append(finding.fingerprint)
            reasons[str(rule)] += 1
    return Verdict(
        passed=not failing,
        failing=tuple(failing),
        baselined=baselined,
        reasons=tuple(
            f"{n} finding{'s' if n != 1 else ''} matching fail_on {rule!r}"
            for rule, n in sorted(reasons.items())
        ),
    )


def run(audit: Audit, ctx: StageContext) -> Audit:
    """The policy stage."""
    findings = adjust(audit.findings, audit.config, audit.project.root)
    baseline: Counter[str] = Counter()
    if audit.config.baseline:
        path = Path(audit.config.baseline)
        if not path.is_absolute():
            cwd_path = Path.cwd() / path
            path = cwd_path if cwd_path.exists() else audit.project.root / path
        baseline = load_baseline(path)
    findings = tuple(sorted(findings, key=_order))
    verdict = decide(findings, audit.config, baseline)
    if audit.inventory is not None and not audit.inventory.tests:
        # pytest itself fails such a build (exit 5); a green audit of nothing is no better
        verdict = replace(verdict, passed=False, reasons=(*verdict.reasons, _no_tests(audit)))
    if audit.run is not None and audit.run.stopped:
        # pytest fails such a build too; the numbers cover only the tests that ran
        verdict = replace(verdict, passed=False, reasons=(*verdict.reasons, audit.run.stopped))
    return replace(audit, findings=findings, verdict=verdict)


def _no_tests(audit: Audit) -> str:
    """Why the verdict fails without a test, with the files that look like tests."""
    root = audit.project.root
    where = ", ".join(audit.project.test_paths) or "the project"
    looking: list[str] = []
    for rel in audit.project.test_paths or (".",):
        path = root / rel
        files = [path] if path.is_file() else sorted(_test_like(path))[:20]
        looking += [
            f.relative_to(root).as_posix()
            for f in files
            if f.suffix == ".py" and not is_test_file(f.name)
        ]
    hint = ""
    if looking:
        verbs = ("looks", "matches") if len(looking) == 1 else ("look", "match")
        hint = (
            f": {', '.join(looking[:3])} {verbs[0]} like tests but {verbs[1]} no "
            "python_files pattern of pytest (set python_files in its configuration)"
        )
    return f"no test was collected from {where}{hint}"


#: Directories never searched for files that look like tests (nor are hidden ones).
_NOT_TESTS = frozenset({"venv", "node_modules", "site-packages"})


def _test_like(top: Path) -> list[Path]:
    """``test*.py`` files under ``top``, at any depth, outside virtualenvs and caches."""
    found = []
    for path in top.rglob("test*.py"):
        parts = path.relative_to(top).parts[:-1]
        if any(p in _NOT_TESTS or p.startswith(".") for p in parts):
            continue
        found.append(path)
        if len(found) >= 200:
            break
    return found


def _order(f: Finding) -> tuple[int, str, int, str]:
    return (-f.severity.rank, f.path, f.line or 0, f.code)
