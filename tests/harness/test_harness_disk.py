"""disk_faults: ENOSPC, EIO and short writes in-process; libfiu for subprocesses."""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from testvet.harness.disk import DiskFaults
from testvet.harness.fiu import Fiu, find_preload_dir
from testvet.harness.process import HardKill


def _naive_write(path: Path, data: bytes) -> None:
    """The classic bug: one os.write, its count ignored."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _careful_write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def test_enospc_at_once_through_pathlib(disk_faults: DiskFaults, tmp_path: Path) -> None:
    with disk_faults.enospc(after_bytes=0, path=tmp_path) as fault:
        with pytest.raises(OSError, match="No space left") as raised:
            (tmp_path / "f").write_bytes(b"x")
        assert raised.value.errno == errno.ENOSPC
    assert fault.injected == 1
    assert (tmp_path / "f").read_bytes() == b""


def test_enospc_after_a_byte_count_with_os_write(disk_faults: DiskFaults, tmp_path: Path) -> None:
    with (
        disk_faults.enospc(after_bytes=100, path=tmp_path) as fault,
        pytest.raises(OSError, match="No space left") as raised,
    ):
        _careful_write(tmp_path / "f", b"a" * 1000)
    assert raised.value.errno == errno.ENOSPC
    assert (tmp_path / "f").stat().st_size == 100
    assert fault.bytes_written == 100
    assert fault.injected == 2  # one short write at the edge, then the error


def test_enospc_surfaces_from_buffered_text_files(disk_faults: DiskFaults, tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    with disk_faults.enospc(after_bytes=5000, path=tmp_path):
        f = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closing it is part of the test
        assert f.mode == "w"
        f.write("x" * 10_000)  # 5000 bytes go out in a short write, the rest stays buffered
        with pytest.raises(OSError, match="No space left") as raised:
            f.flush()
        with pytest.raises(OSError, match="No space left"):
            f.close()
    assert raised.value.errno == errno.ENOSPC
    assert target.stat().st_size == 5000


def test_files_outside_path_and_pipes_are_untouched(
    disk_faults: DiskFaults, tmp_path: Path
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "free").mkdir()
    with disk_faults.enospc(path=tmp_path / "full"):
        (tmp_path / "free" / "f").write_text("fine")
        read_end, write_end = os.pipe()
        assert os.write(write_end, b"pipe") == 4
        os.close(write_end)
        assert os.read(read_end, 10) == b"pipe"
        os.close(read_end)
    assert (tmp_path / "free" / "f").read_text() == "fine"


def test_short_writes_catch_a_writer_that_ignores_the_count(
    disk_faults: DiskFaults, tmp_path: Path
) -> None:
    data = b"0123456789" * 10
    with disk_faults.short_writes(max_bytes=7, path=tmp_path) as fault:
        _naive_write(tmp_path / "naive", data)
        _careful_write(tmp_path / "careful", data)
        with open(tmp_path / "buffered", "wb") as f:  # BufferedWriter loops by itself
            f.write(data)
    assert (tmp_path / "naive").read_bytes() == data[:7]
    assert (tmp_path / "careful").read_bytes() == data
    assert (tmp_path / "buffered").read_bytes() == data
    assert fault.injected >= 1 + 14 + 14


def test_eio_on_fsync_and_read(disk_faults: DiskFaults, tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"data")
    with disk_faults.eio(path=tmp_path, ops=("fsync", "read")) as fault:
        with open(target, "ab") as f:
            f.write(b"more")
            f.flush()
            with pytest.raises(OSError, match="Input/output error") as raised:
                os.fsync(f.fileno())
        assert raised.value.errno == errno.EIO
        with pytest.raises(OSError, match="injected by testvet: read"):
            target.read_bytes()
    assert fault.injected == 2
    assert target.read_bytes() == b"datamore"


def test_eio_on_writes_after_some_bytes(disk_faults: DiskFaults, tmp_path: Path) -> None:
    with disk_faults.eio(after_bytes=4, path=tmp_path):
        fd = os.open(tmp_path / "f", os.O_WRONLY | os.O_CREAT)
        try:
            assert os.write(fd, b"abcd") == 4
            with pytest.raises(OSError, match="Input/output error") as raised:
                os.write(fd, b"e")
        finally:
            os.close(fd)
    assert raised.value.errno == errno.EIO


def test_patches_are_removed_after_the_block(disk_faults: DiskFaults, tmp_path: Path) -> None:
    originals = (os.write, os.fsync, builtins.open)
    with disk_faults.enospc(path=tmp_path), disk_faults.short_writes(path=tmp_path):
        assert os.write is not originals[0]
    assert (os.write, os.fsync, builtins.open) == originals
    fault = disk_faults.inject(disk_faults.enospc(path=tmp_path))
    assert builtins.open is not originals[2]
    disk_faults.close()
    assert builtins.open is originals[2]
    assert fault.injected == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: d.enospc(ops=("delete",)), "ops must be among"),
        (lambda d: d.eio(after_bytes=-1), "after_bytes must be >= 0"),
        (lambda d: d.short_writes(max_bytes=0), "max_bytes must be >= 1"),
    ],
)
def test_bad_arguments_are_refused(disk_faults: DiskFaults, call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(disk_faults)  # type: ignore[operator]


CHILD = """
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)
try:
    os.write(fd, b"x")
