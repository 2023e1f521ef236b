"""Cost of testvet's instrumented run next to the tools a user would otherwise run.

For each pinned real project (sdists from PyPI, unpacked under ``benchmarks/.work/``,
never committed) and one virtualenv per project with its test dependencies, this
times, side by side in one run and interleaved (so machine noise hits every variant
alike), the median of N runs of:

* ``pytest``                      plain ``python -m pytest`` (the 1.0x reference)
* ``coverage run -m pytest``      coverage.py with branch measurement
* ``testvet map``                 testvet's run stage with the per-test map only
* ``testvet map+coverage``        testvet's run stage as ``testvet audit`` runs it

and with ``--alternatives`` the map mechanisms testvet did not choose (``profile``:
``sys.setprofile`` filtered by code object; ``lsprof``: the C profiler per test).
Every variant runs without writing bytecode or pytest's cache, from the project root.

Usage: ``.venv/bin/python benchmarks/run_overhead.py [--repeat 5] [--alternatives]
[--only attrs,click]``. It prints medians of wall time and of CPU time (user + system of
the processes involved, the steadier number on a shared machine) with their ratios to
plain pytest, and the closing summary of each variant's last run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "run_overhead"


@dataclass(frozen=True)
class Pinned:
    name: str
    version: str
    #: Source root(s) of the importable package, relative to the sdist root.
    src: tuple[str, ...]
    packages: tuple[str, ...]
    tests: tuple[str, ...]
    #: Test dependencies beyond pytest and coverage.
    deps: tuple[str, ...] = ()
    #: Extra pytest arguments (e.g. to leave out tests needing tools not installed).
    args: tuple[str, ...] = ()


PROJECTS = (
    Pinned(
        "attrs",
        "24.2.0",
        src=("src",),
        packages=("attr", "attrs"),
        tests=("tests",),
        deps=("hypothesis==6.112.1", "pympler", "cloudpickle"),
        args=("-p", "no:mypy-plugins"),
    ),
    Pinned("cachetools", "5.5.0", src=("src",), packages=("cachetools",), tests=("tests",)),
    Pinned("click", "8.1.7", src=("src",), packages=("click",), tests=("tests",)),
)


def _run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def prepare(project: Pinned) -> tuple[Path, Path]:
    """Download and unpack the sdist, create its venv; returns (source root, python)."""
    sdists = WORK / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    archive = sdists / f"{project.name}-{project.version}.tar.gz"
    if not archive.exists():
        _run(
            [
                sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                f"{project.name}=={project.version}", "-d", str(sdists),
            ]
        )  # fmt: skip
    root = WORK / "src" / f"{project.name}-{project.version}"
    if not root.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(WORK / "src", filter="data")
    venv = WORK / f"venv-{project.name}"
    python = venv / "bin" / "python"
    if not (venv / ".ready").exists():
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(python), "-m", "pip", "install", "-q", "pytest", "coverage", *project.deps])
        _run([str(python), "-m", "pip", "install", "-q", "-e", str(root)])
        (venv / ".ready").write_text("ok\n")
    return root, python


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", NO_COLOR="1")
    env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(WORK / "hypothesis")
    env.update(extra or {})
    return env


#: Variant -> pytest's closing line of its last run, to show every variant ran the same tests.
SUMMARIES: dict[str, str] = {}


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall seconds, and CPU seconds of this process and its children (less load-sensitive)."""

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - self.cpu

    @property
    def pair(self) -> tuple[float, float]:
        return self.wall, self.cpu


def _timed(cmd: list[str], cwd: Path, env: dict[str, str], label: str) -> tuple[float, float]:
    with Clock() as clock:
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    lines = [line.strip("= ") for line in done.stdout.splitlines() if line.strip()]
    SUMMARIES[label] = lines[-1] if lines else f"no output (exit {done.returncode})"
    return clock.pair


