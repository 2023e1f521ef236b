"""Helpers for the mutation tests: audits of fixture projects with a hand-made test map.

(Imported by the test modules of this directory as ``mutate_helpers``.)

The map (which test reaches which function) is written by hand for each small fixture
project, so these tests do not depend on the run stage; `test_pipeline.py` checks the
whole pipeline once the run stage produces the map itself.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from testvet import config as config_mod
from testvet.core import AuditOptions, StageContext
from testvet.model import (
    Audit,
    FunctionInfo,
    Outcome,
    Project,
    RunResult,
    TestResult,
    function_id,
)

PROJECTS = Path(__file__).parent.parent / "projects"


def _root_conftest() -> Any:
    """tests/conftest.py loaded under its own name (``conftest`` is ambiguous here)."""
    path = Path(__file__).parent.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("testvet_tests_root_conftest", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The shared content hash of a tree, and the tree writer (tests/conftest.py).
tree_digest = _root_conftest().tree_digest
write_tree = _root_conftest().write_tree


def function_infos(root: Path, module_paths: Mapping[str, str]) -> dict[str, FunctionInfo]:
    """Every def of the given modules as ``FunctionInfo`` keyed by function id (the def
    line, as the run reports it; an earlier namesake's id has it too)."""
    defs: list[tuple[str, str, str, int, int]] = []
    for module, rel in module_paths.items():
        tree = ast.parse((root / rel).read_text(encoding="utf-8"))

        def walk(body: list[ast.stmt], prefix: str, module: str = module, rel: str = rel) -> None:
            for node in body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    qual = prefix + node.name
                    defs.append((module, qual, rel, node.lineno, node.end_lineno or node.lineno))
                    walk(node.body, qual + ".<locals>.")
                elif isinstance(node, ast.ClassDef):
                    walk(node.body, prefix + node.name + ".")
                else:  # a def under if/for/try/with keeps its enclosing qualname
                    for field in ("body", "orelse", "finalbody"):
                        walk(getattr(node, field, None) or [], prefix)
                    for handler in getattr(node, "handlers", None) or []:
                        walk(handler.body, prefix)

        walk(tree.body, "")
    last = {(m, q): line for m, q, _rel, line, _end in sorted(defs, key=lambda d: d[3])}
    infos: dict[str, FunctionInfo] = {}
    for module, qual, rel, line, end in defs:
        fid = function_id(module, qual, None if line == last[(module, qual)] else line)
        infos[fid] = FunctionInfo(fid, rel, line, end)
    return infos


class Recorder:
    """A progress callback that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int | None]] = []

    def __call__(self, label: str, done: int, total: int | None) -> None:
        self.calls.append((label, done, total))


def make_audit(
    root: Path,
    module_paths: Mapping[str, str],
    reached: Mapping[str, Sequence[str]],
    mutation: Mapping[str, Any] | None = None,
    durations: Mapping[str, float] | None = None,
    outcomes: Mapping[str, Outcome] | None = None,
) -> Audit:
    """An audit of ``root`` as if the run stage had seen ``reached`` (nodeid -> qualnames)."""
    infos = function_infos(root, module_paths)
    results = []
    for nodeid, names in reached.items():
        ids = frozenset(n if ":" in n else f"{next(iter(module_paths))}:{n}" for n in names)
        missing = ids - set(infos)
        assert not missing, f"unknown functions in the hand-made map: {sorted(missing)}"
        results.append(
            TestResult(
                nodeid=nodeid,
                outcome=(outcomes or {}).get(nodeid, Outcome.PASSED),
                duration=(durations or {}).get(nodeid, 0.01),
                reached=ids,
            )
        )
    used = set().union(*(r.reached for r in results)) if results else set()
    cfg = config_mod.from_mapping({"mutation": dict(mutation or {"mode": "extreme"})})
    return Audit(
        project=Project(root=root, name=root.name, python=sys.executable),
        config=cfg,
        tool_version="test",
        started=datetime.now(timezone.utc),
        run=RunResult(
            python=sys.executable,
            duration=1.0,
            results=tuple(results),
            functions=tuple(infos[i] for i in sorted(used)),
        ),
    )


def context(output_dir: Path, root: Path, progress: Recorder | None = None) -> StageContext:
    options = AuditOptions(path=root, output_dir=output_dir)
    return StageContext(options=options, progress=progress or Recorder())


BASIC_REACHED: dict[str, list[str]] = {
    "tests/test_core.py::test_add": ["add"],
    "tests/test_core.py::test_is_even_true": ["is_even"],
    "tests/test_core.py::test_total_runs": ["total"],
    "tests/test_core.py::test_clamp_low": ["clamp"],
    "tests/test_core.py::test_double": ["_logged.<locals>.wrapper", "double"],
    "tests/test_core.py::test_scaler": ["make_scaler", "make_scaler.<locals>.scale"],
    "tests/test_core.py::test_countdown": ["countdown"],
    "tests/test_core.py::test_counter": [
        "Counter.__init__",
        "Counter.increment",
        "Counter.touch",
        "Counter.parse",
        "Counter.doubled",
        "Counter.__repr__",
    ],
}
BASIC_MODULES = {"calc.core": "src/calc/core.py"}


HOSTILE_REACHED: dict[str, list[str]] = {
    "tests/test_hostile.py::test_wait_for_stop": ["stop_flag"],
    "tests/test_hostile.py::test_exit_code": ["exit_code"],
    "tests/test_hostile.py::test_address": ["address"],
    "tests/test_hostile.py::test_chunk": ["chunk"],
    "tests/test_hostile.py::test_size": ["size"],
    "tests/test_hostile.py::test_wait_for_release": ["released"],
    "tests/test_hostile.py::test_record": ["record"],
    "tests/test_hostile.py::test_plain": ["plain"],
    "tests/test_hostile.py::test_mapped": ["mapped"],
    "tests/test_hostile.py::test_square_after_heavy_setup": ["square"],
}
HOSTILE_MODULES = {"hostile.core": "src/hostile/core.py"}


def by_id(audit: Audit) -> dict[str, Any]:
    """Mutant id -> mutant of a finished mutation stage."""
    assert audit.mutation is not None
    return {m.id: m for m in audit.mutation.mutants}


SWAP_REACHED: dict[str, list[str]] = {
    "tests/test_swap.py::test_hidden": ["_Hider.__call__", "hidden"],
    "tests/test_swap.py::test_greet": ["_Command.__call__", "greet"],
    "tests/test_swap.py::test_plus_one": [
        "_make_adder.<locals>.adder",
        "_make_adder.<locals>.adder.<locals>.wrapper",
    ],
    "tests/test_swap.py::test_replaced": ["_replace.<locals>.other", "replaced"],
    "tests/test_swap.py::test_fetch": ["fetch"],
    "tests/test_swap.py::test_child": ["Base.describe", "Child.describe", "Child.build"],
    "tests/test_order.py::test_b_compute": ["swap.order:compute"],
    "tests/test_order.py::test_b_double": ["swap.order:double"],
    "tests/test_order.py::test_c_double": ["swap.order:double"],
    "tests/test_swap.py::test_frozen": ["Frozen._refuse", "Frozen._size"],
    "tests/test_swap.py::test_lookup": ["__make_lookup.<locals>.Lookup.__call__"],
    "tests/test_swap.py::test_vault": [
        "Vault.__init__",
        "Vault.reveal",
        "Vault.__plus_one",
        "Vault.doubled",
    ],
}
SWAP_MODULES = {"swap.core": "src/swap/core.py", "swap.order": "src/swap/order.py"}


def audit_untouched(root: Path, out: Path, mode: str = "extreme") -> Audit:
    """A whole audit of ``root`` (two workers) that leaves its tree alone."""
    from testvet.core import AuditOptions, run_audit

    before = tree_digest(root)
    audit = run_audit(AuditOptions(path=root, output_dir=out, mutation=mode, workers=2))
    assert tree_digest(root) == before
    return audit
