"""A minimal SMTP peer on loopback in a thread of the test process that counts what the
pool tests measure: connections open at once (their peak), the recipients, and the moment of
each message on the test's own clock. Each answer to a message's data comes ``delay`` seconds
late (on the sink's loop, never blocking another connection), so parallel connections overlap."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from tests.messages.conftest import free_port


class _Session(asyncio.Protocol):
    def __init__(self, sink: Sink) -> None:
        self.sink, self.buffer, self.data = sink, b"", False
        self.rcpts: list[str] = []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.sink.opened()
        transport.write(b"220 sink ESMTP\r\n")

    def connection_lost(self, exc: Exception | None) -> None:
        self.sink.closed()

    def data_received(self, chunk: bytes) -> None:
        self.buffer += chunk
        while True:
            if self.data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer, self.data = self.buffer[end + 5 :], False
                self.sink.accept(self.rcpts)
                self.rcpts = []
                loop = asyncio.get_running_loop()
                loop.call_later(self.sink.delay, self.transport.write, b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.transport.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"RCPT":
                self.rcpts.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                self.transport.write(b"250 OK\r\n")
            elif verb == b"DATA":
                self.data = True
                self.transport.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
            else:  # HELO, MAIL, RSET, NOOP
                self.transport.write(b"250 OK\r\n")


class Sink:
    def __init__(self, *, delay: float = 0.0, clock: Callable[[], float] = lambda: 0.0) -> None:
        self.delay, self.clock = delay, clock
        self.port = free_port()
        self.open = self.peak = 0
        self.received: Counter[str] = Counter()
        self.moments: list[float] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def opened(self) -> None:
        with self._lock:
            self.open += 1
            self.peak = max(self.peak, self.open)

    def closed(self) -> None:
        with self._lock:
            self.open -= 1

    def accept(self, rcpts: list[str]) -> None:
        with self._lock:
            self.received.update(rcpts)
            self.moments.append(self.clock())

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            self._loop.create_server(lambda: _Session(self), "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())

    def __enter__(self) -> Sink:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
