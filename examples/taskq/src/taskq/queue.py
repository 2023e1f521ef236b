"""The task queue: tenant-scoped tasks, persisted in a journal."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from pathlib import Path

from taskq.journal import Journal
from taskq.worker import run_command


class NotFound(Exception):
    """No such task for this tenant."""


@dataclass(frozen=True)
class Task:
    id: int
    tenant: str
    argv: tuple[str, ...]
    state: str = "queued"
    output: str = ""


class TaskQueue:
    def __init__(self, path: Path) -> None:
        self.journal = Journal(path)
        self.tasks: dict[int, Task] = {}
        for record in self.journal.replay():
            self._apply(record)
        self._ids = itertools.count(max(self.tasks, default=0) + 1)

    def _apply(self, record: dict) -> None:
        task = Task(record["id"], record["tenant"], tuple(record["argv"]), record["state"],
                    record.get("output", ""))
        self.tasks[task.id] = task

    def _save(self, task: Task) -> Task:
        self.journal.append({"id": task.id, "tenant": task.tenant, "argv": list(task.argv),
                             "state": task.state, "output": task.output})
        self.tasks[task.id] = task
        return task

    def submit(self, tenant: str, argv: list[str]) -> Task:
        return self._save(Task(next(self._ids), tenant, tuple(argv)))

    def get(self, tenant: str, task_id: int) -> Task:
        task = self.tasks.get(task_id)
        if task is None or task.tenant != tenant:
            raise NotFound(task_id)
        return task

    def cancel(self, tenant: str, task_id: int) -> Task:
        return self._save(replace(self.get(tenant, task_id), state="cancelled"))

    def list(self, tenant: str, state: str | None = None) -> list[Task]:
        return [t for t in self.tasks.values()
                if t.tenant == tenant and (state is None or t.state == state)]

    def run_next(self, tenant: str) -> Task | None:
        queued = self.list(tenant, "queued")
        if not queued:
            return None
        task = self._save(replace(queued[0], state="running"))
        outcome = run_command(list(task.argv))
        state = "done" if outcome.ok else "failed"
        return self._save(replace(task, state=state, output=outcome.output))
