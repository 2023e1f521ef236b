"""hard_kill against a real key-value server: durable mode passes, lazy mode loses data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from testvet.harness import History, check_queue, check_set
from testvet.harness.process import (
    HardKill,
    HarnessProcessError,
    _await_empty_group,
    group_members,
)

RUNS = 3


def _port(proc: Any) -> int:
    assert proc.ready_match is not None
    return int(proc.ready_match.group(1))


def _write_until_killed(client: Any, history: History, prefix: str, limit: int) -> None:
    """PUT keys until the connection dies; each PUT is one op of the history."""
    for i in range(limit):
        key = f"{prefix}{i}"
        op = history.invoke(0, "add", key)
        try:
            reply = client.call(f"PUT {key} {i}")
        except OSError as exc:
            history.info(op, exc)
            return
        assert reply == "OK"
        history.ok(op)


def _read_keys(client: Any) -> list[str]:
    reply = client.call("KEYS").split()
    assert reply[0] == "KEYS"
    return reply[1:]


@pytest.mark.parametrize("mode", ["durable", "lazy"])
def test_kill_point_after_ack(
    mode: str, hard_kill: HardKill, tmp_path: Path, kv_cmd: Any, kv_client: Any
) -> None:
    """The server kills itself right after acknowledging the Nth write, N seeded."""
    verdicts = []
    for seed in hard_kill.seeds(RUNS):
        data = tmp_path / f"run{seed}"
        data.mkdir()
        n = hard_kill.rng().randint(3, 30)
        proc = hard_kill.start(
            kv_cmd(data, mode),
            ready=hard_kill.ready_line(r"ready port=(\d+)"),
            kill_point=f"after-ack:{n}",
        )
        history = History()
        _write_until_killed(kv_client(_port(proc)), history, f"s{seed}-", limit=1000)
        assert proc.wait() == -signal.SIGKILL
        proc.restart()
        result = check_set(history, _read_keys(kv_client(_port(proc))))
        assert result.acknowledged == n, result.message
        verdicts.append(result)
    if mode == "durable":
        assert all(r.ok for r in verdicts), [r.message for r in verdicts]
    else:
        assert all(len(r.lost) == r.acknowledged > 0 for r in verdicts), [
            r.message for r in verdicts
        ]


@pytest.mark.parametrize("mode", ["durable", "lazy"])
def test_kill_at_random_moment(
    mode: str, hard_kill: HardKill, tmp_path: Path, kv_cmd: Any, kv_client: Any
) -> None:
    """A seeded random SIGKILL while a client writes; restart; check nothing acked is lost."""
    verdicts = []
    for seed in hard_kill.seeds(RUNS):
        data = tmp_path / f"run{seed}"
        data.mkdir()
        proc = hard_kill.start(kv_cmd(data, mode), ready=hard_kill.ready_line(r"ready port=(\d+)"))
        client = kv_client(_port(proc))
        history = History()
        _write_until_killed(client, history, f"w{seed}-", limit=1)
        delay = proc.kill_at_random(within=(0.01, 0.1))
        assert 0.01 <= delay <= 0.1
        _write_until_killed(client, history, f"r{seed}-", limit=1_000_000)
        assert proc.wait() == -signal.SIGKILL
        proc.restart()
        verdicts.append(check_set(history, _read_keys(kv_client(_port(proc)))))
    assert all(r.acknowledged >= 1 for r in verdicts)
    if mode == "durable":
        assert all(r.ok for r in verdicts), [r.message for r in verdicts]
    else:
        assert all(r.lost for r in verdicts), [r.message for r in verdicts]


@pytest.mark.parametrize(("mode", "valid"), [("durable", True), ("lazy", False)])
def test_queue_survives_a_kill_only_when_durable(
    mode: str, valid: bool, hard_kill: HardKill, tmp_path: Path, kv_cmd: Any, kv_client: Any
) -> None:
    proc = hard_kill.start(
        kv_cmd(tmp_path, mode),
        ready=hard_kill.ready_line(r"ready port=(\d+)"),
        kill_point="before-ack:12",
    )
    client = kv_client(_port(proc))
    history = History()
    for i in range(20):
        with history.record(0, "enqueue", str(i)):
            assert client.call(f"ENQ {i}") == "OK"
    for _ in range(3):
        with history.record(1, "dequeue") as result:
            result.append(client.call("DEQ"))
    assert proc.wait() == -signal.SIGKILL
    proc.restart()
    client = kv_client(_port(proc))
    drained = []
    while (reply := client.call("DEQ")) != "EMPTY":
        drained.append(reply.split()[1])
    verdict = check_queue(history, drained)
    assert verdict.acknowledged == 11
    assert verdict.ok is valid, verdict.message
    if not valid:
        assert verdict.lost == tuple(sorted(str(i) for i in range(11)))


def _sleeper(path: str) -> None:
    """A callable run in the child: announce readiness (atomically), then block."""
    Path(path + ".tmp").write_text(str(os.getpid()))
    os.replace(path + ".tmp", path)
    signal.pause()


def test_callable_target_with_ready_file_and_group_kill(
    hard_kill: HardKill, tmp_path: Path
) -> None:
    marker = tmp_path / "pid"
    proc = hard_kill.start(_sleeper, args=(str(marker),), ready=hard_kill.ready_file(marker))
    assert int(marker.read_text()) == proc.pid
    assert group_members(proc.pid) == [proc.pid]
    assert proc.kill() == -signal.SIGKILL
    assert group_members(proc.pid) == []


def test_grandchildren_die_with_the_group(hard_kill: HardKill, tmp_path: Path) -> None:
    script = (
        "import subprocess, sys; "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        "print('ready', flush=True); time.sleep(60)"
    )
    proc = hard_kill.start(
        [sys.executable, "-c", "import time; " + script], ready=hard_kill.ready_line("ready")
    )
    assert len(group_members(proc.pid)) == 2
    proc.kill()
    assert group_members(proc.pid) == []


def test_ready_port_waits_for_the_listener(
    hard_kill: HardKill, tmp_path: Path, kv_cmd: Any, kv_client: Any
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = hard_kill.start(
        kv_cmd(tmp_path, "durable", "--port", str(port)), ready=hard_kill.ready_port(port)
    )
    assert kv_client(port).call("PING") == "PONG"
    assert (proc.alive, proc.returncode) == (True, None)
    assert proc.stop() == 0  # SIGTERM: graceful shutdown
    assert (proc.alive, proc.returncode) == (False, 0)


def test_stop_returns_how_the_process_ended(hard_kill: HardKill) -> None:
    # SIGTERM handled with exit status 3: stop() reports 3, not a made-up 0.
    script = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *a: sys.exit(3))\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n"
    )
    proc = hard_kill.start([sys.executable, "-c", script], ready=hard_kill.ready_line("ready"))
    assert proc.stop() == 3
    assert proc.returncode == 3


def test_a_program_that_exits_before_ready_fails_with_its_output(hard_kill: HardKill) -> None:
    with pytest.raises(HarnessProcessError, match=r"exited with 3(.|\n)*boom"):
        hard_kill.start(
            [sys.executable, "-c", "print('boom'); raise SystemExit(3)"],
            ready=hard_kill.ready_line("never"),
        )


def test_ready_timeout_is_reported(hard_kill: HardKill) -> None:
    with pytest.raises(HarnessProcessError, match=r"not ready after 0.3s") as info:
        hard_kill.start(
            [sys.executable, "-c", "import time; time.sleep(30)"],
            ready=hard_kill.ready_line("never"),
            ready_timeout=0.3,
        )
    assert "while waiting for an output line matching 'never'" in str(info.value)


def test_the_error_names_what_was_awaited(hard_kill: HardKill, tmp_path: Path) -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    awaited = {
        "port 127.0.0.1:9 accepting connections": hard_kill.ready_port(9),
        f"file {tmp_path / 'never'} to exist": hard_kill.ready_file(tmp_path / "never"),
    }
    for words, ready in awaited.items():
        with pytest.raises(HarnessProcessError) as info:
            hard_kill.start(sleeper, ready=ready, ready_timeout=0.2)
        assert f"while waiting for {words}" in str(info.value)


def test_lambdas_are_refused(hard_kill: HardKill) -> None:
    with pytest.raises(ValueError, match="module-level function"):
        hard_kill.start(lambda: None)


def test_seeds_are_printed_and_replayable(monkeypatch: pytest.MonkeyPatch) -> None:
    notes: list[str] = []
    manager = HardKill.for_test("tests/x.py::test_y", notes.append)
    seeds = list(manager.seeds(3))
    assert seeds == [seeds[0], seeds[0] + 1, seeds[0] + 2]
    assert f"replay with TESTVET_SEED={seeds[1]}" in notes[1]
    monkeypatch.setenv("TESTVET_SEED", "42")
    replay = HardKill.for_test("tests/x.py::test_y", notes.append)
    assert list(replay.seeds(3)) == [42]
    assert replay.rng().random() == HardKill(42).rng(42).random()


ECHO = """
import sys
from testvet.harness import kill_point
print("ready", flush=True)
for line in sys.stdin:
    kill_point("line")
    print("got " + line.strip(), flush=True)
