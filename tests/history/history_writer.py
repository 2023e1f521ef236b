"""Child process of test_crash.py: append runs to a history forever, printing each id.

Usage: python history_writer.py OUTPUT_DIR [COUNT]. An id is printed only after record()
returned, i.e. after its COMMIT; the parent SIGKILLs this process at random moments (or,
with COUNT, lets it write that many runs and exit).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from testvet.history import RunSummary, record

CATEGORIES = ("cannot-fail", "flaky", "pseudo-tested", "missing-scenario", "pyramid")


def main() -> None:
    output_dir = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    for i in range(count):
        by_category = {c: (i + k) % 4 + 1 for k, c in enumerate(CATEGORIES[: i % 5 + 1])}
        summary = RunSummary(
            started=datetime(2026, 1, 1, tzinfo=timezone.utc),
            project="writer",
            root="/nonexistent/writer",
            tool_version="0",
            verdict="fail" if i % 2 else "pass",
            tests=i,
            findings=sum(by_category.values()),
            by_category=by_category,
            coverage=float(i % 100),
            mutation_score=None,
            suite_duration=0.5,
        )
        run_id = record(summary, output_dir)
        sys.stdout.write(f"{run_id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
