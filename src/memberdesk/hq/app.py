"""HQ's HTTP API (Starlette, served by uvicorn).

    GET  /health                                  liveness and a database ping
    POST /v1/handshake                            protocol, server time, last sequence, limits
    POST /v1/batches                              gzip JSON batch → processed-through + rejections
    GET  /v1/stores/{store}/totals?day=&terminal= a store's (or one terminal's) business day
    GET  /v1/stores/{store}/members/{member_id}   a member's balances from the ledgers HQ holds

Every /v1 call carries a terminal's bearer token; a terminal speaks only for its
own store. Bodies are capped before and after decompression, so a large or
"zip bomb" body is refused (413) without being held in memory.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.sync.transport import DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, PROTOCOL_MAX, PROTOCOL_MIN
from .apply import Batch, BatchInvalid, Context, apply_batch, parse_batch
from .provision import Caller, authenticate
from .totals import day_totals, member_balance

log = logging.getLogger("memberdesk.hq")
SMALL_BODY = 64 * 1024
DRAIN_FACTOR = 4  # read (and drop) an oversized body up to this multiple before answering 413


@dataclass(frozen=True)
class Limits:
    max_events: int = DEFAULT_MAX_EVENTS
    max_bytes: int = DEFAULT_MAX_BYTES  # one batch's JSON, after decompression
    max_body: int = DEFAULT_MAX_BYTES  # the request body as sent (gzip)


def _error(status: int, code: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, **extra}, status_code=status, headers=headers)


class _TooLarge(Exception):
    pass


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit * DRAIN_FACTOR:
                raise _TooLarge
        except ValueError:
            raise _TooLarge from None
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            parts.append(chunk)
        elif size > limit * DRAIN_FACTOR:
            break
    if size > limit:
        raise _TooLarge
    return b"".join(parts)


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(raw, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise _TooLarge
    if not inflater.eof or inflater.unused_data:
        raise zlib.error("truncated or trailing data")
    return out


def create_app(
    engine: Engine,
    *,
    limits: Limits | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Starlette:
    limits = limits or Limits()
    now = clock or (lambda: datetime.now(UTC))

    async def caller_of(request: Request) -> Caller | None:
        return await run_in_threadpool(authenticate, engine, _bearer(request))

    async def health(request: Request) -> Response:
        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        try:
            await run_in_threadpool(ping)
        except SQLAlchemyError:
            log.exception("health: database unreachable")
            return _error(503, "database_unavailable")
        return JSONResponse(
            {"status": "ok", "server_time": now().isoformat(), "protocol_min": PROTOCOL_MIN,
             "protocol_max": PROTOCOL_MAX}
        )  # fmt: skip

    async def handshake(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        try:
            hello = json.loads(await _read_body(request, SMALL_BODY))
        except _TooLarge:
            return _error(413, "too_large")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "bad_json")
        except ClientDisconnect:
            return Response(status_code=400)
        if not isinstance(hello, dict):
            return _error(400, "bad_json")
        if hello.get("terminal_id") != caller.terminal_id:
            return _error(403, "wrong_terminal")
        if hello.get("store_code") != caller.store_code:
            return _error(403, "wrong_store", store_code=caller.store_code)
        low, high = hello.get("protocol_min", 1), hello.get("protocol_max", 1)
        if (
            not isinstance(low, int)
            or not isinstance(high, int)
            or high < PROTOCOL_MIN
            or low > PROTOCOL_MAX
        ):
            return _error(426, "protocol", protocol_min=PROTOCOL_MIN, protocol_max=PROTOCOL_MAX)
        return JSONResponse(
            {
                "protocol": min(high, PROTOCOL_MAX), "server_time": now().isoformat(),
                "terminal_id": caller.terminal_id, "store_code": caller.store_code,
                "last_seq": caller.last_seq, "last_event_id": caller.last_event_id,
                "max_events": limits.max_events, "max_bytes": limits.max_bytes,
            }
        )  # fmt: skip

    async def batch(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        encoding = request.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("gzip", "", "identity"):
            return _error(415, "unsupported_encoding")

        def decode(raw: bytes) -> tuple[dict[str, Any], Batch]:
            if encoding == "gzip":
                data = _gunzip(raw, limits.max_bytes)
            elif len(raw) > limits.max_bytes:
                raise _TooLarge
            else:
                data = raw
            body = json.loads(data)
            return body, parse_batch(body, limits.max_events)

        try:
            raw = await _read_body(request, limits.max_body)
            # Inflating and parsing a large batch takes a while: not on the event loop.
            body, parsed = await run_in_threadpool(decode, raw)
        except _TooLarge:
            return _error(
                413, "too_large", max_bytes=limits.max_bytes, max_events=limits.max_events
            )
        except ClientDisconnect:
            return Response(status_code=400)
        except zlib.error:
            return _error(400, "bad_gzip")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "bad_json")
        except BatchInvalid as exc:
            if exc.code == "too_many_events":
                return _error(413, "too_many_events", max_events=limits.max_events)
            return _error(400, exc.code, detail=exc.detail)
        if parsed.terminal_id != caller.terminal_id:
            return _error(403, "wrong_terminal")
        if parsed.store_code != caller.store_code:
            return _error(403, "wrong_store", store_code=caller.store_code)
        protocol = body.get("protocol", PROTOCOL_MIN)
        if not isinstance(protocol, int) or not PROTOCOL_MIN <= protocol <= PROTOCOL_MAX:
            return _error(426, "protocol", protocol_min=PROTOCOL_MIN, protocol_max=PROTOCOL_MAX)
        ctx = Context(caller.terminal_id, caller.store_code, caller.timezone)
        try:
            outcome = await run_in_threadpool(apply_batch, engine, ctx, parsed, now())
        except SQLAlchemyError:
            log.exception("batch %s of terminal %s failed", parsed.batch_id, caller.terminal_id)
            return _error(503, "unavailable")
        return JSONResponse(outcome.answer, status_code=outcome.status)

    async def totals(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        store = request.path_params["store"]
        if store != caller.store_code:
            return _error(403, "wrong_store", store_code=caller.store_code)
        try:
            day = date.fromisoformat(request.query_params.get("day", ""))
        except ValueError:
            return _error(400, "bad_day")
        terminal = request.query_params.get("terminal") or None

        def read() -> dict[str, Any]:
            with engine.connect() as conn:
                return day_totals(conn, store, day, terminal).to_json()

        return JSONResponse(await run_in_threadpool(read))

    async def member(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        if request.path_params["store"] != caller.store_code:
            return _error(403, "wrong_store", store_code=caller.store_code)

        def read() -> dict[str, Any]:
            with engine.connect() as conn:
                return member_balance(conn, request.path_params["member_id"]).__dict__

        found = await run_in_threadpool(read)
        if found["known"] and found["store_code"] != caller.store_code:
            return _error(403, "wrong_store", store_code=caller.store_code)
        return JSONResponse(found)

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/v1/handshake", handshake, methods=["POST"]),
            Route("/v1/batches", batch, methods=["POST"]),
            Route("/v1/stores/{store}/totals", totals, methods=["GET"]),
            Route("/v1/stores/{store}/members/{member_id}", member, methods=["GET"]),
        ]
    )
