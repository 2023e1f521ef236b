import threading

from kvstore.client import Client
from kvstore.server import make_server
from kvstore.store import Store


def test_client_put_reaches_store(tmp_path):
    store = Store(tmp_path / "log")
    srv = make_server(store)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        Client("127.0.0.1", srv.server_address[1]).put("a", "1")
        assert store.get("a") == "1"
    finally:
        srv.shutdown()
