import os
import signal
import subprocess
import sys
import time

from orphan.core import stop


def test_stop_ends_the_service():
    # In its own session, as services started by tests often are: only stop() ends it.
    marker = os.environ.get("ORPHAN_MARKER", "orphan-service")
    code = "import time; time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", code, marker], start_new_session=True)
    stop(proc)
    assert proc.poll() is not None


def _state(pid):
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0]


def test_a_daemonized_helper_serves_the_whole_test():
    # Forked twice, as `helper &` in a script would be: its parent exits at once.
    from orphan.core import describe

    read_end, write_end = os.pipe()
    code = (
        "import os, sys, time\n"
        "if os.fork():\n"
        "    os._exit(0)\n"
        "os.write(int(sys.argv[1]), str(os.getpid()).encode())\n"
        "time.sleep(30)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(write_end)], pass_fds=(write_end,))
    os.close(write_end)
    pid = int(os.read(read_end, 32))
    describe(pid)  # its result is never looked at: its mutants survive
    try:
        for _ in range(15):  # while other workers come and go
            time.sleep(0.1)
            assert _state(pid) != "Z"
    finally:
        os.kill(pid, signal.SIGKILL)
