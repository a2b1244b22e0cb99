"""A small HTTP/1.1 proxy on 127.0.0.1 that breaks requests on purpose.

It sits between the terminal's pusher and HQ, reads each request whole
(Content-Length bodies, which is what httpx sends), and applies the first queued
`Fault` whose path matches; requests without a fault pass through untouched.
Every request forwarded upstream carries `Connection: close`, so HQ's answer ends
where its connection does.

Faults:
    status      answer `status` itself; HQ never sees the request
    lose        forward, let HQ answer (and commit), then drop the answer: a lost ack
    cut         send half of the request body upstream, then close both sides
    delay       forward, then hold HQ's answer `delay` seconds (past the client's timeout)
    duplicate   send the request to HQ twice at once; the client gets the second answer
    kill        send the request upstream, then call `action` (e.g. kill HQ) and drop it
    hold        forward, keep HQ's answer until `release` is set (or `delay` passes);
                `arrived` is set once HQ has answered
    before      call `action`, then pass the request on untouched
    stall       keep the request, unsent, until `release` is set (or `delay` passes), then
                drop it; `arrived` is set when it came in

The proxy runs its own event loop in a thread; everything it starts stops in `stop()`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Fault:
    kind: str
    path: str = "/v1/batches"
    status: int = 500
    delay: float = 0.0
    times: int = 1
    min_body: int = 0  # only requests whose body is at least this long
    action: Callable[[], None] | None = None
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    used: int = 0


@dataclass
class Seen:
    method: str
    path: str
    body_size: int
    fault: str | None
    upstream_status: int | None = None


@dataclass
class _Request:
    method: str
    path: str
    head: bytes
    body: bytes


def _status_of(raw: bytes) -> int | None:
    try:
        return int(raw.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "connection":
            continue
        kept.append(line)
    kept.append("Connection: close")
    body = await reader.readexactly(length) if length else b""
    new_head = ("\r\n".join(kept) + "\r\n\r\n").encode("latin-1")
    return _Request(method, path.split("?", 1)[0], new_head, body)


async def _read_response(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = None
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length is not None else await reader.read()
    return head + body


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        ).result(5)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        for fault in self.faults:
            fault.release.set()

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.sleep(0)

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        self._loop.close()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            for fault in self.faults:
                fault.release.set()
            self.faults.clear()

    def count(self, path: str = "/v1/batches") -> int:
        with self._lock:
            return sum(1 for s in self.seen if s.path == path)

    def _take(self, req: _Request) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if (
                    fault.path == req.path
                    and fault.used < fault.times
                    and len(req.body) >= fault.min_body
                ):
                    fault.used += 1
                    return fault
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            while True:
                req = await _read_request(reader)
                if req is None:
                    break
                fault = self._take(req)
                record = Seen(req.method, req.path, len(req.body), fault.kind if fault else None)
                with self._lock:
                    self.seen.append(record)
                if not await self._serve(req, fault, writer, record):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _forward(self, req: _Request) -> bytes:
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        try:
            up_writer.write(req.head + req.body)
            await up_writer.drain()
            return await _read_response(up_reader)
        finally:
            up_writer.close()

    async def _forward_or_502(self, req: _Request) -> bytes:
        try:
            return await self._forward(req)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            return _synthetic(502)

    async def _serve(
        self, req: _Request, fault: Fault | None, writer: asyncio.StreamWriter, record: Seen
    ) -> bool:
        kind = fault.kind if fault else None
        if kind is None:
            answer = await self._forward_or_502(req)
            record.upstream_status = _status_of(answer)
            writer.write(answer)
            await writer.drain()
            return True
        assert fault is not None
        if kind == "status":
            writer.write(_synthetic(fault.status))
            await writer.drain()
            return False
        if kind == "lose":
            answer = await self._forward_or_502(req)
            record.upstream_status = _status_of(answer)
            fault.arrived.set()
            return False
        if kind == "cut":
            try:
                _, up_writer = await asyncio.open_connection(*self.upstream)
                up_writer.write(req.head + req.body[: len(req.body) // 2])
                await up_writer.drain()
                await asyncio.sleep(0.05)
                up_writer.close()
            except OSError:
                pass
            return False
        if kind == "delay":
            answer = await self._forward_or_502(req)
            record.upstream_status = _status_of(answer)
            await asyncio.sleep(fault.delay)
            writer.write(answer)
            await writer.drain()
            return False
        if kind == "duplicate":
            first, second = await asyncio.gather(
                self._forward_or_502(req), self._forward_or_502(req)
            )
            record.upstream_status = _status_of(second)
            writer.write(second)
            await writer.drain()
            return True
        if kind == "kill":
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.upstream)
                up_writer.write(req.head + req.body)
                await up_writer.drain()
            except OSError:
                pass
            if fault.action is not None:
                await asyncio.get_running_loop().run_in_executor(None, fault.action)
            fault.arrived.set()
            return False
        if kind == "hold":
            answer = await self._forward_or_502(req)
            record.upstream_status = _status_of(answer)
            fault.arrived.set()
            deadline = fault.delay or 30.0
            await asyncio.get_running_loop().run_in_executor(None, fault.release.wait, deadline)
            writer.write(answer)
            await writer.drain()
            return False
        if kind == "before":
            await asyncio.get_running_loop().run_in_executor(None, fault.action)
            answer = await self._forward_or_502(req)
            record.upstream_status = _status_of(answer)
            writer.write(answer)
            await writer.drain()
            return True
        if kind == "stall":
            fault.arrived.set()
            await asyncio.get_running_loop().run_in_executor(
                None, fault.release.wait, fault.delay or 30.0
            )
            return False
        raise ValueError(f"unknown fault {kind}")


def _synthetic(status: int) -> bytes:
    body = b'{"error":"injected"}'
    return (
        f"HTTP/1.1 {status} Injected\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body
