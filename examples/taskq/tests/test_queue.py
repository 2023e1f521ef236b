import sys
from unittest import mock

import pytest

from taskq.queue import NotFound, TaskQueue
from taskq.worker import Outcome

PRINT_OK = [sys.executable, "-c", "print('ok')"]


def test_listing_is_scoped_to_the_tenant(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    mine = queue.submit("acme", ["true"])
    queue.submit("globex", ["true"])
    assert queue.list("acme") == [mine]


def test_another_tenant_cannot_read_a_task(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    task = queue.submit("acme", ["true"])
    with pytest.raises(NotFound):
        queue.get("globex", task.id)


def test_state_survives_a_restart(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    first = queue.submit("acme", PRINT_OK)
    queue.run_next("acme")
    reopened = TaskQueue(tmp_path / "q.log")
    assert reopened.get("acme", first.id).state == "done"
    assert reopened.get("acme", first.id).output == "ok\n"
    assert reopened.submit("acme", ["true"]).id == first.id + 1


def test_cancel_a_task(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    task = queue.submit("acme", ["true"])
    queue.cancel("acme", task.id)
    assert len(queue.list("acme")) == 1


def test_run_next_uses_the_worker(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    queue.submit("acme", ["echo", "hi"])
    with mock.patch("taskq.queue.run_command", return_value=Outcome(True, "hi\n", 0)) as fake:
        queue.run_next("acme")
    fake.called_once_with(["echo", "hi"])


def test_failed_command_marks_the_task_failed(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    queue.submit("acme", [sys.executable, "-c", "raise SystemExit(3)"])
    assert queue.run_next("acme").state == "failed"
    assert queue.run_next("acme") is None


@pytest.mark.xfail(reason="priorities are not implemented yet")
def test_high_priority_tasks_run_first(tmp_path):
    queue = TaskQueue(tmp_path / "q.log")
    queue.submit("acme", ["true"])
    urgent = queue.submit("acme", ["true"], priority=10)
    assert queue.run_next("acme").id == urgent.id
