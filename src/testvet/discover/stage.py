"""Entry point of the discover stage: ``run(audit, ctx) -> audit``.

Fills ``audit.project`` (layout, interpreter) and ``audit.inventory`` (tests, test
files with the project modules they import, project modules) and adds
``collection-error`` findings. Collection runs in a child process
(:mod:`testvet.discover.collect`); its data files go to ``OUTPUT_DIR/discover/``.
The collection timeout is 180 s, or ``TESTVET_COLLECT_TIMEOUT`` seconds when set.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testvet import subproc
from testvet.discover import astscan, collect, diagnose, kinds, layout
from testvet.discover.imports import FileFacts, project_modules, scan
from testvet.errors import ConfigError
from testvet.model import Audit, Finding, Inventory, Project, TestFile, TestItem, TestKind

if TYPE_CHECKING:
    from testvet.core import StageContext

TIMEOUT_ENV = "TESTVET_COLLECT_TIMEOUT"


def collect_timeout() -> float:
    """Seconds the collection child may take (``TESTVET_COLLECT_TIMEOUT`` overrides)."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return collect.DEFAULT_TIMEOUT
    return value if value > 0 else collect.DEFAULT_TIMEOUT


def _item(raw: Mapping[str, Any]) -> TestItem:
    line = raw.get("line")
    return TestItem(
        nodeid=str(raw["nodeid"]),
        path=str(raw.get("path") or str(raw["nodeid"]).split("::")[0]),
        function=str(raw.get("function") or str(raw["nodeid"]).rsplit("::", 1)[-1]),
        cls=raw.get("cls") or None,
        line=line if isinstance(line, int) else None,
        markers=tuple(str(m) for m in raw.get("markers") or ()),
        params=raw.get("params") if isinstance(raw.get("params"), str) else None,
        unittest=bool(raw.get("unittest")),
    )


class _Facts:
    """Lazily parsed facts of test files, by relative path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, FileFacts | None] = {}

    def __call__(self, rel: str) -> FileFacts | None:
        if rel not in self.cache:
            path = self.root / rel
            ok = rel.endswith(".py") and path.is_file()
            self.cache[rel] = scan(path, self.root) if ok else None
        return self.cache[rel]


def build_inventory(
    items: Iterable[TestItem],
    extra_files: Iterable[str],
    proj: Project,
    lay: layout.Layout,
    facts: _Facts,
    collected_with: str,
) -> Inventory:
    """Classify items, group them per file and map files to the project modules they import."""
    module_names = {m.name for m in lay.modules}
    by_file: dict[str, list[TestItem]] = defaultdict(list)
    touched: dict[str, TestKind | None] = {}
    classified: list[TestItem] = []
    for item in items:
        if item.path not in touched:
            file_facts = facts(item.path)
            touched[item.path] = (
                kinds.file_kind(file_facts, lay.scripts, proj.packages) if file_facts else None
            )
        file_facts = facts(item.path)
        qualname = f"{item.cls}.{item.function}" if item.cls else item.function
        line = file_facts.defs.get(qualname, item.line) if file_facts else item.line
        kind = kinds.item_kind(item.markers, item.path, touched[item.path])
        item = replace(item, kind=kind, line=line)
        classified.append(item)
        by_file[item.path].append(item)
    for rel in extra_files:
        by_file.setdefault(rel, [])
    files = []
    for rel in sorted(by_file):
        file_facts = facts(rel)
        default = kinds.path_kind(rel) or touched.get(rel) or TestKind.UNIT
        imports = (
            project_modules(file_facts.imports, module_names, proj.source_roots)
            if file_facts
            else ()
        )
        files.append(
            TestFile(
                path=rel,
                kind=kinds.majority((i.kind for i in by_file[rel]), default),
                tests=len(by_file[rel]),
                imports=imports,
            )
        )
    return Inventory(
        tests=tuple(classified),
        files=tuple(files),
        modules=lay.modules,
        collected_with=collected_with,
    )


def _error_files(root: Path, errors: Iterable[Mapping[str, Any]]) -> list[str]:
    """Test files behind collection errors: the file itself, or those a conftest hid."""
    out = []
    for error in errors:
        path = str(error.get("path") or "")
        if path.endswith(".py") and not error.get("conftest") and (root / path).is_file():
            out.append(path)
        elif error.get("conftest") and (root / path).is_dir():
            out += [p.relative_to(root).as_posix() for p in astscan.test_files(root, (path,))]
    return out


def _ast_inventory(root: Path, proj: Project, lay: layout.Layout, facts: _Facts) -> Inventory:
    items: list[TestItem] = []
    files = []
    for path in astscan.test_files(root, lay.test_paths):
        rel = path.relative_to(root).as_posix()
        files.append(rel)
        items.extend(astscan.items(path, rel))
    return build_inventory(items, files, proj, lay, facts, "ast")


def _check_configured_paths(root: Path, source: str, **keys: tuple[str, ...]) -> None:
    for key, paths in keys.items():
        for rel in paths:
            if not (root / rel).exists():
                raise ConfigError(f"{source}: [tool.testvet] {key}: {rel!r} does not exist")


def run(audit: Audit, ctx: StageContext) -> Audit:
    """Discover the layout, collect the inventory, diagnose collection errors."""
    root = audit.project.root
    cfg = audit.config
    _check_configured_paths(root, cfg.source or "pyproject.toml", src=cfg.src, tests=cfg.tests)
    lay = layout.discover(root, cfg.src, cfg.tests)
    python = subproc.find_python(root, cfg.python)
    proj = replace(
        audit.project,
        name=lay.name,
        source_roots=lay.source_roots,
        packages=lay.packages,
        test_paths=lay.test_paths,
        python=python,
        pyproject=lay.pyproject,
    )
    ctx.progress("collecting tests", 0, None)
    workdir = Path(ctx.options.output_dir).resolve() / "discover"
    result = collect.collect(root, python, lay.test_paths, workdir, timeout=collect_timeout())
    facts = _Facts(root)
    dctx = diagnose.Context(python, lay.packages, lay.source_roots, facts, root)
    findings: list[Finding]
    if result.status == "ok":
        findings = diagnose.for_errors(result, dctx)
        items = [_item(raw) for raw in result.items if raw.get("nodeid")]
        if items or not result.errors:
            seen = [*_error_files(root, result.errors), *result.files]
            inventory = build_inventory(items, seen, proj, lay, facts, "pytest")
        else:  # errors stopped collection altogether: show what is on disk
            inventory = _ast_inventory(root, proj, lay, facts)
    else:
        findings = [diagnose.for_failure(result, dctx, lay.test_paths)]
        inventory = _ast_inventory(root, proj, lay, facts)
    ctx.progress("collecting tests", len(inventory.tests), len(inventory.tests))
    return replace(
        audit,
        project=proj,
        inventory=inventory,
        findings=(*audit.findings, *findings),
    )
