"""``taskq submit|list|run`` over a journal file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from taskq.queue import TaskQueue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="taskq")
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--tenant", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    submit = sub.add_parser("submit")
    submit.add_argument("argv", nargs="+")
    sub.add_parser("list")
    sub.add_parser("run")
    args = parser.parse_args(argv)
    queue = TaskQueue(args.journal)
    if args.command == "submit":
        print(queue.submit(args.tenant, args.argv).id)
    elif args.command == "list":
        for task in queue.list(args.tenant):
            print(f"{task.id}\t{task.state}\t{' '.join(task.argv)}")
    else:
        task = queue.run_next(args.tenant)
        print("idle" if task is None else f"{task.id}\t{task.state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
