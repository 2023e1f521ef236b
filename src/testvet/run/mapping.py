"""The run's evidence folded into the inventory: per module and per test file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from testvet.model import CoverageData, FunctionInfo, Inventory, ModuleInfo, TestResult


def _test_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def update(
    inventory: Inventory,
    results: Iterable[TestResult],
    functions: Iterable[FunctionInfo],
    coverage: CoverageData | None,
) -> Inventory:
    """ModuleInfo.coverage/.tests and TestFile.reaches from the run; reached modules added."""
    path_of = {f.module: f.path for f in functions}
    tests_per_module: dict[str, int] = defaultdict(int)
    reaches: dict[str, set[str]] = defaultdict(set)
    for result in results:
        names = {fid.split(":", 1)[0] for fid in result.reached}
        for module in names:
            tests_per_module[module] += 1
        reaches[_test_file(result.nodeid)].update(names)
    percent = {f.path: f.percent for f in coverage.files} if coverage else {}
    modules: list[ModuleInfo] = []
    listed = set()
    for info in inventory.modules:
        listed.add(info.name)
        modules.append(
            replace(
                info,
                coverage=percent.get(info.path, info.coverage),
                tests=tests_per_module.get(info.name, 0),
            )
        )
    for name in sorted(set(tests_per_module) - listed):
        path = path_of.get(name, "")
        modules.append(
            ModuleInfo(
                name=name, path=path, coverage=percent.get(path), tests=tests_per_module[name]
            )
        )
    files = [replace(tf, reaches=tuple(sorted(reaches.get(tf.path, ())))) for tf in inventory.files]
    return replace(inventory, modules=tuple(modules), files=tuple(files))
