"""Pseudo-tested analysis (extreme mutation) of whole projects against their plain pytest time.

For each pinned project (sdist from PyPI, its own virtualenv): the median of 3 plain
``pytest`` runs, then one testvet audit in ``extreme`` mode (discover, the instrumented
run, the mutate stage), with the peak memory of the whole process tree. Printed: the
mutate stage's time and the run+mutate time as multiples of plain pytest (goal: the
pseudo-tested analysis within 3x), mutants per second, efficiency against the cost
floor, and what was found and skipped.

Usage: ``.venv/bin/python benchmarks/mutation_pseudo.py [--only cachetools,itsdangerous,toolz]
[--workers 2]``.
"""

from __future__ import annotations

import argparse
from collections import Counter

from mutation_common import (
    ATTRS,
    CACHETOOLS,
    ITSDANGEROUS,
    TOOLZ,
    WORK,
    pytest_seconds,
    testvet_audit,
    unpack,
    venv,
)

PROJECTS = (CACHETOOLS, ITSDANGEROUS, TOOLZ, ATTRS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="cachetools,itsdangerous,toolz")
    parser.add_argument("--workers", type=int, default=0, help="0 (default): testvet's default")
    args = parser.parse_args(argv)
    rows = []
    for project in PROJECTS:
        if project.name not in args.only.split(","):
            continue
        root = unpack(project, WORK / "testvet-src")
        python = venv(project.name, ["pytest", "coverage", *project.deps], editable=root)
        plain = pytest_seconds(python, root, project)
        result = testvet_audit(
            project,
            root,
            python,
            "extreme",
            args.workers,
            WORK / f"out-{project.name}",
            trace=False,
        )
        mutation = result.audit.mutation
        assert mutation is not None
        statuses = Counter(m.status.value for m in mutation.mutants)
        pseudo = [
            f
            for f in result.audit.findings
            if f.code == "TV401" and f.detail["status"] == "pseudo-tested"
        ]
        partial = [f for f in result.audit.findings if f.code == "TV401"]
        reasons = Counter(s.reason.split(":")[0] for s in mutation.skipped)
        mutate = result.seconds["mutate"]
        run = result.seconds["run"]
        efficiency = mutation.cost_floor / max(1e-9, mutation.duration * mutation.workers)
        rows.append(
            (project, plain, run, mutate, len(mutation.mutants), result.peak_mib, efficiency)
        )
        print(f"{project.name} {project.version}: plain pytest {plain:.2f}s (median of 3)")
        print(
            f"  mutate stage {mutate:.2f}s = {mutate / plain:.2f}x pytest; "
            f"run+mutate {run + mutate:.2f}s = {(run + mutate) / plain:.2f}x"
        )
        print(
            f"  {len(mutation.mutants)} extreme mutants ({dict(statuses)}), "
            f"{len(mutation.mutants) / max(1e-9, mutate):.0f} mutants/s, {mutation.workers} workers"
        )
        print(
            f"  cost floor {mutation.cost_floor:.3f}s, engine {mutation.duration:.2f}s, "
            f"efficiency {100 * efficiency:.1f}%; peak memory {result.peak_mib:.0f} MiB"
        )
        print(
            f"  pseudo-tested: {len(pseudo)}; partially tested: {len(partial) - len(pseudo)}; "
            f"skipped: {len(mutation.skipped)} {dict(reasons)}"
        )
        for finding in pseudo[:5]:
            print(f"    {finding.location} {finding.function}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
