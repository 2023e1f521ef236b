"""Reports under a hard kill and a full disk: a report file is old or new, never torn."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from testvet.output import write_atomic

# Rewrites one report as fast as it can until it is killed.
WRITER = r"""
import json, sys
from pathlib import Path
from testvet.output import write_atomic

target = Path(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    n += 1
    write_atomic(target, json.dumps({"n": n, "pad": "x" * 200_000}))
"""


def test_killed_writer_leaves_a_whole_report(hard_kill: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, json.dumps({"n": 0, "pad": ""}))
    rounds_with_progress = 0
    for _seed in hard_kill.seeds(5):
        proc = hard_kill.start(
            [sys.executable, "-c", WRITER, str(target)], ready=hard_kill.ready_line("ready")
        )
        proc.kill_at_random(within=(0.05, 0.4))
        assert proc.wait(timeout=30) == -9
        report = json.loads(target.read_text())  # parses: never half a file
        assert report["pad"] == ("x" * 200_000 if report["n"] else "")
        rounds_with_progress += report["n"] > 0
    assert rounds_with_progress > 0


def test_full_disk_keeps_the_old_report(disk_faults: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, "old")
    with (
        disk_faults.enospc(after_bytes=10, path=tmp_path),
        pytest.raises(OSError, match="No space left") as info,
    ):
        write_atomic(target, "new" * 10_000)
    assert info.value.errno == errno.ENOSPC
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]  # the temporary file is gone
