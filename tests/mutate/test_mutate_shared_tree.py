"""Tests that share files in the project's tree (python-box's fixed scratch directory)
or a fixed port disturb each other when two workers run them at once: a test fails
because another worker's fixture removed its file or holds its port, and the mutant is
called killed. The run sees the suite write into the tree or bind a fixed port; the
mutants then run one at a time."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from mutate_helpers import PROJECTS, tree_digest

from testvet.core import AuditOptions, run_audit
from testvet.model import MutantStatus

ROOT = PROJECTS / "mut_shared"
PORTS = PROJECTS / "mut_ports"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one worker anyway")
def test_a_suite_that_writes_into_its_tree_gets_one_worker(tmp_path: Path) -> None:
    # a copy: its tests write into their tree (testvet's self-audit would see its own
    # tree change, and run its mutants one at a time)
    root = tmp_path / "mut_shared"
    shutil.copytree(ROOT, root)
    before = tree_digest(root)
    audit = run_audit(AuditOptions(path=root, output_dir=tmp_path / "out", mutation="extreme"))
    assert tree_digest(root) == before  # the tests' scratch directory is gone again
    assert audit.run is not None
    assert audit.run.wrote == ("tests/",)
    assert audit.mutation is not None
    assert audit.mutation.workers == 1
    assert audit.mutation.notes == (
        "the suite writes into the project's tree while it runs (tests/): mutants ran one "
        "at a time, as tests running at once in several workers could disturb each other "
        "there (set workers to run more at once)",
    )
    statuses = {m.id: m.status for m in audit.mutation.mutants}
    # nothing checks what count_words returns: with two workers, other workers' fixtures
    # made its mutants fail now and then
    assert statuses["wordfile:count_words#return-none"] is MutantStatus.SURVIVED
    assert [f.function for f in audit.findings if f.code == "TV401"] == ["wordfile.count_words"]


@pytest.mark.slow
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one worker anyway")
def test_a_suite_that_binds_a_fixed_port_gets_one_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ports of this run's own: no process of an earlier run may hold them
    port, collect_port = _free_port(), _free_port()
    monkeypatch.setenv("PORTCHECK_PORT", str(port))
    monkeypatch.setenv("PORTCHECK_COLLECT_PORT", str(collect_port))
    audit = run_audit(AuditOptions(path=PORTS, output_dir=tmp_path / "out", mutation="extreme"))
    assert audit.run is not None
    # not the ephemeral port (0), nor the one conftest binds while pytest collects
    assert audit.run.ports == (f"127.0.0.1:{port}",)
    assert audit.run.wrote == ()
    assert audit.mutation is not None
    assert audit.mutation.workers == 1
    assert audit.mutation.notes == (
        f"the suite binds a fixed port (127.0.0.1:{port}): mutants ran one at a time, as tests "
        "running at once in several workers could disturb each other there (set workers "
        "to run more at once)",
    )
    statuses = {m.id: m.status for m in audit.mutation.mutants}
    # nothing checks what greeting returns (with two workers, a test failed now and then
    # as the other worker's test held the port: a false kill, or a note that it fails
    # in the workers only)
    assert statuses["portcheck:greeting#return-none"] is MutantStatus.SURVIVED
    assert statuses["portcheck:bound_port#return-none"] is MutantStatus.KILLED
    assert [f.function for f in audit.findings if f.code == "TV401"] == ["portcheck.greeting"]
