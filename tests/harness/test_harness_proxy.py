"""fault_proxy against a real echo server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testvet.harness import eventually
from testvet.harness.proxy import FaultProxy, ProxyFactory


@pytest.fixture
def proxy(fault_proxy: ProxyFactory, echo_server: tuple[str, int]) -> FaultProxy:
    return fault_proxy(upstream=echo_server)


@pytest.fixture
def conn(proxy: FaultProxy) -> Iterator[socket.socket]:
    sock = socket.create_connection(proxy.listen_address, timeout=5)
    yield sock
    sock.close()


def _recv_exactly(sock: socket.socket, n: int) -> tuple[bytes, int]:
    """Read n bytes; return them and how many recv calls it took."""
    data, calls = b"", 0
    while len(data) < n:
        chunk = sock.recv(65536)
        calls += 1
        if not chunk:
            break
        data += chunk
    return data, calls


def _exchange(address: tuple[str, int]) -> bytes:
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(b"a")
        return sock.recv(10)


def _round_trip(sock: socket.socket, payload: bytes = b"ping") -> float:
    start = time.monotonic()
    sock.sendall(payload)
    assert _recv_exactly(sock, len(payload))[0] == payload
    return time.monotonic() - start


def test_passes_bytes_through_unchanged(proxy: FaultProxy, conn: socket.socket) -> None:
    assert proxy.listen == f"127.0.0.1:{proxy.listen_address[1]}"
    payload = bytes(range(256)) * 400
    conn.sendall(payload)
    assert _recv_exactly(conn, len(payload))[0] == payload
    assert proxy.accepted == 1


def test_latency_is_added_and_removed_while_connected(
    proxy: FaultProxy, conn: socket.socket
) -> None:
    proxy.add_toxic("latency", latency_ms=300)
    slow = _round_trip(conn)
    proxy.remove_toxic("latency_downstream")
    fast = _round_trip(conn)
    assert 0.3 <= slow < 3.0
    assert fast < 0.3


def test_latency_jitter_stays_within_bounds(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.add_toxic("latency", stream="upstream", latency=60, jitter=40)  # Toxiproxy names
    assert proxy.toxics()[0].attributes == {"latency_ms": 60, "jitter_ms": 40}
    times = [_round_trip(conn) for _ in range(6)]
    assert all(0.02 <= t < 1.0 for t in times), times


def test_bandwidth_limits_throughput(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.add_toxic("bandwidth", rate_kbps=200)  # 200 KB/s
    elapsed = _round_trip(conn, b"x" * 60_000)
    assert 0.28 <= elapsed < 3.0


def test_slicer_delivers_small_delayed_pieces(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.add_toxic("slicer", average_size=10, delay_us=150_000)
    start = time.monotonic()
    conn.sendall(b"y" * 30)
    data, calls = _recv_exactly(conn, 30)
    assert data == b"y" * 30
    assert time.monotonic() - start >= 0.3  # two 150 ms gaps between three pieces
    assert calls >= 2


def test_limit_data_cuts_the_connection_after_n_bytes(
    proxy: FaultProxy, conn: socket.socket
) -> None:
    proxy.add_toxic("limit_data", bytes=10)
    conn.sendall(b"z" * 100)
    received = b""
    while chunk := conn.recv(65536):
        received += chunk
    assert received == b"z" * 10


def test_reset_peer_after_timeout(proxy: FaultProxy, conn: socket.socket) -> None:
    assert _round_trip(conn) < 1.0
    start = time.monotonic()
    proxy.add_toxic("reset_peer", timeout_ms=100)
    with pytest.raises(ConnectionResetError):
        conn.recv(10)
    assert time.monotonic() - start >= 0.1


def test_reset_peer_immediately_on_new_connections(proxy: FaultProxy) -> None:
    proxy.add_toxic("reset_peer", stream="upstream")
    with pytest.raises(ConnectionResetError):  # at connect, send or receive: it is immediate
        _exchange(proxy.listen_address)


def test_timeout_zero_is_a_blackhole_until_removed(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.add_toxic("timeout", timeout_ms=0)
    conn.sendall(b"lost")
    eventually(lambda: proxy.dropped == 4, timeout=5, description="the echo was dropped")
    conn.settimeout(0.05)
    with pytest.raises(TimeoutError):
        conn.recv(10)
    conn.settimeout(5)
    proxy.remove_toxic("timeout_downstream")
    assert conn.recv(10) == b""  # the stream lost bytes, so the proxy closes it


def test_timeout_closes_the_connection_after_the_delay(
    proxy: FaultProxy, conn: socket.socket
) -> None:
    start = time.monotonic()
    proxy.add_toxic("timeout", timeout_ms=100)
    assert conn.recv(10) == b""
    assert time.monotonic() - start >= 0.1


def test_down_and_up(proxy: FaultProxy, conn: socket.socket) -> None:
    assert proxy.enabled
    assert _round_trip(conn) < 1.0
    assert proxy.connections == 1
    proxy.disable()
    assert not proxy.enabled
    assert conn.recv(10) == b""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(proxy.listen_address, timeout=5)
    proxy.enable()
    with socket.create_connection(proxy.listen_address, timeout=5) as again:
        assert _round_trip(again) < 1.0
    eventually(lambda: proxy.connections == 0, timeout=5)


def test_close_takes_the_proxy_down_for_good(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.close()
    assert not proxy.enabled
    assert conn.recv(10) == b""  # the open connection is cut
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(proxy.listen_address, timeout=5)


def test_closing_the_factory_stops_its_proxies_and_its_thread(echo_server: tuple[str, int]) -> None:
    factory = ProxyFactory()
    proxy = factory(upstream=echo_server)
    with socket.create_connection(proxy.listen_address, timeout=5) as sock:
        assert _round_trip(sock) < 1.0
    assert "testvet-fault-proxy" in {t.name for t in threading.enumerate()}
    factory.close()
    assert "testvet-fault-proxy" not in {t.name for t in threading.enumerate()}
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(proxy.listen_address, timeout=5)


def test_toxicity_zero_never_applies(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.add_toxic("timeout", toxicity=0.0)
    assert _round_trip(conn) < 1.0


def test_update_changes_a_running_toxic(proxy: FaultProxy, conn: socket.socket) -> None:
    proxy.add_toxic("latency", name="lag", latency_ms=10)
    proxy.update_toxic("lag", latency_ms=200)
    assert _round_trip(conn) >= 0.2
    proxy.reset()
    assert proxy.toxics() == []


@pytest.mark.parametrize(
    ("kind", "attrs", "message"),
    [
        ("fire", {}, "unknown toxic type 'fire'"),
        ("latency", {"rate": 1}, "has no attribute 'rate'"),
        ("latency", {"latency_ms": -1}, "must be >= 0"),
    ],
)
def test_bad_toxics_are_refused(proxy: FaultProxy, kind: str, attrs: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        proxy.add_toxic(kind, **attrs)


def test_duplicate_and_missing_names_are_refused(proxy: FaultProxy) -> None:
    assert proxy.add_toxic(type="latency").name == "latency_downstream"  # Toxiproxy's keyword
    with pytest.raises(ValueError, match="give the toxic type once"):
        proxy.add_toxic()
    with pytest.raises(ValueError, match="already exists"):
        proxy.add_toxic("latency")
    with pytest.raises(ValueError, match="no toxic named 'nope'"):
        proxy.remove_toxic("nope")


def test_unreachable_upstream_resets_the_client(fault_proxy: ProxyFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()
    proxy = fault_proxy(upstream=dead)
    with pytest.raises(ConnectionResetError):
        _exchange(proxy.listen_address)


def _syn_sent_to(port: int) -> int:
    """How many of this machine's TCP sockets are still trying to connect to ``port``."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote_port, state = int(fields[2].rsplit(":", 1)[1], 16), fields[3]
        count += remote_port == port and state == "02"  # TCP_SYN_SENT
    return count