except OSError as exc:
    os._exit(exc.errno)
os._exit(0)
"""


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_libfiu_fails_writes_of_a_subprocess(
    code: int, disk_faults: DiskFaults, hard_kill: HardKill, tmp_path: Path
) -> None:
    fiu = disk_faults.fiu()
    proc = hard_kill.start(
        [sys.executable, "-B", "-c", CHILD, str(tmp_path / "out")],
        env=fiu.env({fiu.WRITE: code}),
    )
    assert proc.wait() == code
    assert (tmp_path / "out").read_bytes() == b""


LOOP = """
import os, sys, time
print("ready", flush=True)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)
while True:
    try:
        os.write(fd, b"x")
    except OSError as exc:
        os._exit(exc.errno)
    time.sleep(0.001)
"""


def test_libfiu_remote_control_enables_faults_later(
    disk_faults: DiskFaults, hard_kill: HardKill, tmp_path: Path
) -> None:
    fiu = disk_faults.fiu()
    proc = hard_kill.start(
        [sys.executable, "-B", "-c", LOOP, str(tmp_path / "out")],
        env=fiu.env(),
        ready=hard_kill.ready_line("ready"),
    )
    fiu.enable(proc.pid, fiu.WRITE, errno.ENOSPC)
    assert proc.wait() == errno.ENOSPC
    assert proc.returncode != -signal.SIGKILL


def test_libfiu_remote_control_of_a_process_without_it_fails_and_creates_nothing(
    disk_faults: DiskFaults, hard_kill: HardKill
) -> None:
    fiu = disk_faults.fiu()
    proc = hard_kill.start(  # started without fiu.env(): no control FIFOs
        [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(30)"],
        ready=hard_kill.ready_line("ready"),
    )
    with pytest.raises(RuntimeError, match=rf"libfiu: pid {proc.pid} has no control FIFO \("):
        fiu.enable(proc.pid, fiu.WRITE, errno.ENOSPC, timeout=1.0)
    assert list(fiu.control_dir.iterdir()) == []


@pytest.mark.skipif(shutil.which("fiu-run") is None, reason="libfiu is not installed")
def test_libfiu_is_found_and_its_control_directory_goes_with_close() -> None:
    # `make test` installs libfiu: then it must be found, or every libfiu test would
    # quietly skip instead of running.
    preload = find_preload_dir()
    assert preload is not None
    assert (preload / "fiu_posix_preload.so").is_file()
    fiu = Fiu.find()
    assert fiu is not None
    assert fiu.preload_dir == preload
    assert fiu.control_dir.is_dir()
    fiu.close()
    assert not fiu.control_dir.exists()


def test_without_libfiu_the_test_is_skipped_with_the_reason(
    disk_faults: DiskFaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    import testvet.harness.fiu as fiu_module

    monkeypatch.setattr(fiu_module, "PRELOAD_DIRS", ())
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install libfiu0 fiu-utils"):
        disk_faults.fiu()


def test_shutil_copies_hit_the_full_disk_too(disk_faults: DiskFaults, tmp_path: Path) -> None:
    import shutil

    (tmp_path / "src").mkdir()
    (tmp_path / "dst").mkdir()
    source = tmp_path / "src" / "big"
    source.write_bytes(b"b" * 100_000)
    with (
        disk_faults.enospc(after_bytes=1000, path=tmp_path / "dst") as fault,
        pytest.raises(OSError, match="No space left"),
    ):
        shutil.copyfile(source, tmp_path / "dst" / "big")
    assert fault.bytes_written == 1000
    assert (tmp_path / "dst" / "big").stat().st_size == 1000
