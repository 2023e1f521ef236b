"""A loopback TCP fault proxy with Toxiproxy-like toxics, run by asyncio in a thread.

Toxic types and attributes follow Toxiproxy's (https://github.com/Shopify/toxiproxy):
the attribute names below are accepted both in testvet's spelled-out form and in
Toxiproxy's own (``latency``/``jitter``/``rate``/``delay``/``timeout``), ``stream`` is
``"upstream"`` (client to server) or ``"downstream"`` (server to client, the default),
and ``toxicity`` is the probability that a toxic applies to a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

T = TypeVar("T")

#: Toxic type -> {attribute: default}, in testvet's spelling.
TOXIC_TYPES: dict[str, dict[str, float]] = {
    "latency": {"latency_ms": 0, "jitter_ms": 0},
    "bandwidth": {"rate_kbps": 0},
    "slicer": {"average_size": 1, "size_variation": 0, "delay_us": 0},
    "reset_peer": {"timeout_ms": 0},
    "timeout": {"timeout_ms": 0},
    "limit_data": {"bytes": 0},
}

#: Toxiproxy's attribute names -> testvet's.
ALIASES: dict[str, dict[str, str]] = {
    "latency": {"latency": "latency_ms", "jitter": "jitter_ms"},
    "bandwidth": {"rate": "rate_kbps"},
    "slicer": {"delay": "delay_us"},
    "reset_peer": {"timeout": "timeout_ms"},
    "timeout": {"timeout": "timeout_ms"},
    "limit_data": {},
}

STREAMS = ("upstream", "downstream")
_CHUNK = 65536
_QUEUE_CHUNKS = 16


@dataclass(frozen=True)
class Toxic:
    """One fault on one direction of every (selected) connection of a proxy."""

    #: Unique per proxy; defaults to ``<type>_<stream>`` like Toxiproxy.
    name: str
    #: One of :data:`TOXIC_TYPES`.
    type: str
    #: ``upstream`` (client to server) or ``downstream`` (server to client).
    stream: str
    #: Probability in [0, 1] that the toxic applies to a given connection.
    toxicity: float
    #: The type's attributes, in testvet's spelling (see :data:`TOXIC_TYPES`).
    attributes: Mapping[str, float] = field(default_factory=dict)

    def attr(self, key: str) -> float:
        """An attribute's value."""
        return float(self.attributes[key])


def _normalise(kind: str, attrs: Mapping[str, Any], base: Mapping[str, float]) -> dict[str, float]:
    if kind not in TOXIC_TYPES:
        raise ValueError(f"unknown toxic type {kind!r}; known: {', '.join(TOXIC_TYPES)}")
    out = dict(base)
    for key, value in attrs.items():
        name = ALIASES[kind].get(key, key)
        if name not in TOXIC_TYPES[kind]:
            raise ValueError(
                f"toxic {kind!r} has no attribute {key!r}; known: {', '.join(TOXIC_TYPES[kind])}"
            )
        number = float(value)
        if number < 0:
            raise ValueError(f"toxic {kind!r}: {key} must be >= 0, got {value!r}")
        out[name] = number
    return out


