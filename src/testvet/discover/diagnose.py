"""Turn what went wrong during collection into ``collection-error`` findings with fix hints.

Codes:

- ``TV201`` a test file pytest cannot collect (import error, syntax error, ...);
- ``TV202`` a ``conftest.py`` that raises while pytest loads it;
- ``TV203`` the project's interpreter has no pytest (the inventory falls back to the AST);
- ``TV204`` collection did not finish within the timeout (a test module hangs at import);
- ``TV205`` pytest could not start or the collection process died (bad ``addopts``,
  an unknown plugin option, a crash in a plugin).
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testvet.discover.collect import CollectResult
from testvet.discover.imports import FileFacts
from testvet.model import Category, Finding, Severity

TV_FILE, TV_CONFTEST, TV_NO_PYTEST, TV_TIMEOUT, TV_CRASH = (
    "TV201",
    "TV202",
    "TV203",
    "TV204",
    "TV205",
)

#: Code -> short title (for rule listings and docs).
CODES: Mapping[str, str] = {
    TV_FILE: "test file cannot be collected",
    TV_CONFTEST: "conftest.py raises while loading",
    TV_NO_PYTEST: "the project's interpreter has no pytest",
    TV_TIMEOUT: "collection did not finish in time",
    TV_CRASH: "pytest could not collect the suite",
}


@dataclass(frozen=True)
class Context:
    """What the hints need to know about the project."""

    python: str
    packages: tuple[str, ...]
    source_roots: tuple[str, ...]
    #: Facts of test files by relative path (to see ``src.pkg`` imports).
    facts: Callable[[str], FileFacts | None]
    #: The project's root, to look for the missing part of a dotted module on disk.
    root: Path | None = None


def _finding(
    code: str, path: str, line: int | None, message: str, hint: str | None, **extra: Any
) -> Finding:
    return Finding(
        code=code,
        category=Category.COLLECTION_ERROR,
        severity=Severity.HIGH,
        path=path,
        line=line,
        message=message,
        hint=hint,
        detail=extra,
    )


def _pythonpath_hint(ctx: Context) -> str:
    roots = [r for r in ctx.source_roots if r != "."]
    setting = f'pythonpath = ["{roots[0]}"]' if roots else 'pythonpath = ["."]'
    return (
        f"install the project into {ctx.python} (`pip install -e .`) or set `{setting}` "
        "in [tool.pytest.ini_options]"
    )


def _imports_src(facts: FileFacts | None, ctx: Context) -> str | None:
    if facts is None:
        return None
    roots = [r.replace("/", ".") for r in ctx.source_roots if r != "."] or ["src"]
    for name in facts.imports:
        for root in roots:
            if name == root or name.startswith(root + "."):
                return name
    return None


def hint_for(error: Mapping[str, Any], ctx: Context) -> str:
    """A fix hint for one collection error (see the module docstring for the cases)."""
    path = str(error.get("path") or "")
    missing = str(error.get("missing_module") or "")
    exception = str(error.get("exception") or "")
    cause = str(error.get("cause") or "")
    src_import = _imports_src(ctx.facts(path), ctx)
    top = missing.split(".")[0]
    roots = {r.replace("/", ".").split(".")[0] for r in ctx.source_roots if r != "."} | {"src"}
    if src_import or top in roots:
        shown = src_import or missing
        prefix = shown.split(".", 1)[0]
        return (
            f"the test imports `{shown}` through the source directory `{prefix}`: drop the "
            f"`{prefix}.` prefix and make the package importable: {_pythonpath_hint(ctx)}"
        )
    if missing and top in ctx.packages:
        absent = _absent_submodule(missing, ctx)
        if absent:
            return absent
        return f"the project's package `{top}` is not importable: {_pythonpath_hint(ctx)}"
    if missing:
        return (
            f"`{top}` is not installed in {ctx.python}: install it in the project's "
            "environment, or pass --python with the interpreter that has it"
        )
    if exception in {"SyntaxError", "IndentationError", "TabError"}:
        where = f"{error.get('file')}:{error.get('line')}" if error.get("file") else path
        return f"fix the syntax error at {where}"
    if exception.endswith("Warning"):
        return (
            f"a {exception} was turned into an error (`filterwarnings = error` in the "
            "project's pytest configuration): fix what triggers it, or add an `ignore::` "
            "entry for it"
        )
    if "import file mismatch" in cause or "import file mismatch" in str(error.get("text", "")):
        return (
            "two test files share a module name: add `__init__.py` to the test directories, "
            "rename one, or set `--import-mode=importlib` in addopts"
        )
    return f"run `pytest --collect-only {path}` in the project to see the full traceback"


def _absent_submodule(missing: str, ctx: Context) -> str | None:
    """For ``pkg.sub.mod`` when ``pkg`` is on disk: the first part of the name with no
    module or package there (a file not in the tree, or not shipped in an sdist)."""
    if ctx.root is None or "." not in missing:
        return None
    parts = missing.split(".")
    for source in ctx.source_roots:
        base = ctx.root / source
        if not (base / parts[0]).is_dir():
            continue
        for depth in range(2, len(parts) + 1):
            where = base.joinpath(*parts[:depth])
            if where.is_dir() or where.with_suffix(".py").is_file():
                continue
            name = ".".join(parts[:depth])
            rel = where.relative_to(ctx.root).as_posix()
            return (
                f"`{name}` does not exist in the project: there is no {rel}.py nor a "
                f"{rel}/ package (a file left out of the tree or of the sdist)"
            )
        return None
    return None


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _own_line(error: Mapping[str, Any], path: str) -> int | None:
    """The line in ``path`` itself where the failure started, when known."""
    line = error.get("line") if error.get("file") == path else error.get("own_line")
    return line if isinstance(line, int) else None


def for_errors(result: CollectResult, ctx: Context) -> list[Finding]:
    """Findings for the per-file errors of a collection that completed."""
    findings = []
    for error in result.errors:
        cause = _one_line(str(error.get("cause") or "unknown error"))
        conftest = error.get("conftest")
        if conftest:
            line = _own_line(error, str(conftest))
            hint = f"fix the error in {conftest}" + (f" at line {line}" if line else "")
            if error.get("missing_module"):
                hint += "; " + hint_for(error, ctx)
            where = error.get("path")
            effect = f"no test under {where} is collected" if where else "collection stopped"
            findings.append(
                _finding(
                    TV_CONFTEST,
                    str(conftest),
                    line,
                    f"{conftest}{f':{line}' if line else ''} raises while pytest loads it "
                    f"({cause}); {effect}",
                    hint,
                    nodeid=error.get("nodeid"),
                )
            )
            continue
        path = str(error.get("path") or error.get("nodeid") or "")
        findings.append(
            _finding(
                TV_FILE,
                path,
                _own_line(error, path),
                f"{path} cannot be collected: {cause}",
                hint_for(error, ctx),
                nodeid=error.get("nodeid"),
            )
        )
    return findings


def _status(returncode: int | None) -> str:
    if returncode is None:
        return "it did not start"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def for_failure(result: CollectResult, ctx: Context, test_paths: tuple[str, ...]) -> Finding:
    """The one finding for a collection that produced no inventory at all."""
    where = test_paths[0] if test_paths else "."
    if result.status == "no-pytest":
        return _finding(
            TV_NO_PYTEST,
            where,
            None,
            f"{ctx.python} has no pytest, so the suite cannot be collected or run; "
            "the inventory comes from the test files' AST",
            "install pytest in the project's environment, or pass --python with the "
            "project's interpreter",
        )
    if result.status == "timeout":
        path = result.last_file or where
        return _finding(
            TV_TIMEOUT,
            path,
            None,
            f"collection did not finish in {result.seconds:.0f} s"
            + (f"; it was importing {result.last_file}" if result.last_file else ""),
            "a test module or conftest blocks at import time (a server, a sleep, a loop); "
            "move that work into a fixture",
        )
    if result.status == "conftest":
        conftest = result.conftest or "conftest.py"
        line = f":{result.line}" if result.line else ""
        return _finding(
            TV_CONFTEST,
            conftest,
            result.line,
            f"{conftest}{line} raises while pytest loads it "
            f"({_one_line(result.cause or 'unknown error')}); no test can be collected",
            f"fix the error in {conftest}{f' at line {result.line}' if result.line else ''}",
        )
    lines = [x.strip() for x in result.stderr.splitlines() if x.strip()]
    fatal = [x for x in lines if x.startswith("Fatal Python error")]
    last = _one_line((fatal or lines)[-1]) if lines else "it wrote no report and no error"
    status = _status(result.returncode)
    during = f" while importing {result.last_file}" if result.last_file else ""
    return _finding(
        TV_CRASH,
        result.last_file or where,
        None,
        f"pytest could not collect the suite ({status}{during}): {last}",
        f"run `python -m pytest --collect-only {result.last_file}` in the project to see "
        "what stops the interpreter"
        if result.last_file
        else "run `python -m pytest --collect-only` in the project; check addopts and plugins",
    )
