"""Static audit speed: testvet's rules vs falsegreen 0.9.2 on click's test suite, side by side.

    .venv/bin/python benchmarks/static_speed.py [--repeat 3]

Both tools read the same files: click 8.5.1's ``tests/test_*.py`` (the sdist is fetched into
benchmarks/.work/ on first use; falsegreen is installed into its own virtualenv there).
Two measurements, each repeated and interleaved (A B A B ...) so machine load hits both
alike; the medians are compared:

1. **in-process**: one warm process per tool parses and analyses the files ``--repeat``
   times (testvet: ``testvet.static.engine.analyze``, which also parses conftest.py and the
   helper modules of the test tree; falsegreen: ``falsegreen.scanner.analyze_file`` per
   file). Interpreter start-up and imports are excluded. CPU seconds of the process.
2. **command line**: the whole command as a user runs it, start-up included:
   ``python -m testvet.static ROOT --tests tests --json`` vs ``falsegreen --json tests``.
   CPU seconds (user + sys) of the child process.

CPU time rather than wall time: the benchmark machine is shared, and CPU time is what the
analysis costs. Wall times are printed too. ``testvet audit --static-only`` additionally
runs the discover stage (pytest collection in a subprocess), which is not part of the
static rules and is left out of the comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "precision"))

from run import FALSEGREEN_VENV, falsegreen_bin, fetch  # noqa: E402

CLICK = ("click", "8.5.1", "click-8.5.1", "tests")

_TESTVET_INPROC = """
import json, sys, time
from pathlib import Path
from testvet.static.engine import analyze
from testvet.static.files import find_test_files, xfail_strict
root, repeat = Path(sys.argv[1]), int(sys.argv[2])
times, walls = [], []
for _ in range(repeat):
    c, w = time.process_time(), time.perf_counter()
    files = find_test_files(root, ["tests"], [])
    findings = analyze(root, files, xfail_strict=xfail_strict(root))
    times.append(time.process_time() - c)
    walls.append(time.perf_counter() - w)
print(json.dumps({"cpu": times, "wall": walls, "files": len(files), "findings": len(findings)}))
"""

_FALSEGREEN_INPROC = """
import json, sys, time
from pathlib import Path
from falsegreen import scanner
root, repeat = Path(sys.argv[1]), int(sys.argv[2])
files = sorted(
    p for p in (root / "tests").rglob("*.py")
    if p.name.startswith("test_") or p.name.endswith("_test.py")
)
times, walls = [], []
for _ in range(repeat):
    c, w = time.process_time(), time.perf_counter()
    found = []
    for f in files:
        found.extend(scanner.analyze_file(str(f)))
    times.append(time.process_time() - c)
    walls.append(time.perf_counter() - w)
print(json.dumps({"cpu": times, "wall": walls, "files": len(files), "findings": len(found)}))
"""


def _inproc(python: str, code: str, root: Path, repeat: int) -> dict[str, object]:
    out = subprocess.run(
        [python, "-c", code, str(root), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _command(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool (default 3)")
    args = parser.parse_args(argv)
    root = fetch(*CLICK[:3])
    fg = falsegreen_bin()
    fg_python = str(FALSEGREEN_VENV / "bin" / "python")

    # In-process: several warm runs inside each process, processes interleaved.
    tv_cpu: list[float] = []
    fg_cpu: list[float] = []
    tv_wall: list[float] = []
    fg_wall: list[float] = []
    rounds = args.repeat
    info: dict[str, dict[str, object]] = {}
    for _ in range(rounds):
        tv = _inproc(sys.executable, _TESTVET_INPROC, root, 3)
        fgr = _inproc(fg_python, _FALSEGREEN_INPROC, root, 3)
        tv_cpu += tv["cpu"]  # type: ignore[operator]
        tv_wall += tv["wall"]  # type: ignore[operator]
        fg_cpu += fgr["cpu"]  # type: ignore[operator]
        fg_wall += fgr["wall"]  # type: ignore[operator]
        info = {"testvet": tv, "falsegreen": fgr}

    # Whole commands, start-up included, interleaved.
    env_python = sys.executable
    tv_cmd = [env_python, "-m", "testvet.static", str(root), "--tests", "tests", "--json"]
    fg_cmd = [str(fg), "--json", "tests"]
    cmd_tv: list[tuple[float, float]] = []
    cmd_fg: list[tuple[float, float]] = []
    for _ in range(args.repeat):
        cmd_tv.append(_command(tv_cmd, root))
        cmd_fg.append(_command(fg_cmd, root))

    med = statistics.median
    print(
        f"click {CLICK[1]} test suite: testvet reads {info['testvet']['files']} test files "
        f"(+ conftest/helpers), falsegreen {info['falsegreen']['files']}"
    )
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"medians of {len(tv_cpu)} in-process and {args.repeat} command runs per tool"
    )
    print()
    print(f"{'measurement':<34}{'testvet':>10}{'falsegreen':>12}{'ratio':>9}")
    rows = [
        ("in-process analysis, CPU s", med(tv_cpu), med(fg_cpu)),
        ("in-process analysis, wall s", med(tv_wall), med(fg_wall)),
        ("command incl. start-up, CPU s", med(c for c, _ in cmd_tv), med(c for c, _ in cmd_fg)),
        ("command incl. start-up, wall s", med(w for _, w in cmd_tv), med(w for _, w in cmd_fg)),
    ]
    for label, a, b in rows:
        print(f"{label:<34}{a:>10.3f}{b:>12.3f}{b / a:>8.1f}x")
    ratio = rows[0][2] / rows[0][1]
    print()
    print(
        f"testvet's static rules are {ratio:.1f}x faster than falsegreen 0.9.2 "
        "(in-process CPU time; goal >= 2x)"
    )
    return 0 if ratio >= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