class _Link:
    """One proxied connection: the client side and the upstream side."""

    def __init__(self, proxy: FaultProxy, client: asyncio.StreamWriter) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream: asyncio.StreamWriter | None = None
        self.rng = random.Random(proxy._rng.random())
        self.applies: dict[str, bool] = {}
        self.sent = {s: 0 for s in STREAMS}
        self.dropped = False
        self.finished = 0
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.tasks: list[asyncio.Task[None]] = []
        self.closed = False

    def active(self, stream: str) -> list[Toxic]:
        found = []
        for toxic in self.proxy._toxics.values():
            if toxic.stream != stream:
                continue
            if toxic.name not in self.applies:
                self.applies[toxic.name] = self.rng.random() < toxic.toxicity
            if self.applies[toxic.name]:
                found.append(toxic)
        return found

    def writers(self) -> list[asyncio.StreamWriter]:
        return [w for w in (self.client, self.upstream) if w is not None]

    def close(self, reset: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        for timer in self.timers.values():
            timer.cancel()
        for writer in self.writers():
            if reset:
                sock = writer.get_extra_info("socket")
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
            else:
                writer.close()
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        self.proxy._links.discard(self)


class FaultProxy:
    """A TCP proxy on 127.0.0.1 in front of ``upstream``; see :meth:`add_toxic`."""

    def __init__(
        self,
        runner: _LoopThread,
        upstream: tuple[str, int],
        listen: tuple[str, int] = ("127.0.0.1", 0),
        name: str = "proxy",
        seed: int = 0,
    ) -> None:
        self.name = name
        self.upstream = (upstream[0], int(upstream[1]))
        self._runner = runner
        self._rng = random.Random(seed)
        self._toxics: dict[str, Toxic] = {}
        self._links: set[_Link] = set()
        self._listener: socket.socket | None = None
        self._unowned: set[socket.socket] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._address = listen
        #: How many connections the proxy accepted so far.
        self.accepted = 0
        #: How many bytes ``timeout`` toxics dropped so far.
        self.dropped = 0
        self.enable()

    # -- public API (called from the test's thread) -------------------------------------

    @property
    def listen_address(self) -> tuple[str, int]:
        """``(host, port)`` clients should connect to."""
        return self._address

    @property
    def listen(self) -> str:
        """``host:port`` (Toxiproxy's spelling)."""
        return f"{self._address[0]}:{self._address[1]}"

    @property
    def enabled(self) -> bool:
        """False while the proxy is down."""
        return self._listener is not None

    @property
    def connections(self) -> int:
        """Connections currently open through the proxy."""
        return self._runner.call(lambda: len(self._links))

    def toxics(self) -> list[Toxic]:
        """The toxics in effect, in the order they were added."""
        return list(self._toxics.values())

    def add_toxic(
        self,
        kind: str | None = None,
        *,
        type: str | None = None,
        name: str | None = None,
        stream: str = "downstream",
        toxicity: float = 1.0,
        **attributes: float,
    ) -> Toxic:
        """Add a toxic of ``kind`` (or ``type=``, Toxiproxy's word); it applies at once,
        to open and future connections."""
        chosen = kind or type
        if not chosen or (kind and type and kind != type):
            raise ValueError("add_toxic: give the toxic type once, as kind or type=")
        if stream not in STREAMS:
            raise ValueError(f"stream must be 'upstream' or 'downstream', got {stream!r}")
        if not 0.0 <= toxicity <= 1.0:
            raise ValueError(f"toxicity must be within [0, 1], got {toxicity!r}")
        attrs = _normalise(chosen, attributes, TOXIC_TYPES.get(chosen, {}))
        toxic = Toxic(name or f"{chosen}_{stream}", chosen, stream, toxicity, attrs)
        if toxic.name in self._toxics:
            raise ValueError(f"toxic {toxic.name!r} already exists on {self.name}")
        self._runner.call(lambda: self._set(toxic))
        return toxic

    def update_toxic(self, name: str, **attributes: float) -> Toxic:
        """Change some attributes of a toxic in place."""
        old = self._get(name)
        toxic = replace(old, attributes=_normalise(old.type, attributes, old.attributes))
        self._runner.call(lambda: self._set(toxic))
        return toxic

    def remove_toxic(self, name: str) -> None:
        """Remove a toxic (removing ``timeout`` closes the connections it dropped data of)."""
        self._get(name)
        self._runner.call(lambda: self._remove(name))

    def reset(self) -> None:
        """Remove every toxic and bring the proxy up (Toxiproxy's ``/reset``)."""
        for name in list(self._toxics):
            self.remove_toxic(name)
        self.enable()

    def disable(self) -> None:
        """Down: stop listening and cut every open connection."""
        self._runner.run(self._disable())

    def enable(self) -> None:
        """Up: listen again on the same address."""
        if self._listener is None:
            self._runner.run(self._enable())

    def close(self) -> None:
        """Disable for good."""
        self.disable()

    # -- inside the loop ----------------------------------------------------------------

    def _get(self, name: str) -> Toxic:
        try:
            return self._toxics[name]
        except KeyError:
            raise ValueError(f"no toxic named {name!r} on {self.name}") from None

    def _set(self, toxic: Toxic) -> None:
        self._toxics = {**self._toxics, toxic.name: toxic}
        for link in list(self._links):
            self._arm(link, toxic)

    def _remove(self, name: str) -> None:
        toxic = self._toxics[name]
        self._toxics = {k: v for k, v in self._toxics.items() if k != name}
        for link in list(self._links):
            timer = link.timers.pop(name, None)
            if timer is not None:
                timer.cancel()
            if toxic.type == "timeout" and link.dropped and not self._blackholed(link):
                link.close()

    def _blackholed(self, link: _Link) -> bool:
        return any(t.type == "timeout" for s in STREAMS for t in link.active(s))

    def _arm(self, link: _Link, toxic: Toxic) -> None:
        """Start the timer of a reset_peer or timeout toxic on one connection."""
        if toxic.type not in ("reset_peer", "timeout") or toxic.name in link.timers:
            return
        if toxic not in link.active(toxic.stream):
            return
        delay = toxic.attr("timeout_ms") / 1000
        if toxic.type == "timeout" and delay == 0:
            return
        reset = toxic.type == "reset_peer"
        link.timers[toxic.name] = asyncio.get_running_loop().call_later(
            delay, lambda: link.close(reset=reset)
        )

    async def _enable(self) -> None:
        # A listening socket of our own rather than asyncio.start_server: closing a
        # Server can leak a connection accepted at that moment (it is never closed).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(self._address)
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self._listener = sock
        self._address = sock.getsockname()[:2]
        asyncio.get_running_loop().add_reader(sock.fileno(), self._on_readable, sock)

    def _on_readable(self, sock: socket.socket) -> None:
        """Accept every pending connection now (no await: none can be lost in between)."""
        while True:
            try:
                conn, _ = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.accepted += 1
            self._unowned.add(conn)
            task = asyncio.get_running_loop().create_task(self._accept(conn))
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)

    async def _disable(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            asyncio.get_running_loop().remove_reader(listener.fileno())
            listener.close()
        for conn in list(self._unowned):
            conn.close()
        self._unowned.clear()
        for link in list(self._links):
            link.close()

    async def _accept(self, conn: socket.socket) -> None:
        if conn not in self._unowned:  # closed by _disable before this task ran
            return
        self._unowned.discard(conn)
        if self._listener is None:
            conn.close()
            return
        try:
            reader, writer = await asyncio.open_connection(sock=conn)
        except BaseException:
            conn.close()
            raise
        link = _Link(self, writer)
        self._links.add(link)
        try:
            up_reader, link.upstream = await asyncio.open_connection(*self.upstream)
        except OSError:
            link.close(reset=True)
            return
        except BaseException:
            link.close()
            raise
        if link.closed or self._listener is None:
            link.upstream.close()
            link.close()
            return
        for toxic in self._toxics.values():
            self._arm(link, toxic)
        link.tasks = [
            asyncio.create_task(self._pump(link, reader, link.upstream, "upstream")),
            asyncio.create_task(self._pump(link, up_reader, writer, "downstream")),
        ]

    async def _pump(
        self,
        link: _Link,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        stream: str,
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(_QUEUE_CHUNKS)

        async def read() -> None:
            while True:
                data = await reader.read(_CHUNK)
                await queue.put((time.monotonic(), data))
                if not data:
                    return

        reading = asyncio.create_task(read())
        link.tasks.append(reading)
        try:
            while True:
                arrived, data = await queue.get()
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    link.finished += 1
                    if link.finished == len(STREAMS):
                        link.close()
                    return
                if not await self._deliver(link, writer, stream, arrived, data):
                    return
        except (OSError, asyncio.IncompleteReadError):
            link.close(reset=True)
        finally:
            reading.cancel()

    async def _deliver(
        self, link: _Link, writer: asyncio.StreamWriter, stream: str, arrived: float, data: bytes
    ) -> bool:
        """Pass one chunk through the toxics of ``stream``; False once the link is closed."""
        toxics = link.active(stream)
        if any(t.type == "timeout" for t in toxics):
            link.dropped = True
            self.dropped += len(data)
            return True
        for toxic in toxics:
            if toxic.type == "limit_data":
                left = int(toxic.attr("bytes")) - link.sent[stream]
                data = data[: max(left, 0)]
        for toxic in toxics:
            if toxic.type == "latency":
                jitter = toxic.attr("jitter_ms")
                delay = (toxic.attr("latency_ms") + link.rng.uniform(-jitter, jitter)) / 1000
                wait = arrived + delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
        pieces = [data]
        slicers = [t for t in toxics if t.type == "slicer"]
        for slicer in slicers:
            pieces = [p for piece in pieces for p in self._slice(link, slicer, piece)]
        rates = [t.attr("rate_kbps") for t in toxics if t.type == "bandwidth"]
        rates = [r for r in rates if r > 0]
        delay_us = max((s.attr("delay_us") for s in slicers), default=0)
        if rates:
            # Pace in pieces worth about 20 ms each: a piece arrives once "transmitted".
            step = max(1, int(min(rates) * 1000 / 50))
            pieces = [p[i : i + step] for p in pieces for i in range(0, len(p), step)]
        for i, piece in enumerate(pieces):
            if i and delay_us:
                await asyncio.sleep(delay_us / 1e6)
            if rates:
                await asyncio.sleep(len(piece) / (min(rates) * 1000))
            if piece:
                writer.write(piece)
                await writer.drain()
                link.sent[stream] += len(piece)
        for toxic in toxics:
            if toxic.type == "limit_data" and link.sent[stream] >= toxic.attr("bytes"):
                link.close()
                return False
        return True

    @staticmethod
    def _slice(link: _Link, slicer: Toxic, data: bytes) -> list[bytes]:
        size = max(int(slicer.attr("average_size")), 1)
        spread = int(slicer.attr("size_variation"))
        pieces, at = [], 0
        while at < len(data):
            step = max(1, size + (link.rng.randint(-spread, spread) if spread else 0))
            pieces.append(data[at : at + step])
            at += step
        return pieces


class _LoopThread:
    """An asyncio event loop running in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="testvet-fault-proxy", daemon=True
        )
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def call(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        async def wrapper() -> T:
            return fn()

        return self.run(wrapper(), timeout)

    def stop(self) -> None:
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            self.run(cancel_all(), 5.0)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5.0)
        if not self.thread.is_alive():
            self.loop.close()


class ProxyFactory:
    """The ``fault_proxy`` fixture: ``fault_proxy(upstream=(host, port))`` -> FaultProxy."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._runner: _LoopThread | None = None
        self._proxies: list[FaultProxy] = []
        self._names = itertools.count(1)

    def __call__(
        self,
        upstream: tuple[str, int],
        *,
        listen: tuple[str, int] = ("127.0.0.1", 0),
        name: str | None = None,
        seed: int | None = None,
    ) -> FaultProxy:
        """Start a proxy listening on ``listen`` (a free loopback port by default)."""
        if self._runner is None:
            self._runner = _LoopThread()
        number = next(self._names)
        proxy = FaultProxy(
            self._runner,
            upstream,
            listen,
            name or f"proxy{number}",
            self._seed + number if seed is None else seed,
        )
        self._proxies.append(proxy)
        return proxy

    def close(self) -> None:
        """Stop every proxy and the event loop thread."""
        if self._runner is None:
            return
        for proxy in self._proxies:
            with contextlib.suppress(Exception):
                proxy.close()
        self._runner.stop()
        self._runner = None
