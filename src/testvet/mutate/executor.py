"""Drive the warm pytest process (plugin ``testvet_mutate``) that forks one worker per mutant.

The child runs in the project's interpreter from the project root; its job file, its
log and pytest's temporary directory live in the output directory. Results stream
back as JSON lines over a pipe, so progress and the cache advance as mutants finish.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testvet.output import write_atomic
from testvet.subproc import child_env, fresh_cache_dir, overrides, plain, pytest_command

PLUGIN = "testvet_mutate"


@dataclass(frozen=True)
class FunctionJob:
    """One function, the tests that reach it (fastest first) and its mutants."""

    id: str
    module: str
    qualname: str
    path: Path
    line: int
    def_line: int
    tests: tuple[str, ...]
    #: Class whose name mangles private ``__names`` in the function (None outside classes).
    mangle: str | None
    #: (mutant id, mutated def text, timeout in CPU seconds, its tests: None = ``tests``)
    mutants: tuple[tuple[str, str, float, tuple[str, ...] | None], ...]
    #: Last line of the def (the mutated text replaces ``def_line``..``end_line`` in a
    #: module a test reloads or imports afresh); 0 when unknown.
    end_line: int = 0
    #: Tests that never reached it but may use what it built (``plan.Target.later``):
    #: every mutant runs them after its covering tests.
    later: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What the worker said about one mutant."""

    id: str
    status: str
    killed_by: str | None
    duration: float
    reason: str | None = None


@dataclass(frozen=True)
class Alone:
    """A test run alone on the unmodified code (a control run): ``fails`` twice in a
    row, or ``flaky`` (failed once, then passed); ``error`` is how it failed."""

    test: str
    outcome: str
    error: str


@dataclass(frozen=True)
class Report:
    """Everything the warm process reported."""

    outcomes: tuple[Outcome, ...]
    #: function id -> reason it could not be swapped in memory
    skipped: dict[str, str]
    #: Set when the warm process itself failed (collection error, crash, hang).
    failure: str | None = None
    #: Tests that failed when run alone on the unmodified code (control runs).
    alone: tuple[Alone, ...] = ()
    #: Why no worker can run the suite's tests (every function is in ``skipped``).
    unrunnable: str | None = None


