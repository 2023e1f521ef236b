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
from testvet.subproc import child_env, pytest_command

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
    #: (mutant id, mutated def text, timeout in CPU seconds)
    mutants: tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class Outcome:
    """What the worker said about one mutant."""

    id: str
    status: str
    killed_by: str | None
    duration: float
    reason: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything the warm process reported."""

    outcomes: tuple[Outcome, ...]
    #: function id -> reason it could not be swapped in memory
    skipped: dict[str, str]
    #: Set when the warm process itself failed (collection error, crash, hang).
    failure: str | None = None


def _jobs_document(
    jobs: Sequence[FunctionJob], workers: int, memory_mb: int, budgets: Mapping[str, float]
) -> dict[str, Any]:
    tests = {t for job in jobs for t in job.tests}
    return {
        "workers": workers,
        "memory_mb": memory_mb,
        "budgets": {t: round(budgets.get(t, 0.0), 6) for t in sorted(tests)},
        "functions": [
            {
                "id": job.id,
                "module": job.module,
                "qualname": job.qualname,
                "path": str(job.path),
                "line": job.line,
                "def_line": job.def_line,
                "mangle": job.mangle,
                "tests": list(job.tests),
                "mutants": [
                    {"id": mid, "source": source, "timeout": timeout}
                    for mid, source, timeout in job.mutants
                ],
            }
            for job in jobs
        ],
    }


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [ln for ln in text.splitlines() if ln.strip()][-lines:]
    return " | ".join(kept)[-400:]


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
) -> Report:
    """Run every mutant of ``jobs`` in one warm process; never raises for the suite's sake.

    ``test_budgets`` maps a test to its CPU budget in seconds (timeout factor x its
    baseline duration); each test of a worker gets it plus a little slack.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    jobs_file = write_atomic(
        work_dir / "jobs.json",
        json.dumps(_jobs_document(jobs, workers, memory_mb, test_budgets or {})),
    )
    log_path = work_dir / "worker.log"
    read_fd, write_fd = os.pipe()
    env = child_env(
        extra={
            "TESTVET_MUTATE_JOBS": str(jobs_file),
            "TESTVET_MUTATE_FD": str(write_fd),
            "COVERAGE_FILE": str(work_dir / ".coverage"),
            # Hypothesis would write .hypothesis/ into the project (the cwd).
            "HYPOTHESIS_STORAGE_DIRECTORY": str(work_dir / "hypothesis"),
        }
    )
    args = [
        "-s",
        "-q",
        f"--rootdir={root}",
        "--basetemp",
        str(work_dir / "tmp"),
        *pytest_args,
        *test_files,
    ]
    cmd = pytest_command(python, [PLUGIN], args)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            start_new_session=True,
        )
    os.close(write_fd)
    mutant_timeouts = [t for job in jobs for _, _, t in job.mutants]
    # Workers are capped at 4x their CPU budget + 20 s of wall time (see the plugin).
    idle_limit = 4.0 * max(mutant_timeouts, default=0.0) + 80.0
    outcomes: list[Outcome] = []
    skipped: dict[str, str] = {}
    failure: str | None = None
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
                elif kind == "done":
                    done = True
    finally:
        os.close(read_fd)
        _stop(proc, at_once=not done)
    if failure is None and not done:
        status = proc.returncode
        failure = (
            f"mutation worker exited with status {status} before finishing"
            f"{': ' + _tail(log_path) if _tail(log_path) else ''}"
        )
    return Report(tuple(outcomes), skipped, failure)


def _stop(proc: subprocess.Popen[bytes], at_once: bool) -> None:
    try:
        proc.wait(timeout=0.5 if at_once else 10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
