"""One test run on its own under plain pytest, as a person would run it.

A test that fails alone in the mutation workers is only reported as order-dependent when
``pytest NODEID`` fails too: a worker is a forked process with its own limits and
process-group and child-reaping rules, and a test can fail there for those alone.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from testvet.subproc import child_env, fresh_cache_dir, overrides, pytest_command

#: Seconds the plain run may take beyond ten times the test's time in the audit's run.
SLACK = 60.0


def fails_alone(
    root: Path,
    python: str,
    nodeid: str,
    work_dir: Path,
    pytest_args: Sequence[str] = (),
    duration: float = 0.0,
) -> bool | None:
    """Whether ``pytest NODEID`` fails (exit status 1); None when it cannot tell (pytest
    could not run or select the test, or ran out of time)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "-q",
        "-p",
        "no:randomly",
        f"--rootdir={root}",
        "--basetemp",
        str(work_dir / "tmp"),
        *pytest_args,
        *overrides(root, pytest_args, work_dir),
        nodeid,
    ]
    command = pytest_command(python, [], args, cache_dir=fresh_cache_dir(work_dir))
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=child_env(work_dir=work_dir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=SLACK + 10.0 * duration,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode == 0:
        return False
    return True if done.returncode == 1 else None
