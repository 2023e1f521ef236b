"""Project layout on disk: name, source roots, packages, test paths and project modules.

Rules, in order (the first that gives an answer wins):

- name: ``[project].name``, ``[tool.poetry].name``, else the directory name;
- source roots: ``[tool.testvet] src``; ``src/`` when it holds a package; else ``.``;
- test paths: ``[tool.testvet] tests``; pytest's ``testpaths`` (from the file pytest
  itself reads: ``pytestconfig``); ``tests/`` or ``test/``;
  else ``.``;
- project modules: every ``.py`` under the packages of the source roots, minus test
  files (``test_*.py``, ``*_test.py``, ``conftest.py``), ``tests``/``test`` directories
  and anything under a test path.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testvet import pytestconfig
from testvet.config import read_pyproject, toml_table
from testvet.model import ModuleInfo

#: Directories never searched for project code or tests.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "env",
        ".eggs",
        "build",
        "dist",
        "node_modules",
        "__pycache__",
        "site-packages",
        ".testvet",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)
#: Top-level directories of a flat layout that are not the project's code.
NOT_PACKAGES = frozenset({"tests", "test", "testing", "docs", "doc", "examples", "benchmarks"})
#: Top-level modules of a flat layout that are tooling, not the project's code (and
#: ``tests.py``/``test.py``, a suite in one module: ``TEST_DIR_NAMES``).
NOT_MODULES = frozenset({"setup", "conftest", "noxfile", "tasks", "fabfile", "manage"})
TEST_DIR_NAMES = frozenset({"tests", "test"})


def project_name(root: Path, pyproject: Mapping[str, Any]) -> str:
    """``[project].name``, ``[tool.poetry].name``, or the directory name."""
    for table in (toml_table(pyproject, "project"), toml_table(pyproject, "tool", "poetry")):
        if isinstance(table, dict) and isinstance(table.get("name"), str) and table["name"]:
            return str(table["name"])
    return root.name


def is_test_file(name: str) -> bool:
    """pytest's default ``python_files`` patterns, plus conftest.py."""
    return name == "conftest.py" or (
        name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))
    )


def _has_code(directory: Path) -> bool:
    """Python files in it or below it (a namespace package may hold only subpackages)."""
    for _here, subdirs, files in os.walk(directory):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in SKIP_DIRS]
        if any(name.endswith(".py") for name in files):
            return True
    return False


