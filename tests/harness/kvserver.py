"""A small key-value and queue server for the harness's own tests (stdlib + kill_point).

    python kvserver.py --dir DIR [--port 0] [--mode durable|nofsync|lazy]

Line protocol over TCP: ``PUT k v`` -> ``OK``; ``GET k`` -> ``VAL v`` | ``NONE``;
``KEYS`` -> ``KEYS k1 k2 …``; ``ENQ v`` -> ``OK``; ``DEQ`` -> ``VAL v`` | ``EMPTY``;
``PING`` -> ``PONG``. Prints ``ready port=N`` once listening.

Modes: ``durable`` appends each record to ``data.log`` and fsyncs before replying;
``nofsync`` writes to the file but never fsyncs (survives SIGKILL, not power loss);
``lazy`` acknowledges from memory and flushes every ``--flush-interval`` seconds
(deliberately loses acknowledged writes on SIGKILL). Kill points: ``before-ack`` (the
record is applied but not acknowledged) and ``after-ack`` (just acknowledged).
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import socketserver
import sys
import threading
from pathlib import Path

from testvet.harness import kill_point

MODES = ("durable", "nofsync", "lazy")


class Store:
    """The state and its append-only log; usable in-process (no server needed)."""

    def __init__(self, directory: str | os.PathLike[str], mode: str = "durable") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.path = Path(directory) / "data.log"
        self.data: dict[str, str] = {}
        self.queue: collections.deque[str] = collections.deque()
        self._pending: list[bytes] = []
        self._lock = threading.Lock()
        self._replay()
        created = not self.path.exists()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if created and mode == "durable":  # make the new directory entry durable too
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def _replay(self) -> None:
        if not self.path.exists():
            return
        for raw in self.path.read_bytes().split(b"\n")[:-1]:  # drop a torn last record
            self._apply(raw.decode().split(" "))

    def _apply(self, record: list[str]) -> None:
        if record[0] == "PUT":
            self.data[record[1]] = record[2]
        elif record[0] == "ENQ":
            self.queue.append(record[1])
        elif record[0] == "DEQ" and self.queue:
            self.queue.popleft()

    def _log(self, record: list[str]) -> None:
        line = (" ".join(record) + "\n").encode()
        if self.mode == "lazy":
            self._pending.append(line)
            return
        view = memoryview(line)
        while view:
            view = view[os.write(self._fd, view) :]
        if self.mode == "durable":
            os.fsync(self._fd)

    def execute(self, record: list[str]) -> str:
        """Apply one command and return the reply line."""
        with self._lock:
            op = record[0]
            if op == "PUT" and len(record) == 3:
                self._log(record)
                self._apply(record)
                return "OK"
            if op == "GET" and len(record) == 2:
                value = self.data.get(record[1])
                return "NONE" if value is None else f"VAL {value}"
            if op == "KEYS":
                return " ".join(["KEYS", *self.data])
            if op == "ENQ" and len(record) == 2:
                self._log(record)
                self._apply(record)
                return "OK"
            if op == "DEQ":
                if not self.queue:
                    return "EMPTY"
                value = self.queue[0]
                self._log(["DEQ", value])
                self._apply(["DEQ"])
                return f"VAL {value}"
            if op == "PING":
                return "PONG"
            return "ERR bad command"

    def flush(self) -> None:
        """Write and fsync whatever the lazy mode still holds in memory."""
        with self._lock:
            data, self._pending = b"".join(self._pending), []
            if data:
                os.write(self._fd, data)
                os.fsync(self._fd)

    def close(self) -> None:
        """Flush and close the log."""
        self.flush()
        os.close(self._fd)


def serve(directory: str, port: int, mode: str, flush_interval: float) -> None:
    """Run the server until SIGTERM (flushes then exits) or SIGKILL (loses the buffer)."""
    store = Store(directory, mode)

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            for raw in self.rfile:
                record = raw.decode().split()
                if not record:
                    continue
                writes = record[0] in ("PUT", "ENQ", "DEQ")
                reply = store.execute(record)
                if writes:
                    kill_point("before-ack")
                self.wfile.write(reply.encode() + b"\n")
                self.wfile.flush()
                if writes:
                    kill_point("after-ack")

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", port), Handler)
    stop = threading.Event()

    def flusher() -> None:
        while not stop.wait(flush_interval):
            store.flush()

    threading.Thread(target=flusher, daemon=True).start()

    def on_term(signum: int, frame: object) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    print(f"ready port={server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.05)
    store.close()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=MODES, default="durable")
    parser.add_argument("--flush-interval", type=float, default=5.0)
    args = parser.parse_args(argv)
    serve(args.dir, args.port, args.mode, args.flush_interval)


if __name__ == "__main__":
    main(sys.argv[1:])
