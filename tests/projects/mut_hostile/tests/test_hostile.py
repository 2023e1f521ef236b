import ctypes
import os
import sys
import threading
import time

import pytest
from hostile.core import (
    mapped,
    address,
    chunk,
    exit_code,
    plain,
    record,
    released,
    size,
    square,
    stop_flag,
)


def test_wait_for_stop():
    while not stop_flag({"stop": True}):
        pass


def test_exit_code():
    if exit_code([1, 2]) != 3:
        os._exit(7)


def test_address():
    if address([1]) != 2:
        ctypes.string_at(0)


def test_chunk():
    text = chunk(3)
    if text != "xxx":
        # 4 MB: far beyond any pipe buffer, and written within the CPU budget of the
        # test (20 MB was not, on a slow day: a timeout, detected but not this kill)
        for _ in range(100):
            sys.stdout.write("y" * 20000 + "\n")
            sys.stderr.write("z" * 20000 + "\n")
    assert text == "xxx"


def test_size():
    n = size(1)
    if n != 1024:
        blob = bytearray(16 * 1024**3)
        assert len(blob) == n


def test_wait_for_release():
    event = threading.Event()
    if released({}):
        event.set()
    assert event.wait(120)


@pytest.fixture(scope="module")
def slow_service():
    time.sleep(3.0)  # waits for a service to come up: no CPU, much longer than the test
    return []


def test_record(slow_service):
    record(slow_service, 1)
    assert slow_service == [1]


def test_plain():
    assert plain(1) == 2


def test_square_after_heavy_setup():
    total = 0
    for i in range(4_000_000):
        total += i
    assert total > 0
    assert square(3) == 9


def test_mapped(tmp_path):
    path = tmp_path / "sparse"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)
    assert mapped(path) == 2 * 1024**3