def _packages_in(source_root: Path, flat: bool) -> list[str]:
    names = []
    for entry in sorted(source_root.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIP_DIRS:
            continue
        if entry.is_dir() and entry.name.isidentifier():
            if flat and (entry.name in NOT_PACKAGES or not (entry / "__init__.py").is_file()):
                continue
            if not flat and not _has_code(entry) and not (entry / "__init__.py").is_file():
                continue
            names.append(entry.name)
        elif entry.is_file() and entry.suffix == ".py" and entry.stem.isidentifier():
            if (
                entry.stem in NOT_MODULES
                or entry.stem in TEST_DIR_NAMES
                or is_test_file(entry.name)
            ):
                continue
            names.append(entry.stem)
    return names


def source_roots(root: Path, configured: tuple[str, ...]) -> tuple[str, ...]:
    """Directories (relative) holding the project's importable code."""
    if configured:
        return tuple(_norm(c) for c in configured)
    src = root / "src"
    if src.is_dir() and _packages_in(src, flat=False):
        return ("src",)
    return (".",)


def packages(root: Path, roots: tuple[str, ...]) -> tuple[str, ...]:
    """Top-level import names the source roots provide."""
    found: list[str] = []
    for rel in roots:
        directory = root / rel
        if directory.is_dir():
            for name in _packages_in(directory, flat=rel == "."):
                if name not in found:
                    found.append(name)
    return tuple(found)


def _norm(path: str) -> str:
    text = Path(path).as_posix().strip("/")
    return text[2:] if text.startswith("./") else (text or ".")


def ini_testpaths(root: Path, pyproject: Mapping[str, Any]) -> tuple[str, ...] | None:
    """pytest's ``testpaths`` from the file pytest itself would read, None when unset."""
    return ini_option(root, pyproject, "testpaths")


def ini_option(root: Path, pyproject: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    """A pytest option that holds arguments (``testpaths``, ``addopts``) as words, from
    the file pytest itself would read; None when unset."""
    return pytestconfig.words(pytestconfig.options(root, pyproject).get(key))


def test_paths(
    root: Path,
    configured: tuple[str, ...],
    pyproject: Mapping[str, Any],
    code: tuple[str, ...],
) -> tuple[str, ...]:
    """The paths handed to pytest (relative to the root); ``code``: the project's
    packages and modules (relative paths)."""
    if configured:
        return tuple(_norm(c) for c in configured)
    from_ini = ini_testpaths(root, pyproject)
    if from_ini:
        existing = [
            _norm(p.relative_to(root).as_posix())
            for pattern in from_ini
            for p in sorted(root.glob(pattern))
            if p.exists()
        ]
        if existing:
            return tuple(dict.fromkeys(existing))
    for name in ("tests", "test"):
        if (root / name).is_dir():
            # Plain ``pytest`` collects from the root: the text files its doctest globs
            # match, and under ``--doctest-modules`` the doctests of the code.
            addopts = ini_option(root, pyproject, "addopts") or ()
            texts = doctest_text_files(root, addopts, skip=name)
            if "--doctest-modules" not in addopts:
                return (name, *texts)
            if any((root / c).is_file() for c in code):
                # A module file named on pytest's command line is collected as a test
                # module whatever its name; from the root it gives only its doctests.
                return (".",)
            return (name, *(c for c in code if (root / c).exists()), *texts)
    return (".",)


#: pytest's ``--doctest-glob`` when none is given.
DEFAULT_DOCTEST_GLOB = "test*.txt"


def doctest_text_files(root: Path, addopts: Sequence[str], skip: str) -> tuple[str, ...]:
    """The text files plain ``pytest`` at ``root`` collects as doctests (their names
    match a ``--doctest-glob``, ``test*.txt`` by default; ``README.md`` is common),
    outside the directory ``skip`` that is collected anyway."""
    patterns = [a.split("=", 1)[1] for a in addopts if a.startswith("--doctest-glob=")]
    patterns += [b for a, b in itertools.pairwise(addopts) if a == "--doctest-glob"]
    patterns = patterns or [DEFAULT_DOCTEST_GLOB]
    found = (path.relative_to(root).as_posix() for path in _files(root))
    return tuple(
        rel
        for rel in found
        if not rel.startswith(f"{skip}/")
        and ".egg-info/" not in rel
        and not rel.endswith(".py")
        and any(fnmatch.fnmatch(rel.rsplit("/", 1)[-1], p) for p in patterns)
    )


def _files(directory: Path) -> Iterator[Path]:
    """Every file below ``directory``, in order, hidden and ``SKIP_DIRS`` ones left out."""
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIP_DIRS:
            continue
        if entry.is_dir():
            yield from _files(entry)
        else:
            yield entry


def _walk(directory: Path) -> Iterator[Path]:
    return (path for path in _files(directory) if path.suffix == ".py")


def _under(rel: str, bases: tuple[str, ...]) -> bool:
    return any(b != "." and (rel == b or rel.startswith(b + "/")) for b in bases)


def holds_code(test: str, code: Iterable[str]) -> bool:
    """Whether test path ``test`` is (or contains) project code rather than standing
    apart from it: the root, a package or module of the project, or a directory holding
    them (``testpaths = tests pkg`` to collect the package's doctests). Paths relative to
    the root, with ``/``; a directory inside a package is a test directory."""
    if test == ".":
        return True
    return any(c != "." and (c == test or c.startswith(test + "/")) for c in code)


def modules(
    root: Path, roots: tuple[str, ...], pkgs: tuple[str, ...], tests: tuple[str, ...]
) -> tuple[ModuleInfo, ...]:
    """Every project module (dotted name and relative path), test code excluded."""
    out: dict[str, ModuleInfo] = {}
    code = [_norm(f"{r}/{name}") for r in roots for name in (*pkgs, *(f"{p}.py" for p in pkgs))]
    tests = tuple(t for t in tests if not holds_code(t, code))
    for rel_root in roots:
        base = root / rel_root
        for name in pkgs:
            package_dir, module_file = base / name, base / f"{name}.py"
            files = list(_walk(package_dir)) if package_dir.is_dir() else []
            if module_file.is_file():
                files.append(module_file)
            for path in files:
                rel = path.relative_to(root).as_posix()
                inside = path.relative_to(base).with_suffix("").parts
                if is_test_file(path.name) or _under(rel, tests):
                    continue
                if any(part in TEST_DIR_NAMES for part in inside[:-1]):
                    continue
                if not all(part.isidentifier() for part in inside):
                    continue
                parts = inside[:-1] if inside[-1] == "__init__" else inside
                dotted = ".".join(parts)
                out.setdefault(dotted, ModuleInfo(name=dotted, path=rel))
    return tuple(sorted(out.values(), key=lambda m: m.name))


@dataclass(frozen=True)
class Layout:
    """What :func:`discover` finds on disk (the interpreter is chosen elsewhere)."""

    name: str
    source_roots: tuple[str, ...]
    packages: tuple[str, ...]
    test_paths: tuple[str, ...]
    modules: tuple[ModuleInfo, ...]
    pyproject: str | None
    #: ``[project.scripts]`` names -> ``module:function`` targets.
    scripts: Mapping[str, str]


def discover(root: Path, src: tuple[str, ...] = (), tests: tuple[str, ...] = ()) -> Layout:
    """Read the project's layout; ``src``/``tests`` are the ``[tool.testvet]`` overrides."""
    pyproject = read_pyproject(root)
    roots = source_roots(root, src)
    pkgs = packages(root, roots)
    code = [_norm(f"{r}/{name}") for r in roots for name in pkgs]
    code = [c if (root / c).is_dir() else f"{c}.py" for c in code]
    tpaths = test_paths(root, tests, pyproject, tuple(code))
    scripts = toml_table(pyproject, "project", "scripts")
    return Layout(
        name=project_name(root, pyproject),
        source_roots=roots,
        packages=pkgs,
        test_paths=tpaths,
        modules=modules(root, roots, pkgs, tpaths),
        pyproject="pyproject.toml" if (root / "pyproject.toml").is_file() else None,
        scripts={str(k): str(v) for k, v in scripts.items()},
    )
