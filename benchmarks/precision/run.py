"""Reproduce the precision figures of testvet's static rules on real, well-kept test suites.

    .venv/bin/python benchmarks/precision/run.py            # all projects
    .venv/bin/python benchmarks/precision/run.py click      # one project
    .venv/bin/python benchmarks/precision/run.py --no-falsegreen

Fetches pinned sdists into benchmarks/.work/ (never committed), runs the static rules over
each project's test suite, prints every high-severity finding with its adjudication from
benchmarks/precision/adjudication.md, and the precision per project (real / adjudicated
high findings). With falsegreen (installed on first use into its own virtualenv under
benchmarks/.work/) it also prints falsegreen 0.9.2's counts on the same files.
A high finding with no row in the adjudication table is printed as UNADJUDICATED and makes
the script exit 1, so the table cannot silently fall behind the rules.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import tarfile
import venv
from collections import Counter
from pathlib import Path

from testvet.model import Finding
from testvet.static.engine import analyze
from testvet.static.files import project_test_files, xfail_strict

HERE = Path(__file__).resolve().parent
WORK = HERE.parent / ".work"
SDISTS = WORK / "sdists"
SOURCES = WORK / "src"
FALSEGREEN_VENV = WORK / "falsegreen-venv"
FALSEGREEN = "falsegreen==0.9.2"
TABLE = HERE / "adjudication.md"

#: (distribution, version, sdist file stem, test directory). The first five are the ones
#: issue 2 names; the others widen the sample.
PROJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("attrs", "26.1.0", "attrs-26.1.0", "tests"),
    ("click", "8.5.1", "click-8.5.1", "tests"),
    ("cachetools", "8.0.1", "cachetools-8.0.1", "tests"),
    ("itsdangerous", "2.2.0", "itsdangerous-2.2.0", "tests"),
    ("markupsafe", "3.0.4", "markupsafe-3.0.4", "tests"),
    ("flask", "3.1.3", "flask-3.1.3", "tests"),
    ("jinja2", "3.1.6", "jinja2-3.1.6", "tests"),
    ("werkzeug", "3.1.9", "werkzeug-3.1.9", "tests"),
    ("packaging", "26.3", "packaging-26.3", "tests"),
    ("pluggy", "1.7.0", "pluggy-1.7.0", "testing"),
    ("python-dateutil", "4.0.0", "python_dateutil-4.0.0", "tests"),
    ("more-itertools", "11.2.1", "more_itertools-11.2.1", "tests"),
    ("requests", "2.34.2", "requests-2.34.2", "tests"),
    ("pytest", "9.2.0", "pytest-9.2.0", "testing"),
    ("tornado", "6.6.1", "tornado-6.6.1", "tornado/test"),
    ("urllib3", "2.8.0", "urllib3-2.8.0", "test"),
)


def fetch(name: str, version: str, stem: str) -> Path:
    """The unpacked sdist of ``name==version`` (downloaded with pip on first use)."""
    root = SOURCES / stem
    if root.is_dir():
        return root
    SDISTS.mkdir(parents=True, exist_ok=True)
    archive = SDISTS / f"{stem}.tar.gz"
    if not archive.is_file():
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"),
                *("-q", f"{name}=={version}", "-d", str(SDISTS)),
            ],
            check=True,
        )
    SOURCES.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(SOURCES, filter="data")
    return root


def testvet_findings(root: Path, tests: str) -> list[Finding]:
    """The static rules over ``root/tests``, exactly as the static stage runs them."""
    files = project_test_files(root, [tests])
    return analyze(root, files, xfail_strict=xfail_strict(root))


def falsegreen_bin() -> Path:
    """falsegreen 0.9.2 in its own virtualenv (installed on first use)."""
    exe = FALSEGREEN_VENV / "bin" / "falsegreen"
    if not exe.is_file():
        venv.create(FALSEGREEN_VENV, with_pip=True)
        pip = FALSEGREEN_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "-q", FALSEGREEN], check=True)
    return exe


def falsegreen_findings(root: Path, tests: str) -> list[dict[str, object]]:
    """falsegreen's JSON findings for ``root/tests`` (run from the project root)."""
    proc = subprocess.run(
        [str(falsegreen_bin()), "--json", tests],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    data = json.loads(proc.stdout or "[]")
    return data if isinstance(data, list) else []


_ROW = re.compile(r"^\|\s*([\w.-]+)\s*\|\s*([\w.]+)\s*\|\s*(TV\d+)\s*\|\s*`?([^|`]+?)`?\s*\|")


def adjudications() -> dict[tuple[str, str, str], str]:
    """(project, code, path:line) -> ``real`` / ``false`` from the adjudication table."""
    out: dict[tuple[str, str, str], str] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if not match:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        verdict = cells[5].strip("* ").lower() if len(cells) > 5 else ""
        out[(match.group(1), match.group(3), match.group(4))] = verdict
    return out


def _in_raises_or_try(root: Path, rel: str, line: int) -> bool:
    """True when ``line`` sits in a pytest.raises/assertRaises block or a try body."""
    try:
        tree = ast.parse((root / rel).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for node in ast.walk(tree):
        guarded = (isinstance(node, ast.Try) and bool(node.handlers)) or (
            isinstance(node, ast.With)
            and any(
                word in ast.unparse(i.context_expr).lower()
                for i in node.items
                for word in ("raises", "warns")
            )
        )
        body: list[ast.stmt] = node.body if guarded else []  # type: ignore[attr-defined]
        if body and body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno):
            return True
        if isinstance(node, ast.With) and node.lineno == line and body:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", help="project names (default: all)")
    parser.add_argument("--no-falsegreen", action="store_true", help="skip falsegreen")
    args = parser.parse_args(argv)
    table = adjudications()
    chosen = [p for p in PROJECTS if not args.projects or p[0] in args.projects]
    totals: Counter[str] = Counter()
    missing = 0
    summary: list[str] = []
    for name, version, stem, tests in chosen:
        root = fetch(name, version, stem)
        findings = testvet_findings(root, tests)
        by_sev = Counter(f.severity.value for f in findings)
        real = false = unknown = 0
        print(f"\n## {name} {version}: {len(findings)} findings {dict(by_sev)}")
        for f in findings:
            if f.severity.value != "high":
                continue
            verdict = table.get((name, f.code, f.location), "")
            if verdict == "real":
                real += 1
            elif verdict == "false":
                false += 1
            else:
                missing += 1
                unknown += 1
                verdict = "UNADJUDICATED"
            print(f"  {f.code} {f.location}  {verdict}  {f.message}")
        totals["real"] += real
        totals["false"] += false
        line = (
            f"{name} {version}: testvet high {real + false + unknown} (real {real}, false {false}"
        )
        line += f", unadjudicated {unknown})" if unknown else ")"
        line += f"; medium {by_sev.get('medium', 0)}, low {by_sev.get('low', 0)}"
        if not args.no_falsegreen:
            fg = falsegreen_findings(root, tests)
            fg_conf = Counter(str(x.get("confidence")) for x in fg)
            fg_high = [x for x in fg if x.get("confidence") == "high"]
            guarded = sum(
                1
                for x in fg_high
                if x.get("code") in ("C51", "C59")
                and _in_raises_or_try(root, str(x.get("file")), int(str(x.get("line"))))
            )
            line += (
                f" | falsegreen total {len(fg)}, high {fg_conf.get('high', 0)} "
                f"({guarded} of them comparisons/empty-block claims inside raises or try "
                "blocks whose statements can raise)"
            )
        summary.append(line)
    print("\n# Summary")
    for line in summary:
        print(line)
    adjudicated = totals["real"] + totals["false"]
    if adjudicated:
        share = 100.0 * totals["real"] / adjudicated
        print(f"all: {totals['real']}/{adjudicated} high findings real ({share:.1f}%)")
    if missing:
        print(f"{missing} high findings have no row in {TABLE.name}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
