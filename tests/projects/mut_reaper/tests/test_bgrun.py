import os
import time
from pathlib import Path

from bgrun import run_in_background


def children() -> set[int]:
    """Pids whose parent is this process, zombies included."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == os.getpid():
                found.add(int(entry.name))
    return found


def test_the_background_command_is_not_our_child():
    before = children()
    assert run_in_background("sleep 0.05") == 0
    time.sleep(0.3)  # the background command has ended; its orphan went to init
    assert children() == before


def test_a_command_succeeds_in_a_slower_test():
    """Slower than the test above, so the workers run that one first."""
    time.sleep(0.5)
    assert run_in_background("true") == 0
