"""The fsync-discipline shim: a simulated power loss drops what was never fsynced."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

from testvet.harness import History, check_set, fsync_discipline
from testvet.harness.disk import DiskFaults
from testvet.harness.fsync import FsyncDiscipline


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@pytest.mark.parametrize(("mode", "survives"), [("durable", True), ("nofsync", False)])
def test_power_loss_catches_a_store_that_never_fsyncs(
    mode: str, survives: bool, kvserver: ModuleType, tmp_path: Path
) -> None:
    history = History()
    with fsync_discipline(tmp_path) as disk:
        store = kvserver.Store(tmp_path, mode)
        for i in range(10):
            op = history.invoke(0, "add", f"k{i}")
            assert store.execute(["PUT", f"k{i}", str(i)]) == "OK"
            history.ok(op)
        os.close(store._fd)
        disk.crash()
    result = check_set(history, kvserver.Store(tmp_path, mode).data)
    assert result.ok is survives, result.message
    if not survives:
        assert len(result.lost) == 10


def test_the_same_store_survives_a_sigkill_without_fsync(
    kvserver: ModuleType, tmp_path: Path
) -> None:
    """Without the shim (as after SIGKILL) the page cache keeps the nofsync writes."""
    store = kvserver.Store(tmp_path, "nofsync")
    store.execute(["PUT", "a", "1"])
    os.close(store._fd)
    assert kvserver.Store(tmp_path, "nofsync").data == {"a": "1"}


def test_rename_needs_a_directory_fsync(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("old")
    with fsync_discipline(tmp_path) as disk:
        for sync_dir in (False, True):
            tmp = tmp_path / "config.tmp"
            with open(tmp, "w") as f:
                f.write("new")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, tmp_path / "config")
            if sync_dir:
                _fsync_dir(tmp_path)
            disk.crash()
            assert (tmp_path / "config").read_text() == ("new" if sync_dir else "old")
            assert not tmp.exists()
        assert disk.fsyncs == 3


def test_unsynced_appends_and_new_files_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "log").write_bytes(b"one\n")
    (tmp_path / "sub").mkdir()
    with fsync_discipline(tmp_path) as disk:
        with open(tmp_path / "log", "ab") as f:
            f.write(b"two\n")
            f.flush()
            os.fsync(f)  # a file object is accepted, like os.fsync itself
            f.write(b"three\n")
        (tmp_path / "sub" / "new").write_text("x")
        (tmp_path / "newdir").mkdir()
        disk.crash()
        assert (tmp_path / "log").read_bytes() == b"one\ntwo\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "sub"]
        assert list((tmp_path / "sub").iterdir()) == []


def test_unlink_without_directory_fsync_comes_back(tmp_path: Path) -> None:
    (tmp_path / "keep").write_text("k")
    with fsync_discipline(tmp_path) as disk:
        (tmp_path / "keep").unlink()
        disk.crash()
        assert (tmp_path / "keep").read_text() == "k"
        (tmp_path / "keep").unlink()
        _fsync_dir(tmp_path)
        disk.crash()
        assert not (tmp_path / "keep").exists()


def test_os_sync_makes_everything_durable(tmp_path: Path) -> None:
    with fsync_discipline(tmp_path) as disk:
        (tmp_path / "a").write_text("a")
        os.sync()
        (tmp_path / "b").write_text("b")
        disk.crash()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_patches_are_removed_on_exit(tmp_path: Path, fsync_discipline: FsyncDiscipline) -> None:
    original = os.fsync
    disk = fsync_discipline.watch(tmp_path)
    assert os.fsync is not original
    fsync_discipline.close()
    assert os.fsync is original
    assert disk.fsyncs == 0


def test_only_fsyncs_under_the_root_are_counted(tmp_path: Path) -> None:
    root, other = tmp_path / "root", tmp_path / "other"
    root.mkdir()
    other.mkdir()
    with fsync_discipline(root) as disk:
        for directory in (other, root):
            with open(directory / "f", "w") as f:
                f.write("x")
                f.flush()
                os.fsync(f.fileno())
            _fsync_dir(directory)
        assert disk.fsyncs == 2  # the file and the directory under the root, nothing else


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    from testvet.harness import FsyncShim

    with pytest.raises(ValueError, match="is not a directory"):
        FsyncShim(tmp_path / "missing")


def test_combines_with_disk_faults_when_nested(
    tmp_path: Path, disk_faults: DiskFaults, fsync_discipline: FsyncDiscipline
) -> None:
    """An fsync that fails with EIO did not make anything durable."""
    import errno

    target = tmp_path / "f"
    with fsync_discipline(tmp_path) as disk:
        with disk_faults.eio(path=tmp_path, ops=("fsync",)), open(target, "wb") as f:
            f.write(b"x")
            f.flush()
            with pytest.raises(OSError, match="Input/output error") as raised:
                os.fsync(f.fileno())
        assert raised.value.errno == errno.EIO
        assert disk.fsyncs == 0
        disk.crash()
    assert not target.exists()
