"""Operator mutation of a pinned project: testvet against mutmut 3.8.1, side by side in one run.

Projects: cachetools 5.5.0 (default), itsdangerous 2.2.0 and toolz 1.0.0 (``--project``;
mutmut 3.8.1 cannot run toolz's suite: its trampolines add names that toolz's namespace
tests reject, so use ``--skip-mutmut`` there). Both tools mutate the same files (the
package) with the project's own suite, each
with its default parallelism (``--workers N`` sets both to N); mutmut runs in its own
virtualenv on its own copy of the sdist (it writes a ``mutants/`` directory into the
project), testvet on a pristine copy (it writes nothing there); testvet's figures are
the median of ``--rounds`` audits. Printed: mutants, wall seconds, mutants per second and
the ratio; the CPU a worker run costs in the worker and in the warm process that forks
it; peak memory of each process tree (summed PSS); and, for the mutants both tools generate
(same function, same mutated body after normalising both with ``ast.unparse``), how
often their killed/survived verdicts agree.

Usage: ``.venv/bin/python benchmarks/mutation_vs_mutmut.py [--project cachetools]
[--workers N] [--rounds 3] [--skip-mutmut]``.
Reference measured here earlier: mutmut 3.8.1, 1,498 mutants of cachetools in 71 s on
2 cores (22.9 mutants/s).
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import time
from dataclasses import replace

from mutation_common import (
    CACHETOOLS,
    ITSDANGEROUS,
    TOOLZ,
    WORK,
    PeakMemory,
    Pinned,
    env,
    testvet_audit,
    unpack,
    venv,
)

MUTMUT = "mutmut==3.8.1"
PROJECTS = {p.name: p for p in (CACHETOOLS, ITSDANGEROUS, TOOLZ)}


def _mutmut_config(project: Pinned) -> str:
    package = project.package_glob.removesuffix("**")  # src/cachetools/
    tests = " ".join(f"{t}/" for t in project.tests)
    config = f"\n[mutmut]\nsource_paths = {package}\npytest_add_cli_args_test_selection = {tests}\n"
    inside = [t for t in project.tests if f"{t}/".startswith(package)]  # toolz/tests
    if inside:
        config += "do_not_mutate = " + " ".join(f"{t}/*" for t in inside) + "\n"
    return config


def _body(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return ast.unparse(ast.Module(body=fn.body, type_ignores=[]))


def run_mutmut(
    project: Pinned, workers: int
) -> tuple[dict[tuple[str, str], str], int, float, float]:
    """``workers`` 0: mutmut's default (one child per core)."""
    # (function, body) -> verdict, mutants, seconds, peak MiB.
    python = venv("-".join(["mutmut", *project.deps]), [MUTMUT, "pytest", *project.deps])
    root = unpack(project, WORK / "mutmut-src", fresh=True)
    setup_cfg = root / "setup.cfg"
    before = setup_cfg.read_text() if setup_cfg.exists() else ""
    setup_cfg.write_text(before + _mutmut_config(project))
    mutmut = python.parent / "mutmut"
    began = time.perf_counter()
    proc = subprocess.Popen(
        [str(mutmut), "run", *(["--max-children", str(workers)] if workers else [])],
        cwd=root,
        env=env({"PATH": f"{python.parent}:{env()['PATH']}"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with PeakMemory(proc.pid) as memory:
        proc.wait()
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        sys.exit(f"mutmut run failed with status {proc.returncode} in {root}")
    verdicts: dict[tuple[str, str], str] = {}
    count = 0
    for meta in (root / "mutants").rglob("*.py.meta"):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        count += len(codes)
        source = meta.with_suffix("")  # mutants/src/<package>/x.py
        tree = ast.parse(source.read_text())
        bodies: dict[str, str] = {}
        for node in ast.walk(tree):
            if (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and "__mutmut_" in node.name
            ):
                bodies[node.name] = _body(node)
        for key, code in codes.items():
            name = key.rsplit(".", 1)[-1]
            if name not in bodies:
                continue
            base = name.rsplit("__mutmut_", 1)[0]
            function = ".".join(p for p in base.split("ǁ")[1:]) if "ǁ" in base else base[2:]
            verdict = {0: "survived", 1: "killed", 3: "killed"}.get(code, f"other:{code}")
            if code in (-24, 24, 36, 152, 255, -9, -11):
                verdict = "killed"  # timeouts and crashes are detections for both tools
            verdicts[(function, bodies[name])] = verdict
    return verdicts, count, seconds, memory.mib


def run_testvet(
    project: Pinned, workers: int
) -> tuple[dict[tuple[str, str], str], int, dict[str, float], float]:
    root = unpack(project, WORK / "testvet-src")
    pinned = project == PROJECTS[project.name]
    name = project.name if pinned else f"{project.name}-{project.version}"
    python = venv(name, ["pytest", "coverage", *project.deps], editable=root)
    out = WORK / f"out-{project.name}"
    result = testvet_audit(project, root, python, "full", workers, out, trace=True)
    mutation = result.audit.mutation
    assert mutation is not None
    operator = [m for m in mutation.mutants if m.kind == "operator"]
    by_id = {}
    from testvet.mutate.plan import build

    plan = build(root, result.audit.run, result.audit.config.mutation, "full")
    for target in plan.targets:
        for spec in target.mutants:
            by_id[spec.id] = spec
    verdicts: dict[tuple[str, str], str] = {}
    for m in operator:
        spec = by_id.get(m.id)
        if spec is None:
            continue
        node = _def_node(spec.source)
        word = "survived" if m.status.value == "survived" else "killed"
        if m.status.value == "no-tests":
            word = "no-tests"
        verdicts[(m.function.split(":", 1)[1], _body(node))] = word
    seconds = dict(result.seconds)
    seconds["mutants_executed"] = float(len(operator))
    seconds["all_mutants"] = float(len(mutation.mutants))
    seconds["engine"] = mutation.duration
    seconds["cost_floor"] = mutation.cost_floor
    seconds["workers"] = float(mutation.workers)
    seconds.update({f"cpu_{k}": v for k, v in result.cpu.items()})
    return verdicts, len(operator), seconds, result.peak_mib


def _def_node(text: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """The ``def`` of a mutant's text (indented method text parses inside ``if 1:``)."""
    node = ast.parse("if 1:\n" + text if text[:1] in " \t" else text).body[0]
    if isinstance(node, ast.If):
        node = node.body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return node


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", choices=sorted(PROJECTS), default=CACHETOOLS.name)
    parser.add_argument("--version", help="another release of the project than the pinned one")
    parser.add_argument(
        "--workers", type=int, default=0, help="both tools; 0 (default): each tool's default"
    )
    parser.add_argument("--rounds", type=int, default=3, help="testvet audits (median)")
    parser.add_argument("--skip-mutmut", action="store_true")
    args = parser.parse_args(argv)
    project = PROJECTS[args.project]
    if args.version:
        project = replace(project, version=args.version)

    runs = [run_testvet(project, args.workers) for _ in range(max(1, args.rounds))]
    runs.sort(key=lambda r: r[2]["mutate"])
    tv, tv_count, tv_seconds, tv_peak = runs[len(runs) // 2]
    tv_total = tv_seconds["discover"] + tv_seconds["run"] + tv_seconds["mutate"]
    stages = ", ".join(f"{r[2]['mutate']:.2f}" for r in runs)
    print(
        f"testvet  {project.name} {project.version}, {int(tv_seconds['workers'])} workers, "
        f"median of {len(runs)} audits (mutate stage: {stages} s)"
    )
    print(
        f"  mutants: {tv_count} operator + {int(tv_seconds['all_mutants']) - tv_count} extreme; "
        f"discover {tv_seconds['discover']:.1f}s, run {tv_seconds['run']:.1f}s, "
        f"mutate {tv_seconds['mutate']:.1f}s (engine {tv_seconds['engine']:.1f}s)"
    )
    all_mutants = tv_seconds["all_mutants"]
    tv_rate = all_mutants / tv_total
    tv_stage_rate = all_mutants / tv_seconds["mutate"]
    print(
        f"  end to end: {all_mutants / tv_total:.1f} mutants/s; mutate stage: {tv_stage_rate:.1f}"
    )
    workers = max(1, tv_seconds["workers"])
    efficiency = tv_seconds["cost_floor"] / max(1e-9, tv_seconds["engine"] * workers)
    print(f"  cost floor {tv_seconds['cost_floor']:.3f}s, efficiency {100 * efficiency:.2f}%")
    print(f"  peak memory {tv_peak:.0f} MiB")
    runs = tv_seconds.get("cpu_runs", 0.0)
    if runs:  # where the stage's CPU went (see docs/mutation.md, "What remains")
        print(
            f"  CPU per worker run ({runs:.0f} runs): worker "
            f"{1000 * tv_seconds['cpu_worker_seconds'] / runs:.1f} ms, "
            f"{tv_seconds['cpu_worker_faults'] / runs:.0f} page faults; warm process "
            f"{1000 * tv_seconds.get('cpu_warm_seconds', 0.0) / runs:.1f} ms"
        )
    if args.skip_mutmut:
        return 0
    mm, mm_count, mm_seconds, mm_peak = run_mutmut(project, args.workers)
    mm_rate = mm_count / mm_seconds
    children = args.workers or "default (one per core)"
    print(f"mutmut 3.8.1, --max-children {children}")
    print(
        f"  mutants: {mm_count}; {mm_seconds:.1f}s; {mm_rate:.1f} mutants/s; peak {mm_peak:.0f} MiB"
    )
    print(f"ratio (testvet end to end / mutmut): {tv_rate / mm_rate:.1f}x")
    print(f"ratio (testvet mutate stage / mutmut): {tv_stage_rate / mm_rate:.1f}x")
    common = [k for k in tv if k in mm and tv[k] != "no-tests"]
    same = sum(1 for k in common if tv[k] == mm[k])
    print(
        f"agreement on {len(common)} mutants both generate: {same} same verdict "
        f"({100 * same / max(1, len(common)):.1f}%)"
    )
    for k in [k for k in common if tv[k] != mm[k]][:10]:
        print(f"  differs: {k[0]}: testvet {tv[k]}, mutmut {mm[k]}")
    shutil.rmtree(WORK / f"out-{project.name}", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
