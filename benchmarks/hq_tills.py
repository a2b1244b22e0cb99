"""The simulated tills of `benchmarks.hq_load`, in a process of their own.

A thousand tills are a thousand coroutines sharing a few keep-alive HTTP/1.1
connections (as behind a reverse proxy's upstream pool). Each request is written as
bytes — the pusher's gzip batch, the till's own bearer token — and its answer read
by status line, headers and Content-Length: a general HTTP client (httpx) spends
about 6 ms of CPU a request, which on a shared 2-core machine would be measured as
HQ's slowness. The real pusher (core/sync) keeps its client; what HQ receives is
the same. The tills run in their own process so that their CPU is counted apart
from HQ's and the parent's.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

REQUEST_TIMEOUT = 30.0  # the pusher's
KEEP_ALIVE = 4.0  # seconds a connection may idle: HQ closes one after 5 (serve --keep-alive)


@dataclass
class Till:
    terminal_id: str
    store_code: str
    token: str
    bodies: list[tuple[int, bytes]] = field(default_factory=list)  # (events, gzip body)
    sent: int = 0  # events in batches HQ answered 200 for


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    resent: int = 0
    late: list[float] = field(default_factory=list)  # how far behind its schedule a send started
    unfinished: int = 0  # batches never answered before the time limit
    refused: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    cpu: float = 0.0  # this process's CPU seconds over the load
    sent: list[int] = field(default_factory=list)  # per till, in the order given


class Upstream:
    """`size` keep-alive connections to HQ, each used by one request at a time."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.idle: asyncio.Queue[tuple | None] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)  # opened when first needed

    async def post(self, path: str, headers: bytes, body: bytes) -> int:
        """POST `body`; HQ's status code (an exception when no answer came). A connection
        idle for longer than HQ keeps one open is opened anew; one HQ closed meanwhile is
        retried once on a new one, as an HTTP client's pool does."""
        request = (b"POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Length: %d\r\n\r\n"
                   % (path.encode(), self.host.encode(), headers, len(body)) + body)  # fmt: skip
        conn = await self.idle.get()
        try:
            if conn is not None and time.monotonic() - conn[2] > KEEP_ALIVE:
                conn[1].close()
                conn = None
            reused = conn is not None
            if conn is None:
                conn = (*await asyncio.open_connection(self.host, self.port), 0.0)
            try:
                status, close = await self._exchange(conn, request)
            except (OSError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                conn[1].close()
                conn = (*await asyncio.open_connection(self.host, self.port), 0.0)
                status, close = await self._exchange(conn, request)
            if close:
                conn[1].close()
                conn = None
            else:
                conn = (conn[0], conn[1], time.monotonic())
            return status
        except BaseException:
            if conn is not None:
                conn[1].close()
            conn = None
            raise
        finally:
            self.idle.put_nowait(conn)

    @staticmethod
    async def _exchange(conn: tuple, request: bytes) -> tuple[int, bool]:
        reader, writer = conn[0], conn[1]
        writer.write(request)
        async with asyncio.timeout(REQUEST_TIMEOUT):
            status = int((await reader.readuntil(b"\r\n")).split(b" ", 2)[1])
            length, close = 0, False
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
        return status, close


async def send(up: Upstream, till: Till, body: bytes, load: Load, deadline: float,
               rng: random.Random) -> bool:  # fmt: skip
    """One batch until HQ answers it (the same body again after a 503 or no answer)."""
    headers = (f"Authorization: Bearer {till.token}\r\nContent-Type: application/json\r\n"
               "Content-Encoding: gzip\r\n").encode()  # fmt: skip
    started = time.perf_counter()
    while time.monotonic() < deadline:
        load.requests += 1
        try:
            status: int | None = await up.post("/v1/batches", headers, body)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = None
        if status == 200:
            load.latencies.append(time.perf_counter() - started)
            return True
        if status is not None and status < 500:
            load.refused[status] = load.refused.get(status, 0) + 1
            return False
        load.retries += 1
        await asyncio.sleep(rng.uniform(0.1, 1.0))
    load.unfinished += 1
    return False


async def till_live(up: Upstream, till: Till, load: Load, start: float, every: float,
                    deadline: float, rng: random.Random) -> None:  # fmt: skip
    offset = rng.uniform(0, every)
    for n, (count, body) in enumerate(till.bodies):
        due = start + offset + n * every
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        else:
            load.late.append(-wait)
        if not await send(up, till, body, load, deadline, rng):
            return
        till.sent += count
        if rng.random() < 0.01:  # the answer was lost: the till sends the same batch again
            load.resent += 1
            await send(up, till, body, load, deadline, rng)


async def till_catchup(up: Upstream, till: Till, load: Load, deadline: float,
                       rng: random.Random) -> None:  # fmt: skip
    for count, body in till.bodies:
        if not await send(up, till, body, load, deadline, rng):
            return
        till.sent += count
        if rng.random() < 0.01:
            load.resent += 1
            await send(up, till, body, load, deadline, rng)


async def _run(port: int, tills: list[Till], shape: str, every: float, limit: float,
               connections: int, seed: int) -> Load:  # fmt: skip
    load = Load()
    rng = random.Random(seed)
    up = Upstream("127.0.0.1", port, connections)
    cpu0, start = time.process_time(), time.monotonic()
    deadline = start + limit
    if shape == "live":
        jobs = [till_live(up, t, load, start, every, deadline, rng) for t in tills]
    else:
        jobs = [till_catchup(up, t, load, deadline, rng) for t in tills]
    t0 = time.perf_counter()
    await asyncio.gather(*jobs)
    load.elapsed = time.perf_counter() - t0
    load.cpu = time.process_time() - cpu0
    load.sent = [t.sent for t in tills]
    while not up.idle.empty():
        conn = up.idle.get_nowait()
        if conn is not None:
            conn[1].close()
    return load


def run_tills(port: int, tills: list[Till], shape: str, every: float, limit: float,
              connections: int, seed: int) -> Load:  # fmt: skip
    """The whole load, in this (child) process, on uvloop."""
    import uvloop

    return uvloop.run(_run(port, tills, shape, every, limit, connections, seed))
