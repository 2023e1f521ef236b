"""The incremental cache: mutant verdicts keyed by the code and the tests that judged them.

A key hashes the mutated function text, the original function text (decorators
included), the ordered covering tests, the content of their test files and of the
``conftest.py`` files above them, the content of the test tree's support files (helpers,
data and case files: what is there but is not a test module), the text of every
project function the covering tests reached in the run (a helper the function calls),
and the module-level code of those functions' modules and of the project modules they
import (``modcode``: constants, class attributes, default values).
Tests found to fail when run alone on the unmodified code are kept in the same file,
keyed by their node id with the digest of their sources (``TestSources.digest``): an
audit that runs no mutant still reports them.
Stored as one JSON file under ``OUTPUT_DIR/mutation-cache/``, written atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from testvet.model import FunctionInfo, TestResult
from testvet.mutate.modcode import ModuleCode
from testvet.mutate.treewatch import files
from testvet.output import write_atomic

#: Bump when a change to the engine makes old verdicts meaningless.
ENGINE_VERSION = "5"
FILE = "results.json"
#: Statuses worth keeping: a timeout may come from a loaded machine, so it is rerun.
CACHEABLE = frozenset({"killed", "survived", "crashed"})


class ReachedCode:
    """Per test, a digest of the text of the project functions it reached in the run.

    A verdict depends on all the code its tests run, not only on the mutated function: a
    helper that swallowed the mutant's error, once fixed, may let a test see it; so
    does the module-level code they read (with ``modules``)."""

    def __init__(
        self,
        root: Path,
        functions: Iterable[FunctionInfo],
        results: Iterable[TestResult],
        modules: ModuleCode | None = None,
    ) -> None:
        self.root = root
        self.modules = modules
        self.where = {f.id: f for f in functions}
        self.reached = {r.nodeid: r.reached for r in results}
        self._lines: dict[str, list[bytes]] = {}
        self._functions: dict[str, str] = {}
        self._tests: dict[str, str] = {}

    def _function(self, fid: str) -> str:
        found = self._functions.get(fid)
        if found is None:
            info = self.where.get(fid)
            text = b""
            if info is not None:
                lines = self._lines.get(info.path)
                if lines is None:
                    try:
                        lines = (self.root / info.path).read_bytes().splitlines(keepends=True)
                    except OSError:
                        lines = []
                    self._lines[info.path] = lines
                text = b"".join(lines[max(0, info.line - 1) : info.end_line])
            found = self._functions[fid] = hashlib.sha256(text).hexdigest()
        return found

    def of_test(self, nodeid: str) -> str:
        found = self._tests.get(nodeid)
        if found is None:
            h = hashlib.sha256()
            reached = sorted(self.reached.get(nodeid, ()))
            for fid in reached:
                h.update(f"{fid}\0{self._function(fid)}\0".encode())
            if self.modules is not None:
                modules = {fid.split(":", 1)[0] for fid in reached}
                h.update(self.modules.digest(modules).encode())
            found = self._tests[nodeid] = h.hexdigest()
        return found


class TestSources:
    """Digests of test files and the conftest.py files above them, read once; of the
    test tree's support files (``support_digest``), which every key includes; and, with
    ``code``, of the project functions each test reached."""

    __test__ = False

    def __init__(self, root: Path, support: str = "", code: ReachedCode | None = None) -> None:
        self.root = root
        self.support = support
        self.code = code
        self._files: dict[str, str] = {}

    def _digest(self, rel: str) -> str:
        if rel not in self._files:
            try:
                data = (self.root / rel).read_bytes()
            except OSError:
                data = b""
            self._files[rel] = hashlib.sha256(data).hexdigest()
        return self._files[rel]

    def digest(self, nodeids: Iterable[str]) -> str:
        nodeids = tuple(nodeids)
        files: set[str] = set()
        for nodeid in nodeids:
            rel = nodeid.split("::", 1)[0]
            files.add(rel)
            parts = rel.split("/")[:-1]
            for depth in range(len(parts) + 1):
                files.add("/".join([*parts[:depth], "conftest.py"]))
        h = hashlib.sha256(self.support.encode())
        for rel in sorted(files):
            h.update(f"{rel}\0{self._digest(rel)}\0".encode())
        if self.code is not None:
            code = self.code
            for digest in sorted({code.of_test(nodeid) for nodeid in nodeids}):
                h.update(digest.encode())
        return h.hexdigest()


def support_digest(
    root: Path, test_dirs: Iterable[Path], test_files: Iterable[str], skip: Iterable[Path] = ()
) -> str:
    """Digest of every file in the test directories that is neither a collected test
    module nor a ``conftest.py``: helpers the tests import, data and case files they
    read. A test's verdict may change when one of them does, and which test reads which
    is not recorded, so a change to any of them changes every key."""
    modules = set(test_files)
    base = root.resolve()
    h = hashlib.sha256()
    for top in sorted({Path(d).resolve() for d in test_dirs}):
        for path in files(top, skip):
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if rel in modules or path.name == "conftest.py" or path.suffix in (".pyc", ".pyo"):
                continue
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
            h.update(f"{rel}\0{hashlib.sha256(data).hexdigest()}\0".encode())
    return h.hexdigest()


def key(
    mutant_id: str, mutated: str, original: str, tests: Iterable[str], tests_digest: str
) -> str:
    """The cache key of one mutant: which ``tests`` run it, not their order (fastest
    first: the order follows durations, which vary from run to run)."""
    h = hashlib.sha256()
    which = "\n".join(sorted(tests))
    for part in (ENGINE_VERSION, mutant_id, mutated, original, which, tests_digest):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class Cache:
    """Load once, update as verdicts arrive, save atomically."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE
        self.entries: dict[str, dict[str, Any]] = {}
        #: test node id -> how it did when run alone on the unmodified code, and the
        #: digest of its sources then (``TestSources.digest``)
        self.alone: dict[str, dict[str, Any]] = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("engine") == ENGINE_VERSION:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.entries = entries
            alone = data.get("alone")
            if isinstance(alone, dict):
                self.alone = alone

    def get(self, k: str) -> dict[str, Any] | None:
        entry = self.entries.get(k)
        return entry if isinstance(entry, dict) and entry.get("status") in CACHEABLE else None

    def put(self, k: str, status: str, killed_by: str | None, duration: float) -> None:
        if status in CACHEABLE:
            self.entries[k] = {"status": status, "killed_by": killed_by, "duration": duration}
        else:
            self.entries.pop(k, None)
        self.dirty = True

    def seen_alone(self, test: str, digest: str) -> tuple[str, str] | None:
        """``(outcome, error)`` of ``test`` run alone, if seen with these sources."""
        entry = self.alone.get(test)
        if not isinstance(entry, dict) or entry.get("digest") != digest:
            return None
        outcome, error = entry.get("outcome"), entry.get("error")
        if not isinstance(outcome, str) or not isinstance(error, str):
            return None
        return outcome, error

    def put_alone(self, test: str, digest: str, outcome: str, error: str) -> None:
        self.alone[test] = {"digest": digest, "outcome": outcome, "error": error}
        self.dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache; with ``keep``, drop entries of mutants that no longer exist."""
        if keep is not None:
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"engine": ENGINE_VERSION, "entries": self.entries, "alone": self.alone}
        text = json.dumps(data, sort_keys=True)
        write_atomic(self.path, text)
        self.dirty = False
