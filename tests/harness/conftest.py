"""Fixtures of the harness's own tests: the key-value server and a leftover-process check."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).parent
KVSERVER = HERE / "kvserver.py"


def children_of(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (including zombies not yet reaped)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture(autouse=True)
def no_leftover_processes() -> Iterator[None]:
    """Fail a test that leaves a child process of this pytest process behind."""
    before = set(children_of(os.getpid()))
    yield
    left = sorted(set(children_of(os.getpid())) - before)
    assert not left, f"test left child processes behind: {left}"


@pytest.fixture(scope="session")
def kvserver() -> ModuleType:
    """The kvserver module, imported from its path (it is also run as a script)."""
    spec = importlib.util.spec_from_file_location("testvet_harness_kvserver", KVSERVER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def kv_command(directory: Path, mode: str, *extra: str) -> list[str]:
    """argv that starts the key-value server on a free port."""
    return [sys.executable, str(KVSERVER), "--dir", str(directory), "--mode", mode, *extra]


class KVClient:
    """A blocking line-protocol client of kvserver."""

    def __init__(self, port: int, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rwb")

    def call(self, line: str) -> str:
        """Send one command and return the reply (raises ConnectionError on EOF)."""
        self.file.write(line.encode() + b"\n")
        self.file.flush()
        reply = self.file.readline()
        if not reply:
            raise ConnectionResetError("server closed the connection")
        return reply.decode().strip()

    def close(self) -> None:
        """Close the connection (the socket even when flushing the file fails)."""
        try:
            self.file.close()
        finally:
            self.sock.close()


@pytest.fixture
def kv_cmd() -> object:
    """``kv_cmd(directory, mode, *extra)`` -> argv of the key-value server."""
    return kv_command


@pytest.fixture
def kv_client() -> Iterator[object]:
    """``kv_client(port)`` -> a connected :class:`KVClient`, closed at teardown."""
    clients: list[KVClient] = []

    def connect(port: int) -> KVClient:
        client = KVClient(port)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        with contextlib.suppress(OSError):
            client.close()


@pytest.fixture
def echo_server() -> Iterator[tuple[str, int]]:
    """A threaded TCP echo server on 127.0.0.1; yields its address."""
    import socketserver
    import threading

    class Echo(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            with contextlib.suppress(OSError):
                while data := self.request.recv(65536):
                    self.request.sendall(data)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()
    thread.join(5)
