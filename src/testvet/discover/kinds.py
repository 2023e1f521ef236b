"""Where a test sits in the pyramid: unit, integration or end-to-end.

Three signals, the first that answers wins:

1. **markers** on the item: ``e2e``, ``end_to_end``, ``system``, ``acceptance``,
   ``browser``, ``ui`` -> e2e; ``integration``, ``functional``, ``slow``, ``db``,
   ``network`` -> integration;
2. **the path**: a directory named like those markers (``tests/e2e/``,
   ``tests/integration/``, ``tests/functional/``...) -> that kind; ``tests/unit/`` -> unit;
3. **what the test file touches** (static, per file): a browser driver, or the project's
   own command run in a subprocess (its ``[project.scripts]`` name, ``-m PKG``) -> e2e;
   subprocesses, sockets, HTTP clients and servers, databases, or the project's CLI
   entry point called in-process -> integration.

Anything else is a unit test. The signals are deliberately simple and documented here
so that a user can predict (and steer, with a marker) the classification.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from testvet.discover.imports import FileFacts
from testvet.model import TestKind

E2E_MARKERS = frozenset({"e2e", "end_to_end", "endtoend", "system", "acceptance", "browser", "ui"})
INTEGRATION_MARKERS = frozenset(
    {"integration", "integration_test", "functional", "slow", "db", "database", "network"}
)
UNIT_MARKERS = frozenset({"unit"})

E2E_DIRS = frozenset({"e2e", "end_to_end", "endtoend", "system", "acceptance", "ui"})
INTEGRATION_DIRS = frozenset({"integration", "integrations", "integration_tests", "functional"})
UNIT_DIRS = frozenset({"unit", "units", "unit_tests"})

#: Imported top-level modules that drive a real browser or a deployed system.
E2E_MODULES = frozenset({"selenium", "playwright", "splinter", "pyppeteer"})
#: Imported modules that make a test leave the process: processes, sockets, HTTP, databases.
INTEGRATION_MODULES = frozenset(
    {
        "subprocess",
        "multiprocessing",
        "socket",
        "socketserver",
        "ssl",
        "http.client",
        "http.server",
        "urllib.request",
        "requests",
        "httpx",
        "aiohttp",
        "urllib3",
        "websockets",
        "sqlite3",
        "dbm",
        "psycopg",
        "psycopg2",
        "pymysql",
        "MySQLdb",
        "asyncpg",
        "sqlalchemy",
        "redis",
        "pymongo",
        "boto3",
        "docker",
        "testcontainers",
    }
)
_SUBPROCESS_CALLS = frozenset(
    {"run", "Popen", "call", "check_call", "check_output", "create_subprocess_exec", "system"}
)


def _imports_any(facts: FileFacts, modules: frozenset[str]) -> bool:
    for name in facts.imports:
        parts = name.split(".")
        if any(".".join(parts[:end]) in modules for end in range(1, len(parts) + 1)):
            return True
    return False


def _runs_own_command(facts: FileFacts, scripts: Iterable[str], packages: Iterable[str]) -> bool:
    """A subprocess call in a file that names the project's command or ``-m PKG``."""
    spawns = any(call.rsplit(".", 1)[-1] in _SUBPROCESS_CALLS for call in facts.calls)
    if not spawns:
        return False
    commands = set(scripts)
    if "-m" in facts.strings:
        commands |= set(packages)
        modules = tuple(f"{p}." for p in packages)
        if any(s.startswith(modules) for s in facts.strings):
            return True
    return any(s in commands or any(s.endswith(f"/{n}") for n in commands) for s in facts.strings)


def _calls_entry_point(facts: FileFacts, targets: Iterable[str]) -> bool:
    """The file imports a ``[project.scripts]`` function and calls it in-process."""
    for target in targets:
        module, _, func = target.partition(":")
        func = func.split(".")[-1].strip()
        if not func:
            continue
        called = [c for c in facts.calls if c == func or c.endswith(f".{func}")]
        if f"{module.strip()}.{func}" in facts.imports and func in called:
            return True
        imported = any(i == module or i.startswith(f"{module}.") for i in facts.imports)
        if imported and any(c != func for c in called):
            return True
    return False


def file_kind(
    facts: FileFacts, scripts: Mapping[str, str] | None = None, packages: Iterable[str] = ()
) -> TestKind | None:
    """The kind signalled by what a test file touches, None when it touches nothing.

    ``scripts`` maps the project's command names to their ``module:function`` targets.
    """
    scripts = scripts or {}
    if _imports_any(facts, E2E_MODULES) or _runs_own_command(facts, scripts, packages):
        return TestKind.E2E
    if _imports_any(facts, INTEGRATION_MODULES) or _calls_entry_point(facts, scripts.values()):
        return TestKind.INTEGRATION
    return None


def path_kind(path: str) -> TestKind | None:
    """The kind signalled by a directory on the test's path."""
    for part in reversed(path.split("/")[:-1]):
        name = part.lower()
        if name in E2E_DIRS:
            return TestKind.E2E
        if name in INTEGRATION_DIRS:
            return TestKind.INTEGRATION
        if name in UNIT_DIRS:
            return TestKind.UNIT
    return None


def marker_kind(markers: Iterable[str]) -> TestKind | None:
    """The kind signalled by the item's markers (e2e beats integration beats unit)."""
    names = {m.lower() for m in markers}
    if names & E2E_MARKERS:
        return TestKind.E2E
    if names & INTEGRATION_MARKERS:
        return TestKind.INTEGRATION
    if names & UNIT_MARKERS:
        return TestKind.UNIT
    return None


def item_kind(markers: Iterable[str], path: str, touched: TestKind | None) -> TestKind:
    """Markers, then the path, then what the file touches; unit otherwise."""
    return marker_kind(markers) or path_kind(path) or touched or TestKind.UNIT


_RANK = {TestKind.UNIT: 0, TestKind.INTEGRATION: 1, TestKind.E2E: 2}


def majority(kinds: Iterable[TestKind], default: TestKind) -> TestKind:
    """The most common kind of a file's tests (ties go to the larger test)."""
    counts = dict.fromkeys(TestKind, 0)
    for kind in kinds:
        counts[kind] += 1
    if not any(counts.values()):
        return default
    return max(TestKind, key=lambda k: (counts[k], _RANK[k]))
