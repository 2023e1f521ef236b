"""pytest plugin loaded with ``-p testvet_collect`` in the audited project's interpreter.

It records what ``pytest --collect-only`` found (items and collection errors) as JSON in
the file named by ``TESTVET_COLLECT_OUT``; node ids are made relative to
``TESTVET_COLLECT_ROOT`` (the project root). While collecting it appends each file it
starts on to ``TESTVET_COLLECT_OUT + ".progress"`` so that a parent which has to kill a
hanging collection knows where it hung. Standard library and pytest only.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest

_OUT = "TESTVET_COLLECT_OUT"
_ROOT = "TESTVET_COLLECT_ROOT"
_MAX_TEXT = 4000


#: pytest's collectors of doctests (``--doctest-modules`` makes one of every module, test
#: file or not; ``--doctest-glob`` of text files): no test module by themselves.
_DOCTEST_COLLECTORS = frozenset({"DoctestModule", "DoctestTextfile"})


class _Recorder:
    def __init__(self, out: Path, root: Path) -> None:
        self.out = out
        self.root = root
        self.items: list[dict[str, Any]] = []
        self.errors: dict[str, dict[str, Any]] = {}
        self.causes: dict[str, dict[str, Any]] = {}
        self.collected = False
        #: Every file pytest started collecting (with or without items).
        self.files: list[str] = []
        self.progress = open(str(out) + ".progress", "a", encoding="utf-8")  # noqa: SIM115

    # ------------------------------------------------------------------ helpers
    def rel(self, path: Any) -> str:
        p = Path(str(path))
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return p.as_posix()

    def nodeid(self, node_path: Any, nodeid: str) -> str:
        """The node id with its file part made relative to the project root."""
        if node_path is None:
            return nodeid
        _head, sep, tail = nodeid.partition("::")
        return self.rel(node_path) + (sep + tail if sep else "")

    # ------------------------------------------------------------------ hooks
    def pytest_collectstart(self, collector: pytest.Collector) -> None:
        path = _path_of(collector)
        if isinstance(collector, pytest.File) and path is not None and path.name != "__init__.py":
            rel = self.rel(path)
            if type(collector).__name__ not in _DOCTEST_COLLECTORS:
                self.files.append(rel)  # a doctest file counts by its items only
            self.progress.write(rel + "\n")
            self.progress.flush()

    def pytest_exception_interact(self, node: Any, call: Any, report: Any) -> None:
        if type(report).__name__ != "CollectReport" or call.excinfo is None:
            return
        node_path = _path_of(node)
        own = self.rel(node_path) if node_path is not None else None
        self.causes[report.nodeid] = _describe(call.excinfo.value, self, own)

    def pytest_collectreport(self, report: Any) -> None:
        if not report.failed:
            return
        path = getattr(report, "fspath", None)
        text = report.longreprtext or ""
        self.errors[report.nodeid] = {
            "nodeid": report.nodeid,
            "path": self.rel(path) if path else report.nodeid.split("::")[0],
            "text": text[-_MAX_TEXT:],
            "cause": _last_error_line(text),
        }

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected = True
        for item in session.items:
            self.items.append(self.item(item))

    def item(self, item: pytest.Item) -> dict[str, Any]:
        path = _path_of(item)
        cls = getattr(item, "cls", None)
        callspec = getattr(item, "callspec", None)
        markers: list[str] = []
        for mark in item.iter_markers():
            if mark.name != "parametrize" and mark.name not in markers:
                markers.append(mark.name)
        line = item.location[1]
        is_unittest = False
        if cls is not None:
            import unittest

            is_unittest = isinstance(cls, type) and issubclass(cls, unittest.TestCase)
        return {
            "nodeid": self.nodeid(path, item.nodeid),
            "path": self.rel(path),
            "function": getattr(item, "originalname", None) or item.name,
            "cls": cls.__name__ if cls is not None else None,
            "line": line + 1 if isinstance(line, int) else None,
            "markers": markers,
            "params": getattr(callspec, "id", None) if callspec is not None else None,
            "unittest": is_unittest,
            "type": type(item).__name__,
        }

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        errors = []
        for nodeid, error in self.errors.items():
            error.update(self.causes.get(nodeid, {}))
            if error.get("exception") and error.get("message"):
                error["cause"] = f"{error['exception']}: {error['message']}"
            errors.append(error)
        doc = {
            "pytest": pytest.__version__,
            "python": sys.version.split()[0],
            "rootdir": str(_rootdir(session.config)),
            "inifile": str(getattr(session.config, "inipath", None) or "") or None,
            "collected": self.collected,
            "files": list(dict.fromkeys(self.files)),
            "items": self.items,
            "errors": errors,
            "exitstatus": int(exitstatus),
        }
        # A handoff file in testvet's output dir, not user data: when this write is killed
        # or fails, the parent finds no file and reports TV205 (tests/discover cover it).
        tmp = self.out.with_name(self.out.name + ".tmp")
        tmp.write_text(json.dumps(doc), encoding="utf-8")
        os.replace(tmp, self.out)  # testvet: ignore[TV501, TV502]
        self.progress.close()


def _rootdir(config: Any) -> Any:
    """``config.rootpath`` (pytest >= 6.1) or ``config.rootdir``."""
    return getattr(config, "rootpath", None) or getattr(config, "rootdir", ".")


def _path_of(node: Any) -> Path | None:
    """``node.path`` (pytest >= 7) or ``node.fspath`` (older pytest)."""
    path = getattr(node, "path", None) or getattr(node, "fspath", None)
    return Path(str(path)) if path is not None else None


def _root_cause(exc: BaseException) -> BaseException:
    """The exception behind pytest's wrappers (CollectError, ConftestImportFailure)."""
    seen = 0
    while seen < 10:
        seen += 1
        inner = getattr(exc, "cause", None)  # ConftestImportFailure
        if isinstance(inner, BaseException):
            exc = inner
            continue
        if exc.__cause__ is not None:
            exc = exc.__cause__
            continue
        break
    return exc


