"""SIGKILL the mutate stage at seeded moments; reap every orphan it leaves (kill-test helper).

Usage: python kill_supervisor.py PROJECT_DIR OUTPUT_DIR SEED ROUNDS
The supervisor makes itself a child subreaper (Linux), so the warm worker process and
its forked workers, orphaned by the kill, become its children and are waited for.
Prints one JSON line per round: kill point, digest of the project tree, orphans reaped.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from mutate_helpers import tree_digest

HERE = Path(__file__).parent


def reap_all() -> int:
    """Wait for every remaining descendant; the alarm fails the run if one never exits."""
    signal.alarm(60)
    reaped = 0
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
        reaped += 1
    signal.alarm(0)
    return reaped


def main() -> None:
    root, output = Path(sys.argv[1]), Path(sys.argv[2])
    rng = random.Random(int(sys.argv[3]))
    rounds = int(sys.argv[4])
    ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path[1:]])}
    for _ in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "kill_runner.py"), str(root), str(output)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        kill_at: int | None = None
        killed = False
        for line in proc.stdout:
            words = line.split()
            if words[0] != "progress":
                continue
            done, total = int(words[1]), int(words[2])
            if kill_at is None:
                kill_at = rng.randrange(1, total)
            if done >= kill_at:
                proc.kill()
                killed = True
                break
        proc.wait()
        proc.stdout.close()
        orphans = reap_all()
        record = {
            "kill_at": kill_at,
            "killed": killed,
            "status": proc.returncode,
            "orphans": orphans,
            "digest": tree_digest(root),
        }
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
