"""Hooks are shell snippets with the changed file name substituted in."""

from __future__ import annotations

import shlex
import subprocess


def run_hook(template: str, filename: str) -> int:
    command = template.format(file=shlex.quote(filename))
    return subprocess.run(command, shell=True, check=False).returncode


def run_tool(argv: list[str]) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def version() -> str:
    return subprocess.run("git --version", shell=True, capture_output=True, text=True).stdout
