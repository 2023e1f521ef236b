"""A client that retries on connection errors."""

from __future__ import annotations

import socket


class Client:
    def __init__(self, host: str, port: int, attempts: int = 3) -> None:
        self.addr = (host, port)
        self.attempts = attempts

    def put(self, key: str, value: str) -> None:
        for attempt in range(self.attempts):
            try:
                with socket.create_connection(self.addr, timeout=2) as sock:
                    sock.sendall(f"PUT {key} {value}\n".encode())
                    sock.recv(16)
                    return
            except OSError:
                if attempt == self.attempts - 1:
                    raise
