"""SIGKILL during mutation never changes the project tree and leaves no process behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, tree_digest

HERE = Path(__file__).parent
ROOT = PROJECTS / "mut_basic"
ROUNDS = 20


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux subreaper")
def test_sigkill_at_random_moments_never_touches_the_tree(tmp_path: Path) -> None:
    before = tree_digest(ROOT)
    output = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "kill_supervisor.py"),
            str(ROOT),
            str(output),
            "4",
            str(ROUNDS),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rounds = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rounds) == ROUNDS
    assert {r["digest"] for r in rounds} == {before}
    assert all(r["killed"] and r["status"] == -9 for r in rounds)
    # The kill points spread over the mutation (seeded, so this is deterministic).
    assert len({r["kill_at"] for r in rounds}) >= 5
    # Every round orphaned at least the warm worker process, and all of them exited.
    assert all(r["orphans"] >= 1 for r in rounds)
    assert tree_digest(ROOT) == before

    # A complete run afterwards, on the cache the killed runs left, still gives the answer.
    final = subprocess.run(
        [sys.executable, str(HERE / "kill_runner.py"), str(ROOT), str(output)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert final.returncode == 0, final.stderr[-2000:]
    assert final.stdout.splitlines()[-1] == "done calc.core.Counter.touch calc.core.total"