def _describe(exc: BaseException, rec: _Recorder, own: str | None) -> dict[str, Any]:
    """Structured facts about a collection failure."""
    info: dict[str, Any] = {}
    conftest = getattr(exc, "path", None)
    if type(exc).__name__ == "ConftestImportFailure" and conftest is not None:
        info["conftest"] = rec.rel(conftest)
    cause = _root_cause(exc)
    if cause is exc and type(exc).__name__ == "CollectError":
        return info  # a message pytest wrote itself (e.g. import file mismatch)
    info["exception"] = type(cause).__name__
    info["message"] = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    if isinstance(cause, ModuleNotFoundError) and cause.name:
        info["missing_module"] = cause.name
    frames = _frames(cause, rec)
    if frames:
        info["file"], info["line"] = frames[-1]
        # The line of the failing file itself (a test module's import of a broken module).
        mine = [line for path, line in frames if path == own or path == info.get("conftest")]
        if mine:
            info["own_line"] = mine[-1]
    return info


def _frames(exc: BaseException, rec: _Recorder) -> list[tuple[str, int]]:
    """(file, line) of the traceback frames inside the project, outermost first."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return [(rec.rel(exc.filename), exc.lineno)]
    found = []
    for frame in traceback.extract_tb(exc.__traceback__):
        rel = rec.rel(frame.filename)
        foreign = rel.startswith(("/", "<")) or "site-packages" in rel
        if not foreign and frame.lineno:
            found.append((rel, frame.lineno))
    return found


def _last_error_line(text: str) -> str:
    """The first line of the last block of ``E   `` lines (pytest's error lines)."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    marked = [i for i, line in enumerate(lines) if line.startswith("E ")]
    if not marked:
        return lines[-1].strip() if lines else "unknown collection error"
    first = marked[-1]
    while first > 0 and lines[first - 1].startswith("E "):
        first -= 1
    return lines[first][1:].strip()


def pytest_configure(config: pytest.Config) -> None:
    out = os.environ.get(_OUT)
    if not out:
        return
    root = Path(os.environ.get(_ROOT) or str(_rootdir(config))).resolve()
    config.pluginmanager.register(_Recorder(Path(out), root), "testvet-collect-recorder")
