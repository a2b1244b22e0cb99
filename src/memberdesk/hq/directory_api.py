"""HQ's member directory over HTTP (see hq/directory.py and docs/sync-protocol.md).

    GET /v1/directory?after=CURSOR&limit=N   members changed after the cursor, a page
    POST /v1/directory/find {"card": N} | {"phone": P}   one member, for a till that has not
                                              pulled them yet (GET ?card=N | ?phone=P from older
                                              tills: a query string lands in access logs)

A terminal sees its own store's members, and every store's when membership is
chain-wide; the balances leave out the asking terminal's own entries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.members.card_numbers import CARD_PATTERN
from .directory import MAX_PAGE, Cursor, directory_page, find_member, parse_spans
from .provision import Caller

DEFAULT_PAGE = 1000


def _error(status: int, code: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code}, status_code=status, headers=headers)


def directory_routes(
    engine: Engine,
    caller_of: Callable[[Request], Awaitable[Caller | None]],
    small_json: Callable[[Request], Awaitable[Any]],
) -> list[Route]:
    """`small_json` reads a small JSON body, or answers the Response that refuses it."""

    async def page(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        cursor = Cursor.parse(request.query_params.get("after", ""))
        if cursor is None:
            return _error(400, "bad_cursor")
        try:
            limit = int(request.query_params.get("limit", DEFAULT_PAGE))
        except ValueError:
            return _error(400, "bad_limit")
        if not 0 < limit <= MAX_PAGE:
            return _error(400, "bad_limit")
        own = parse_spans(request.query_params.get("own", ""))
        if own is None:
            return _error(400, "bad_own")

        def read() -> dict[str, Any]:
            with engine.connect() as conn:
                return directory_page(conn, caller.terminal_id, caller.store_code, cursor, limit,
                                      own)  # fmt: skip

        return JSONResponse(await run_in_threadpool(read))

    async def find(request: Request) -> Response:
        caller = await caller_of(request)
        if caller is None:
            return _error(401, "unauthorized")
        asked: Any = request.query_params
        if request.method == "POST":  # the phone in the body, out of every access log
            asked = await small_json(request)
            if isinstance(asked, Response):
                return asked
            if not isinstance(asked, dict):
                return _error(400, "card_or_phone")
        card, phone = asked.get("card") or "", asked.get("phone") or ""
        if not isinstance(card, str) or not isinstance(phone, str):
            return _error(400, "card_or_phone")
        card = card.strip().upper() or None
        phone = phone.strip() or None
        if card is not None and not CARD_PATTERN.match(card):
            return _error(400, "bad_card")
        if phone is not None and not (phone.isdigit() and len(phone) == 11):
            return _error(400, "bad_phone")
        if (card is None) == (phone is None):
            return _error(400, "card_or_phone")
        own = (
            parse_spans(asked.get("own") or "") if isinstance(asked.get("own") or "", str) else None
        )
        if own is None:
            return _error(400, "bad_own")

        def read() -> dict[str, Any] | None:
            with engine.connect() as conn:
                return find_member(conn, caller.terminal_id, caller.store_code, card=card,
                                   phone=phone, own=own)  # fmt: skip

        found = await run_in_threadpool(read)
        if found is None:
            return _error(404, "not_found")
        return JSONResponse(found)

    return [
        Route("/v1/directory", page, methods=["GET"]),
        Route("/v1/directory/find", find, methods=["GET", "POST"]),
    ]
