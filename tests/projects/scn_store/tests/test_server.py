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


def test_put_over_partitioned_link_is_not_acknowledged(server, fault_proxy):
    proxy = fault_proxy(upstream=("127.0.0.1", server.server_address[1]))
    proxy.disable()
    with pytest.raises(ConnectionResetError):
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=1) as sock:
            sock.sendall(b"PUT a 1\n")
            if not sock.recv(16):
                raise ConnectionResetError("closed")
    proxy.enable()
