import sys
import threading
import time

import pytest

from taskq.worker import run_command

pytestmark = pytest.mark.integration


def test_output_and_status_of_a_command():
    outcome = run_command([sys.executable, "-c", "print('hello')"])
    assert (outcome.ok, outcome.output, outcome.returncode) == (True, "hello\n", 0)


def test_shell_metacharacters_are_not_interpreted(tmp_path):
    marker = tmp_path / "pwned"
    outcome = run_command([sys.executable, "-c", "import sys; print(sys.argv[1])",
                           f"; touch {marker}"])
    assert outcome.output == f"; touch {marker}\n"
    assert not marker.exists()


def test_a_hanging_command_times_out():
    outcome = run_command([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert (outcome.ok, outcome.output) == (False, "timed out")


def test_commands_are_lists_of_strings():
    with pytest.raises(ValueError, match="non-empty list"):
        run_command("echo hi")


def test_command_runs_in_the_background():
    results = []
    thread = threading.Thread(
        target=lambda: results.append(run_command([sys.executable, "-c", "print(1)"]))
    )
    thread.start()
    time.sleep(1.0)
    assert results[0].ok
