"""A line protocol over TCP: ``PUT key value`` / ``GET key``."""

from __future__ import annotations

import socketserver

from kvstore.store import Store


def make_server(store: Store, port: int = 0) -> socketserver.TCPServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            for raw in self.rfile:
                verb, _, rest = raw.decode().strip().partition(" ")
                if verb == "PUT":
                    key, _, value = rest.partition(" ")
                    store.put(key, value)
                    self.wfile.write(b"OK\n")
                else:
                    self.wfile.write((store.get(rest) or "").encode() + b"\n")

    return socketserver.TCPServer(("127.0.0.1", port), Handler)
