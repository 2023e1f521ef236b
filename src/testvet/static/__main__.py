"""``python -m testvet.static PATH``: the static rules alone, one finding per line.

A debugging and benchmarking aid; ``testvet audit --static-only`` is the user command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from testvet import config as config_mod
from testvet.errors import TestvetError
from testvet.static.engine import analyze
from testvet.static.files import project_test_files, xfail_strict


def main(argv: Sequence[str] | None = None) -> int:
    """Print the static findings of the project at PATH; exit 1 when there are any."""
    parser = argparse.ArgumentParser(prog="python -m testvet.static", description=__doc__)
    parser.add_argument("path", nargs="?", default=".", help="project root")
    parser.add_argument("--tests", action="append", help="test path (default: config or all)")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    args = parser.parse_args(argv)
    root = Path(args.path).resolve()
    if not root.is_dir():
        print(f"testvet.static: error: {args.path}: not a directory", file=sys.stderr)
        return 2
    try:
        cfg = config_mod.load(root)
    except TestvetError as exc:
        print(f"testvet.static: error: {exc.message}", file=sys.stderr)
        return 2
    files = project_test_files(root, args.tests or cfg.tests, cfg.exclude)
    findings = analyze(
        root, files, assert_helpers=cfg.assert_helpers, xfail_strict=xfail_strict(root)
    )
    if args.json:
        rows = [
            {
                "code": f.code,
                "severity": f.severity.value,
                "path": f.path,
                "line": f.line,
                "test": f.test,
                "message": f.message,
            }
            for f in findings
        ]
        print(json.dumps(rows, indent=1))
    else:
        for f in findings:
            print(f"{f.location}: {f.code} [{f.severity.value}] {f.message}")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