def variants(
    project: Pinned, root: Path, python: Path, alternatives: bool
) -> dict[str, Callable[[], tuple[float, float]]]:
    """Name -> a function that runs the variant once and returns (wall, CPU) seconds."""
    from testvet.core import AuditOptions, StageContext, start
    from testvet.run import stage

    # testvet's run keeps going past collection errors; so must the references, or a
    # project with one uncollectable file (click 8.1.7 on pytest 9) runs no test at all.
    pytest_args = [*project.tests, *project.args, "--continue-on-collection-errors"]
    base = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    data = WORK / f"coverage-{project.name}"
    cov = [
        str(python), "-m", "coverage", "run", "--branch", f"--data-file={data}",
        *(f"--source={s}" for s in project.src), "-m", "pytest", "-q", "-p", "no:cacheprovider",
        *pytest_args,
    ]  # fmt: skip
    out = WORK / f"out-{project.name}"
    options = AuditOptions(path=root, output_dir=out, python=str(python))

    def testvet(coverage: bool, mechanism: str = "auto") -> Callable[[], tuple[float, float]]:
        def once() -> tuple[float, float]:
            audit = start(options)
            audit = replace(
                audit,
                project=replace(
                    audit.project,
                    source_roots=project.src,
                    packages=project.packages,
                    test_paths=project.tests,
                    python=str(python),
                ),
                config=replace(audit.config, pytest_args=project.args),
            )
            os.environ[stage.MECHANISM_ENV] = mechanism
            with Clock() as clock:
                result, _analysis, _scope = stage.execute(
                    audit, StageContext(options=options), measure_coverage=coverage
                )
            if not result.results:
                sys.exit(f"{project.name}: testvet ran no test (see {out}/run/pytest-1.log)")
            counts: dict[str, int] = {}
            for r in result.results:
                counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
            SUMMARIES[f"{project.name} testvet {mechanism}, coverage {coverage}"] = ", ".join(
                f"{n} {outcome}" for outcome, n in sorted(counts.items())
            )
            return clock.pair

        return once

    found: dict[str, Callable[[], tuple[float, float]]] = {
        "pytest": lambda: _timed(base, root, _env(), f"{project.name} pytest"),
        "coverage run -m pytest": lambda: _timed(cov, root, _env(), f"{project.name} coverage"),
        "testvet map": testvet(False),
        "testvet map+coverage": testvet(True),
    }
    if alternatives:
        found["alt: map via setprofile"] = testvet(False, "profile")
        found["alt: map via lsprof"] = testvet(False, "lsprof")
        found["alt: plugin, no map"] = testvet(False, "off")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--alternatives", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated project names")
    args = parser.parse_args(argv)
    chosen = [p for p in PROJECTS if not args.only or p.name in args.only.split(",")]
    rows: list[tuple[str, str, float, float, float, float]] = []
    for project in chosen:
        root, python = prepare(project)
        runs = variants(project, root, python, args.alternatives)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        runs["pytest"]()  # warm-up: page cache, the venv's imports
        for round_ in range(args.repeat):
            for name, once in runs.items():
                times[name].append(once())
            print(f"{project.name}: round {round_ + 1}/{args.repeat}", file=sys.stderr)
        plain_wall = statistics.median(w for w, _ in times["pytest"])
        plain_cpu = statistics.median(c for _, c in times["pytest"])
        for name, values in times.items():
            wall = statistics.median(w for w, _ in values)
            cpu = statistics.median(c for _, c in values)
            rows.append((project.name, name, wall, wall / plain_wall, cpu, cpu / plain_cpu))
        print(f"{project.name}: done", file=sys.stderr)
    width = max(len(r[1]) for r in rows)
    print(f"median of {args.repeat} interleaved rounds, Python {sys.version.split()[0]}")
    print(f"{'project':<11} {'variant':<{width}}   wall s  x pytest    CPU s  x pytest")
    for name, variant, wall, wall_ratio, cpu, cpu_ratio in rows:
        print(
            f"{name:<11} {variant:<{width}} {wall:8.2f} {wall_ratio:8.2f}x "
            f"{cpu:8.2f} {cpu_ratio:8.2f}x"
        )
    print("\ntests per variant (last run):")
    for label, summary in SUMMARIES.items():
        print(f"  {label}: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
