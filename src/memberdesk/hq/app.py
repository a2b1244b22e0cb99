"""HQ's HTTP API (Starlette, served by uvicorn).

    GET  /health                                  liveness and a database ping
    POST /v1/handshake                            identity, protocol, server time, last sequence, limits
    POST /v1/batches                              gzip JSON batch → processed-through + rejections
    GET  /v1/stores/{store}/totals?day=&terminal= a store's (or one terminal's) business day
    GET  /v1/stores/{store}/members/{member_id}   a member's balances from the ledgers HQ holds
    GET  /v1/cards/{card_no}                      whether a card number is in use in the chain
    GET  /v1/coupons/{serial}                     a coupon's uses no refund gave back
    GET  /v1/directory, POST /v1/directory/find   the chain's member directory (hq/directory_api.py)

Every /v1 call carries a terminal's bearer token; a terminal speaks only for its
own store. Bodies are capped before and after decompression, so a large or
"zip bomb" body is refused (413) without being held in memory; JSON nested deeper
than 32 levels is refused (400 too_deep) before anything walks it; a body not
received in full within `body_timeout` seconds is 408 (a slow sender holds no
worker for ever). How many connections HQ holds at once is uvicorn's
`limit_concurrency` (see `memberdesk-hq serve`). When the database cannot be
reached (PostgreSQL stopped or restarting, no pooled connection free in time),
every call is answered 503, which a till retries later.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.sync.transport import DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, PROTOCOL_MAX, PROTOCOL_MIN
from .apply import CLOCK_TOLERANCE_S, Batch, BatchInvalid, Context, apply_batch, parse_batch
from .coupons import CouponUse, coupon_key, coupon_uses
from .directory_api import directory_routes
from .models import cards
from .projections import MAX_ID
from .provision import Caller, hash_token, record_hello
from .tokens import DEFAULT_TTL, TokenCache
from .totals import day_totals, member_balance

log = logging.getLogger("memberdesk.hq")
SMALL_BODY = 64 * 1024
DRAIN_FACTOR = 4  # read (and drop) an oversized body up to this multiple before answering 413
MAX_DEPTH = 32  # JSON nesting: a batch needs 4 levels and a payload a few more
MAX_OFFSET = 2**31 - 1  # seconds: what hq_terminals.clock_offset_s (an INTEGER) holds


@dataclass(frozen=True)
class Limits:
    max_events: int = DEFAULT_MAX_EVENTS
    max_bytes: int = DEFAULT_MAX_BYTES  # one batch's JSON, after decompression
    max_body: int = DEFAULT_MAX_BYTES  # the request body as sent (gzip)
    body_timeout: float = 30.0  # seconds to receive a whole body


def _error(
    status: int, code: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"error": code, **extra}, status_code=status, headers=headers)


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    pass


class _TooSlow(Exception):
    pass


def _sound_id(value: str) -> bool:
    """An id as HQ keeps them (1–64 characters, no NUL, which no database takes in a query)."""
    return 0 < len(value) <= MAX_ID and "\x00" not in value


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _read_body(request: Request, limit: int, timeout: float) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit * DRAIN_FACTOR:
                raise _TooLarge
        except ValueError:
            raise _TooLarge from None
    parts, size = [], 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size <= limit:
                    parts.append(chunk)
                elif size > limit * DRAIN_FACTOR:
                    break
    except TimeoutError:
        raise _TooSlow from None
    if size > limit:
        raise _TooLarge
    return b"".join(parts)


def _nested_deeper(value: Any, room: int = MAX_DEPTH) -> bool:
    """Whether JSON `value` nests deeper than `room` levels (stops at the first that does)."""
    if room <= 0:
        return True
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if (kind is dict or kind is list) and _nested_deeper(item, room - 1):
            return True
    return False


def _load_json(data: bytes) -> Any:
    """Parse JSON, refusing nesting beyond MAX_DEPTH (deep enough ones would blow the stack)."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise _TooDeep from None
    if type(value) in (dict, list) and _nested_deeper(value):
        raise _TooDeep
    return value


