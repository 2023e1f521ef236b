import os
import subprocess
import sys
from pathlib import Path

import taskq

SRC = str(Path(taskq.__file__).resolve().parent.parent)


def taskq_cli(*args, journal):
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "taskq.cli", "--journal", str(journal), "--tenant", "acme", *args],
        capture_output=True, text=True, env=env, check=True,
    ).stdout


def test_submit_list_and_run_through_the_command_line(tmp_path):
    journal = tmp_path / "q.log"
    assert taskq_cli("submit", "--", sys.executable, "-c", "print(42)", journal=journal) == "1\n"
    assert taskq_cli("run", journal=journal) == "1\tdone\n"
    assert taskq_cli("list", journal=journal).startswith("1\tdone\t")
