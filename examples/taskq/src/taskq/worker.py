"""Runs a task's command as a subprocess (an argument list, never a shell string)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    ok: bool
    output: str
    returncode: int | None


def run_command(argv: list[str], timeout: float = 30.0) -> Outcome:
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ValueError("a command is a non-empty list of strings")
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(ok=False, output="timed out", returncode=None)
    except FileNotFoundError:
        return Outcome(ok=False, output=f"no such program: {argv[0]}", returncode=None)
    return Outcome(ok=done.returncode == 0, output=done.stdout, returncode=done.returncode)
