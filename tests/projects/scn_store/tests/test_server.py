import socket
import threading

import pytest

from kvstore.server import make_server
from kvstore.store import Store


@pytest.fixture
def server(tmp_path):
    srv = make_server(Store(tmp_path / "log"))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_put_over_partitioned_link_is_not_acknowledged(server, fault_proxy):
    proxy = fault_proxy(upstream=server.server_address)
    proxy.disable()
    with pytest.raises(ConnectionError):
        socket.create_connection(proxy.listen_address, timeout=1)
    proxy.enable()
    with socket.create_connection(proxy.listen_address, timeout=1) as sock:
        sock.sendall(b"PUT a 1\n")
        assert sock.recv(16) == b"OK\n"