def _client_offset(hello: dict[str, Any], now: datetime) -> int | None:
    """HQ's time minus the till's (seconds), from the handshake's client_time."""
    value = hello.get("client_time")
    if not isinstance(value, str):
        return None
    try:
        client = datetime.fromisoformat(value)
    except ValueError:
        return None
    if client.tzinfo is None:
        client = client.replace(tzinfo=UTC)
    try:
        offset = round((now - client).total_seconds())
    except OverflowError:
        return None
    # A clock decades off (a flat RTC battery, a mistyped year) is kept at the column's limit.
    return max(-MAX_OFFSET, min(MAX_OFFSET, offset))


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
    token_ttl: float = DEFAULT_TTL,
) -> Starlette:
    """HQ's app over `engine`; a token's terminal is remembered for `token_ttl` seconds
    (hq/tokens.py: a batch still checks revocation at once, under the terminal's lock)."""
    limits = limits or Limits()
    now = clock or (lambda: datetime.now(UTC))
    tokens = TokenCache(engine, token_ttl)

    async def caller_of(request: Request, *, batch: bool = False) -> Caller | None:
        token = _bearer(request)
        known = tokens.known(token, batch=batch)  # no thread for what the worker remembers
        return known if known is not None else await run_in_threadpool(tokens.fresh, token)

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
        caller = await run_in_threadpool(tokens.fresh, _bearer(request))
        if caller is None:
            return _error(401, "unauthorized")
        hello = await small_json(request)
        if isinstance(hello, Response):
            return hello
        if not isinstance(hello, dict):
            return _error(400, "bad_json")
        if hello.get("terminal_id") != caller.terminal_id:
            return _error(403, "wrong_terminal")
        claimed = hello.get("store_code")
        if claimed and claimed != caller.store_code:  # none claimed: the till is adopting HQ's
            return _error(403, "wrong_store", store_code=caller.store_code)
        low, high = hello.get("protocol_min", 1), hello.get("protocol_max", 1)
        if (
            type(low) is not int  # bool is an int too, and no version
            or type(high) is not int
            or high < PROTOCOL_MIN
            or low > PROTOCOL_MAX
        ):
            return _error(426, "protocol", protocol_min=PROTOCOL_MIN, protocol_max=PROTOCOL_MAX)
        server_time = now()
        offset = _client_offset(hello, server_time)
        # The till's own time, as its records carry it (naive UTC).
        till_time = (server_time - timedelta(seconds=offset or 0)).replace(tzinfo=None)
        await run_in_threadpool(record_hello, engine, caller.terminal_id, offset, till_time)
        answer = {
            "protocol": min(high, PROTOCOL_MAX), "server_time": server_time.isoformat(),
            "terminal_id": caller.terminal_id, "store_code": caller.store_code,
            "store_name": caller.store_name, "terminal_code": caller.code,
            "card_prefix": caller.card_prefix, "epoch": caller.epoch,
            "last_seq": caller.last_seq, "last_event_id": caller.last_event_id,
            "max_events": limits.max_events, "max_bytes": limits.max_bytes,
            "clock_tolerance_s": CLOCK_TOLERANCE_S, "status": "ok",
            "coupon_key": await run_in_threadpool(coupon_key, engine, server_time.replace(tzinfo=None)),
        }  # fmt: skip
        if caller.diverged_seq is not None:
            answer.update(status="diverged", diverged_seq=caller.diverged_seq)
        return JSONResponse(answer)

    async def batch(request: Request) -> Response:
        caller = await caller_of(request, batch=True)
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
            body = _load_json(data)
            return body, parse_batch(body, limits.max_events)

        def take(raw: bytes) -> Response:
            """Inflate, parse, check and apply, in one trip to a worker thread (a large
            batch takes a while: not on the event loop)."""
            try:
                body, parsed = decode(raw)
            except _TooLarge:
                return _error(
                    413, "too_large", max_bytes=limits.max_bytes, max_events=limits.max_events
                )
            except _TooDeep:
                return _error(400, "too_deep", max_depth=MAX_DEPTH)
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
            if type(protocol) is not int or not PROTOCOL_MIN <= protocol <= PROTOCOL_MAX:
                return _error(426, "protocol", protocol_min=PROTOCOL_MIN, protocol_max=PROTOCOL_MAX)
            ctx = Context(caller.terminal_id, caller.store_code, caller.timezone)
            try:
                outcome = _apply(ctx, parsed, hash_token(token))
            except SQLAlchemyError:
                log.exception("batch %s of terminal %s failed", parsed.batch_id, caller.terminal_id)
                return _error(503, "unavailable")
            return JSONResponse(outcome.answer, status_code=outcome.status)

        token = _bearer(request) or ""
        try:
            raw = await _read_body(request, limits.max_body, limits.body_timeout)
        except _TooLarge:
            return _error(
                413, "too_large", max_bytes=limits.max_bytes, max_events=limits.max_events
            )
        except _TooSlow:
            return _error(408, "too_slow", headers={"Connection": "close"})
        except ClientDisconnect:
            return Response(status_code=400)
        return await run_in_threadpool(take, raw)

    def _apply(ctx: Context, parsed: Batch, token: str):
        """Apply a batch; once more if another terminal's batch committed the same id first
        (two copied tills at once): the second attempt sees it and rejects the event."""
        try:
            return apply_batch(engine, ctx, parsed, now(), token_hash=token)
        except IntegrityError:
            log.warning("batch %s raced another terminal's; applying it again", parsed.batch_id)
            return apply_batch(engine, ctx, parsed, now(), token_hash=token)

    async def card(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        number = request.path_params["card_no"].strip().upper()
        if not 0 < len(number) <= 40 or not number.isalnum():
            return _error(400, "bad_card")

        def read() -> str | None:
            with engine.connect() as conn:
                return conn.scalar(select(cards.c.store_code).where(cards.c.card_no == number))

        owner = await run_in_threadpool(read)
        return JSONResponse({"card_no": number, "known": owner is not None, "store_code": owner})

    async def coupon(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        serial = request.path_params["serial"].strip().upper()
        if not 0 < len(serial) <= 24 or not serial.replace("-", "").isalnum():
            return _error(400, "bad_coupon")

        def read() -> list[CouponUse]:
            with engine.connect() as conn:
                return coupon_uses(conn, serial)

        uses = await run_in_threadpool(read)
        return JSONResponse({"id": serial, "used": len(uses), "uses": [
            {"store_code": u.store_code, "terminal_id": u.terminal_id, "sale_id": u.sale_id,
             "business_date": u.business_date.isoformat()} for u in uses]})  # fmt: skip

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
        if terminal is not None and not _sound_id(terminal):
            return _error(400, "bad_terminal")

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
        member_id = request.path_params["member_id"]
        if not _sound_id(member_id):
            return _error(400, "bad_member")

        def read() -> dict[str, Any]:
            with engine.connect() as conn:
                return member_balance(conn, member_id).__dict__

        found = await run_in_threadpool(read)
        if found["known"] and found["store_code"] != caller.store_code:
            return _error(403, "wrong_store", store_code=caller.store_code)
        return JSONResponse(found)

    async def small_json(request: Request) -> Any:
        """A small JSON body (a lookup's), or the Response that refuses it."""
        try:
            return _load_json(await _read_body(request, SMALL_BODY, limits.body_timeout))
        except _TooLarge:
            return _error(413, "too_large")
        except _TooSlow:
            return _error(408, "too_slow", headers={"Connection": "close"})
        except _TooDeep:
            return _error(400, "too_deep", max_depth=MAX_DEPTH)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "bad_json")
        except ClientDisconnect:
            return Response(status_code=400)

    async def database_unavailable(request: Request, exc: Exception) -> Response:
        # Any call that reaches the database (a token's lookup, a read) while PostgreSQL is
        # stopped or restarting, or when no pooled connection came free in time: the till
        # retries a 503 later. One line in the log, not a traceback per request.
        log.warning("%s %s: database unavailable (%s)", request.method, request.url.path,
                    type(getattr(exc, "orig", None) or exc).__name__)  # fmt: skip
        return _error(503, "unavailable")

    return Starlette(
        exception_handlers={SQLAlchemyError: database_unavailable},
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/v1/handshake", handshake, methods=["POST"]),
            Route("/v1/batches", batch, methods=["POST"]),
            Route("/v1/stores/{store}/totals", totals, methods=["GET"]),
            Route("/v1/stores/{store}/members/{member_id}", member, methods=["GET"]),
            Route("/v1/cards/{card_no}", card, methods=["GET"]),
            Route("/v1/coupons/{serial}", coupon, methods=["GET"]),
            *directory_routes(engine, caller_of, small_json),
        ],
    )
