"""The audit pipeline: options in, a finished :class:`~testvet.model.Audit` out.

Stages run in order; each takes the audit so far and returns an extended copy. The
core never prints and never exits: progress goes to the optional callback, errors are
:class:`~testvet.errors.TestvetError` subclasses the CLI turns into exit codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from testvet import __version__
from testvet import config as config_mod
from testvet.errors import UsageError
from testvet.model import Audit, Project


class Closable(Protocol):
    def close(self) -> None: ...


#: ``progress(label, done, total)``; total is None when unknown.
ProgressCallback = Callable[[str, int, "int | None"], None]


def _no_progress(label: str, done: int, total: int | None) -> None:
    """Default progress sink: ignore."""


@dataclass(frozen=True)
class AuditOptions:
    """What the caller asked for; None means "use the project's config or the default"."""

    path: Path
    output_dir: Path
    static_only: bool = False
    python: str | None = None
    coverage_file: Path | None = None
    test_timeout: float | None = None
    baseline: Path | None = None
    mutation: str | None = None
    workers: int | None = None
    debug: bool = False


@dataclass(frozen=True)
class StageContext:
    """What a stage may use besides the audit itself."""

    options: AuditOptions
    progress: ProgressCallback = _no_progress
    #: What one stage starts for a later one (the mutation stage's warm process, started
    #: before the run); anything left is closed when the pipeline ends.
    handoff: dict[str, Closable] = field(default_factory=dict)

    def close_handoffs(self) -> None:
        """Close whatever no stage took (an earlier stage failed, or it was not needed)."""
        while self.handoff:
            _, resource = self.handoff.popitem()
            resource.close()


Stage = Callable[[Audit, StageContext], Audit]


def _stages() -> list[tuple[str, Stage]]:
    # Imported here so that `testvet --version` stays fast.
    from testvet import policy
    from testvet.discover import stage as discover
    from testvet.mutate import stage as mutate
    from testvet.run import stage as run
    from testvet.scenarios import stage as scenarios
    from testvet.static import stage as static

    return [
        ("discover", discover.run),
        ("static", static.run),
        ("run", run.run),
        ("mutate", mutate.run),
        ("scenarios", scenarios.run),
        ("policy", policy.run),
    ]


def _skip_reason(name: str, audit: Audit, options: AuditOptions) -> str | None:
    if name in ("run", "mutate") and options.static_only:
        return "--static-only"
    if name == "mutate":
        if audit.config.mutation.mode == "off":
            return "mutation mode is off"
        if audit.run is None:
            return "no instrumented run"
    return None


def resolve_root(path: Path) -> Path:
    """The project root for ``path``: it must exist and be a directory."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise UsageError(f"{path}: not a directory (give the project's root directory)")
    return path.resolve()


def apply_options(cfg: config_mod.Config, options: AuditOptions) -> config_mod.Config:
    """Command-line options override the project's configuration."""
    if options.python:
        cfg = replace(cfg, python=options.python)
    if options.test_timeout is not None:
        cfg = replace(cfg, test_timeout=options.test_timeout)
    if options.baseline is not None:
        cfg = replace(cfg, baseline=str(options.baseline))
    mutation = cfg.mutation
    if options.mutation is not None:
        mutation = replace(mutation, mode=options.mutation)
    if options.workers is not None:
        mutation = replace(mutation, workers=options.workers)
    return replace(cfg, mutation=mutation)


def start(options: AuditOptions) -> Audit:
    """The empty audit of the project ``options.path`` with its validated configuration."""
    root = resolve_root(options.path)
    cfg = apply_options(config_mod.load(root), options)
    project = Project(root=root, name=root.name)
    return Audit(
        project=project,
        config=cfg,
        tool_version=__version__,
        started=datetime.now(timezone.utc).replace(microsecond=0),
    )


def run_audit(options: AuditOptions, progress: ProgressCallback | None = None) -> Audit:
    """Run every stage and return the finished audit (verdict included)."""
    ctx = StageContext(options=options, progress=progress or _no_progress)
    audit = start(options)
    timings: dict[str, float] = {}
    skipped: dict[str, str] = {}
    try:
        for name, stage in _stages():
            reason = _skip_reason(name, audit, options)
            if reason:
                skipped[name] = reason
                continue
            if name == "run" and audit.config.mutation.mode != "off":
                _prestart_mutation(audit, ctx)
            began = time.perf_counter()
            audit = stage(audit, ctx)
            timings[name] = round(time.perf_counter() - began, 4)
            audit = replace(audit, timings={**audit.timings, **timings})
    finally:
        ctx.close_handoffs()
    return replace(audit, timings=timings, skipped_stages={**audit.skipped_stages, **skipped})


def _prestart_mutation(audit: Audit, ctx: StageContext) -> None:
    """Let the mutation stage's warm process import and collect during the run."""
    from testvet.mutate import stage as mutate

    mutate.prestart(audit, ctx)