"""


def test_send_expect_line_and_restart_with_a_kill_point(hard_kill: HardKill) -> None:
    from testvet.harness.process import ProcessExited

    proc = hard_kill.start(
        [sys.executable, "-c", ECHO], ready=hard_kill.ready_line("ready"), stdin=True
    )
    proc.send("a\n")
    assert proc.expect_line(r"got (\w)").group(1) == "a"
    with pytest.raises(TimeoutError, match="no output line matching 'never'"):
        proc.expect_line("never", timeout=0.1)
    proc.restart(kill_point="line:2")
    assert proc.starts == 2
    proc.send("b\n")
    assert proc.expect_line("got").group(0) == "got"
    proc.send("c\n")
    with pytest.raises(ProcessExited, match="exited before printing"):
        proc.expect_line("got c")
    assert proc.wait() == -signal.SIGKILL
    with pytest.raises(ProcessExited, match="is gone"):
        proc.send("d\n")
    proc.restart()  # the kill point is dropped
    for letter in "xyz":
        proc.send(letter + "\n")
        assert proc.expect_line("got " + letter)


def test_kill_at_random_is_cancelled_by_an_explicit_kill(hard_kill: HardKill) -> None:
    proc = hard_kill.start(
        [sys.executable, "-c", "print('ready', flush=True); import time; time.sleep(60)"],
        ready=hard_kill.ready_line("ready"),
    )
    assert proc.kill_at_random(seed=7, within=(5.0, 5.0)) == 5.0
    assert 0 <= proc.kill_at_random(seed=7, within=5.0) <= 5.0  # re-arms: one timer only
    assert proc.kill() == -signal.SIGKILL
    assert proc._timer is None


def test_kill_point_spec_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    from testvet.harness import kill_point
    from testvet.harness.killpoint import _parse

    assert _parse("a, b:3,,") == {"a": 1, "b": 3}
    with pytest.raises(ValueError, match="bad pass count in 'b:x'"):
        _parse("b:x")
    monkeypatch.setenv("TESTVET_KILL_POINT", "somewhere-else")
    kill_point("here")  # not selected: returns, this process lives on
    monkeypatch.delenv("TESTVET_KILL_POINT")
    kill_point("somewhere-else")  # no variable: a no-op


def test_kill_point_kills_the_calling_process_at_the_selected_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # In a fork of this process (so the kill_point under test is this very function):
    # the first pass of "flush" lives on, the second is SIGKILLed.
    from testvet.harness import kill_point

    monkeypatch.setenv("TESTVET_KILL_POINT", "flush:2,other")
    kill_point("elsewhere")  # not selected: this process lives on
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            kill_point("flush")
            os.write(write_end, b"first pass survived\n")
            kill_point("flush")
            os.write(write_end, b"second pass survived\n")
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as out:
        said = out.read()
    assert said == b"first pass survived\n"
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGKILL


def test_teardown_kills_what_a_self_killed_program_left_behind(hard_kill: HardKill) -> None:
    script = (
        "import subprocess, sys, time\n"
        "from testvet.harness import kill_point\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('ready', flush=True)\n"
        "time.sleep(0.05)\n"
        "kill_point('boom')\n"
    )
    proc = hard_kill.start(
        [sys.executable, "-c", script], ready=hard_kill.ready_line("ready"), kill_point="boom"
    )
    assert proc.wait() == -signal.SIGKILL
    assert len(group_members(proc.pid)) == 1  # the orphaned child, still in the group
    hard_kill.close()
    assert group_members(proc.pid) == []


def test_waiting_for_a_group_lasts_until_its_last_member_is_gone() -> None:
    """What ``kill()`` does after reaping the leader: a member still exiting is waited
    for; one that stays alive is given up on at the deadline."""
    quick = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(0.3)"], start_new_session=True
    )
    slow = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    try:
        _await_empty_group(quick.pid)
        assert group_members(quick.pid) == []  # exited (a zombie until reaped)
        began = time.monotonic()
        _await_empty_group(slow.pid, timeout=0.2)
        assert 0.2 <= time.monotonic() - began < 5.0
        assert group_members(slow.pid) == [slow.pid]
    finally:
        slow.kill()
        quick.wait()
        slow.wait()
