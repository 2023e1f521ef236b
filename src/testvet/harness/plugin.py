"""The ``pytest11`` entry point of testvet.harness: registers its fixtures.

Loaded by every pytest run in an environment where testvet is installed, so it only
defines fixtures (nothing autouse, no hooks that change other tests) and imports the
heavy parts — hypothesis, time-machine, asyncio — lazily, inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from testvet.harness.clock import Clock
    from testvet.harness.disk import DiskFaults
    from testvet.harness.fsync import FsyncDiscipline
    from testvet.harness.process import HardKill
    from testvet.harness.proxy import ProxyFactory


@pytest.fixture
def hard_kill(request: pytest.FixtureRequest) -> Iterator[HardKill]:
    """Start programs in their own process group, SIGKILL them, restart them.

    Every process group still alive at teardown is killed; a survivor fails the test.
    """
    from testvet.harness.process import HardKill

    manager = HardKill.for_test(request.node.nodeid)
    try:
        yield manager
    finally:
        manager.close()


@pytest.fixture
def disk_faults() -> Iterator[DiskFaults]:
    """Inject ENOSPC, EIO and short writes into file writes of the code under test."""
    from testvet.harness.disk import DiskFaults

    faults = DiskFaults()
    try:
        yield faults
    finally:
        faults.close()


@pytest.fixture
def fsync_discipline() -> Iterator[FsyncDiscipline]:
    """``with fsync_discipline(path) as disk: …; disk.crash()`` drops un-fsynced writes."""
    from testvet.harness.fsync import FsyncDiscipline

    shims = FsyncDiscipline()
    try:
        yield shims
    finally:
        shims.close()


@pytest.fixture
def fault_proxy() -> Iterator[ProxyFactory]:
    """``fault_proxy(upstream=(host, port))`` -> a loopback TCP proxy with toxics."""
    from testvet.harness.proxy import ProxyFactory

    factory = ProxyFactory()
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Travel and skew time in-process (time-machine) or in a subprocess (libfaketime)."""
    from testvet.harness.clock import Clock

    controller = Clock()
    try:
        yield controller
    finally:
        controller.close()
