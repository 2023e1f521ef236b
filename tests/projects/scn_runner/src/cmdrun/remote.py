"""Runs a command on a host over ssh."""

from __future__ import annotations

import subprocess


def run_remote(host: str, command: str) -> str:
    argv = ["ssh", host, "sh", "-c", command]
    local = ["sh", "-c", f"echo running {command} on {host}"]
    subprocess.run(local, check=False)
    return subprocess.run(argv, capture_output=True, text=True, check=False).stdout
