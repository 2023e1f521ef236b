"""Run the mutate stage on a fixture project, printing each progress step (kill-test helper).

Usage: python kill_runner.py PROJECT_DIR OUTPUT_DIR
Prints ``progress DONE TOTAL`` lines, then ``done`` and the pseudo-tested functions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mutate_helpers import BASIC_MODULES, BASIC_REACHED, context, make_audit

from testvet.mutate import stage


def main() -> None:
    root, output = Path(sys.argv[1]), Path(sys.argv[2])

    def progress(label: str, done: int, total: int | None) -> None:
        print(f"progress {done} {total}", flush=True)

    audit = make_audit(root, BASIC_MODULES, BASIC_REACHED)
    ctx = context(output, root)
    out = stage.run(audit, type(ctx)(options=ctx.options, progress=progress))
    pseudo = sorted(
        f.function or "" for f in out.findings if f.detail.get("status") == "pseudo-tested"
    )
    print("done", " ".join(pseudo), flush=True)


if __name__ == "__main__":
    main()