@pytest.fixture
def stalled_upstream() -> Iterator[tuple[str, int]]:
    """A listener whose accept queue is full: a new connect to it hangs in SYN_SENT."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()[:2]
    fillers: list[socket.socket] = []
    try:
        while True:
            assert len(fillers) < 16, "could not fill the listener's accept queue"
            filler = socket.socket()
            fillers.append(filler)
            filler.setblocking(False)
            filler.connect_ex(address)
            if not select.select([], [filler], [], 0.2)[1]:
                break  # this one hangs: the queue is full
        yield address
    finally:
        for sock in fillers:
            sock.close()
        listener.close()


def test_closing_the_factory_abandons_a_connect_still_waiting_for_the_upstream(
    stalled_upstream: tuple[str, int],
) -> None:
    factory = ProxyFactory()
    proxy = factory(upstream=stalled_upstream)
    port = stalled_upstream[1]
    before = _syn_sent_to(port)  # the fixture's own hanging filler
    with socket.create_connection(proxy.listen_address, timeout=5) as client:
        eventually(lambda: _syn_sent_to(port) == before + 1, timeout=5)
        assert factory._runner is not None
        # Keep the loop's tasks alive here so only cancellation, not garbage
        # collection, can finish them.
        pending = factory._runner.call(asyncio.all_tasks)
        factory.close()
        assert client.recv(10) == b""
    assert [t for t in pending if not t.done()] == []
    assert _syn_sent_to(port) == before


def test_removing_one_timeout_keeps_a_connection_another_timeout_still_blackholes(
    proxy: FaultProxy, conn: socket.socket
) -> None:
    proxy.add_toxic("timeout", stream="upstream", timeout_ms=0)
    proxy.add_toxic("timeout", stream="downstream", timeout_ms=0)
    conn.sendall(b"lost")
    eventually(lambda: proxy.dropped == 4, timeout=5, description="the request was dropped")
    proxy.remove_toxic("timeout_upstream")
    # Still a blackhole downstream: the connection stays open and silent.
    conn.settimeout(0.2)
    with pytest.raises(TimeoutError):
        conn.recv(10)
    assert proxy.connections == 1
    conn.sendall(b"echo")
    eventually(lambda: proxy.dropped == 8, timeout=5, description="the echo was dropped")
    conn.settimeout(5)
    proxy.remove_toxic("timeout_downstream")
    assert conn.recv(10) == b""  # no timeout left and bytes were lost: closed
    eventually(lambda: proxy.connections == 0, timeout=5)
