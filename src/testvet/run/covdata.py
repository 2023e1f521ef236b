"""coverage.py data -> :class:`~testvet.model.CoverageData` and per-file details.

The numbers come from coverage.py's own JSON report (written under the output
directory), so they are the numbers ``coverage report`` would show with the project's
exclusion settings. Test files are analysed too: their executed lines are the evidence
for rotten-green tests.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import coverage

from testvet import globs
from testvet.errors import ConfigError
from testvet.model import CoverageData, FileCoverage
from testvet.run.scope import Scope
from testvet.subproc import child_env


@dataclass(frozen=True)
class FunctionGap:
    """One function of a project file and how much of it is not covered."""

    name: str
    line: int
    missing: int
    statements: int


@dataclass(frozen=True)
class Analysis:
    """Coverage of project files (the model's view) plus what policy and rotten green need."""

    data: CoverageData
    #: rel path -> (covered lines + branches, statements + branches).
    numbers: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: rel path of a test file -> lines coverage.py recorded as executed (raw data: any
    #: line of a multi-line statement may stand for it).
    test_executed: Mapping[str, frozenset[int]] = field(default_factory=dict)
    #: rel path -> functions with missing statements, largest gap first.
    gaps: Mapping[str, tuple[FunctionGap, ...]] = field(default_factory=dict)
    #: What a reader of the numbers should know (a coverage plugin left out).
    notes: tuple[str, ...] = ()


def config_file(root: Path) -> str | bool:
    """The project's coverage.py configuration file, or False when it has none."""
    rc = root / ".coveragerc"
    if rc.is_file():
        return str(rc)
    for name, marker in (
        ("setup.cfg", "[coverage:"),
        ("tox.ini", "[coverage:"),
        ("pyproject.toml", "[tool.coverage"),
    ):
        path = root / name
        try:
            if path.is_file() and marker in path.read_text(encoding="utf-8", errors="replace"):
                return str(path)
        except OSError:
            continue
    return False


def import_user_file(user_file: Path, root: Path, target: Path) -> bool:
    """Copy the user's data file to ``target`` with absolute paths; returns has_arcs."""
    source = coverage.CoverageData(basename=str(user_file))
    try:
        source.read()
        measured = sorted(source.measured_files())
    except Exception as exc:
        raise ConfigError(
            f"--coverage-file {user_file}: not a coverage.py data file ({exc})"
        ) from exc
    if not measured:
        raise ConfigError(f"--coverage-file {user_file}: holds no measured file")
    target.unlink(missing_ok=True)
    out = coverage.CoverageData(basename=str(target))
    arcs = source.has_arcs()
    for name in measured:
        path = Path(name)
        absolute = str(path if path.is_absolute() else (root / path).resolve())
        if arcs:
            out.add_arcs({absolute: source.arcs(name) or []})
        else:
            out.add_lines({absolute: source.lines(name) or []})
    out.write()
    return bool(arcs)


def measured_files(data_file: Path) -> list[Path]:
    """Absolute paths recorded in a data file."""
    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    return [Path(f) for f in data.measured_files()]


def combine(parts: Sequence[Path], target: Path) -> None:
    """Combine the children's (and the imported user's) data files into ``target``."""
    target.unlink(missing_ok=True)
    cov = coverage.Coverage(data_file=str(target), config_file=False, messages=False)
    cov.combine([str(p) for p in parts], keep=True)
    cov.save()


#: Runs in the project's interpreter: ``_report``'s work, with its arguments in a JSON file.
_REPORT_THERE = """\
import json, sys
import coverage
args = json.load(open(sys.argv[1], encoding="utf-8"))
sys.path.insert(0, args["root"])  # a plugin that is a module of the project
cov = coverage.Coverage(data_file=args["data"], config_file=args["config"], messages=False)
cov.set_option("report:skip_covered", False)
cov.set_option("report:skip_empty", False)
cov.load()
cov.json_report(morfs=args["files"], outfile=args["out"], ignore_errors=True, omit=[], include=[])
"""


def _report_there(
    python: str, data_file: Path, json_path: Path, root: Path, files: list[str]
) -> dict[str, Any] | None:
    """``_report`` in the project's interpreter, where a plugin of its coverage.py
    configuration is installed; None when that fails too."""
    args = json_path.with_suffix(".args.json")
    config = config_file(root)
    given = {"root": str(root), "data": str(data_file), "config": config, "files": files}
    args.write_text(json.dumps({**given, "out": str(json_path)}), encoding="utf-8")
    json_path.unlink(missing_ok=True)
    try:
        subprocess.run(
            [python, "-c", _REPORT_THERE, str(args)],
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=600,
            check=True,
        )
        loaded: dict[str, Any] = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return loaded


def _report(
    data_file: Path, json_path: Path, root: Path, files: list[str], python: str | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """coverage.py's JSON report of ``files`` with the project's configuration, and notes.

    A plugin that configuration names may be importable only in the project's
    environment (covdefaults, with its exclusions): the report is then made by
    ``python``, the project's interpreter; when that fails too, the analysis here goes
    on without the plugin (the exclusions it adds are then not applied)."""
    if not files:
        return {"files": {}}, ()
    last: Exception | None = None
    notes: list[str] = []
    plugins = True
    for cfg in (config_file(root), False):
        while True:
            try:
                cov = coverage.Coverage(data_file=str(data_file), config_file=cfg, messages=False)
                cov.set_option("report:skip_covered", False)
                cov.set_option("report:skip_empty", False)
                if not plugins:
                    cov.set_option("run:plugins", [])
                cov.load()
                cov.json_report(
                    morfs=files, outfile=str(json_path), ignore_errors=True, omit=[], include=[]
                )
                loaded: dict[str, Any] = json.loads(json_path.read_text(encoding="utf-8"))
                return loaded, tuple(notes)
            except ImportError as exc:
                if not plugins:
                    message = f"coverage data {data_file}: cannot be analysed ({exc})"
                    raise ConfigError(message) from exc
                there = _report_there(python, data_file, json_path, root, files) if python else None
                if there is not None:
                    return there, tuple(notes)
                plugins = False
                notes.append(
                    f"coverage plugin {exc.name or exc}: cannot be loaded by testvet's "
                    "interpreter; the coverage figures leave out what it changes (its "
                    "exclusions)"
                )
            except coverage.CoverageException as exc:
                if "No data to report" in str(exc):
                    return {"files": {}}, tuple(notes)
                last = exc
                break
    raise ConfigError(f"coverage data {data_file}: cannot be analysed ({last})")


def _gaps(entry: Mapping[str, Any]) -> tuple[FunctionGap, ...]:
    found = []
    for name, region in (entry.get("functions") or {}).items():
        if not name:
            continue
        summary = region.get("summary", {})
        missing = int(summary.get("missing_lines", 0))
        if missing:
            found.append(
                FunctionGap(
                    name=name.split("@")[0],
                    line=int(region.get("start_line", 0)),
                    missing=missing,
                    statements=int(summary.get("num_statements", 0)),
                )
            )
    return tuple(sorted(found, key=lambda g: (-g.missing, g.line)))


def analyze(
    data_file: Path,
    scope: Scope,
    omit: Iterable[str],
    json_path: Path,
    source: str = "measured",
    data_label: str | None = None,
    python: str | None = None,
) -> Analysis:
    """Analyse ``data_file``: project files (minus ``omit``) and test files.

    Project files go through coverage.py's JSON report (statements, branches, functions);
    test files only need their executed lines, read from the data without parsing them.
    """
    omit = tuple(omit)
    raw = coverage.CoverageData(basename=str(data_file))
    raw.read()
    project: list[str] = []
    test_executed: dict[str, frozenset[int]] = {}
    for name in sorted(raw.measured_files()):
        path = Path(name).resolve()
        rel = scope.rel(path)
        if scope.is_test(path):
            test_executed[rel] = frozenset(raw.lines(name) or ())
        elif scope.is_project(path) and not any(globs.matches(g, rel) for g in omit):
            project.append(name)
    report, notes = _report(data_file, json_path, scope.root, project, python)
    files: list[FileCoverage] = []
    numbers: dict[str, tuple[int, int]] = {}
    gaps: dict[str, tuple[FunctionGap, ...]] = {}
    for key, entry in sorted(report.get("files", {}).items()):
        path = Path(key)
        if not path.is_absolute():
            path = Path.cwd() / path
        path = path.resolve()
        rel = scope.rel(path)
        summary = entry.get("summary", {})
        if not scope.is_project(path) or any(globs.matches(g, rel) for g in omit):
            continue
        statements = int(summary.get("num_statements", 0))
        branches = int(summary.get("num_branches", 0))
        covered = int(summary.get("covered_lines", 0)) + int(summary.get("covered_branches", 0))
        numbers[rel] = (covered, statements + branches)
        files.append(
            FileCoverage(
                path=rel,
                statements=statements,
                missing=tuple(entry.get("missing_lines", ())),
                branches=branches,
                partial_branches=int(summary.get("num_partial_branches", 0)),
                percent=float(summary.get("percent_covered", 100.0)),
                executed=tuple(entry.get("executed_lines", ())),
            )
        )
        gaps[rel] = _gaps(entry)
    data = CoverageData(
        files=tuple(files),
        percent=percent(numbers.values()),
        source=source,
        data_file=data_label or str(data_file),
    )
    return Analysis(
        data=data,
        numbers=numbers,
        test_executed=test_executed,
        gaps=gaps,
        notes=notes,
    )


def percent(numbers: Iterable[tuple[int, int]]) -> float:
    """coverage.py's percent over several files: covered / total, 100 when there is nothing."""
    covered = total = 0
    for c, t in numbers:
        covered += c
        total += t
    return 100.0 * covered / total if total else 100.0
