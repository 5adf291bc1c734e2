"""Post pre-signed deliveries over keep-alive HTTP/1.1 connections and time each one.

Run as its own process by ``ingest.py``: reads a pickle of ``(headers, body)`` pairs, writes a
JSON summary (status counts, latencies in ms, wall time). Plain asyncio streams keep the client
cheap, so the two cores go to the server under test.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import resource
import sys
import time


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def _worker(
    host: str, port: int, queue: asyncio.Queue[bytes], results: list[tuple[int, float]]
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while True:
        try:
            request = queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        for _attempt in range(3):
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status, close = await _read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                reader = writer = None
                continue
            results.append((status, (time.perf_counter() - started) * 1000))
            if close:
                writer.close()
                reader = writer = None
            break
        else:
            results.append((0, 0.0))
    if writer is not None:
        writer.close()


async def _run(
    host: str, port: int, requests: list[bytes], concurrency: int
) -> tuple[list[tuple[int, float]], float]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    results: list[tuple[int, float]] = []
    started = time.perf_counter()
    await asyncio.gather(*(_worker(host, port, queue, results) for _ in range(concurrency)))
    return results, time.perf_counter() - started


def build_request(host: str, port: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [
        "POST /api/webhooks/saleor HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def main() -> None:
    host, port, concurrency, source, target = sys.argv[1:6]
    with open(source, "rb") as handle:
        deliveries = pickle.load(handle)  # noqa: S301 - our own file
    requests = [build_request(host, int(port), h, b) for h, b in deliveries]
    results, wall = asyncio.run(_run(host, int(port), requests, int(concurrency)))
    statuses: dict[str, int] = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    latencies = sorted(ms for status, ms in results if status == 200)
    with open(target, "w") as handle:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        json.dump(
            {
                "statuses": statuses,
                "latencies_ms": latencies,
                "wall_s": wall,
                "cpu_s": usage.ru_utime + usage.ru_stime,
            },
            handle,
        )


if __name__ == "__main__":
    main()
