"""Which files of the project are project code, which are tests, and how modules are named."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from testvet import config as config_mod
from testvet.discover.layout import SKIP_DIRS, TEST_DIR_NAMES, holds_code, ini_testpaths
from testvet.model import Audit

#: Directories under a flat-layout root that are never project code.
_NEVER_CODE = (".venv", "venv", ".tox", ".nox", ".git", "build", "dist", "docs", "benchmarks")


@dataclass(frozen=True)
class Scope:
    """Absolute paths that bound project code and test code."""

    root: Path
    #: Files or directories holding project code (the per-test map's universe).
    project_paths: tuple[Path, ...]
    #: Paths never counted as project code (tests, virtualenvs, docs).
    exclude_paths: tuple[Path, ...]
    #: Directories module names are relative to (the source roots).
    import_roots: tuple[Path, ...]
    #: Test files or directories (relative, as given to pytest; empty lets pytest decide).
    test_args: tuple[str, ...]
    #: Absolute test files or directories (for coverage of test files).
    test_paths: tuple[Path, ...]
    #: Where test code lives: the test paths, except the root itself, which stands for
    #: tests beside the code (``pkg/tests/``): then the test directories inside the code.
    test_dirs: tuple[Path, ...] = ()

    def is_test(self, path: Path) -> bool:
        """A file under one of the test directories, or named like a test module."""
        name = path.name
        if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
            return True
        return any(_under(path, t) for t in self.test_dirs)

    def is_project(self, path: Path) -> bool:
        """A project source file (not a test, not in a virtualenv)."""
        if path.suffix != ".py" or self.is_test(path):
            return False
        if "site-packages" in path.parts or "dist-packages" in path.parts:
            return False
        if any(_under(path, x) for x in self.exclude_paths):
            return False
        return any(_under(path, p) for p in self.project_paths)

    def module_name(self, path: Path) -> str:
        """Dotted module name of a project file, relative to its source root."""
        best = max((r for r in self.import_roots if _under(path, r)), key=lambda r: len(r.parts))
        rel = path.relative_to(best).with_suffix("")
        parts = list(rel.parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def rel(self, path: Path | str) -> str:
        """``path`` relative to the root with ``/`` separators (unchanged when outside)."""
        return _rel(Path(path), self.root)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _under(path: Path, prefix: Path) -> bool:
    return path == prefix or prefix in path.parents


def _guess_tests(root: Path) -> tuple[str, ...]:
    """pytest's ``testpaths`` (from the file pytest would read) that exist, else the
    conventional test directories."""
    configured = ini_testpaths(root, config_mod.read_pyproject(root)) or ()
    existing = tuple(t for t in configured if (root / t).exists())
    if existing:
        return existing
    return tuple(name for name in ("tests", "test", "testing") if (root / name).is_dir())


def scope_of(audit: Audit) -> Scope:
    """The scope of ``audit.project`` (with light fallbacks when discovery left fields empty)."""
    project = audit.project
    root = project.root.resolve()
    roots = project.source_roots or (".",)
    if audit.config.src:
        roots = audit.config.src
    elif roots == (".",) and not project.packages and (root / "src").is_dir():
        roots = ("src",)
    tests = project.test_paths or audit.config.tests
    test_args = tuple(tests)
    if not tests:
        tests = _guess_tests(root)
    test_paths = tuple((root / t).resolve() for t in tests)
    project_paths: list[Path] = []
    for r in roots:
        base = (root / r).resolve()
        if base == root and project.packages:
            for pkg in project.packages:
                for candidate in (root / pkg, root / f"{pkg}.py"):
                    if candidate.exists():
                        project_paths.append(candidate)
        else:
            project_paths.append(base)
    code = [_rel(p, root) for p in project_paths]
    test_dirs = [t for t in test_paths if not holds_code(_rel(t, root), code)]
    if len(test_dirs) < len(test_paths):  # the root or the code: tests sit beside the code
        test_dirs += _test_dirs_in(project_paths)
    exclude = [*test_dirs, *(root / name for name in _NEVER_CODE)]
    return Scope(
        root=root,
        project_paths=tuple(project_paths),
        exclude_paths=tuple(exclude),
        import_roots=tuple((root / r).resolve() for r in roots),
        test_args=test_args,
        test_paths=test_paths,
        test_dirs=tuple(test_dirs),
    )


def _test_dirs_in(paths: list[Path]) -> list[Path]:
    """Directories named like test directories (``tests``, ``test``) inside ``paths``."""
    found: list[Path] = []
    pending = [p for p in paths if p.is_dir()]
    while pending:
        directory = pending.pop()
        try:
            entries = sorted(e for e in directory.iterdir() if e.is_dir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIP_DIRS or entry.name in _NEVER_CODE:
                continue
            if entry.name in TEST_DIR_NAMES:
                found.append(entry)
            else:
                pending.append(entry)
    return found
