"""Missing-scenario findings on well-kept real projects, and precision/recall on the fixtures.

The real projects are pinned sdists from PyPI, downloaded with ``pip download --no-deps
--no-binary :all:`` and unpacked under ``benchmarks/.work/scenarios/`` (never committed).
Only itsdangerous signs tokens; the others have no persistence, auth or networking and
should get few or no missing-scenario findings. The scenarios stage is static, so no
virtualenv per project is needed.

Usage: ``.venv/bin/python benchmarks/scenarios_real.py [--only click,attrs]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from testvet.core import AuditOptions, StageContext, start
from testvet.model import Audit, Category, Project
from testvet.scenarios import stage

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "scenarios"
SDISTS = HERE / ".work" / "sdists"
FIXTURES = HERE.parent / "tests" / "projects"

#: name -> (version, source roots, test paths)
PINNED: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "attrs": ("24.2.0", ("src",), ("tests",)),
    "click": ("8.1.7", ("src",), ("tests",)),
    "cachetools": ("5.5.0", ("src",), ("tests",)),
    "itsdangerous": ("2.2.0", ("src",), ("tests",)),
    "markupsafe": ("3.0.2", ("src",), ("tests",)),
}

#: Projects that do serve, parse, sign and expire things: findings expected, each listed
#: for review (``--rich``).
RICH: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "flask": ("3.1.3", ("src",), ("tests",)),
    "werkzeug": ("3.1.9", ("src",), ("tests",)),
    "requests": ("2.34.2", ("src",), ("tests",)),
    "jinja2": ("3.1.6", ("src",), ("tests",)),
}

#: The gaps the fixture projects were built with (see tests/scenarios).
FIXTURE_EXPECTED: dict[str, set[tuple[str, str]]] = {
    "scn_store": {
        ("disk-full", "src/kvstore/store.py"),
        ("network-partition", "src/kvstore/client.py"),
        ("duplicate-delivery", "src/kvstore/client.py"),
    },
    "scn_auth": {
        ("cross-tenant-access", "src/authsvc/accounts.py"),
        ("cross-tenant-access", "src/authsvc/admin.py"),
        ("forged-signature", "src/authsvc/webhooks.py"),
        ("clock-skew", "src/authsvc/tokens.py"),
        ("fuzz-parser", "src/authsvc/tokens.py"),
    },
    "scn_scheduler": {
        ("hard-kill", "src/jobsched/leases.py"),
        ("disk-full", "src/jobsched/leases.py"),
        ("clock-skew", "src/jobsched/leases.py"),
        ("rollback-failure", "src/jobsched/runner.py"),
        ("duplicate-delivery", "src/jobsched/runner.py"),
    },
    "scn_runner": {("command-injection", "src/cmdrun/remote.py")},
}


def fetch(name: str, version: str) -> Path:
    """The unpacked sdist of ``name==version`` (downloaded once)."""
    target = WORK / f"{name}-{version}"
    if target.is_dir():
        return target
    SDISTS.mkdir(parents=True, exist_ok=True)
    archive = next(SDISTS.glob(f"{name}-{version}.tar.gz"), None)
    if archive is None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(SDISTS),
                f"{name}=={version}",
            ],
            check=True,
            capture_output=True,
        )
        archive = next(SDISTS.glob(f"{name}-{version}.tar.gz"))
    WORK.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(WORK, filter="data")
    return target


def audit(
    root: Path, src: tuple[str, ...] = (), tests: tuple[str, ...] = (), discover: bool = False
) -> Audit:
    """Run the scenarios stage over ``root`` (after the discover stage with ``discover``)."""
    options = AuditOptions(path=root, output_dir=WORK / "out" / root.name)
    base = start(options)
    if discover:
        from testvet.discover import stage as discover_stage
        from testvet.errors import TestvetError

        try:
            return stage.run(
                discover_stage.run(base, StageContext(options=options)),
                StageContext(options=options),
            )
        except TestvetError as exc:
            print(f"    (discover failed, static fallback: {exc})")
    if src or tests:
        project = Project(
            root=base.project.root, name=root.name, source_roots=src, test_paths=tests
        )
        base = replace(base, project=project)
    return stage.run(base, StageContext(options=options))


def _missing(result: Audit) -> list[tuple[str, str]]:
    return [
        (f.scenario or "", f.path)
        for f in result.findings
        if f.category is Category.MISSING_SCENARIO
    ]


def real_projects(
    only: set[str],
    discover: bool,
    pinned: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = PINNED,
) -> None:
    print(f"{'project':<22} {'caps':>5} {'evid':>5} {'missing':>8} {'high':>5}  seconds  scenarios")
    for name, (version, src, tests) in pinned.items():
        if only and name not in only:
            continue
        root = fetch(name, version)
        began = time.perf_counter()
        result = audit(root, src, tests, discover)
        took = time.perf_counter() - began
        assert result.scenarios is not None
        findings = [f for f in result.findings if f.category is Category.MISSING_SCENARIO]
        high = sum(1 for f in findings if f.severity.value == "high")
        per = Counter(f.scenario for f in findings)
        label = ", ".join(f"{k}={v}" for k, v in sorted(per.items())) or "-"
        print(
            f"{name + '-' + version:<22} {len(result.scenarios.capabilities):>5} "
            f"{len(result.scenarios.evidence):>5} {len(findings):>8} {high:>5}  "
            f"{took:7.2f}  {label}"
        )
        for f in findings:
            print(f"    {f.code} {f.severity.value:<6} {f.location}  {f.message}")


def fixtures() -> None:
    found: set[tuple[str, str, str]] = set()
    for name in FIXTURE_EXPECTED:
        found |= {(name, s, p) for s, p in _missing(audit(FIXTURES / name))}
    expected = {(n, s, p) for n, pairs in FIXTURE_EXPECTED.items() for s, p in pairs}
    true_pos = len(found & expected)
    precision = true_pos / len(found) if found else 1.0
    recall = true_pos / len(expected)
    print(
        f"\nfixtures: {len(expected)} planted gaps, {len(found)} findings, "
        f"precision {precision:.2f}, recall {recall:.2f}"
    )
    for extra in sorted(found - expected):
        print(f"    false positive: {extra}")
    for miss in sorted(expected - found):
        print(f"    missed: {miss}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated project names")
    parser.add_argument(
        "--discover", action="store_true", help="collect with pytest first (needs test deps)"
    )
    parser.add_argument(
        "--rich", action="store_true", help="also flask, werkzeug, requests, jinja2"
    )
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    real_projects(only, args.discover)
    if args.rich:
        print()
        real_projects(only, args.discover, RICH)
    fixtures()


if __name__ == "__main__":
    main()