def _jobs_document(
    jobs: Sequence[FunctionJob], workers: int, memory_mb: int, budgets: Mapping[str, float]
) -> dict[str, Any]:
    """The worker's input. Each test's node id is written once, in ``tests`` (with its
    CPU budget at the same place in ``budgets``); functions and mutants list positions
    in it: a large suite's functions are each reached by thousands of tests (packaging
    24.1: 1.2 million references, 178 MB as node ids, 7 MB as positions)."""
    names = sorted({t for job in jobs for t in (*job.tests, *job.later)})
    position = {name: i for i, name in enumerate(names)}
    return {
        "workers": workers,
        "memory_mb": memory_mb,
        "tests": names,
        "budgets": [round(budgets.get(t, 0.0), 6) for t in names],
        "functions": [
            {
                "id": job.id,
                "module": job.module,
                "qualname": job.qualname,
                "path": str(job.path),
                "line": job.line,
                "def_line": job.def_line,
                "end_line": job.end_line,
                "mangle": job.mangle,
                "tests": [position[t] for t in job.tests],
                "later": [position[t] for t in job.later],
                "mutants": [
                    {"id": mid, "source": source, "timeout": timeout}
                    | ({"tests": [position[t] for t in tests]} if tests is not None else {})
                    for mid, source, timeout, tests in job.mutants
                ],
            }
            for job in jobs
        ],
    }


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = plain(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""
    kept = [ln for ln in text.splitlines() if ln.strip()][-lines:]
    return " | ".join(kept)[-400:]


class WarmProcess:
    """The warm pytest process, which may start before its jobs are known.

    Started early (while the instrumented run executes the suite on another core) it
    imports the project and collects the tests meanwhile, then waits for ``go``: the
    jobs file is written and one line on its "go" pipe lets it start forking workers.
    Closing it without ``go`` makes it exit at once.
    """

    def __init__(
        self,
        *,
        root: Path,
        python: str,
        test_args: Sequence[str],
        work_dir: Path,
        pytest_args: Sequence[str] = (),
    ) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        self.work_dir = work_dir
        self.jobs_file = work_dir / "jobs.json"
        self.jobs_file.unlink(missing_ok=True)
        self.log_path = work_dir / "worker.log"
        self.python = python
        self.started = time.monotonic()
        read_fd, write_fd = os.pipe()
        go_read, go_write = os.pipe()
        env = child_env(
            extra={
                "TESTVET_MUTATE_JOBS": str(self.jobs_file),
                "TESTVET_MUTATE_FD": str(write_fd),
                "TESTVET_MUTATE_GO": str(go_read),
                "COVERAGE_FILE": str(work_dir / ".coverage"),
            },
            work_dir=work_dir,
        )
        args = [
            "-s",
            "-q",
            f"--rootdir={root}",
            "--basetemp",
            str(work_dir / "tmp"),
            *pytest_args,
            *overrides(root, pytest_args, work_dir),
            *test_args,
        ]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                pytest_command(python, [PLUGIN], args, cache_dir=fresh_cache_dir(work_dir)),
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd, go_read),
                start_new_session=True,
            )
        os.close(write_fd)
        os.close(go_read)
        self.read_fd: int | None = read_fd
        self.go_fd: int | None = go_write

    def go(self, document: Mapping[str, Any]) -> None:
        """Hand over the jobs and let the workers start."""
        write_atomic(self.jobs_file, json.dumps(document))
        if self.go_fd is not None:
            with contextlib.suppress(OSError):  # it died: the result pipe will tell
                os.write(self.go_fd, b"go\n")
            os.close(self.go_fd)
            self.go_fd = None

    def close(self, at_once: bool = True) -> None:
        """Stop it (at once, or after its own orderly exit) and release the pipes."""
        for fd in (self.go_fd, self.read_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.go_fd = self.read_fd = None
        _stop(self.proc, at_once=at_once)


def execute(
    *,
    root: Path,
    python: str,
    test_files: Sequence[str],
    jobs: Sequence[FunctionJob],
    workers: int,
    work_dir: Path,
    pytest_args: Sequence[str] = (),
    memory_mb: int = 1024,
    test_budgets: Mapping[str, float] | None = None,
    startup_timeout: float = 300.0,
    on_outcome: Callable[[Outcome], None] | None = None,
    warm: WarmProcess | None = None,
) -> Report:
    """Run every mutant of ``jobs`` in one warm process; never raises for the suite's sake.

    ``warm`` is a process started earlier (it collected the whole suite meanwhile);
    without it one is started now for ``test_files``. ``test_budgets`` maps a test to
    its CPU budget in seconds (timeout factor x its baseline duration); each test of a
    worker gets it plus a little slack.
    """
    if warm is None:
        warm = WarmProcess(
            root=root,
            python=python,
            test_args=test_files,
            work_dir=work_dir,
            pytest_args=pytest_args,
        )
    warm.go(_jobs_document(jobs, workers, memory_mb, test_budgets or {}))
    read_fd = warm.read_fd
    assert read_fd is not None
    log_path = warm.log_path
    mutant_timeouts = [t for job in jobs for _, _, t, _ in job.mutants]
    # Workers are capped at 4x their CPU budget + 20 s of wall time (see the plugin).
    idle_limit = 4.0 * max(mutant_timeouts, default=0.0) + 80.0
    outcomes: list[Outcome] = []
    alone: list[Alone] = []
    skipped: dict[str, str] = {}
    failure: str | None = None
    unrunnable: str | None = None
    ready = False
    done = False
    buffer = b""
    last = time.monotonic()
    try:
        while True:
            limit = idle_limit if ready else startup_timeout
            remaining = last + limit - time.monotonic()
            if remaining <= 0:
                phase = "running mutants" if ready else "importing and collecting the tests"
                failure = f"mutation worker made no progress for {limit:.0f}s while {phase}"
                break
            readable, _, _ = select.select([read_fd], [], [], min(remaining, 1.0))
            if not readable:
                continue
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            last = time.monotonic()
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = json.loads(line)
                kind = message.get("t")
                if kind == "ready":
                    ready = True
                elif kind == "skip":
                    skipped[message["function"]] = message["reason"]
                elif kind == "result":
                    outcome = Outcome(
                        id=message["id"],
                        status=message["status"],
                        killed_by=message.get("killed_by"),
                        duration=float(message.get("duration", 0.0)),
                        reason=message.get("reason"),
                    )
                    outcomes.append(outcome)
                    if on_outcome is not None:
                        on_outcome(outcome)
                elif kind == "alone":
                    error = str(message.get("error") or "failed")
                    alone.append(Alone(message["test"], message["outcome"], error))
                elif kind == "error":
                    failure = f"the mutation engine failed: {message.get('reason')}"
                elif kind == "unrunnable":
                    unrunnable = str(message.get("reason"))
                elif kind == "done":
                    done = True
    finally:
        warm.close(at_once=not done)
    if failure is None and not done:
        status = warm.proc.returncode
        failure = (
            f"mutation worker exited with status {status} before finishing"
            f"{': ' + _tail(log_path) if _tail(log_path) else ''}"
        )
    return Report(tuple(outcomes), skipped, failure, tuple(alone), unrunnable)


def _stop(proc: subprocess.Popen[bytes], at_once: bool) -> None:
    try:
        proc.wait(timeout=0.5 if at_once else 10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
