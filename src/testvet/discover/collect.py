"""Collect the suite with pytest's own machinery in a child process.

The child runs ``python -m pytest --collect-only`` from the project root with the
project's interpreter and configuration, plus the standalone ``testvet_collect`` plugin
that writes what it saw as JSON into the output directory. Whatever the child does
(hangs, dies, floods its output), this module returns a :class:`CollectResult`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testvet import subproc

#: Seconds a collection may take before the child is killed.
DEFAULT_TIMEOUT = 180.0
#: Bytes of the child's stderr kept for diagnosis.
_TAIL = 8000

_CONFTEST_FAIL = re.compile(r"ImportError while loading conftest '(?P<path>[^']+)'")
_NO_PYTEST = re.compile(r"No module named '?pytest'?\s*$", re.MULTILINE)


@dataclass(frozen=True)
class CollectResult:
    """What one collection child produced."""

    #: ``ok`` (JSON written), ``no-pytest``, ``timeout``, ``conftest``, ``crashed``.
    status: str
    items: tuple[Mapping[str, Any], ...] = ()
    #: Files pytest collected (relative), including those that gave no item.
    files: tuple[str, ...] = ()
    errors: tuple[Mapping[str, Any], ...] = ()
    returncode: int | None = None
    #: The end of the child's stderr (for diagnosis).
    stderr: str = ""
    #: The last file the child started collecting (for timeouts and crashes).
    last_file: str | None = None
    seconds: float = 0.0
    pytest_version: str | None = None
    #: For ``conftest``: the conftest path (relative when inside the root), line, cause.
    conftest: str | None = None
    line: int | None = None
    cause: str | None = None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _tail(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL))
            return subproc.plain(handle.read().decode("utf-8", "replace"))
    except OSError:
        return ""


def _last_line(path: Path) -> str | None:
    try:
        lines = [x for x in path.read_text(encoding="utf-8", errors="replace").splitlines() if x]
    except OSError:
        return None
    return lines[-1] if lines else None


def command(python: str, test_paths: Sequence[str], root: Path, workdir: Path) -> list[str]:
    """The collection command line (run from ``root``)."""
    return subproc.pytest_command(
        python,
        ["testvet_collect"],
        [
            "--collect-only",
            "-q",
            f"--rootdir={root}",
            *subproc.overrides(root, (), workdir),
            *test_paths,
        ],
        cache_dir=subproc.fresh_cache_dir(workdir),
    )


def collect(
    root: Path,
    python: str,
    test_paths: Sequence[str],
    workdir: Path,
    timeout: float = DEFAULT_TIMEOUT,
) -> CollectResult:
    """Collect the tests under ``test_paths``; data files go to ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "collection.json"
    progress = Path(str(out) + ".progress")
    for stale in (out, progress):
        stale.unlink(missing_ok=True)
    env = subproc.child_env(
        extra={"TESTVET_COLLECT_OUT": str(out), "TESTVET_COLLECT_ROOT": str(root)},
        work_dir=workdir,  # collecting a @given test is enough for .hypothesis/
    )
    stdout_path, stderr_path = workdir / "collect.stdout", workdir / "collect.stderr"
    began = time.perf_counter()
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        try:
            proc = subprocess.Popen(
                command(python, test_paths, root, workdir),
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        except OSError as exc:
            return CollectResult(status="crashed", stderr=f"cannot start {python}: {exc}")
        try:
            returncode: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait()
            returncode = None
        finally:
            if proc.returncode is None:  # pragma: no cover - interrupted
                _kill_group(proc)
    seconds = time.perf_counter() - began
    err = _tail(stderr_path)
    last = _last_line(progress)
    if returncode is None:
        return CollectResult("timeout", stderr=err, last_file=last, seconds=seconds)
    if out.is_file():
        try:
            doc = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = None
        if isinstance(doc, dict):
            return CollectResult(
                status="ok",
                items=tuple(doc.get("items") or ()),
                files=tuple(str(f) for f in doc.get("files") or ()),
                errors=tuple(doc.get("errors") or ()),
                returncode=returncode,
                stderr=err,
                seconds=seconds,
                pytest_version=doc.get("pytest"),
            )
    if _NO_PYTEST.search(err) and not last:
        return CollectResult("no-pytest", returncode=returncode, stderr=err, seconds=seconds)
    match = _CONFTEST_FAIL.search(err)
    if match:
        return _conftest_failure(root, match.group("path"), err, returncode, seconds)
    return CollectResult(
        "crashed", returncode=returncode, stderr=err, last_file=last, seconds=seconds
    )


def _conftest_failure(
    root: Path, path: str, err: str, returncode: int, seconds: float
) -> CollectResult:
    """A conftest pytest loads before collection (next to the test paths) raised."""
    try:
        rel = Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        rel = path
    tail = err[err.find(path) :]
    name = Path(path).name
    line = None
    for found in re.finditer(rf"^\S*{re.escape(name)}:(\d+): in ", tail, re.MULTILINE):
        line = int(found.group(1))
    causes = [x[1:].strip() for x in tail.splitlines() if x.startswith("E ")]
    return CollectResult(
        "conftest",
        returncode=returncode,
        stderr=err,
        seconds=seconds,
        conftest=rel,
        line=line,
        cause=causes[-1] if causes else None,
    )
