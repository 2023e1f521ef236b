"""Shared plumbing of the mutation benchmarks: pinned sdists, venvs, memory, testvet runs.

Everything downloaded or built lives under ``benchmarks/.work/mutation/`` (never
committed). Projects are pinned sdists from PyPI; each gets its own virtualenv with
pytest and the project installed editable, so the project's interpreter is not testvet's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "mutation"


@dataclass(frozen=True)
class Pinned:
    name: str
    version: str
    #: Critical-path glob for operator mutation (the whole package).
    package_glob: str
    tests: tuple[str, ...] = ("tests",)
    deps: tuple[str, ...] = ()
    args: tuple[str, ...] = ()


CACHETOOLS = Pinned("cachetools", "5.5.0", "src/cachetools/**")
ITSDANGEROUS = Pinned("itsdangerous", "2.2.0", "src/itsdangerous/**", deps=("freezegun",))
#: Tests inside the package (``toolz/tests``); a published benchmark saw mutmut at 11.9 GB
#: on it.
TOOLZ = Pinned("toolz", "1.0.0", "toolz/**", tests=("toolz/tests",))
ATTRS = Pinned(
    "attrs",
    "24.2.0",
    "src/attr/**",
    deps=("hypothesis==6.112.1", "pympler", "cloudpickle"),
    args=("-p", "no:mypy-plugins"),
)


def run(cmd: list[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def sdist(project: Pinned) -> Path:
    sdists = WORK / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    archive = sdists / f"{project.name}-{project.version}.tar.gz"
    if not archive.exists():
        run(
            [
                sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                f"{project.name}=={project.version}", "-d", str(sdists),
            ]
        )  # fmt: skip
    return archive


def unpack(project: Pinned, where: Path, fresh: bool = False) -> Path:
    """The project's source tree under ``where`` (re-extracted when ``fresh``)."""
    root = where / f"{project.name}-{project.version}"
    if fresh and root.exists():
        shutil.rmtree(root)
    fence = HERE / ".work" / "pytest.ini"
    if not fence.exists():
        # pytest looks for its configuration upwards from a project that has none of its
        # own (cachetools, toolz): it would find this repository's pyproject.toml. An
        # empty pytest.ini here gives those projects pytest's defaults, as on a user's
        # machine.
        fence.parent.mkdir(parents=True, exist_ok=True)
        fence.write_text("# pytest's defaults for the projects unpacked below\n[pytest]\n")
    if not root.exists():
        where.mkdir(parents=True, exist_ok=True)
        with tarfile.open(sdist(project)) as tar:
            tar.extractall(where, filter="data")
    return root


def venv(name: str, packages: list[str], editable: Path | None = None) -> Path:
    """A virtualenv under WORK with ``packages`` (and ``editable``) installed; its python."""
    path = WORK / f"venv-{name}"
    python = path / "bin" / "python"
    if not (path / ".ready").exists():
        shutil.rmtree(path, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(path)])
        run([str(python), "-m", "pip", "install", "-q", *packages])
        if editable is not None:
            run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(editable)])
        (path / ".ready").write_text("ok\n")
    return python


def env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    out = dict(os.environ)
    out.pop("PYTEST_ADDOPTS", None)
    out.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", NO_COLOR="1")
    out["HYPOTHESIS_STORAGE_DIRECTORY"] = str(WORK / "hypothesis")
    out.update(extra or {})
    return out


class PeakMemory:
    """Peak of the summed PSS of a process tree, sampled every 50 ms from /proc."""

    def __init__(self, root_pid: int) -> None:
        self.root = root_pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        """The root and its descendants, from each thread's ``children`` list (reading
        the status of every process on the machine cost ~4 ms a sample)."""
        tree: list[int] = []
        todo = [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                        todo += [int(child) for child in f.read().split()]
                except (OSError, ValueError):
                    continue
        return sorted(set(tree))

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            return 0
        return 0

    def _loop(self) -> None:
        while not self._stop.wait(0.05):
            total = sum(self._pss(pid) for pid in self._tree())
            self.peak = max(self.peak, total)

    @property
    def mib(self) -> float:
        return self.peak / 2**20


@dataclass(frozen=True)
class TestvetRun:
    __test__ = False

    audit: Any
    seconds: dict[str, float]
    peak_mib: float
    #: Where the mutate stage's CPU went (``engine_cpu``); empty unless traced.
    cpu: dict[str, float]


def engine_cpu(log: Path) -> dict[str, float]:
    """The CPU split of a traced mutate stage (``TESTVET_MUTATE_TRACE=1``), from the
    warm process's log: worker runs (mutants, and the control runs among them), their
    CPU and minor page faults in all, and the warm process's CPU while it forked them."""
    runs = cpu = faults = 0.0
    out: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if line.startswith("mutant ") and "cpu" in fields:
            runs += 1
            cpu += float(fields["cpu"].rstrip("s"))
            faults += int(fields.get("faults", "0"))
        elif line.startswith("engine phases"):  # "... prepared C W, mutants C W, controls C W"
            numbers = [float(w.rstrip("s,")) for w in line.split()[3:] if w[:1].isdigit()]
            if len(numbers) >= 6:
                out["warm_seconds"] = numbers[4] - numbers[0]
    if runs:
        out.update(runs=runs, worker_seconds=cpu, worker_faults=faults)
    return out


def testvet_audit(
    project: Pinned,
    root: Path,
    python: Path,
    mode: str,
    workers: int,
    out: Path,
    *,
    trace: bool,
) -> TestvetRun:
    """discover -> run -> mutate in this process (the project's suite in ``python``);
    ``trace``: with the engine's per-worker log, for ``TestvetRun.cpu``."""
    from testvet.core import AuditOptions, StageContext, start
    from testvet.discover import stage as discover
    from testvet.mutate import stage as mutate
    from testvet.run import stage as run_stage

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    options = AuditOptions(
        path=root, output_dir=out, python=str(python), mutation=mode, workers=workers
    )
    ctx = StageContext(options=options)
    audit = start(options)
    mutation = replace(audit.config.mutation, paths={project.package_glob: 0.0})
    audit = replace(
        audit, config=replace(audit.config, mutation=mutation, pytest_args=project.args)
    )
    seconds: dict[str, float] = {}
    if trace:
        os.environ["TESTVET_MUTATE_TRACE"] = "1"
    with PeakMemory(os.getpid()) as memory:
        try:
            for name, stage in (
                ("discover", discover.run),
                ("run", run_stage.run),
                ("mutate", mutate.run),
            ):
                if name == "run":  # as the pipeline does (testvet.core.run_audit)
                    mutate.prestart(audit, ctx)
                began = time.perf_counter()
                audit = stage(audit, ctx)
                seconds[name] = time.perf_counter() - began
        finally:
            ctx.close_handoffs()
            os.environ.pop("TESTVET_MUTATE_TRACE", None)
    log = out / "mutation-work" / "worker.log"
    cpu = engine_cpu(log) if trace and log.is_file() else {}
    return TestvetRun(audit, seconds, memory.mib, cpu)


def pytest_seconds(python: Path, root: Path, project: Pinned, repeat: int = 3) -> float:
    """Median wall time of the plain suite."""
    cmd = [
        str(python),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *project.tests,
        *project.args,
    ]
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(cmd, cwd=root, env=env(), capture_output=True, check=False)
        times.append(time.perf_counter() - began)
    return sorted(times)[len(times) // 2]
