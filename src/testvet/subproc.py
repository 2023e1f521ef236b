"""Running pytest in a child process with the audited project's interpreter.

The child gets testvet's standalone plugins (``testvet/_plugins``) on ``PYTHONPATH``,
never writes bytecode or pytest's cache into the project, and runs from the project
root so the project's own pytest configuration (addopts, markers, conftest) applies.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from testvet import pytestconfig
from testvet.errors import SuiteError

#: Directory of the standalone plugin modules injected into the child.
PLUGIN_DIR = Path(__file__).parent / "_plugins"

#: The plugin every pytest testvet starts gets (``_plugins/testvet_keepout.py``).
KEEPOUT_PLUGIN = "testvet_keepout"

#: Where a child keeps pytest's cache (``cache_dir``), inside its work directory: never
#: ``.pytest_cache`` in the project.
CACHE_DIR = "pytest-cache"


def find_python(root: Path, configured: str | None) -> str:
    """The interpreter to run the suite with.

    ``--python``/``python =`` first (a bare name is looked up on ``PATH``; a relative
    path is tried against the project root, then the current directory), then an active
    virtualenv, then ``ROOT/.venv``, then testvet's own interpreter.
    """
    if configured:
        if os.sep not in configured and "/" not in configured:
            found = shutil.which(configured)
        else:
            given = Path(configured).expanduser()
            options = [given] if given.is_absolute() else [root / given, given]
            found = next((str(p) for p in options if p.is_file()), None)
        if not found or not Path(found).exists():
            raise SuiteError(f"--python {configured}: no such interpreter")
        # Absolute (the child runs from the root) but not resolved: a venv's python is a
        # symlink whose location is what makes it that venv's interpreter.
        return os.path.abspath(found)
    active = os.environ.get("VIRTUAL_ENV")
    candidates = []
    if active:
        candidates.append(Path(active) / "bin" / "python")
    candidates.append(root / ".venv" / "bin" / "python")
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    return sys.executable


def child_env(
    extra_paths: Sequence[Path] = (),
    extra: Mapping[str, str] | None = None,
    work_dir: Path | None = None,
) -> dict[str, str]:
    """The environment of a pytest child: plugins on the path, no bytecode written; with
    ``work_dir``, what the suite's tools would keep in the project (Hypothesis' example
    database, ``.hypothesis/`` in the current directory) goes there instead."""
    env = dict(os.environ)
    paths = [str(PLUGIN_DIR), *map(str, extra_paths)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # A stable hash seed. Colour stays as the user's environment has it (``NO_COLOR``
    # is the suite's business too: code under test honours it): the logs are read
    # through ``plain``.
    env.setdefault("PYTHONHASHSEED", "0")
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_PLUGINS", None)
    if work_dir is not None:
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(work_dir / "hypothesis")
        env["TESTVET_WORK_DIR"] = str(work_dir)  # for the ``testvet_keepout`` plugin
    if extra:
        env.update(extra)
    return env


#: Terminal escape sequences (colours, cursor moves) in a log pytest wrote.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    """``text`` from a child's log without terminal escape sequences (a ``PY_COLORS=1``
    or ``FORCE_COLOR`` in the user's environment colours pytest's output)."""
    return _ESCAPES.sub("", text)


def fresh_cache_dir(work_dir: Path) -> Path:
    """An empty directory for pytest's cache under ``work_dir``.

    pytest's cache stays on — tests use its ``cache`` fixture, plugins ``config.cache`` —
    but out of the project. Empty at every audit, so options that read it (``--lf``,
    ``--ff``, ``--sw`` in the project's addopts) see what a fresh checkout would."""
    cache = work_dir / CACHE_DIR
    shutil.rmtree(cache, ignore_errors=True)
    return cache


#: Options of pytest and of common plugins that write a file where the project's
#: configuration says (the project's tree, as a rule), and the option that sends that
#: file into testvet's work directory instead (under the name given).
_WRITES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("--junitxml", "--junit-xml"), "--junitxml", "junit.xml"),
    (("--basetemp",), "--basetemp", "tmp"),
    (("--html",), "--html", "report.html"),  # pytest-html
    (("--report-log",), "--report-log", "report-log.jsonl"),  # pytest-reportlog
    (("--json-report", "--json-report-file"), "--json-report-file", "report.json"),
    (("--benchmark-json",), "--benchmark-json", "benchmark.json"),  # pytest-benchmark
)

#: pytest-xdist's options that make it spread the tests over processes
_DISTRIBUTES = re.compile(r"-n(\d+|auto|logical)?$|--numprocesses\b|--dist\b|--tx\b")


def overrides(root: Path, pytest_args: Sequence[str], work_dir: Path) -> list[str]:
    """Arguments that undo what the project's own pytest options (its ``addopts`` and
    ``pytest_args``) would do that a pytest testvet starts must not: write files into its
    tree (a JUnit XML report, a ``--basetemp`` there...: each goes to ``work_dir``),
    measure coverage with pytest-cov (testvet measures it), or spread the tests over
    processes with pytest-xdist (the per-test map, the warm process and its workers live
    in one). They come after the project's options, so they win. Only options the
    project uses are answered: a plugin's options exist only where the plugin is loaded
    (installed, and plugins not kept from loading by ``PYTEST_DISABLE_PLUGIN_AUTOLOAD``)."""
    ini = pytestconfig.options(root)
    words = [*(pytestconfig.words(ini.get("addopts")) or ()), *pytest_args]

    def used(option: str) -> bool:
        return any(word == option or word.startswith(f"{option}=") for word in words)

    args: list[str] = []
    for given, option, name in _WRITES:
        if any(used(o) for o in given):
            args.append(f"{option}={work_dir / name}")
    # pytest's logging plugin writes the ``log_file`` its configuration names (relative
    # to the rootdir: the project); ``--debug`` writes ``pytestdebug.log`` in the
    # current directory (the project) unless given a name.
    logging_off = any(word.endswith("no:logging") for word in words)
    if (ini.get("log_file") or used("--log-file")) and not logging_off:
        args.append(f"--log-file={work_dir / 'pytest.log'}")
    if used("--debug"):
        args.append(f"--debug={work_dir / 'pytestdebug.log'}")
    if any(word.startswith("--cov") for word in words):
        args.append("--no-cov")
    if any(_DISTRIBUTES.match(word) for word in words):
        args += ["-n", "0"]
    return args


def pytest_command(
    python: str,
    plugins: Sequence[str],
    args: Sequence[str],
    cache_dir: Path,
    launcher: str = "pytest",
) -> list[str]:
    """``python -m pytest -o cache_dir=CACHE_DIR -p PLUGIN... ARGS``; ``launcher``: another
    module that runs pytest (``testvet_boot``)."""
    cmd = [python, "-m", launcher, "-o", f"cache_dir={cache_dir}"]
    for plugin in (KEEPOUT_PLUGIN, *plugins):
        cmd += ["-p", plugin]
    return [*cmd, *args]
